package gateway_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/ratelimit"
	"github.com/authgate/gatewayd/ratelimit/redistest"
)

// rlStores runs a test against both limiter stores: the shared Redis (with
// a unique key prefix) and per-instance memory.
func rlStores(t *testing.T) map[string]ratelimit.Options {
	return map[string]ratelimit.Options{
		"redis":  {RedisURL: redistest.URL(t), Prefix: uniquePrefix()},
		"memory": {Store: ratelimit.StoreMemory},
	}
}

// limitedEndpoint is one /auth endpoint behind a per-IP limit and a request
// the endpoint answers on its own when the limit lets it through.
type limitedEndpoint struct {
	path   string
	policy string
	body   func(i int) string
	status int
}

func limitedEndpoints() []limitedEndpoint {
	return []limitedEndpoint{
		{"/auth/login", ratelimit.PolicyLogin,
			func(int) string { return credentials("user@example.com", "wrong password!") }, http.StatusUnauthorized},
		{"/auth/register", ratelimit.PolicyRegister,
			func(i int) string { return credentials(fmt.Sprintf("new%d@example.com", i), rlPassword) }, http.StatusCreated},
		{"/auth/refresh", ratelimit.PolicyRefresh,
			func(int) string { return refreshBody("not-a-refresh-token") }, http.StatusUnauthorized},
		{"/auth/logout", ratelimit.PolicyLogout,
			func(int) string { return refreshBody("not-a-refresh-token") }, http.StatusNoContent},
	}
}

// TestRateLimitTripsAtExactCount: with a limit of 3 per minute per IP, the
// first three requests are answered normally (with RateLimit-* headers
// counting down), the fourth is a 429 with Retry-After, and the refused
// request never reaches the Service.
func TestRateLimitTripsAtExactCount(t *testing.T) {
	for store, opts := range rlStores(t) {
		for _, ep := range limitedEndpoints() {
			t.Run(store+ep.path, func(t *testing.T) {
				b := newRLBackend(t)
				opts.Policies = map[string]string{
					ratelimit.PolicyLogin: "3-M", ratelimit.PolicyRegister: "3-M",
					ratelimit.PolicyRefresh: "3-M", ratelimit.PolicyLogout: "3-M", ratelimit.PolicyLoginAccount: "100-H",
				}
				if store == "redis" {
					opts.Prefix = uniquePrefix()
				}
				gw := b.instance(t, rlOptions{limiter: opts})
				gw.register("user@example.com")
				for i := range 3 {
					w := gw.post(ep.path, ep.body(i), "203.0.113.10", nil)
					assertAnswered(t, w, ep.status, 3, int64(2-i), 60)
				}
				w := gw.post(ep.path, ep.body(3), "203.0.113.10", nil)
				assertLimited(t, w, 3, 60)
				if ep.path == "/auth/register" {
					_, err := b.store.UserByEmail(context.Background(), "new3@example.com")
					if !errors.Is(err, authcore.ErrNotFound) {
						t.Fatalf("refused register still created the user: %v", err)
					}
				}
				// Another client's budget is untouched.
				w = gw.post(ep.path, ep.body(4), "203.0.113.11", nil)
				assertAnswered(t, w, ep.status, 3, 2, 60)
			})
		}
	}
}

// TestRateLimitResetsAfterWindow: a "2-S" limit refuses the third request
// and lets requests through again once the window has passed.
func TestRateLimitResetsAfterWindow(t *testing.T) {
	for store, opts := range rlStores(t) {
		t.Run(store, func(t *testing.T) {
			b := newRLBackend(t)
			opts.Policies = map[string]string{ratelimit.PolicyLogin: "2-S", ratelimit.PolicyLoginAccount: "100-H"}
			gw := b.instance(t, rlOptions{limiter: opts})
			const ip = "198.51.100.20"
			for i := range 2 {
				assertAnswered(t, gw.login("a@example.com", "wrong password!", ip), http.StatusUnauthorized, 2, int64(1-i), 1)
			}
			assertLimited(t, gw.login("a@example.com", "wrong password!", ip), 2, 1)
			eventually(t, 5*time.Second, "login limit to reset", func() bool {
				return gw.login("a@example.com", "wrong password!", ip).Code == http.StatusUnauthorized
			})
		})
	}
}

// TestRateLimitedProblemIsLocalized: the 429 body follows Accept-Language
// like every other problem, in all four languages.
func TestRateLimitedProblemIsLocalized(t *testing.T) {
	b := newRLBackend(t)
	gw := b.instance(t, rlOptions{limiter: ratelimit.Options{
		Policies: map[string]string{ratelimit.PolicyLogin: "1-M"},
	}})
	titles := map[string]string{}
	for _, lang := range []string{"en", "de", "fr", "es"} {
		t.Run(lang, func(t *testing.T) {
			ip := "192.0.2." + fmt.Sprint(len(titles)+1)
			gw.login("a@example.com", "wrong password!", ip)
			w := gw.post("/auth/login", credentials("a@example.com", "wrong password!"), ip,
				http.Header{"Accept-Language": {lang}})
			p := decodeProblem(t, w, http.StatusTooManyRequests, "rate_limited")
			if p.Locale != lang || w.Header().Get("Content-Language") != lang || p.Title == "" || p.Detail == "" {
				t.Fatalf("locale %q / Content-Language %q / title %q, want %s", p.Locale, w.Header().Get("Content-Language"), p.Title, lang)
			}
			for other, title := range titles {
				if title == p.Title {
					t.Fatalf("%s title %q equals the %s one: not translated", lang, p.Title, other)
				}
			}
			titles[lang] = p.Title
		})
	}
}

// TestRateLimitXFFSpoofingDoesNotEvadeLimit: the per-IP key is the client
// IP as the trusted-proxy rule decides. X-Forwarded-For from an untrusted
// peer is ignored, so rotating it gains nothing; behind a trusted proxy the
// header is believed (two clients, two budgets), but only its right-most
// untrusted hop, so a client prepending fake entries gains nothing either.
func TestRateLimitXFFSpoofingDoesNotEvadeLimit(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	spoof := func(i int) http.Header {
		return http.Header{"X-Forwarded-For": {fmt.Sprintf("198.18.0.%d", i+1)}}
	}
	for _, tc := range []struct {
		name    string
		trusted []netip.Prefix
	}{
		{"no trusted proxies", nil},
		{"peer outside the trusted networks", proxies},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newRLBackend(t)
			gw := b.instance(t, rlOptions{trusted: tc.trusted, limiter: ratelimit.Options{
				Policies: map[string]string{ratelimit.PolicyLogin: "3-M"},
			}})
			body := credentials("a@example.com", "wrong password!")
			for i := range 3 {
				assertAnswered(t, gw.post("/auth/login", body, "203.0.113.7", spoof(i)), http.StatusUnauthorized, 3, int64(2-i), 60)
			}
			assertLimited(t, gw.post("/auth/login", body, "203.0.113.7", spoof(3)), 3, 60)
		})
	}

	t.Run("trusted proxy's header is honoured", func(t *testing.T) {
		b := newRLBackend(t)
		gw := b.instance(t, rlOptions{trusted: proxies, limiter: ratelimit.Options{
			Policies: map[string]string{ratelimit.PolicyLogin: "3-M"},
		}})
		body := credentials("a@example.com", "wrong password!")
		xff := func(v string) http.Header { return http.Header{"X-Forwarded-For": {v}} }
		for i := range 3 {
			w := gw.post("/auth/login", body, "10.1.1.1", xff("198.51.100.1"))
			assertAnswered(t, w, http.StatusUnauthorized, 3, int64(2-i), 60)
		}
		assertLimited(t, gw.post("/auth/login", body, "10.1.1.1", xff("198.51.100.1")), 3, 60)
		// The same client through another proxy hop, with a fake entry of
		// its own in front: still the same budget.
		assertLimited(t, gw.post("/auth/login", body, "10.2.2.2", xff("1.2.3.4, 198.51.100.1, 10.1.1.1")), 3, 60)
		// A different client behind the same proxy has its own budget.
		assertAnswered(t, gw.post("/auth/login", body, "10.1.1.1", xff("198.51.100.2")), http.StatusUnauthorized, 3, 2, 60)
	})
}

// TestRateLimitHeadersOnlyOnLimitedEndpoints: endpoints without a limit do
// not advertise one.
func TestRateLimitHeadersOnlyOnLimitedEndpoints(t *testing.T) {
	b := newRLBackend(t)
	gw := b.instance(t, rlOptions{})
	for _, r := range []*http.Request{
		jsonRequest("/auth/logout-all", ""),
		httptest.NewRequest(http.MethodGet, "/healthz", nil),
		httptest.NewRequest(http.MethodGet, "/auth/me", nil),
	} {
		w := serve(gw.srv.Handler(), r)
		if v := w.Header().Get("RateLimit-Limit"); v != "" {
			t.Fatalf("%s %s: RateLimit-Limit %q on an unlimited endpoint", r.Method, r.URL.Path, v)
		}
	}
}
