package migrations_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/migrations"

	_ "modernc.org/sqlite" // registers the "sqlite" driver for these tests
)

// The Postgres dialect is exercised against a real server by
// authcore/postgres (the only package allowed to import pgx); here the
// runner itself is tested on SQLite, which needs no server.

func openSQLite(t *testing.T) *sql.DB {
	t.Helper()
	dsn := "file:" + filepath.Join(t.TempDir(), "m.db") + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func tableExists(t *testing.T, db *sql.DB, name string) bool {
	t.Helper()
	var n int
	err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, name).Scan(&n)
	if err != nil {
		t.Fatalf("query sqlite_master: %v", err)
	}
	return n == 1
}

func TestUpDownStatusOnSQLite(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t)

	n, err := migrations.Pending(ctx, db, migrations.SQLite)
	if err != nil {
		t.Fatalf("Pending before Up: %v", err)
	}
	if n == 0 {
		t.Fatalf("Pending before Up = 0, want > 0")
	}

	for i := range 2 { // the second Up must be a no-op
		if err := migrations.Up(ctx, db, migrations.SQLite); err != nil {
			t.Fatalf("Up #%d: %v", i+1, err)
		}
	}
	for _, table := range []string{"users", "refresh_tokens", migrations.VersionTable} {
		if !tableExists(t, db, table) {
			t.Errorf("after Up, table %q is missing", table)
		}
	}

	status, err := migrations.Status(ctx, db, migrations.SQLite)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	if len(status) == 0 || status[0].Version != 1 || status[0].Name != "00001_init.sql" {
		t.Fatalf("Status = %+v, want 00001_init.sql first", status)
	}
	for _, s := range status {
		if !s.Applied || s.AppliedAt.IsZero() {
			t.Errorf("after Up, %s: applied=%v at %v", s.Name, s.Applied, s.AppliedAt)
		}
	}
	if n, err := migrations.Pending(ctx, db, migrations.SQLite); err != nil || n != 0 {
		t.Fatalf("Pending after Up = %d, %v; want 0, nil", n, err)
	}

	for range status {
		if err := migrations.Down(ctx, db, migrations.SQLite); err != nil {
			t.Fatalf("Down: %v", err)
		}
	}
	if tableExists(t, db, "users") {
		t.Errorf("after rolling everything back, users still exists")
	}
	if err := migrations.Down(ctx, db, migrations.SQLite); !errors.Is(err, migrations.ErrNothingToRollBack) {
		t.Fatalf("Down with nothing applied = %v, want ErrNothingToRollBack", err)
	}
	if err := migrations.Up(ctx, db, migrations.SQLite); err != nil {
		t.Fatalf("Up after Down: %v", err)
	}
}

func TestRequireCurrentSaysHowToFix(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t)

	err := migrations.RequireCurrent(ctx, db, migrations.SQLite)
	if !errors.Is(err, migrations.ErrSchemaOutdated) {
		t.Fatalf("RequireCurrent on empty db = %v, want ErrSchemaOutdated", err)
	}
	if !strings.Contains(err.Error(), "gatewayd migrate up") {
		t.Errorf("error %q does not tell the operator to run `gatewayd migrate up`", err)
	}
	if err := migrations.Up(ctx, db, migrations.SQLite); err != nil {
		t.Fatalf("Up: %v", err)
	}
	if err := migrations.RequireCurrent(ctx, db, migrations.SQLite); err != nil {
		t.Fatalf("RequireCurrent after Up = %v, want nil", err)
	}
}

func TestUnknownDialectIsAnError(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t)
	calls := map[string]func() error{
		"Up":   func() error { return migrations.Up(ctx, db, "oracle") },
		"Down": func() error { return migrations.Down(ctx, db, "oracle") },
		"Status": func() error {
			_, err := migrations.Status(ctx, db, "oracle")
			return err
		},
		"Pending": func() error {
			_, err := migrations.Pending(ctx, db, "oracle")
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			err := call()
			if err == nil || !strings.Contains(err.Error(), "unknown dialect") {
				t.Fatalf("%s with unknown dialect = %v, want an unknown-dialect error", name, err)
			}
		})
	}
}
