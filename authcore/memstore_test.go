package authcore_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

// memStore is a minimal in-memory authcore.Store for unit-testing Service
// rules that do not depend on SQL. It does NOT follow the whole Store
// contract (run against authcore/storetest it fails most token clauses:
// it keeps no microsecond clock, no foreign keys, no concurrency
// guarantees); only the real stores are held to the contract, in
// storetest. Service rules that depend on those clauses are tested
// against SQLite and Postgres.
type memStore struct {
	mu     sync.Mutex
	users  []*authcore.User                  // creation order
	tokens map[string]*authcore.RefreshToken // by hash
	calls  int                               // every method call, to prove "never touched the store"

	revokedBefore  map[string]time.Time
	failUpdateHash error // injected UpdatePasswordHash failure
	failRevoke     error // injected RevokeRefreshToken failure

	signingKey *authcore.SigningKeyRecord
}

var _ authcore.Store = (*memStore)(nil)

func newMemStore() *memStore {
	return &memStore{tokens: map[string]*authcore.RefreshToken{}}
}

func (m *memStore) enter() func() {
	m.mu.Lock()
	m.calls++
	return m.mu.Unlock
}

// Calls reports how many Store methods ran.
func (m *memStore) Calls() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.calls
}

func cloneUser(u *authcore.User) *authcore.User {
	c := *u
	c.Roles = slices.Clone(u.Roles)
	return &c
}

func (m *memStore) find(pred func(*authcore.User) bool) *authcore.User {
	for _, u := range m.users {
		if pred(u) {
			return u
		}
	}
	return nil
}

func (m *memStore) CreateUser(_ context.Context, u *authcore.User) error {
	defer m.enter()()
	if m.find(func(x *authcore.User) bool { return x.Email == u.Email }) != nil {
		return fmt.Errorf("memstore: create user: %w", authcore.ErrEmailTaken)
	}
	u.CreatedAt = time.Now().UTC()
	u.UpdatedAt = u.CreatedAt
	m.users = append(m.users, cloneUser(u))
	return nil
}

func (m *memStore) UserByEmail(_ context.Context, email string) (*authcore.User, error) {
	defer m.enter()()
	if u := m.find(func(x *authcore.User) bool { return x.Email == email }); u != nil {
		return cloneUser(u), nil
	}
	return nil, fmt.Errorf("memstore: user by email: %w", authcore.ErrNotFound)
}

func (m *memStore) UserByID(_ context.Context, id string) (*authcore.User, error) {
	defer m.enter()()
	if u := m.find(func(x *authcore.User) bool { return x.ID == id }); u != nil {
		return cloneUser(u), nil
	}
	return nil, fmt.Errorf("memstore: user by id: %w", authcore.ErrNotFound)
}

func (m *memStore) ListUsers(context.Context) ([]*authcore.User, error) {
	defer m.enter()()
	out := make([]*authcore.User, len(m.users))
	for i, u := range m.users {
		out[i] = cloneUser(u)
	}
	return out, nil
}

func (m *memStore) update(id string, f func(*authcore.User)) error {
	u := m.find(func(x *authcore.User) bool { return x.ID == id })
	if u == nil {
		return fmt.Errorf("memstore: update user: %w", authcore.ErrNotFound)
	}
	f(u)
	return nil
}

func (m *memStore) UpdatePasswordHash(_ context.Context, id, hash string) error {
	defer m.enter()()
	if m.failUpdateHash != nil {
		return m.failUpdateHash
	}
	return m.update(id, func(u *authcore.User) { u.PasswordHash = hash })
}

func (m *memStore) SetDisabled(_ context.Context, id string, disabled bool) error {
	defer m.enter()()
	return m.update(id, func(u *authcore.User) { u.Disabled = disabled })
}

func (m *memStore) SetRoles(_ context.Context, id string, roles []string) error {
	defer m.enter()()
	return m.update(id, func(u *authcore.User) { u.Roles = slices.Clone(roles) })
}

func (m *memStore) CreateRefreshToken(_ context.Context, t *authcore.RefreshToken) error {
	defer m.enter()()
	c := *t
	m.tokens[t.TokenHash] = &c
	return nil
}

func (m *memStore) RotateRefreshToken(_ context.Context, oldHash string, next *authcore.RefreshToken, now time.Time, grace time.Duration) (string, error) {
	defer m.enter()()
	old, ok := m.tokens[oldHash]
	switch {
	case !ok:
		return "", fmt.Errorf("memstore: rotate: %w", authcore.ErrNotFound)
	case old.RevokedAt != nil && !authcore.ReplayIsReuse(old.ReplacedBy != nil, *old.RevokedAt, now, grace):
		return "", fmt.Errorf("memstore: rotate: %w", authcore.ErrRefreshTokenRevoked)
	case old.RevokedAt != nil:
		m.revokeUser(old.UserID, now)
		return old.UserID, fmt.Errorf("memstore: rotate: %w", authcore.ErrRefreshTokenReused)
	case !now.Before(old.ExpiresAt):
		return "", fmt.Errorf("memstore: rotate: %w", authcore.ErrNotFound)
	}
	old.RevokedAt, old.ReplacedBy = &now, &next.ID
	next.UserID = old.UserID
	c := *next
	m.tokens[next.TokenHash] = &c
	return old.UserID, nil
}

func (m *memStore) RevokeRefreshToken(_ context.Context, hash string, now time.Time) error {
	defer m.enter()()
	if m.failRevoke != nil {
		return m.failRevoke
	}
	if t, ok := m.tokens[hash]; ok && t.RevokedAt == nil {
		t.RevokedAt = &now
	}
	return nil
}

func (m *memStore) RevokeUserRefreshTokens(_ context.Context, userID string, now time.Time) (int64, error) {
	defer m.enter()()
	return m.revokeUser(userID, now), nil
}

func (m *memStore) revokeUser(userID string, now time.Time) int64 {
	var n int64
	for _, t := range m.tokens {
		if t.UserID == userID && t.RevokedAt == nil {
			t.RevokedAt = &now
			n++
		}
	}
	return n
}

func (m *memStore) PurgeRefreshTokens(_ context.Context, cutoff time.Time) (int64, error) {
	defer m.enter()()
	var n int64
	for h, t := range m.tokens {
		if t.ExpiresAt.Before(cutoff) {
			delete(m.tokens, h)
			n++
		}
	}
	return n, nil
}

func (m *memStore) SetRevokedBefore(_ context.Context, id string, before time.Time) error {
	defer m.enter()()
	if m.find(func(u *authcore.User) bool { return u.ID == id }) == nil {
		return fmt.Errorf("memstore: set revoked before: %w", authcore.ErrNotFound)
	}
	if m.revokedBefore == nil {
		m.revokedBefore = map[string]time.Time{}
	}
	if cur, ok := m.revokedBefore[id]; !ok || before.After(cur) {
		m.revokedBefore[id] = before
	}
	return nil
}

func (m *memStore) RevocationsSince(_ context.Context, since time.Time) ([]authcore.Revocation, error) {
	defer m.enter()()
	var out []authcore.Revocation
	for id, t := range m.revokedBefore {
		if t.After(since) {
			out = append(out, authcore.Revocation{UserID: id, Before: t})
		}
	}
	return out, nil
}

func (m *memStore) Ping(context.Context) error { return nil }
func (m *memStore) Close() error               { return nil }

// Token returns a copy of the stored token with this hash.
func (m *memStore) Token(hash string) (authcore.RefreshToken, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tokens[hash]
	if !ok {
		return authcore.RefreshToken{}, false
	}
	return *t, true
}

// ActiveTokens counts unrevoked tokens of userID.
func (m *memStore) ActiveTokens(userID string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, t := range m.tokens {
		if t.UserID == userID && t.RevokedAt == nil {
			n++
		}
	}
	return n
}

// AllTokens returns copies of every stored token.
func (m *memStore) AllTokens() []authcore.RefreshToken {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]authcore.RefreshToken, 0, len(m.tokens))
	for _, t := range m.tokens {
		out = append(out, *t)
	}
	return out
}

// The signing-key methods keep only the current key: the Service never
// uses them, and the real stores prove the contract in authcore/storetest.
func (m *memStore) EnsureSigningKey(_ context.Context, k *authcore.SigningKeyRecord) (*authcore.SigningKeyRecord, error) {
	defer m.enter()()
	if m.signingKey == nil {
		m.signingKey = k
	}
	return m.signingKey, nil
}

func (m *memStore) RotateSigningKey(_ context.Context, k *authcore.SigningKeyRecord, _ time.Time) error {
	defer m.enter()()
	m.signingKey = k
	return nil
}

func (m *memStore) SigningKeys(context.Context) ([]*authcore.SigningKeyRecord, error) {
	defer m.enter()()
	if m.signingKey == nil {
		return []*authcore.SigningKeyRecord{}, nil
	}
	return []*authcore.SigningKeyRecord{m.signingKey}, nil
}
