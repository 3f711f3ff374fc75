package authcore_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

func refresh(f *fixture, raw string) (*authcore.Session, error) {
	return f.svc.Refresh(context.Background(), raw, authcore.ClientMeta{IP: "198.51.100.7", UserAgent: "refresher"})
}

func TestRefreshTokenRandomAndStoredAsSHA256(t *testing.T) {
	f := newFixture(t)
	seen := map[string]bool{}
	for range 20 {
		raw := f.register(t, "u"+strings.Repeat("x", len(seen))+"@example.com", "long enough password").RefreshToken
		b, err := base64.RawURLEncoding.Strict().DecodeString(raw)
		if len(raw) != 43 || err != nil || len(b) != 32 {
			t.Fatalf("refresh token %q is not 32 bytes of unpadded base64url", raw)
		}
		if seen[raw] {
			t.Fatal("refresh token repeated")
		}
		seen[raw] = true
		sum := sha256.Sum256([]byte(raw))
		want := hex.EncodeToString(sum[:])
		if got := authcore.HashRefreshToken(raw); got != want {
			t.Fatalf("HashRefreshToken = %s, want hex SHA-256 %s", got, want)
		}
		if _, ok := f.store.Token(want); !ok {
			t.Fatal("store has no row under the token's SHA-256")
		}
	}
	for _, rt := range f.store.AllTokens() {
		if seen[rt.TokenHash] || seen[rt.ID] {
			t.Fatal("the store holds a raw refresh token")
		}
	}
}

func TestRefreshRotates(t *testing.T) {
	f := newFixture(t)
	reg := f.register(t, "bob@example.com", "long enough password")
	f.clock.Advance(time.Hour)
	s, err := refresh(f, reg.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if s.RefreshToken == reg.RefreshToken || s.User.ID != reg.User.ID {
		t.Fatalf("session = %+v", s)
	}
	if !s.RefreshExpiresAt.Equal(f.clock.Now().Add(authcore.DefaultRefreshTTL)) {
		t.Errorf("new refresh expiry = %v", s.RefreshExpiresAt)
	}
	old, _ := f.store.Token(authcore.HashRefreshToken(reg.RefreshToken))
	next, _ := f.store.Token(authcore.HashRefreshToken(s.RefreshToken))
	if old.RevokedAt == nil || old.ReplacedBy == nil || *old.ReplacedBy != next.ID {
		t.Fatalf("old token not consumed: %+v", old)
	}
	if next.UserID != reg.User.ID || next.RevokedAt != nil || next.ClientIP != "198.51.100.7" || next.UserAgent != "refresher" {
		t.Fatalf("new token = %+v", next)
	}
	if _, err := f.tokens.Verify(s.AccessToken); err != nil {
		t.Fatal(err)
	}
	if !f.events.Has(authcore.EventRefresh) {
		t.Error("no refresh event")
	}
}

func TestRefreshReuseRevokesEverything(t *testing.T) {
	f := newFixture(t)
	phone := f.register(t, "bob@example.com", "long enough password")
	laptop := f.login(t, "bob@example.com", "long enough password")
	rotated, err := refresh(f, phone.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	// An attacker replays the stolen, already-rotated token.
	_, err = refresh(f, phone.RefreshToken)
	if !errors.Is(err, authcore.ErrInvalidRefreshToken) || !errors.Is(err, authcore.ErrRefreshTokenReused) {
		t.Fatalf("reuse = %v, want both ErrInvalidRefreshToken and ErrRefreshTokenReused", err)
	}
	if !f.events.Has(authcore.EventRefreshReuse) {
		t.Error("no refresh_reuse event")
	}
	if n := f.store.ActiveTokens(phone.User.ID); n != 0 {
		t.Fatalf("%d tokens still active after reuse", n)
	}
	for name, raw := range map[string]string{"rotated successor": rotated.RefreshToken, "other device": laptop.RefreshToken} {
		if _, err := refresh(f, raw); !errors.Is(err, authcore.ErrInvalidRefreshToken) {
			t.Errorf("%s after reuse: %v, want ErrInvalidRefreshToken", name, err)
		}
	}
}

func TestRefreshMalformedNeverTouchesStore(t *testing.T) {
	f := newFixture(t)
	valid := strings.Repeat("A", 43)
	tests := map[string]string{
		"empty":         "",
		"short":         "abc",
		"44 chars":      valid + "A",
		"42 chars":      valid[:42],
		"padded":        valid[:42] + "=",
		"std alphabet":  valid[:42] + "+",
		"slash":         valid[:42] + "/",
		"space":         valid[:42] + " ",
		"non-canonical": valid[:42] + "B", // trailing bits set: not what we encode
		"huge":          strings.Repeat("A", 1<<16),
	}
	for name, raw := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := refresh(f, raw); err != authcore.ErrInvalidRefreshToken { // exactly the sentinel
				t.Fatalf("Refresh = %v", err)
			}
			if err := f.svc.Logout(context.Background(), raw); err != nil {
				t.Fatalf("Logout(malformed) = %v, want nil", err)
			}
		})
	}
	if n := f.store.Calls(); n != 0 {
		t.Fatalf("malformed tokens made %d store calls", n)
	}
}

func TestRefreshUnknownOrExpired(t *testing.T) {
	f := newFixture(t)
	reg := f.register(t, "bob@example.com", "long enough password")
	if _, err := refresh(f, strings.Repeat("A", 43)); err != authcore.ErrInvalidRefreshToken {
		t.Fatalf("unknown token: %v", err)
	}
	f.clock.Advance(authcore.DefaultRefreshTTL)
	if _, err := refresh(f, reg.RefreshToken); !errors.Is(err, authcore.ErrInvalidRefreshToken) || errors.Is(err, authcore.ErrRefreshTokenReused) {
		t.Fatalf("expired token: %v", err)
	}
}

func TestRefreshIssuesCurrentEmailAndRoles(t *testing.T) {
	f := newFixture(t)
	reg := f.register(t, "bob@example.com", "long enough password")
	if err := f.svc.SetRoles(context.Background(), "bob@example.com", []string{"user", "admin"}); err != nil {
		t.Fatal(err)
	}
	// SetRoles revoked the user's access tokens up to the next whole
	// second; a refresh waits that out (awaitCutoff) on the real clock, so
	// the fixture's clock must pass it too, or the new token's iat would
	// lie ahead of it (the verifier has no leeway here).
	f.clock.Advance(time.Second)
	s, err := refresh(f, reg.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	id, err := f.tokens.Verify(s.AccessToken)
	if err != nil || !slices.Equal(id.Roles, []string{"user", "admin"}) {
		t.Fatalf("refreshed identity = %+v, %v; want current roles", id, err)
	}
}

func TestDisabledUserCannotLoginOrRefresh(t *testing.T) {
	f := newFixture(t)
	reg := f.register(t, "bob@example.com", "long enough password")
	second := f.login(t, "bob@example.com", "long enough password")
	// Disable directly in the store, as another replica's admin command
	// would, so Refresh itself must notice the flag.
	if err := f.store.SetDisabled(context.Background(), reg.User.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := refresh(f, reg.RefreshToken); err != authcore.ErrInvalidRefreshToken {
		t.Fatalf("refresh by disabled user: %v", err)
	}
	if n := f.store.ActiveTokens(reg.User.ID); n != 0 {
		t.Fatalf("%d tokens of the disabled user still active", n)
	}
	if _, err := refresh(f, second.RefreshToken); !errors.Is(err, authcore.ErrInvalidRefreshToken) {
		t.Fatalf("second session of disabled user: %v", err)
	}
	if _, err := f.svc.Login(context.Background(), "bob@example.com", "long enough password", authcore.ClientMeta{}); err != authcore.ErrInvalidCredentials {
		t.Fatalf("login by disabled user: %v", err)
	}
}

func TestLogoutRevokesOneToken(t *testing.T) {
	f := newFixture(t)
	a := f.register(t, "bob@example.com", "long enough password")
	b := f.login(t, "bob@example.com", "long enough password")
	ctx := context.Background()
	for range 2 { // idempotent
		if err := f.svc.Logout(ctx, a.RefreshToken); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.svc.Logout(ctx, strings.Repeat("Q", 43)); err != nil {
		t.Fatalf("Logout(unknown) = %v, want nil", err)
	}
	if _, err := refresh(f, a.RefreshToken); !errors.Is(err, authcore.ErrInvalidRefreshToken) {
		t.Fatalf("refresh after logout: %v", err)
	}
	// A logged-out token is dead, but a stale tab retrying it is no theft:
	// the other session survives (issue 11).
	if _, err := refresh(f, b.RefreshToken); err != nil {
		t.Fatalf("other session after a logged-out token was replayed: %v", err)
	}
	if !f.events.Has(authcore.EventLogout) {
		t.Error("no logout event")
	}
}

func TestLogoutLeavesOtherSessions(t *testing.T) {
	f := newFixture(t)
	a := f.register(t, "bob@example.com", "long enough password")
	b := f.login(t, "bob@example.com", "long enough password")
	if err := f.svc.Logout(context.Background(), a.RefreshToken); err != nil {
		t.Fatal(err)
	}
	if _, err := refresh(f, b.RefreshToken); err != nil {
		t.Fatalf("other session after logout: %v", err)
	}
}

func TestLogoutStoreErrorReturned(t *testing.T) {
	f := newFixture(t)
	a := f.register(t, "bob@example.com", "long enough password")
	f.store.failRevoke = errors.New("connection reset")
	if err := f.svc.Logout(context.Background(), a.RefreshToken); err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("Logout = %v, want the store error", err)
	}
}

func TestLogoutAllAndMe(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.register(t, "bob@example.com", "long enough password")
	f.login(t, "bob@example.com", "long enough password")
	if err := f.svc.LogoutAll(ctx, a.User.ID); err != nil {
		t.Fatal(err)
	}
	if n := f.store.ActiveTokens(a.User.ID); n != 0 {
		t.Fatalf("%d tokens active after LogoutAll", n)
	}
	me, err := f.svc.Me(ctx, a.User.ID)
	if err != nil || me.Email != "bob@example.com" {
		t.Fatalf("Me = %+v, %v", me, err)
	}
	if _, err := f.svc.Me(ctx, "00000000-0000-4000-8000-000000000000"); !errors.Is(err, authcore.ErrNotFound) {
		t.Fatalf("Me(unknown) = %v, want ErrNotFound", err)
	}
}

// TestRefreshReuseGraceKeepsWinnersSession: two tabs refresh with the same
// token. Within auth.refresh_reuse_grace the loser gets 401 and the
// winner's session lives on; after it, the replay revokes everything
// (issue 11).
func TestRefreshReuseGraceKeepsWinnersSession(t *testing.T) {
	f := newFixture(t, func(_ *authcore.HasherOptions, s *authcore.ServiceOptions) {
		s.RefreshReuseGrace = 10 * time.Second
	})
	a := f.register(t, "tabs@example.com", "long enough password")
	winner, err := refresh(f, a.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := refresh(f, a.RefreshToken); !errors.Is(err, authcore.ErrInvalidRefreshToken) || errors.Is(err, authcore.ErrRefreshTokenReused) {
		t.Fatalf("second tab within the grace: %v, want invalid but not reuse", err)
	}
	if f.events.Has(authcore.EventRefreshReuse) {
		t.Error("a replay within the grace was reported as reuse")
	}
	winner, err = refresh(f, winner.RefreshToken)
	if err != nil {
		t.Fatalf("winner's session after the loser's replay: %v", err)
	}

	f.clock.Advance(11 * time.Second)
	if _, err := refresh(f, a.RefreshToken); !errors.Is(err, authcore.ErrRefreshTokenReused) {
		t.Fatalf("replay after the grace: %v, want reuse", err)
	}
	if _, err := refresh(f, winner.RefreshToken); !errors.Is(err, authcore.ErrInvalidRefreshToken) {
		t.Fatalf("winner's session after a replay past the grace: %v, want revoked", err)
	}
}
