// Package migrations owns the database schema of both stores and the one
// runner that applies it.
//
// The .sql files are embedded in the binary (go:embed cannot reach "../",
// so the files live next to this code), which means a deployed gatewayd
// always carries exactly the schema it was built for and `gatewayd migrate`
// needs no files on disk. This is the only package that imports goose: the
// stores hand it a *sql.DB and a Dialect and never see the library.
//
// On Postgres every migration run holds a session advisory lock, so several
// replicas starting together with migrate_on_startup apply each migration
// exactly once while the others wait.
package migrations
