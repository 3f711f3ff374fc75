package gateway_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/authgate/gatewayd/ratelimit"
	"github.com/authgate/gatewayd/ratelimit/redistest"
)

// TestTwoInstancesShareOneRedisCounter: two gateway replicas over one Redis
// count in one budget. N/2 logins on each use up N; a limit each replica
// counted alone would let 2N through.
func TestTwoInstancesShareOneRedisCounter(t *testing.T) {
	b := newRLBackend(t)
	opts := ratelimit.Options{
		RedisURL: redistest.URL(t),
		Prefix:   uniquePrefix(),
		Policies: map[string]string{ratelimit.PolicyLogin: "4-M", ratelimit.PolicyLoginAccount: "100-H"},
	}
	a, c := b.instance(t, rlOptions{limiter: opts}), b.instance(t, rlOptions{limiter: opts})
	const ip = "203.0.113.50"
	for i, gw := range []*rlInstance{a, c, a, c} {
		assertAnswered(t, gw.login("x@example.com", "wrong password!", ip), http.StatusUnauthorized, 4, int64(3-i), 60)
	}
	assertLimited(t, a.login("x@example.com", "wrong password!", ip), 4, 60)
	assertLimited(t, c.login("x@example.com", "wrong password!", ip), 4, 60)
}

// TestAccountThrottleSharedAcrossInstances: the per-account budget is one
// budget for the whole deployment, and so is its reset.
func TestAccountThrottleSharedAcrossInstances(t *testing.T) {
	b := newRLBackend(t)
	opts := ratelimit.Options{
		RedisURL: redistest.URL(t),
		Prefix:   uniquePrefix(),
		Policies: map[string]string{ratelimit.PolicyLogin: "100-M", ratelimit.PolicyLoginAccount: "2-H"},
	}
	a, c := b.instance(t, rlOptions{limiter: opts}), b.instance(t, rlOptions{limiter: opts})
	a.register("shared@example.com")
	decodeProblem(t, a.login("shared@example.com", "wrong password!", "192.0.2.1"), http.StatusUnauthorized, "invalid_credentials")
	decodeProblem(t, c.login("shared@example.com", "wrong password!", "192.0.2.2"), http.StatusUnauthorized, "invalid_credentials")
	assertLimited(t, a.login("shared@example.com", rlPassword, "192.0.2.3"), 2, 3600)
	assertLimited(t, c.login("shared@example.com", rlPassword, "192.0.2.4"), 2, 3600)
}

// TestRedisOutageKeepsServingAndRecovers stops a throwaway Redis under two
// replicas. Requests keep being answered (no 5xx, no waiting) and are still
// limited, per instance, by the fallback; after Redis restarts both
// replicas leave the degraded state and share one counter again.
func TestRedisOutageKeepsServingAndRecovers(t *testing.T) {
	redis := redistest.Start(t)
	b := newRLBackend(t)
	opts := ratelimit.Options{
		RedisURL: redis.URL,
		Prefix:   uniquePrefix(),
		Policies: map[string]string{ratelimit.PolicyLogin: "3-M", ratelimit.PolicyLoginAccount: "100-H"},
		// Degrade at the second failure in a row, so a few requests show it
		// (the default waits for 500ms of failures).
		DegradeAfter: time.Nanosecond,
	}
	a, c := b.instance(t, rlOptions{limiter: opts}), b.instance(t, rlOptions{limiter: opts})
	wrong := func(gw *rlInstance, ip string) *httptest.ResponseRecorder {
		return gw.login("x@example.com", "wrong password!", ip)
	}

	// Shared while Redis is up.
	assertAnswered(t, wrong(a, "203.0.113.1"), http.StatusUnauthorized, 3, 2, 60)
	assertAnswered(t, wrong(c, "203.0.113.1"), http.StatusUnauthorized, 3, 1, 60)

	if err := redis.Stop(); err != nil {
		t.Fatal(err)
	}
	// Each replica now counts alone, from zero, and still refuses the
	// fourth request: the outage is neither an outage nor an open door.
	for _, gw := range []*rlInstance{a, c} {
		for i := range 3 {
			assertAnswered(t, wrong(gw, "203.0.113.1"), http.StatusUnauthorized, 3, int64(2-i), 60)
		}
		assertLimited(t, wrong(gw, "203.0.113.1"), 3, 60)
		if !gw.limiter.Degraded() {
			t.Fatal("Degraded() = false with Redis stopped")
		}
	}

	if err := redis.Restart(); err != nil {
		t.Fatal(err)
	}
	// Background probes (at most one per second) and traffic both notice
	// the recovery; poll with requests from an address the rest of the
	// test does not use.
	poke := 0
	eventually(t, 10*time.Second, "both replicas to leave the degraded state", func() bool {
		poke++
		ip := fmt.Sprintf("192.0.2.%d", poke%250+1)
		wrong(a, ip)
		wrong(c, ip)
		return !a.limiter.Degraded() && !c.limiter.Degraded()
	})

	// Shared again: three requests across both replicas spend the budget.
	const ip = "203.0.113.99"
	for i, gw := range []*rlInstance{a, c, a} {
		assertAnswered(t, wrong(gw, ip), http.StatusUnauthorized, 3, int64(2-i), 60)
	}
	assertLimited(t, wrong(c, ip), 3, 60)
}
