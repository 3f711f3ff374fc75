package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/authgate/gatewayd/authcore"

	// The pure-Go driver: no cgo, so the gateway builds as one static
	// binary. This package and package migrations are its only importers.
	_ "modernc.org/sqlite"
)

// The compiler checks that Store keeps up with the authcore.Store contract.
var (
	_ authcore.Store        = (*Store)(nil)
	_ authcore.PoolReporter = (*Store)(nil)
)

// MemoryPath is the path Open accepts for a private in-memory database, the
// same spelling SQLite itself uses. Each Open of it is a new, empty database.
const MemoryPath = ":memory:"

// busyTimeoutMillis is how long a connection waits for another process's
// write lock before failing with SQLITE_BUSY. Five seconds outlasts any
// transaction this store runs; a longer wait would only hide a stuck writer.
const busyTimeoutMillis = 5000

// defaultMaxReadConns bounds concurrent readers when Options leaves it 0.
const defaultMaxReadConns = 4

// Options configure a Store.
type Options struct {
	// MaxReadConns caps the read pool (0 → 4). Writes always go through a
	// single connection; see the package documentation for why.
	MaxReadConns int
	// Now stamps CreatedAt and UpdatedAt on users (nil → time.Now). Tests
	// inject a clock so ordering and timestamps are deterministic.
	Now func() time.Time
}

// Store keeps users and refresh tokens in one SQLite database. It is safe
// for concurrent use.
type Store struct {
	write *sql.DB   // one connection, BEGIN IMMEDIATE
	read  *sql.DB   // query_only connections
	keep  *sql.Conn // in-memory only: holds the database alive
	now   func() time.Time
}

// Open opens (creating if needed) the SQLite database at path, or a private
// in-memory database for MemoryPath, and checks that it answers. It does
// not migrate: call MigrateUp, so the operator decides when schema changes.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: open: empty database path")
	}
	maxRead := opts.MaxReadConns
	if maxRead <= 0 {
		maxRead = defaultMaxReadConns
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}

	memory := path == MemoryPath
	base := fileURI(path)
	if memory {
		// A plain ":memory:" gives every pool connection its own empty
		// database. A uniquely named shared cache gives them one database
		// that no other Store can see.
		base = "file:memdb-" + rand.Text() + "?mode=memory&cache=shared"
	}

	s := &Store{now: now}
	var err error
	if s.write, err = sql.Open("sqlite", withParams(base, connParams(memory, false))); err != nil {
		return nil, fmt.Errorf("sqlite: open write pool: %w", err)
	}
	// One writer connection, never recycled: SQLite serializes writers, and
	// waiting here is cheaper and fairer than retrying in the busy handler.
	s.write.SetMaxOpenConns(1)
	s.write.SetMaxIdleConns(1)
	s.write.SetConnMaxLifetime(0)
	s.write.SetConnMaxIdleTime(0)

	if s.read, err = sql.Open("sqlite", withParams(base, connParams(memory, true))); err != nil {
		_ = s.write.Close()
		return nil, fmt.Errorf("sqlite: open read pool: %w", err)
	}
	if memory {
		maxRead++ // the pinned keep-alive connection below takes one slot
	}
	s.read.SetMaxOpenConns(maxRead)
	s.read.SetMaxIdleConns(maxRead)

	// The write connection goes first: it creates the file and switches it
	// to WAL before any read connection looks at it.
	if err := s.write.PingContext(ctx); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if memory {
		if s.keep, err = s.read.Conn(ctx); err != nil {
			_ = s.Close()
			return nil, fmt.Errorf("sqlite: pin in-memory database: %w", err)
		}
	}
	if err := s.read.PingContext(ctx); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("sqlite: open %s for reading: %w", path, err)
	}
	return s, nil
}

// fileURI turns a filesystem path into a SQLite URI, escaping the characters
// a URI would otherwise read as query, fragment or escape.
func fileURI(path string) string {
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return "file:" + r.Replace(filepath.Clean(path))
}

// connParams are the driver parameters for every connection of one pool.
// The driver runs each _pragma on each new connection, which matters because
// foreign_keys and busy_timeout are per-connection settings.
func connParams(memory, readOnly bool) url.Values {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMillis))
	q.Add("_pragma", "foreign_keys(1)")
	// NORMAL is durable across application crashes in WAL mode and loses at
	// most the last transactions on power loss, never consistency.
	q.Add("_pragma", "synchronous(NORMAL)")
	if !memory {
		// WAL lets readers run beside the writer; an in-memory database has
		// no journal file to switch.
		q.Add("_pragma", "journal_mode(WAL)")
	}
	if readOnly {
		// A write through the read pool would bypass the single-writer
		// queue, so make it fail instead.
		q.Add("_pragma", "query_only(1)")
	} else {
		// Every write transaction takes the write lock at BEGIN, so two
		// read-then-write transactions can never deadlock on upgrading a
		// read lock (SQLITE_BUSY that busy_timeout cannot resolve).
		q.Set("_txlock", "immediate")
	}
	return q
}

// withParams appends q to a URI that may already carry a query.
func withParams(uri string, q url.Values) string {
	sep := "?"
	if strings.Contains(uri, "?") {
		sep = "&"
	}
	return uri + sep + q.Encode()
}

// Ping checks both pools answer, for readiness probes.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	if err := s.write.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping writer: %w", err)
	}
	return nil
}

// Close releases every connection. For an in-memory database this discards
// its contents.
func (s *Store) Close() error {
	var errs []error
	if s.keep != nil {
		errs = append(errs, s.keep.Close())
	}
	if s.read != nil {
		errs = append(errs, s.read.Close())
	}
	if s.write != nil {
		errs = append(errs, s.write.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlite: close: %w", err)
	}
	return nil
}

// inWriteTx runs fn in one BEGIN IMMEDIATE transaction and commits if fn
// returns nil.
func (s *Store) inWriteTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
