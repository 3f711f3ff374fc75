package gateway_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/gatewaytest"
	"github.com/authgate/gatewayd/gateway/proxy"
	"github.com/authgate/gatewayd/ratelimit"
)

// routeTable builds the proxy options for routes, all pointing at up.
func routeTable(t *testing.T, up *gatewaytest.Upstream, routes ...proxy.Route) gateway.ProxyOptions {
	t.Helper()
	for i := range routes {
		routes[i].Upstreams = []*url.URL{up.Target(t)}
	}
	router, err := proxy.NewRouter(routes)
	if err != nil {
		t.Fatalf("NewRouter: %v", err)
	}
	transport := proxy.NewTransport(proxy.TransportOptions{})
	t.Cleanup(transport.CloseIdleConnections)
	return gateway.ProxyOptions{Router: router, Transport: transport}
}

// get sends a GET from ip, with a bearer token when token is not empty.
func (in *rlInstance) get(path, ip, token string) *httptest.ResponseRecorder {
	in.t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.RemoteAddr = ip + ":40000"
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	return serve(in.srv.Handler(), r)
}

// TestRouteRateLimitKeysByUserThenIP: a proxied route's rate_limit counts
// authenticated requests per user id (whatever the address) and anonymous
// ones per client IP, refuses with 429 before anything is forwarded, and
// leaves routes without a rate_limit alone.
func TestRouteRateLimitKeysByUserThenIP(t *testing.T) {
	for store, opts := range rlStores(t) {
		t.Run(store, func(t *testing.T) {
			up := gatewaytest.NewUpstream(t, nil)
			b := newRLBackend(t)
			opts.Policies = map[string]string{ratelimit.RoutePolicy("api"): "2-M"}
			gw := b.instance(t, rlOptions{limiter: opts, proxy: routeTable(t, up,
				proxy.Route{Name: "api", PathPrefix: "/api/", Auth: proxy.AuthOptional, RateLimit: "2-M"},
				proxy.Route{Name: "free", PathPrefix: "/free/", Auth: proxy.AuthPublic},
			)})
			alice := gw.register("alice@example.com").AccessToken
			bob := gw.register("bob@example.com").AccessToken

			forwarded := func(w *httptest.ResponseRecorder, remaining int64, hits int64) {
				t.Helper()
				assertAnswered(t, w, http.StatusOK, 2, remaining, 60)
				if n := int64(up.Count()); n != hits {
					t.Fatalf("upstream saw %d requests, want %d", n, hits)
				}
			}
			refused := func(w *httptest.ResponseRecorder, hits int64) {
				t.Helper()
				assertLimited(t, w, 2, 60)
				if n := int64(up.Count()); n != hits {
					t.Fatalf("a refused request reached the upstream (%d hits, want %d)", n, hits)
				}
			}

			// Anonymous: one budget per client IP.
			forwarded(gw.get("/api/x", "203.0.113.1", ""), 1, 1)
			forwarded(gw.get("/api/x", "203.0.113.1", ""), 0, 2)
			refused(gw.get("/api/x", "203.0.113.1", ""), 2)
			forwarded(gw.get("/api/x", "203.0.113.2", ""), 1, 3)

			// Authenticated: one budget per user, from any address, and
			// not the exhausted budget of the address it comes from.
			forwarded(gw.get("/api/x", "203.0.113.1", alice), 1, 4)
			forwarded(gw.get("/api/x", "198.51.100.7", alice), 0, 5)
			refused(gw.get("/api/x", "198.51.100.8", alice), 5)
			forwarded(gw.get("/api/x", "198.51.100.8", bob), 1, 6)

			// A route without rate_limit is neither counted nor labelled.
			for i := range 5 {
				w := gw.get("/free/x", "203.0.113.1", "")
				if w.Code != http.StatusOK || w.Header().Get("RateLimit-Limit") != "" {
					t.Fatalf("unlimited route, request %d: %d, RateLimit-Limit %q", i, w.Code, w.Header().Get("RateLimit-Limit"))
				}
			}
		})
	}
}

// TestRouteRateLimitWithoutPolicyFailsClosed: a route whose rate_limit was
// never registered with the limiter (a wiring bug) is refused with a 500,
// not forwarded unlimited.
func TestRouteRateLimitWithoutPolicyFailsClosed(t *testing.T) {
	up := gatewaytest.NewUpstream(t, nil)
	b := newRLBackend(t)
	gw := b.instance(t, rlOptions{proxy: routeTable(t, up,
		proxy.Route{Name: "api", PathPrefix: "/api/", Auth: proxy.AuthPublic, RateLimit: "2-M"},
	)})
	w := gw.get("/api/x", "203.0.113.1", "")
	decodeProblem(t, w, http.StatusInternalServerError, "internal_error")
	if n := int64(up.Count()); n != 0 {
		t.Fatalf("upstream saw %d requests, want 0", n)
	}
}
