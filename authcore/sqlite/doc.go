// Package sqlite is the embedded default authcore.Store: users and refresh
// tokens in one SQLite file, through the pure-Go modernc.org/sqlite driver,
// so a single static binary (CGO_ENABLED=0) runs the gateway with no
// database server.
//
// It mirrors authcore/postgres file for file (store.go for Open, Close and
// Ping; migrate.go; errors.go; users.go; refresh_tokens.go), and both pass
// the one contract suite in authcore/storetest.
//
// # Concurrency
//
// A Store holds two connection pools on the same database:
//
//   - a write pool of exactly one connection, whose transactions start with
//     BEGIN IMMEDIATE (the driver's _txlock=immediate). SQLite allows one
//     writer at a time anyway; queueing writers in Go instead of in SQLite's
//     busy handler keeps them in order and cheap, and taking the write lock
//     at BEGIN means a read-then-write transaction never has to upgrade a
//     read lock, the step that fails with SQLITE_BUSY when two of them race.
//   - a read pool of several query_only connections. On a file the journal
//     is WAL, so readers run beside the writer and see committed data only.
//
// Every connection sets busy_timeout(5000), so another process on the same
// file (an admin subcommand run beside the server) waits for the lock
// instead of failing at once, and foreign_keys(ON), because SQLite enforces
// REFERENCES ... ON DELETE CASCADE only when asked to on each connection.
//
// Open(ctx, MemoryPath, ...) gives a private in-memory database shared by
// both pools through a uniquely named shared cache. One connection is held
// open for the Store's lifetime because SQLite frees an in-memory database
// when its last connection closes.
//
// # Storage format
//
// Times are INTEGER unix microseconds in UTC, the precision Postgres keeps,
// so both stores round-trip the same values. Roles are a JSON array in a
// TEXT column. The schema lives in migrations/sqlite and is applied with
// MigrateUp.
package sqlite
