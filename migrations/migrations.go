package migrations

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed postgres/*.sql sqlite/*.sql
var files embed.FS

// Dialect selects which embedded schema applies, because Postgres and
// SQLite need different DDL (uuid/text[]/timestamptz versus TEXT/JSON/INTEGER).
type Dialect string

// The supported dialects; each names a directory of .sql files.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// VersionTable records applied migrations. It is named for the gateway so it
// cannot collide with another tool's goose table in a shared database.
const VersionTable = "gateway_schema_migrations"

// migrationLockID is the Postgres advisory-lock key held while migrating:
// the ASCII bytes of "gatewaym" (0x67 61 74 65 77 61 79 6d). It differs from
// goose's default key so an unrelated goose user of the same database never
// blocks us, and from authcore/postgres's purge key ("gatewayp").
const migrationLockID int64 = 0x676174657761796d

// ErrSchemaOutdated means the database lacks migrations this binary needs.
// Serving against it would fail on the first query that touches a missing
// column, so startup refuses instead and says how to fix it.
var ErrSchemaOutdated = errors.New("database schema is outdated: run `gatewayd migrate up` (or set database.migrate_on_startup=true)")

// ErrNothingToRollBack is Down's answer when no migration is applied, so the
// CLI can say so instead of printing a library error.
var ErrNothingToRollBack = errors.New("no applied migration to roll back")

// MigrationStatus describes one embedded migration and whether the database
// has it. It is this package's own type so callers never import goose.
type MigrationStatus struct {
	Version   int64
	Name      string // file name, e.g. "00001_init.sql"
	Applied   bool
	AppliedAt time.Time // zero when not applied
}

// Up applies every pending migration. It is safe to call from several
// processes at once on Postgres (see migrationLockID) and a no-op when the
// schema is current.
func Up(ctx context.Context, db *sql.DB, d Dialect) error {
	p, err := newProvider(db, d)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrations: up (%s): %w", d, err)
	}
	return nil
}

// Down rolls back the most recent migration only: undoing a schema drops
// data, so each step must be asked for explicitly.
func Down(ctx context.Context, db *sql.DB, d Dialect) error {
	p, err := newProvider(db, d)
	if err != nil {
		return err
	}
	if _, err := p.Down(ctx); err != nil {
		if errors.Is(err, goose.ErrNoNextVersion) {
			return fmt.Errorf("migrations: down (%s): %w", d, ErrNothingToRollBack)
		}
		return fmt.Errorf("migrations: down (%s): %w", d, err)
	}
	return nil
}

// Status lists every embedded migration in version order with its state.
func Status(ctx context.Context, db *sql.DB, d Dialect) ([]MigrationStatus, error) {
	p, err := newProvider(db, d)
	if err != nil {
		return nil, err
	}
	list, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrations: status (%s): %w", d, err)
	}
	out := make([]MigrationStatus, 0, len(list))
	for _, s := range list {
		out = append(out, MigrationStatus{
			Version:   s.Source.Version,
			Name:      path.Base(s.Source.Path),
			Applied:   s.State == goose.StateApplied,
			AppliedAt: s.AppliedAt,
		})
	}
	return out, nil
}

// Pending counts the embedded migrations the database has not applied.
func Pending(ctx context.Context, db *sql.DB, d Dialect) (int, error) {
	list, err := Status(ctx, db, d)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range list {
		if !s.Applied {
			n++
		}
	}
	return n, nil
}

// RequireCurrent returns an error wrapping ErrSchemaOutdated when migrations
// are pending. Startup with migrate_on_startup=false calls it so an old
// schema is reported clearly before the server takes traffic.
func RequireCurrent(ctx context.Context, db *sql.DB, d Dialect) error {
	n, err := Pending(ctx, db, d)
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("migrations: %d pending (%s): %w", n, d, ErrSchemaOutdated)
	}
	return nil
}

// newProvider builds a goose provider for one call. Providers are cheap and
// hold no connection, so nothing outlives the call.
func newProvider(db *sql.DB, d Dialect) (*goose.Provider, error) {
	var (
		gd   goose.Dialect
		opts = []goose.ProviderOption{
			goose.WithTableName(VersionTable),
			// The global registry is package-level state shared with any
			// other goose user in the process; we only use embedded SQL.
			goose.WithDisableGlobalRegistry(true),
		}
	)
	switch d {
	case Postgres:
		gd = goose.DialectPostgres
		// A session advisory lock serializes concurrent runners (replicas
		// starting together). Retry every second for up to five minutes,
		// longer than any migration here should take.
		locker, err := lock.NewPostgresSessionLocker(
			lock.WithLockID(migrationLockID),
			lock.WithLockTimeout(1, 300),
			lock.WithUnlockTimeout(1, 60),
		)
		if err != nil {
			return nil, fmt.Errorf("migrations: session locker: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	case SQLite:
		// SQLite is single-node by design; its own write lock serializes
		// the migration transaction.
		gd = goose.DialectSQLite3
	default:
		return nil, fmt.Errorf("migrations: unknown dialect %q", d)
	}
	sub, err := fs.Sub(files, string(d))
	if err != nil {
		return nil, fmt.Errorf("migrations: open %s files: %w", d, err)
	}
	p, err := goose.NewProvider(gd, db, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations: new provider (%s): %w", d, err)
	}
	return p, nil
}
