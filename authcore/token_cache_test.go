package authcore_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

func TestTokenCacheHonoursExpiry(t *testing.T) {
	tests := []struct {
		name   string
		leeway time.Duration
	}{
		{"30s leeway", 30 * time.Second},
		{"no leeway", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newClock()
			tokens := newTokens(t, clock, func(o *authcore.TokenOptions) { o.TTL, o.Leeway = time.Minute, tt.leeway })
			tok, exp, err := tokens.Issue(testUser)
			if err != nil {
				t.Fatal(err)
			}
			first, err := tokens.Verify(tok)
			if err != nil {
				t.Fatal(err)
			}
			clock.Advance(59 * time.Second)
			second, err := tokens.Verify(tok)
			if err != nil || second != first {
				t.Fatalf("second Verify = %p, %v; want the cached %p", second, err, first)
			}
			// At exp the cache must stop answering; only the leeway (if any)
			// can still admit the token, through the full check.
			clock.Advance(time.Second)
			if !clock.Now().Equal(exp) {
				t.Fatalf("test setup: clock %v, exp %v", clock.Now(), exp)
			}
			id, err := tokens.Verify(tok)
			if tt.leeway == 0 {
				wantReason(t, id, err, authcore.TokenExpired)
				return
			}
			if err != nil || id == first {
				t.Fatalf("Verify inside leeway = %p, %v; want a fresh, non-cached success", id, err)
			}
			clock.Advance(tt.leeway)
			id, err = tokens.Verify(tok)
			wantReason(t, id, err, authcore.TokenExpired)
		})
	}
}

func TestTokenCacheOnlyCachesSuccess(t *testing.T) {
	clock := newClock()
	tokens := newTokens(t, clock, nil)
	tok := issue(t, tokens)
	forged := tok[:len(tok)-2] + "AA"
	for range 3 {
		id, err := tokens.Verify(forged)
		wantReason(t, id, err, authcore.TokenSignature)
	}
	if n := tokens.CacheLenForTest(); n != 0 {
		t.Fatalf("cache holds %d entries after only failures", n)
	}
	if _, err := tokens.Verify(tok); err != nil {
		t.Fatal(err)
	}
	if n := tokens.CacheLenForTest(); n != 1 {
		t.Fatalf("cache holds %d entries, want 1", n)
	}
	// A near-miss of a cached token is not a hit.
	id, err := tokens.Verify(forged)
	wantReason(t, id, err, authcore.TokenSignature)
}

func TestTokenCacheBounded(t *testing.T) {
	clock := newClock()
	tokens := newTokens(t, clock, func(o *authcore.TokenOptions) { o.CacheSize = 40 })
	for i := range 500 {
		u := &authcore.User{ID: fmt.Sprintf("user-%d", i)}
		tok, _, err := tokens.Issue(u)
		if err != nil {
			t.Fatal(err)
		}
		id, err := tokens.Verify(tok)
		if err != nil || id.UserID != u.ID {
			t.Fatalf("Verify = %+v, %v", id, err)
		}
	}
	if n := tokens.CacheLenForTest(); n > 40 || n == 0 {
		t.Fatalf("cache holds %d entries, want 1..40", n)
	}
}

func TestTokenCacheEvictsExpiredFirst(t *testing.T) {
	clock := newClock()
	tokens := newTokens(t, clock, func(o *authcore.TokenOptions) { o.CacheSize = 1; o.TTL = time.Minute })
	stale := issue(t, tokens)
	if _, err := tokens.Verify(stale); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Minute)
	fresh := issue(t, tokens)
	if _, err := tokens.Verify(fresh); err != nil {
		t.Fatal(err)
	}
	if n := tokens.CacheLenForTest(); n != 1 {
		t.Fatalf("cache holds %d entries, want 1", n)
	}
}

func TestTokenCacheDisabled(t *testing.T) {
	tokens := newTokens(t, newClock(), func(o *authcore.TokenOptions) { o.CacheSize = -1 })
	tok := issue(t, tokens)
	a, err1 := tokens.Verify(tok)
	b, err2 := tokens.Verify(tok)
	if err1 != nil || err2 != nil || a == b || tokens.CacheLenForTest() != -1 {
		t.Fatalf("disabled cache returned shared identity or failed: %v %v", err1, err2)
	}
}

func TestTokenCacheConcurrentUse(t *testing.T) {
	clock := newClock()
	tokens := newTokens(t, clock, func(o *authcore.TokenOptions) { o.CacheSize = 16 })
	toks := make([]string, 64)
	for i := range toks {
		tok, _, err := tokens.Issue(&authcore.User{ID: fmt.Sprintf("u%d", i), Roles: []string{"r"}})
		if err != nil {
			t.Fatal(err)
		}
		toks[i] = tok
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				tok := toks[(g*7+i)%len(toks)]
				id, err := tokens.Verify(tok)
				if err != nil {
					errs <- err
					return
				}
				if !strings.HasPrefix(id.UserID, "u") {
					errs <- fmt.Errorf("wrong identity %+v", id)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
