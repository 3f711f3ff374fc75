// Package postgres is the production authcore.Store: plain SQL over a pgx
// connection pool, for deployments that run several gateway replicas
// against one database.
//
// It is the only package (apart from its test helper pgtest) that imports
// pgx, so driver types and error codes never leak into the domain: every
// database outcome that matters to authcore is turned into one of its
// sentinel errors in errors.go. Values reach SQL only as $n parameters.
//
// One file per table (users.go, refresh_tokens.go) holds that table's
// queries; store.go opens and closes the pool and migrate.go runs the
// embedded schema from package migrations.
package postgres
