package postgres_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/authgate/gatewayd/authcore/postgres"
	"github.com/authgate/gatewayd/authcore/postgres/pgtest"
	"github.com/authgate/gatewayd/migrations"
)

func tableExists(t *testing.T, dbURL, name string) bool {
	t.Helper()
	var ok bool
	if err := rawConn(t, dbURL).QueryRow(t.Context(), `SELECT to_regclass($1) IS NOT NULL`, name).Scan(&ok); err != nil {
		t.Fatalf("to_regclass(%s): %v", name, err)
	}
	return ok
}

func TestMigrateLifecycle(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	s := openStore(t, dbURL)
	ctx := t.Context()

	n, err := s.PendingMigrations(ctx)
	if err != nil || n == 0 {
		t.Fatalf("PendingMigrations before Up = %d, %v; want > 0", n, err)
	}
	err = s.CheckSchema(ctx)
	if !errors.Is(err, migrations.ErrSchemaOutdated) || !strings.Contains(err.Error(), "gatewayd migrate up") {
		t.Fatalf("CheckSchema before Up = %v, want ErrSchemaOutdated naming `gatewayd migrate up`", err)
	}

	t.Run("UpIsIdempotent", func(t *testing.T) {
		for i := range 3 {
			if err := s.MigrateUp(ctx); err != nil {
				t.Fatalf("MigrateUp #%d: %v", i+1, err)
			}
		}
		if n, err := s.PendingMigrations(ctx); err != nil || n != 0 {
			t.Fatalf("PendingMigrations after Up = %d, %v; want 0", n, err)
		}
		if err := s.CheckSchema(ctx); err != nil {
			t.Fatalf("CheckSchema after Up: %v", err)
		}
		for _, table := range []string{"users", "refresh_tokens", migrations.VersionTable} {
			if !tableExists(t, dbURL, table) {
				t.Errorf("table %s missing after Up", table)
			}
		}
	})

	t.Run("StatusListsVersions", func(t *testing.T) {
		status, err := s.MigrationStatus(ctx)
		if err != nil {
			t.Fatalf("MigrationStatus: %v", err)
		}
		if len(status) == 0 || status[0].Version != 1 || status[0].Name != "00001_init.sql" {
			t.Fatalf("MigrationStatus = %+v, want 00001_init.sql first", status)
		}
		for _, st := range status {
			if !st.Applied || st.AppliedAt.IsZero() {
				t.Errorf("%s not applied after Up: %+v", st.Name, st)
			}
		}
	})

	t.Run("DownThenUp", func(t *testing.T) {
		status, err := s.MigrationStatus(ctx)
		if err != nil {
			t.Fatalf("MigrationStatus: %v", err)
		}
		for range status {
			if err := s.MigrateDown(ctx); err != nil {
				t.Fatalf("MigrateDown: %v", err)
			}
		}
		if tableExists(t, dbURL, "users") || tableExists(t, dbURL, "refresh_tokens") {
			t.Fatalf("tables remain after rolling everything back")
		}
		if err := s.MigrateDown(ctx); !errors.Is(err, migrations.ErrNothingToRollBack) {
			t.Fatalf("MigrateDown with nothing applied = %v, want ErrNothingToRollBack", err)
		}
		if err := s.MigrateUp(ctx); err != nil {
			t.Fatalf("MigrateUp after Down: %v", err)
		}
		if !tableExists(t, dbURL, "users") {
			t.Fatalf("users missing after Up following Down")
		}
	})
}

// TestConcurrentMigrateUp starts two replicas on one empty database at the
// same moment; the advisory lock must let both succeed with one schema.
func TestConcurrentMigrateUp(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	a, b := openStore(t, dbURL), openStore(t, dbURL)

	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  [2]error
	)
	for i, s := range []*postgres.Store{a, b} {
		wg.Go(func() {
			<-start
			errs[i] = s.MigrateUp(t.Context())
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d MigrateUp: %v", i, err)
		}
	}
	var applied int
	if err := rawConn(t, dbURL).QueryRow(t.Context(),
		`SELECT count(*) FROM `+migrations.VersionTable+` WHERE version_id > 0`).Scan(&applied); err != nil {
		t.Fatalf("count versions: %v", err)
	}
	status, err := a.MigrationStatus(t.Context())
	if err != nil {
		t.Fatalf("MigrationStatus: %v", err)
	}
	if applied != len(status) {
		t.Fatalf("version table records %d applications, want %d (each migration once)", applied, len(status))
	}
}
