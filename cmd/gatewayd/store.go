package main

import (
	"context"
	"fmt"
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/authcore/postgres"
	"github.com/authgate/gatewayd/authcore/sqlite"
	"github.com/authgate/gatewayd/config"
	"github.com/authgate/gatewayd/migrations"
)

// store is what cmd needs from either backend: the domain Store plus schema
// management for `migrate` and startup.
type store interface {
	authcore.Store
	MigrateUp(ctx context.Context) error
	MigrateDown(ctx context.Context) error
	MigrationStatus(ctx context.Context) ([]migrations.MigrationStatus, error)
	CheckSchema(ctx context.Context) error
}

// openStore picks the backend from database.url: postgres:// or
// postgresql:// selects Postgres, sqlite:<path> the embedded default.
func openStore(ctx context.Context, cfg *config.Config) (store, error) {
	// Bound connection attempts so a dead database fails start-up with a
	// clear message instead of hanging the process.
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	switch cfg.DatabaseKind() {
	case config.DatabasePostgres:
		s, err := postgres.Open(ctx, cfg.Database.URL.Reveal(), postgres.Options{MaxConns: int32(cfg.Database.MaxConns)})
		if err != nil {
			return nil, err
		}
		return s, nil
	case config.DatabaseSQLite:
		s, err := sqlite.Open(ctx, cfg.SQLitePath(), sqlite.Options{})
		if err != nil {
			return nil, err
		}
		return s, nil
	default:
		// Validate already rejects this; kept so a new kind cannot slip by.
		return nil, fmt.Errorf("database.url: unsupported database kind %q", cfg.DatabaseKind())
	}
}

// prepareSchema applies pending migrations when migrate_on_startup is set,
// and otherwise refuses to run against an outdated schema.
func prepareSchema(ctx context.Context, s store, migrate bool) error {
	if migrate {
		if err := s.MigrateUp(ctx); err != nil {
			return fmt.Errorf("migrate on startup: %w", err)
		}
		return nil
	}
	return s.CheckSchema(ctx)
}
