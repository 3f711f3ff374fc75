package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/authcore/sqlite"
)

func TestOpenFileUsesWAL(t *testing.T) {
	path := tempPath(t)
	s := mustOpen(t, path)
	var mode string
	if err := sqlite.ReadDB(s).QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatalf("journal_mode: %v", err)
	}
	if mode != "wal" {
		t.Fatalf("journal_mode = %q, want wal", mode)
	}
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Fatalf("no WAL file beside the database: %v", err)
	}
}

// Foreign keys, busy_timeout and synchronous are per-connection settings in
// SQLite, so both pools must carry them or cascades silently stop working.
func TestOpenSetsPragmasOnEveryPool(t *testing.T) {
	for _, tc := range []struct {
		name string
		path func(testing.TB) string
	}{
		{"file", tempPath},
		{"memory", func(testing.TB) string { return sqlite.MemoryPath }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustOpen(t, tc.path(t))
			pools := map[string]*sql.DB{"write": sqlite.WriteDB(s), "read": sqlite.ReadDB(s)}
			for pool, db := range pools {
				for pragma, want := range map[string]int{"foreign_keys": 1, "busy_timeout": 5000, "synchronous": 1} {
					var got int
					if err := db.QueryRow(`PRAGMA ` + pragma).Scan(&got); err != nil {
						t.Fatalf("%s pool: %s: %v", pool, pragma, err)
					}
					if got != want {
						t.Errorf("%s pool: %s = %d, want %d", pool, pragma, got, want)
					}
				}
			}
		})
	}
}

// The read pool must not be able to write: a write there would bypass the
// single-writer queue that makes rotations race-free.
func TestReadPoolIsQueryOnly(t *testing.T) {
	s := mustOpen(t, tempPath(t))
	_, err := sqlite.ReadDB(s).Exec(`DELETE FROM users`)
	if err == nil {
		t.Fatal("write through the read pool succeeded")
	}
}

func TestReopenFileKeepsData(t *testing.T) {
	ctx := context.Background()
	path := tempPath(t)
	first, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if err := first.MigrateUp(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	u := mustUser(t, first)
	if err := first.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}

	second := mustOpenBare(t, path, sqlite.Options{})
	if n, err := second.PendingMigrations(ctx); err != nil || n != 0 {
		t.Fatalf("pending after reopen = %d, %v; want 0, nil", n, err)
	}
	got, err := second.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatalf("user after reopen: %v", err)
	}
	if got.Email != u.Email || !got.CreatedAt.Equal(u.CreatedAt) {
		t.Fatalf("user after reopen = %+v, want %+v", got, u)
	}
}

// Each ":memory:" Open is its own database, even though the pools share a
// cache: a test or a second Store must never see another's rows.
func TestMemoryDatabasesAreIsolated(t *testing.T) {
	ctx := context.Background()
	a := mustOpen(t, sqlite.MemoryPath)
	b := mustOpen(t, sqlite.MemoryPath)
	u := mustUser(t, a)
	if _, err := b.UserByID(ctx, u.ID); !errors.Is(err, authcore.ErrNotFound) {
		t.Fatalf("other memory store: err = %v, want ErrNotFound", err)
	}
	// The read pool sees what the write pool wrote: one shared database.
	if _, err := a.UserByEmail(ctx, u.Email); err != nil {
		t.Fatalf("same memory store: %v", err)
	}
}

// The in-memory database outlives idle pool connections because Open pins
// one; closing the Store discards it.
func TestMemoryDatabaseSurvivesIdlePools(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, sqlite.MemoryPath)
	u := mustUser(t, s)
	sqlite.ReadDB(s).SetMaxIdleConns(0)
	sqlite.WriteDB(s).SetMaxIdleConns(0)
	if _, err := s.UserByID(ctx, u.ID); err != nil {
		t.Fatalf("after idle connections closed: %v", err)
	}
}

func TestOpenRejectsEmptyPath(t *testing.T) {
	if _, err := sqlite.Open(context.Background(), "", sqlite.Options{}); err == nil {
		t.Fatal("Open(\"\") succeeded")
	}
}

func TestOpenFailsOnUnwritableDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "dir", "gateway.db")
	if _, err := sqlite.Open(context.Background(), path, sqlite.Options{}); err == nil {
		t.Fatal("Open in a missing directory succeeded")
	}
}

// Paths with characters that mean something in a URI still name the file.
func TestOpenPathWithURICharacters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "odd?name#100%.db")
	mustOpen(t, path)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database not at the given path: %v", err)
	}
}

func TestPing(t *testing.T) {
	s := mustOpen(t, tempPath(t))
	if err := s.Ping(context.Background()); err != nil {
		t.Fatalf("ping: %v", err)
	}
}

// The embedded default exists so gatewayd builds as one static binary; a
// cgo dependency slipping in would break that.
func TestBuildsWithoutCgo(t *testing.T) {
	// go test puts its own GOROOT/bin first on PATH, so this is the
	// toolchain running the test.
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go toolchain not on PATH: %v", err)
	}
	cmd := exec.Command(gobin, "build", ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
}
