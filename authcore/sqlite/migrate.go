package sqlite

import (
	"context"
	"fmt"

	"github.com/authgate/gatewayd/migrations"
)

// MigrateUp applies every pending embedded migration. It runs on the
// single write connection, so it cannot race this Store's own writes. Unlike
// Postgres there is no cross-process lock: a SQLite file has one gatewayd
// process, and `gatewayd migrate` should not run beside a migrating server.
func (s *Store) MigrateUp(ctx context.Context) error {
	if err := migrations.Up(ctx, s.write, migrations.SQLite); err != nil {
		return fmt.Errorf("sqlite: migrate up: %w", err)
	}
	return nil
}

// MigrateDown rolls back the most recent migration only (see
// migrations.Down); with none applied it wraps migrations.ErrNothingToRollBack.
func (s *Store) MigrateDown(ctx context.Context) error {
	if err := migrations.Down(ctx, s.write, migrations.SQLite); err != nil {
		return fmt.Errorf("sqlite: migrate down: %w", err)
	}
	return nil
}

// MigrationStatus lists every embedded migration and whether it is applied.
func (s *Store) MigrationStatus(ctx context.Context) ([]migrations.MigrationStatus, error) {
	st, err := migrations.Status(ctx, s.write, migrations.SQLite)
	if err != nil {
		return nil, fmt.Errorf("sqlite: migration status: %w", err)
	}
	return st, nil
}

// PendingMigrations counts embedded migrations not yet applied, so startup
// can refuse to serve on an outdated schema.
func (s *Store) PendingMigrations(ctx context.Context) (int, error) {
	n, err := migrations.Pending(ctx, s.write, migrations.SQLite)
	if err != nil {
		return 0, fmt.Errorf("sqlite: pending migrations: %w", err)
	}
	return n, nil
}

// CheckSchema returns an error wrapping migrations.ErrSchemaOutdated when
// migrations are pending, for startup with migrate_on_startup=false.
func (s *Store) CheckSchema(ctx context.Context) error {
	if err := migrations.RequireCurrent(ctx, s.write, migrations.SQLite); err != nil {
		return fmt.Errorf("sqlite: check schema: %w", err)
	}
	return nil
}
