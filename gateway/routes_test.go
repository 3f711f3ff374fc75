package gateway_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/gateway"
)

// TestAuthPathsNeverReachFallback: every spelling of an /auth path is
// answered by the gateway (404 not_found), never by the fallback that will
// forward upstream (404 route_not_found).
func TestAuthPathsNeverReachFallback(t *testing.T) {
	srv, _ := newStubServer(t, &stubAuth{}, nil)
	tests := []struct {
		method, target, code string
		status               int
	}{
		{http.MethodGet, "/auth", "not_found", 404},
		{http.MethodGet, "/auth/", "not_found", 404},
		{http.MethodGet, "/auth/nope", "not_found", 404},
		{http.MethodPost, "/auth/login/", "not_found", 404},
		{http.MethodGet, "/auth/me/extra", "not_found", 404},
		{http.MethodGet, "/%61uth/me", "not_found", 404},
		{http.MethodGet, "/auth%2Fme", "not_found", 404},
		{http.MethodGet, "//auth/me", "not_found", 404},
		{http.MethodGet, "/x/../auth/me", "not_found", 404},
		{http.MethodGet, "/auth/../api/x", "not_found", 404},
		{http.MethodGet, "/auth/./me/", "not_found", 404},
		{"PROPFIND", "/auth/login", "method_not_allowed", 405},
		// Other gateway endpoints in a foreign spelling stay with the gateway.
		{http.MethodGet, "/healthz/", "not_found", 404},
		{http.MethodGet, "/api/../readyz", "not_found", 404},
		// Not /auth: these belong to the fallback (default deny for now).
		{http.MethodGet, "/authx", "route_not_found", 404},
		{http.MethodGet, "/", "route_not_found", 404},
		{http.MethodGet, "/api/users", "route_not_found", 404},
		{"PROPFIND", "/dav", "route_not_found", 404},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			w := serve(srv.Handler(), httptest.NewRequest(tc.method, tc.target, nil))
			decodeProblem(t, w, tc.status, tc.code)
		})
	}
}

// TestWrongMethodIs405WithAllow: each /auth endpoint answers other methods
// with 405 and an Allow header (RFC 9110 §15.5.6).
func TestWrongMethodIs405WithAllow(t *testing.T) {
	srv, _ := newStubServer(t, &stubAuth{}, nil)
	tests := []struct{ method, target, allow string }{
		{http.MethodGet, "/auth/login", "OPTIONS, POST"},
		{http.MethodPut, "/auth/register", "OPTIONS, POST"},
		{http.MethodGet, "/auth/refresh", "OPTIONS, POST"},
		{http.MethodDelete, "/auth/logout", "OPTIONS, POST"},
		{http.MethodGet, "/auth/logout-all", "OPTIONS, POST"},
		{http.MethodPost, "/auth/me", "OPTIONS, GET"},
		{http.MethodPost, "/healthz", "OPTIONS, GET, HEAD"},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			w := serve(srv.Handler(), httptest.NewRequest(tc.method, tc.target, nil))
			decodeProblem(t, w, 405, "method_not_allowed")
			if got := w.Header().Get("Allow"); got != tc.allow {
				t.Errorf("Allow = %q, want %q", got, tc.allow)
			}
		})
	}
}

func TestHealthAndReadiness(t *testing.T) {
	down := errors.New("database down")
	tests := []struct {
		name   string
		ready  func(context.Context) error
		method string
		target string
		status int
		body   string
	}{
		{"healthz", nil, http.MethodGet, "/healthz", 200, `{"status":"ok"}`},
		{"healthz ignores readiness", func(context.Context) error { return down }, http.MethodGet, "/healthz", 200, `{"status":"ok"}`},
		{"healthz HEAD", nil, http.MethodHead, "/healthz", 200, `{"status":"ok"}`},
		{"readyz without hook", nil, http.MethodGet, "/readyz", 200, `{"status":"ready"}`},
		{"readyz hook ok", func(context.Context) error { return nil }, http.MethodGet, "/readyz", 200, `{"status":"ready"}`},
		{"readyz hook fails", func(context.Context) error { return down }, http.MethodGet, "/readyz", 503, ""},
		{"readyz hook gets a deadline", func(ctx context.Context) error {
			if _, ok := ctx.Deadline(); !ok {
				return errors.New("no deadline")
			}
			return nil
		}, http.MethodGet, "/readyz", 200, `{"status":"ready"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := newStubServer(t, &stubAuth{}, func(o *gateway.Options) { o.Ready = tc.ready })
			w := serve(srv.Handler(), httptest.NewRequest(tc.method, tc.target, nil))
			if tc.status != 200 {
				p := decodeProblem(t, w, tc.status, "not_ready")
				if p.Detail == "" || strings.Contains(w.Body.String(), "database down") {
					t.Fatalf("body %s", w.Body)
				}
				return
			}
			if w.Code != tc.status || w.Body.String() != tc.body || w.Header().Get("Cache-Control") != "no-store" {
				t.Fatalf("%d %q %v", w.Code, w.Body, w.Header())
			}
		})
	}
}

func TestNewServerReportsEveryMissingDependency(t *testing.T) {
	_, err := gateway.NewServer(gateway.Options{AuthBodyLimit: -1})
	if err == nil {
		t.Fatal("NewServer accepted empty options")
	}
	for _, want := range []string{"Logger", "Auth", "Tokens", "AuthBodyLimit"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}
