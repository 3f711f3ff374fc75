package sqlite_test

import (
	"context"
	"errors"
	"testing"

	"github.com/authgate/gatewayd/authcore/sqlite"
	"github.com/authgate/gatewayd/migrations"
)

func TestMigrateUpDownStatusOnFile(t *testing.T) {
	ctx := context.Background()
	s := mustOpenBare(t, tempPath(t), sqlite.Options{})

	if err := s.CheckSchema(ctx); !errors.Is(err, migrations.ErrSchemaOutdated) {
		t.Fatalf("check schema on empty file: err = %v, want ErrSchemaOutdated", err)
	}
	pending, err := s.PendingMigrations(ctx)
	if err != nil || pending == 0 {
		t.Fatalf("pending on empty file = %d, %v; want > 0", pending, err)
	}

	if err := s.MigrateUp(ctx); err != nil {
		t.Fatalf("up: %v", err)
	}
	if err := s.MigrateUp(ctx); err != nil {
		t.Fatalf("second up is not a no-op: %v", err)
	}
	if err := s.CheckSchema(ctx); err != nil {
		t.Fatalf("check schema after up: %v", err)
	}
	status, err := s.MigrationStatus(ctx)
	if err != nil {
		t.Fatalf("status: %v", err)
	}
	if len(status) != pending {
		t.Fatalf("status lists %d migrations, %d were pending", len(status), pending)
	}
	for _, st := range status {
		if !st.Applied || st.AppliedAt.IsZero() {
			t.Errorf("%s not applied after up: %+v", st.Name, st)
		}
	}
	// The schema works: a user can be stored.
	mustUser(t, s)

	for range pending {
		if err := s.MigrateDown(ctx); err != nil {
			t.Fatalf("down: %v", err)
		}
	}
	if n, err := s.PendingMigrations(ctx); err != nil || n != pending {
		t.Fatalf("pending after down = %d, %v; want %d", n, err, pending)
	}
	if err := s.MigrateDown(ctx); !errors.Is(err, migrations.ErrNothingToRollBack) {
		t.Fatalf("down with nothing applied: err = %v, want ErrNothingToRollBack", err)
	}
	var tables int
	if err := sqlite.ReadDB(s).QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('users', 'refresh_tokens')`).Scan(&tables); err != nil {
		t.Fatalf("count tables: %v", err)
	}
	if tables != 0 {
		t.Fatalf("%d schema tables left after full down", tables)
	}
}
