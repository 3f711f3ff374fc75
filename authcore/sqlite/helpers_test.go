package sqlite_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/authcore/sqlite"
)

// t0 is the fixed "now" of every test that does not need the wall clock.
var t0 = time.Date(2030, 1, 2, 3, 4, 5, 123456000, time.UTC)

// tempPath is a database file in the test's own temporary directory.
func tempPath(tb testing.TB) string {
	tb.Helper()
	return filepath.Join(tb.TempDir(), "gateway.db")
}

// mustOpen opens path, applies the schema, and closes the store at cleanup.
func mustOpen(tb testing.TB, path string) *sqlite.Store {
	tb.Helper()
	s := mustOpenBare(tb, path, sqlite.Options{})
	if err := s.MigrateUp(context.Background()); err != nil {
		tb.Fatalf("migrate up: %v", err)
	}
	return s
}

// mustOpenBare opens path without migrating.
func mustOpenBare(tb testing.TB, path string, opts sqlite.Options) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), path, opts)
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return s
}

// mustUser creates a user with a unique email.
func mustUser(tb testing.TB, s authcore.Store) *authcore.User {
	tb.Helper()
	id := uuid.NewString()
	u := &authcore.User{ID: id, Email: id + "@example.test", PasswordHash: "$argon2id$fake", Roles: []string{"user"}}
	if err := s.CreateUser(context.Background(), u); err != nil {
		tb.Fatalf("create user: %v", err)
	}
	return u
}

// newToken returns an unsaved token for userID valid for ttl from t0, and
// the hash under which it is stored.
func newToken(userID string, ttl time.Duration) *authcore.RefreshToken {
	sum := sha256.Sum256([]byte(rand.Text()))
	return &authcore.RefreshToken{
		ID:        uuid.NewString(),
		UserID:    userID,
		TokenHash: hex.EncodeToString(sum[:]),
		IssuedAt:  t0,
		ExpiresAt: t0.Add(ttl),
		ClientIP:  "192.0.2.1",
		UserAgent: "test",
	}
}

// mustToken stores a new token for userID.
func mustToken(tb testing.TB, s authcore.Store, userID string, ttl time.Duration) *authcore.RefreshToken {
	tb.Helper()
	tok := newToken(userID, ttl)
	if err := s.CreateRefreshToken(context.Background(), tok); err != nil {
		tb.Fatalf("create refresh token: %v", err)
	}
	return tok
}
