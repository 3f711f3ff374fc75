package sqlite

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
)

// Backup writes a consistent copy of the whole database to path while the
// store keeps serving, with VACUUM INTO (SQLite 3.27+): it reads one
// snapshot through a read connection, so in WAL mode writers are not
// blocked, and the copy is compacted and self-contained (no -wal file).
// Copying the database file with cp instead can capture a torn state, and
// misses whatever still sits in the -wal file.
//
// path must not exist: VACUUM INTO refuses to overwrite, and so does this,
// with a clearer error. Restore by stopping the gateway and putting the
// copy in place of database.url's file (removing any old -wal/-shm).
func (s *Store) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("sqlite: backup: %s already exists", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	// A read connection, so writers on the single write connection carry
	// on. Read connections run with query_only, which also forbids VACUUM
	// INTO's output file, so it is lifted for this one statement; a
	// connection that cannot be switched back is discarded, never
	// returned to the read pool writable.
	conn, err := s.read.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA query_only = 0"); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	defer func() {
		if _, err := conn.ExecContext(context.Background(), "PRAGMA query_only = 1"); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("sqlite: backup to %s: %w", path, err)
	}
	return nil
}
