package postgres

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/authgate/gatewayd/authcore"
)

// defaultConnectTimeout bounds one connection attempt when Options leaves it
// unset, so a down or unreachable database fails startup and readiness
// probes in seconds instead of hanging on the kernel's TCP timeout.
const defaultConnectTimeout = 5 * time.Second

// Options configure a Store. The zero value is usable.
type Options struct {
	// MaxConns caps the pool. Zero keeps pgx's default (the larger of 4 and
	// the number of CPUs), or pool_max_conns from the URL.
	MaxConns int32
	// MinConns keeps warm connections so the first requests after idle do
	// not pay for a TLS handshake. Zero keeps none.
	MinConns int32
	// ConnectTimeout bounds each connection attempt (default 5s).
	ConnectTimeout time.Duration
	// Now is the clock for users' created_at/updated_at; nil means
	// time.Now. Tests inject it instead of sleeping.
	Now func() time.Time
}

// Store implements authcore.Store over a pgxpool.Pool.
type Store struct {
	pool *pgxpool.Pool
	addr string // host:port only, for error messages: the URL may hold a password
	now  func() time.Time
}

var (
	_ authcore.Store        = (*Store)(nil)
	_ authcore.PoolReporter = (*Store)(nil)
)

// Open connects to the database at url and pings it, so a wrong URL or a
// down server is reported at startup rather than on the first login. Errors
// name host and port but never the URL, which may contain a password.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgconn redacts the password in its parse errors.
		return nil, fmt.Errorf("postgres: parse database url: %w", err)
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	if opts.MinConns > 0 {
		cfg.MinConns = opts.MinConns
	}
	cfg.ConnConfig.ConnectTimeout = defaultConnectTimeout
	if opts.ConnectTimeout > 0 {
		cfg.ConnConfig.ConnectTimeout = opts.ConnectTimeout
	}
	// Scan every timestamptz in UTC, whatever the server's or the process's
	// time zone, so stored and returned instants compare and print alike.
	cfg.AfterConnect = func(_ context.Context, c *pgx.Conn) error {
		c.TypeMap().RegisterType(&pgtype.Type{
			Name:  "timestamptz",
			OID:   pgtype.TimestamptzOID,
			Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC},
		})
		return nil
	}

	s := &Store{
		addr: net.JoinHostPort(cfg.ConnConfig.Host, strconv.Itoa(int(cfg.ConnConfig.Port))),
		now:  opts.Now,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, fmt.Errorf("postgres: create pool for %s: %w", s.addr, err)
	}
	if err := s.pool.Ping(ctx); err != nil {
		s.pool.Close()
		return nil, fmt.Errorf("postgres: connect to %s: %w", s.addr, err)
	}
	return s, nil
}

// Ping checks that a connection can be acquired and used, for readiness
// probes.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping %s: %w", s.addr, err)
	}
	return nil
}

// Close waits for acquired connections to be released and closes the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Stats reports the pool's current state (authcore.PoolReporter).
// WaitCount is pgx's EmptyAcquireCount.
func (s *Store) Stats() authcore.PoolStats {
	st := s.pool.Stat()
	return authcore.PoolStats{
		InUse:     int64(st.AcquiredConns()),
		Idle:      int64(st.IdleConns()),
		Open:      int64(st.TotalConns()),
		MaxOpen:   int64(st.MaxConns()),
		WaitCount: st.EmptyAcquireCount(),
	}
}

// clock returns the store's "now" at the precision Postgres keeps
// (microseconds) and in UTC, so the value handed back to the caller equals
// the value a later read returns.
func (s *Store) clock() time.Time {
	return s.now().UTC().Truncate(time.Microsecond)
}
