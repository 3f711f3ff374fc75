package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/authcore/sqlite"
	"github.com/authgate/gatewayd/authcore/storetest"
)

// TestOnlineBackupRestoresUsersAndSessions is the SQLite backup rehearsal:
// with writers still registering users, Backup (VACUUM INTO) takes a
// consistent copy; the copy opens as a store on which every account made
// before the backup logs in and its refresh token still works.
func TestOnlineBackupRestoresUsersAndSessions(t *testing.T) {
	// One read connection, so the check below sees the very connection
	// Backup used.
	live := mustOpenBare(t, tempPath(t), sqlite.Options{MaxReadConns: 1})
	if err := live.MigrateUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	accounts := storetest.SeedAccounts(t, live, 5)

	// Online: writes keep landing while the backup runs.
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var writes atomic.Int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		svc := storetest.RehearsalService(t, live)
		for i := 0; ctx.Err() == nil; i++ {
			if _, err := svc.Register(ctx, fmt.Sprintf("during-%d@example.com", i), "password during backup", authcore.ClientMeta{}); err == nil {
				writes.Add(1)
			}
		}
	}()
	for writes.Load() == 0 {
		// wait for the writer to be under way; Register takes milliseconds
		if err := ctx.Err(); err != nil {
			t.Fatal(err)
		}
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	err := live.Backup(context.Background(), backup)
	cancel()
	wg.Wait()
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}

	restored := mustOpenBare(t, backup, sqlite.Options{})
	if err := restored.CheckSchema(context.Background()); err != nil {
		t.Fatalf("restored copy's schema: %v", err)
	}
	storetest.CheckRestored(t, restored, accounts)

	// The read pool is read-only again after the backup lifted query_only
	// on one of its connections.
	if _, err := sqlite.ReadDB(live).Exec("DELETE FROM users"); err == nil {
		t.Fatal("the read pool accepted a write after Backup")
	}

	// A second backup to the same path is refused, never overwritten.
	if err := live.Backup(context.Background(), backup); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("Backup over an existing file: %v", err)
	}
}
