package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

// TokenReader reads one refresh token back, revoked or not. authcore.Store
// has no such read because the Service never needs one, but without it the
// suite could not check what rotation and revocation recorded (RevokedAt,
// ReplacedBy, exact timestamps). Every store under test must implement it.
type TokenReader interface {
	RefreshTokenByHash(ctx context.Context, hash string) (*authcore.RefreshToken, error)
}

// testCase is one contract clause, run against a fresh store.
type testCase struct {
	name string
	run  func(t *testing.T, s authcore.Store)
}

// Run checks every clause of the authcore.Store contract. newStore must
// return a fresh, migrated, empty store (its own database or schema) each
// time it is called, and arrange its cleanup with t.Cleanup.
func Run(t *testing.T, newStore func(t *testing.T) authcore.Store) {
	t.Helper()
	var cases []testCase
	cases = append(cases, userCases()...)
	cases = append(cases, tokenCases()...)
	cases = append(cases, rotationCases()...)
	cases = append(cases, signingKeyCases()...)
	cases = append(cases, revocationCases()...)
	cases = append(cases, replayCases()...)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, newStore(t))
		})
	}
}

// fixedNow is the clock of every token operation: microsecond precision and
// a non-UTC zone, so a store that drops precision or returns local times
// fails the equality checks.
var fixedNow = time.Date(2031, time.March, 4, 5, 6, 7, 891234000, time.FixedZone("UTC+2", 2*60*60))

// newID returns a random RFC 4122 version 4 UUID in canonical form.
func newID(t *testing.T) string {
	t.Helper()
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("storetest: random id: %v", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])
}

// newHash returns a token hash in the stores' format: hex SHA-256.
func newHash(t *testing.T) string {
	t.Helper()
	sum := sha256.Sum256([]byte(newID(t)))
	return hex.EncodeToString(sum[:])
}

func createUser(t *testing.T, s authcore.Store, email string, roles ...string) *authcore.User {
	t.Helper()
	u := &authcore.User{
		ID:           newID(t),
		Email:        email,
		PasswordHash: "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
		Roles:        roles,
	}
	if err := s.CreateUser(t.Context(), u); err != nil {
		t.Fatalf("CreateUser(%q): %v", email, err)
	}
	return u
}

// newToken builds an active token for userID issued an hour before
// fixedNow and valid for a day after it.
func newToken(t *testing.T, userID string) *authcore.RefreshToken {
	t.Helper()
	return &authcore.RefreshToken{
		ID:        newID(t),
		UserID:    userID,
		TokenHash: newHash(t),
		IssuedAt:  fixedNow.Add(-time.Hour),
		ExpiresAt: fixedNow.Add(24 * time.Hour),
		ClientIP:  "192.0.2.7",
		UserAgent: "storetest/1.0",
	}
}

func createToken(t *testing.T, s authcore.Store, userID string) *authcore.RefreshToken {
	t.Helper()
	tok := newToken(t, userID)
	if err := s.CreateRefreshToken(t.Context(), tok); err != nil {
		t.Fatalf("CreateRefreshToken: %v", err)
	}
	return tok
}

// rotate rotates oldHash into a fresh token with a blank UserID (the store
// must fill it).
func rotate(t *testing.T, s authcore.Store, oldHash string) (*authcore.RefreshToken, string, error) {
	t.Helper()
	return rotateAt(t, s, oldHash, fixedNow, 0)
}

// rotateAt is rotate at a given instant and reuse grace.
func rotateAt(t *testing.T, s authcore.Store, oldHash string, now time.Time, grace time.Duration) (*authcore.RefreshToken, string, error) {
	t.Helper()
	next := newToken(t, "")
	userID, err := s.RotateRefreshToken(t.Context(), oldHash, next, now, grace)
	return next, userID, err
}

func readToken(t *testing.T, s authcore.Store, hash string) *authcore.RefreshToken {
	t.Helper()
	r, ok := s.(TokenReader)
	if !ok {
		t.Fatalf("storetest: %T must implement storetest.TokenReader "+
			"(RefreshTokenByHash(ctx, hash) (*authcore.RefreshToken, error)) so the suite can verify rotation", s)
	}
	tok, err := r.RefreshTokenByHash(t.Context(), hash)
	if err != nil {
		t.Fatalf("RefreshTokenByHash: %v", err)
	}
	if tok == nil {
		t.Fatalf("RefreshTokenByHash returned (nil, nil)")
	}
	return tok
}

// tokenGone reports whether the store no longer has the token.
func tokenGone(t *testing.T, s authcore.Store, hash string) bool {
	t.Helper()
	r, ok := s.(TokenReader)
	if !ok {
		readToken(t, s, hash) // fails with the explanation
	}
	tok, err := r.RefreshTokenByHash(t.Context(), hash)
	if errors.Is(err, authcore.ErrNotFound) {
		return true
	}
	if err != nil || tok == nil {
		t.Fatalf("RefreshTokenByHash = %v, %v; want a token or ErrNotFound", tok, err)
	}
	return false
}

func assertActive(t *testing.T, s authcore.Store, hash, label string) {
	t.Helper()
	if tok := readToken(t, s, hash); tok.RevokedAt != nil {
		t.Errorf("%s: revoked at %v, want active", label, *tok.RevokedAt)
	}
}

func assertRevoked(t *testing.T, s authcore.Store, hash, label string) {
	t.Helper()
	if tok := readToken(t, s, hash); tok.RevokedAt == nil {
		t.Errorf("%s: still active, want revoked", label)
	}
}

func requireIs(t *testing.T, err, target error, what string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: err = %v, want %v", what, err, target)
	}
}

// sameInstantUTC checks that got is want, in UTC, to the microsecond.
func sameInstantUTC(t *testing.T, label string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %v, want %v", label, got, want)
	}
	if got.Location() != time.UTC {
		t.Errorf("%s location = %v, want UTC", label, got.Location())
	}
}

func isReuse(err error) bool { return errors.Is(err, authcore.ErrRefreshTokenReused) }

func isRevoked(err error) bool { return errors.Is(err, authcore.ErrRefreshTokenRevoked) }
