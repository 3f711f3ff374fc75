package deploy_test

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/authgate/gatewayd/authcore/postgres"
	"github.com/authgate/gatewayd/authcore/postgres/pgtest"
	"github.com/authgate/gatewayd/authcore/storetest"
)

// TestPostgresBackupRestoreRehearsal runs the whole cycle the scripts
// promise, on a throwaway database: users with sessions, backup.sh, the
// database dropped and recreated empty, restore.sh, and then the same
// users log in and their refresh tokens from before the backup still work.
func TestPostgresBackupRestoreRehearsal(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.NewDatabase(t)
	st := openPostgres(t, dbURL)
	if err := st.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	accounts := storetest.SeedAccounts(t, st, 3)
	st.Close()

	dump := filepath.Join(t.TempDir(), "gatewayd.dump")
	runScript(t, "backup.sh", dbURL, dump)
	if out := runScriptFails(t, "backup.sh", dbURL, dump); !strings.Contains(out, "already exists") {
		t.Errorf("backup.sh over an existing file: %s", out)
	}

	recreateDatabase(t, dbURL)
	empty := openPostgres(t, dbURL)
	if err := empty.CheckSchema(ctx); err == nil {
		t.Fatal("the recreated database still has a schema; the rehearsal would prove nothing")
	}
	empty.Close()

	runScript(t, "restore.sh", dbURL, dump)
	restored := openPostgres(t, dbURL)
	if err := restored.CheckSchema(ctx); err != nil {
		t.Fatalf("schema after restore: %v", err)
	}
	storetest.CheckRestored(t, restored, accounts)
}

func openPostgres(t *testing.T, dbURL string) *postgres.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), dbURL, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// runScript runs a deploy script with DATABASE_URL in the environment.
func runScript(t *testing.T, script, dbURL string, args ...string) string {
	t.Helper()
	cmd := exec.Command("./"+script, args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
	return string(out)
}

// runScriptFails is runScript for a run that must fail.
func runScriptFails(t *testing.T, script, dbURL string, args ...string) string {
	t.Helper()
	cmd := exec.Command("./"+script, args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("%s succeeded, want a failure:\n%s", script, out)
	}
	return string(out)
}

// recreateDatabase drops dbURL's database and creates it again, empty: the
// disaster the backup is for.
func recreateDatabase(t *testing.T, dbURL string) {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	u.Path = "/postgres"
	conn, err := pgx.Connect(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	// name comes from pgtest (generated hex); identifiers cannot be bound.
	for _, q := range []string{"DROP DATABASE " + name + " WITH (FORCE)", "CREATE DATABASE " + name} {
		if _, err := conn.Exec(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}
