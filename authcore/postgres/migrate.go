package postgres

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/authgate/gatewayd/migrations"
)

// MigrateUp applies every pending migration. Replicas may call it at the
// same time on startup: package migrations serializes them with an advisory
// lock, so each migration runs once and the others wait, then find nothing
// to do.
func (s *Store) MigrateUp(ctx context.Context) error {
	return s.withDB(func(db *sql.DB) error { return migrations.Up(ctx, db, migrations.Postgres) })
}

// MigrateDown rolls back the most recent migration (one step).
func (s *Store) MigrateDown(ctx context.Context) error {
	return s.withDB(func(db *sql.DB) error { return migrations.Down(ctx, db, migrations.Postgres) })
}

// MigrationStatus lists each embedded migration and whether it is applied.
func (s *Store) MigrationStatus(ctx context.Context) ([]migrations.MigrationStatus, error) {
	var out []migrations.MigrationStatus
	err := s.withDB(func(db *sql.DB) (err error) {
		out, err = migrations.Status(ctx, db, migrations.Postgres)
		return err
	})
	return out, err
}

// PendingMigrations counts migrations not yet applied.
func (s *Store) PendingMigrations(ctx context.Context) (int, error) {
	var n int
	err := s.withDB(func(db *sql.DB) (err error) {
		n, err = migrations.Pending(ctx, db, migrations.Postgres)
		return err
	})
	return n, err
}

// CheckSchema returns an error wrapping migrations.ErrSchemaOutdated when
// migrations are pending, for startup with migrate_on_startup=false.
func (s *Store) CheckSchema(ctx context.Context) error {
	return s.withDB(func(db *sql.DB) error { return migrations.RequireCurrent(ctx, db, migrations.Postgres) })
}

// withDB lends fn a database/sql view of the pool (goose speaks
// database/sql). It is closed afterwards; closing it leaves the pool open,
// and it keeps no idle connections, so it never starves the Store.
func (s *Store) withDB(fn func(*sql.DB) error) error {
	db := stdlib.OpenDBFromPool(s.pool)
	defer db.Close()
	return fn(db)
}
