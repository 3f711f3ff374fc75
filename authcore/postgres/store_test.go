package postgres_test

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/authcore/postgres"
	"github.com/authgate/gatewayd/authcore/postgres/pgtest"
	"github.com/authgate/gatewayd/authcore/storetest"
)

// openStore opens a Store on dbURL and closes it at cleanup.
func openStore(t *testing.T, dbURL string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), dbURL, postgres.Options{MaxConns: 8})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// migratedStore returns a Store on a fresh, migrated database.
func migratedStore(t *testing.T) (*postgres.Store, string) {
	t.Helper()
	dbURL := pgtest.NewDatabase(t)
	s := openStore(t, dbURL)
	if err := s.MigrateUp(t.Context()); err != nil {
		t.Fatalf("MigrateUp: %v", err)
	}
	return s, dbURL
}

func TestStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) authcore.Store {
		s, _ := migratedStore(t)
		return s
	})
}

// rawConn is a direct connection for checks the Store does not expose.
func rawConn(t *testing.T, dbURL string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(t.Context(), dbURL)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

func TestSQLOnlyThroughParameterBinding(t *testing.T) {
	s, dbURL := migratedStore(t)
	ctx := t.Context()
	hostile := []string{
		`x'); DROP TABLE users;--@e.com`,
		`x'; DELETE FROM refresh_tokens; --@e.com`,
		`$1@e.com`,
	}
	for i, email := range hostile {
		u := &authcore.User{ID: "00000000-0000-4000-8000-00000000000" + strconv.Itoa(i), Email: email, PasswordHash: "h",
			Roles: []string{`admin'}; DROP TABLE users;--`}}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatalf("CreateUser(%q): %v", email, err)
		}
		got, err := s.UserByEmail(ctx, email)
		if err != nil || got.Email != email || got.Roles[0] != u.Roles[0] {
			t.Fatalf("UserByEmail(%q) = %+v, %v; want it stored literally", email, got, err)
		}
	}
	if _, err := s.RotateRefreshToken(ctx, `' OR 1=1; --`, &authcore.RefreshToken{ID: "00000000-0000-4000-8000-0000000000ff"}, time.Now(), 0); !errors.Is(err, authcore.ErrNotFound) {
		t.Fatalf("rotating an injection-looking hash = %v, want ErrNotFound", err)
	}
	var n int
	if err := rawConn(t, dbURL).QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil || n != len(hostile) {
		t.Fatalf("users table after hostile input: count=%d err=%v; want %d rows", n, err, len(hostile))
	}
}

// TestOnlyEmailConstraintIsErrEmailTaken: a clash on the primary key is a
// bug, not "email already registered", and must not be reported as one.
func TestOnlyEmailConstraintIsErrEmailTaken(t *testing.T) {
	s, _ := migratedStore(t)
	id := "00000000-0000-4000-8000-000000000001"
	if err := s.CreateUser(t.Context(), &authcore.User{ID: id, Email: "a@example.com", PasswordHash: "h"}); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	err := s.CreateUser(t.Context(), &authcore.User{ID: id, Email: "b@example.com", PasswordHash: "h"})
	if err == nil || errors.Is(err, authcore.ErrEmailTaken) {
		t.Fatalf("duplicate id = %v, want an error that is not ErrEmailTaken", err)
	}
}

func TestCreateRefreshTokenForUnknownUserIsErrNotFound(t *testing.T) {
	s, _ := migratedStore(t)
	err := s.CreateRefreshToken(t.Context(), &authcore.RefreshToken{
		ID: "00000000-0000-4000-8000-000000000002", UserID: "00000000-0000-4000-8000-000000000003",
		TokenHash: "h", IssuedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour),
	})
	if !errors.Is(err, authcore.ErrNotFound) {
		t.Fatalf("CreateRefreshToken(unknown user) = %v, want ErrNotFound", err)
	}
}

// TestPurgeSkipsWhileAnotherReplicaPurges holds the purge lock as another
// replica would; the Store must give up at once with 0, nil.
func TestPurgeSkipsWhileAnotherReplicaPurges(t *testing.T) {
	s, dbURL := migratedStore(t)
	ctx := t.Context()
	u := &authcore.User{ID: "00000000-0000-4000-8000-000000000004", Email: "p@example.com", PasswordHash: "h"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	now := time.Now()
	tok := &authcore.RefreshToken{ID: "00000000-0000-4000-8000-000000000005", UserID: u.ID, TokenHash: "expired",
		IssuedAt: now.Add(-2 * time.Hour), ExpiresAt: now.Add(-time.Hour)}
	if err := s.CreateRefreshToken(ctx, tok); err != nil {
		t.Fatalf("CreateRefreshToken: %v", err)
	}

	other, err := rawConn(t, dbURL).Begin(ctx)
	if err != nil {
		t.Fatalf("begin: %v", err)
	}
	if _, err := other.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, postgres.PurgeLockKey); err != nil {
		t.Fatalf("take purge lock: %v", err)
	}
	if n, err := s.PurgeRefreshTokens(ctx, now); err != nil || n != 0 {
		t.Fatalf("purge while locked = %d, %v; want 0, nil", n, err)
	}
	if _, err := s.RefreshTokenByHash(ctx, "expired"); err != nil {
		t.Fatalf("token deleted although the purge lock was held: %v", err)
	}
	if err := other.Rollback(ctx); err != nil {
		t.Fatalf("release purge lock: %v", err)
	}
	if n, err := s.PurgeRefreshTokens(ctx, now); err != nil || n != 1 {
		t.Fatalf("purge after release = %d, %v; want 1, nil", n, err)
	}
}

func TestStatsReportPool(t *testing.T) {
	s, _ := migratedStore(t)
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	st := s.Stats()
	if st.MaxOpen != 8 || st.Open < 1 || st.InUse != 0 || st.Idle < 1 {
		t.Fatalf("Stats = %+v, want MaxConns 8, an idle connection, none acquired", st)
	}
}

// unusedPort returns a 127.0.0.1 port nothing listens on.
func unusedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	_ = l.Close()
	return port
}

// TestOpenFailsClearlyWhenPostgresDown: startup must fail with an error
// that names the address and keeps the password out of logs.
func TestOpenFailsClearlyWhenPostgresDown(t *testing.T) {
	port := unusedPort(t)
	dbURL := "postgres://gw:s3cret-pw@127.0.0.1:" + port + "/gw?sslmode=disable"
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	s, err := postgres.Open(ctx, dbURL, postgres.Options{ConnectTimeout: 2 * time.Second})
	if err == nil {
		_ = s.Close()
		t.Fatalf("Open against a closed port succeeded")
	}
	msg := err.Error()
	if !strings.Contains(msg, "postgres: connect to 127.0.0.1:"+port) {
		t.Errorf("error %q does not name the address", msg)
	}
	if strings.Contains(msg, "s3cret-pw") {
		t.Errorf("error %q leaks the password", msg)
	}
	if ctx.Err() != nil {
		t.Errorf("Open gave up only when the test's context expired: %v", err)
	}
}

func TestOpenRejectsMalformedURLWithoutLeakingIt(t *testing.T) {
	_, err := postgres.Open(t.Context(), "postgres://gw:s3cret-pw@127.0.0.1:notaport/db", postgres.Options{})
	if err == nil {
		t.Fatalf("Open with a malformed URL succeeded")
	}
	if strings.Contains(err.Error(), "s3cret-pw") {
		t.Errorf("error %q leaks the password", err)
	}
}

// TestPingFailsWhenServerStops runs its own throwaway cluster so it can
// stop it under an open Store.
func TestPingFailsWhenServerStops(t *testing.T) {
	srv, err := pgtest.Start(t.Context())
	if err != nil {
		t.Fatalf("pgtest.Start (needs initdb/pg_ctl installed): %v", err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	s := openStore(t, srv.URL)
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping while up: %v", err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	u, _ := url.Parse(srv.URL)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	err = s.Ping(ctx)
	if err == nil {
		t.Fatalf("Ping after the server stopped succeeded")
	}
	if !strings.Contains(err.Error(), "postgres: ping "+u.Host) {
		t.Errorf("Ping error %q does not name the address", err)
	}
}

// TestReuseRevokesTokenOfInFlightRotation replays a revoked token while a
// rotation of another token of the same user is mid-transaction. The
// family revocation must wait for that rotation and revoke the token it
// inserts; otherwise a thief rotating in parallel keeps a live token.
func TestReuseRevokesTokenOfInFlightRotation(t *testing.T) {
	s, dbURL := migratedStore(t)
	ctx := t.Context()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	u := &authcore.User{ID: "00000000-0000-4000-8000-000000000010", Email: "family@example.com", PasswordHash: "h"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	mk := func(id, hash string) {
		t.Helper()
		if err := s.CreateRefreshToken(ctx, &authcore.RefreshToken{ID: id, UserID: u.ID, TokenHash: hash,
			IssuedAt: now.Add(-time.Hour), ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatalf("CreateRefreshToken: %v", err)
		}
	}
	mk("00000000-0000-4000-8000-000000000011", "old")
	mk("00000000-0000-4000-8000-000000000012", "current")
	// "old" was rotated a minute ago, so presenting it again is a reuse.
	if _, err := s.RotateRefreshToken(ctx, "old", &authcore.RefreshToken{ID: "00000000-0000-4000-8000-000000000015", TokenHash: "old-next",
		IssuedAt: now.Add(-time.Minute), ExpiresAt: now.Add(time.Hour)}, now.Add(-time.Minute), 0); err != nil {
		t.Fatalf("RotateRefreshToken: %v", err)
	}

	// The in-flight rotation, done by hand and left uncommitted: it holds
	// the locks a Store rotation holds (the FK check takes KEY SHARE).
	rotation, err := rawConn(t, dbURL).Begin(ctx)
	if err != nil {
		t.Fatalf("begin: %v", err)
	}
	defer func() { _ = rotation.Rollback(context.Background()) }()
	if _, err := rotation.Exec(ctx, `UPDATE refresh_tokens SET revoked_at = $1 WHERE token_hash = 'current'`, now); err != nil {
		t.Fatalf("rotate by hand: %v", err)
	}
	if _, err := rotation.Exec(ctx, `INSERT INTO refresh_tokens (id, user_id, token_hash, issued_at, expires_at)
		VALUES ('00000000-0000-4000-8000-000000000013', $1, 'thiefs-new', $2, $3)`, u.ID, now, now.Add(time.Hour)); err != nil {
		t.Fatalf("insert by hand: %v", err)
	}

	replay := make(chan error, 1)
	go func() {
		_, err := s.RotateRefreshToken(ctx, "old", &authcore.RefreshToken{ID: "00000000-0000-4000-8000-000000000014", TokenHash: "x",
			IssuedAt: now, ExpiresAt: now.Add(time.Hour)}, now, 0)
		replay <- err
	}()
	waitForLockWaiter(t, dbURL)
	if err := rotation.Commit(ctx); err != nil {
		t.Fatalf("commit rotation: %v", err)
	}
	if err := <-replay; !errors.Is(err, authcore.ErrRefreshTokenReused) {
		t.Fatalf("replay = %v, want ErrRefreshTokenReused", err)
	}
	tok, err := s.RefreshTokenByHash(ctx, "thiefs-new")
	if err != nil {
		t.Fatalf("RefreshTokenByHash: %v", err)
	}
	if tok.RevokedAt == nil {
		t.Fatalf("the token inserted by the concurrent rotation survived the family revocation")
	}
}

// waitForLockWaiter blocks until some session of the test database waits on
// a lock, i.e. the replay has reached the users row lock. It polls a
// condition (bounded) rather than sleeping a guessed duration.
func waitForLockWaiter(t *testing.T, dbURL string) {
	t.Helper()
	c := rawConn(t, dbURL)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var waiting int
		err := c.QueryRow(t.Context(), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting)
		if err != nil {
			t.Fatalf("pg_stat_activity: %v", err)
		}
		if waiting > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replay never waited for the in-flight rotation's lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
