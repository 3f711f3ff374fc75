package gateway_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/gateway"
)

var securityHeaders = map[string]string{
	"X-Content-Type-Options":  "nosniff",
	"X-Frame-Options":         "DENY",
	"Referrer-Policy":         "no-referrer",
	"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}

func assertSecurityHeaders(t *testing.T, h http.Header) {
	t.Helper()
	for k, v := range securityHeaders {
		if got := h.Values(k); len(got) != 1 || got[0] != v {
			t.Errorf("%s = %q, want exactly %q", k, got, v)
		}
	}
}

// TestSecurityHeadersOnEveryResponse covers every kind of answer the gateway
// generates: success, 401, 404, 405, 413, 415, 500 (error and panic),
// 204, preflight, and the default-deny fallback.
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	auth := &stubAuth{
		login: func(context.Context, string, string) (*authcore.Session, error) { return testSession(), nil },
		register: func(context.Context, string, string) (*authcore.Session, error) {
			panic("boom")
		},
		refresh: func(context.Context, string) (*authcore.Session, error) { return nil, errNotStubbed },
		logout:  func(context.Context, string) error { return nil },
	}
	srv, _ := newStubServer(t, auth, func(o *gateway.Options) {
		o.AuthBodyLimit = 64
		o.CORS.AllowedOrigins = []string{"https://app.example.com"}
	})
	preflight := httptest.NewRequest(http.MethodOptions, "/auth/login", nil)
	preflight.Header.Set("Origin", "https://app.example.com")
	preflight.Header.Set("Access-Control-Request-Method", "POST")
	wrongType := jsonRequest("/auth/login", `{}`)
	wrongType.Header.Set("Content-Type", "text/plain")

	tests := []struct {
		name   string
		req    *http.Request
		status int
		auth   bool // under /auth: Cache-Control: no-store
	}{
		{"200 healthz", httptest.NewRequest(http.MethodGet, "/healthz", nil), 200, false},
		{"200 login", jsonRequest("/auth/login", `{"email":"a@example.com","password":"pw"}`), 200, true},
		{"204 logout", jsonRequest("/auth/logout", `{"refresh_token":"x"}`), 204, true},
		{"401 me without token", httptest.NewRequest(http.MethodGet, "/auth/me", nil), 401, true},
		{"404 unknown auth path", httptest.NewRequest(http.MethodGet, "/auth/nope", nil), 404, true},
		{"404 route not found", httptest.NewRequest(http.MethodGet, "/api/x", nil), 404, false},
		{"405 wrong method", httptest.NewRequest(http.MethodGet, "/auth/login", nil), 405, true},
		{"413 body too large", jsonRequest("/auth/login", `{"email":"`+strings.Repeat("a", 100)+`"}`), 413, true},
		{"415 not json", wrongType, 415, true},
		{"500 service error", jsonRequest("/auth/refresh", `{"refresh_token":"x"}`), 500, true},
		{"500 panic", jsonRequest("/auth/register", `{"email":"a@example.com","password":"pw"}`), 500, true},
		{"204 preflight", preflight, 204, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := serve(srv.Handler(), tc.req)
			if w.Code != tc.status {
				t.Fatalf("status = %d, want %d; body %s", w.Code, tc.status, w.Body)
			}
			assertSecurityHeaders(t, w.Header())
			if w.Header().Get("X-Request-Id") == "" {
				t.Error("missing X-Request-Id")
			}
			if tc.auth || w.Code >= 400 {
				if got := w.Header().Values("Cache-Control"); len(got) != 1 || got[0] != "no-store" {
					t.Errorf("Cache-Control = %q, want no-store", got)
				}
			}
		})
	}
}

// TestTokenResponsesAreNotCacheable checks RFC 6749 §5.1's headers and the
// token response shape.
func TestTokenResponsesAreNotCacheable(t *testing.T) {
	auth := &stubAuth{login: func(context.Context, string, string) (*authcore.Session, error) { return testSession(), nil }}
	srv, _ := newStubServer(t, auth, nil)
	w := serve(srv.Handler(), jsonRequest("/auth/login", `{"email":"a@example.com","password":"pw"}`))
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if w.Header().Get("Cache-Control") != "no-store" || w.Header().Get("Pragma") != "no-cache" {
		t.Fatalf("headers %v", w.Header())
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q", ct)
	}
	want := `{"access_token":"access","token_type":"Bearer","expires_in":900,"refresh_token":"refresh","refresh_expires_in":1209600,` +
		`"user":{"id":"` + testUserID + `","email":"ada@example.com","roles":["user"],"created_at":"2025-01-02T02:04:05Z"}}`
	if got := w.Body.String(); got != want {
		t.Fatalf("body\n got %s\nwant %s", got, want)
	}
}
