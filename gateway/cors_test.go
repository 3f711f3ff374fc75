package gateway_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/gateway"
)

func corsHeaders(h http.Header) []string {
	var out []string
	for k := range h {
		if len(k) > 15 && k[:15] == "Access-Control-" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func hasVaryOrigin(h http.Header) bool {
	return slices.Contains(h.Values("Vary"), "Origin")
}

// TestCORSDeniesEveryOriginByDefault: with no configured origins, neither
// preflights nor actual requests ever get an Access-Control-* header, and a
// listed origin's near-misses are denied too.
func TestCORSDeniesEveryOriginByDefault(t *testing.T) {
	auth := &stubAuth{login: func(context.Context, string, string) (*authcore.Session, error) { return testSession(), nil }}
	configs := map[string][]string{
		"none configured": nil,
		"other listed":    {"https://app.example.com"},
	}
	origins := []string{
		"https://evil.example", "null", "https://app.example.com.evil.example", "http://app.example.com",
		"https://APP.example.com", "https://app.example.com:443", "https://app.example.com/",
	}
	for name, allowed := range configs {
		t.Run(name, func(t *testing.T) {
			srv, _ := newStubServer(t, auth, func(o *gateway.Options) {
				o.CORS = gateway.CORSOptions{AllowedOrigins: allowed, AllowCredentials: true}
			})
			for _, origin := range origins {
				pre := httptest.NewRequest(http.MethodOptions, "/auth/login", nil)
				pre.Header.Set("Origin", origin)
				pre.Header.Set("Access-Control-Request-Method", "POST")
				pre.Header.Set("Access-Control-Request-Headers", "authorization")
				w := serve(srv.Handler(), pre)
				if w.Code != http.StatusNoContent || len(corsHeaders(w.Header())) != 0 || !hasVaryOrigin(w.Header()) {
					t.Errorf("preflight from %q: %d %v", origin, w.Code, w.Header())
				}
				for _, target := range []string{"/auth/login", "/api/anything"} {
					r := jsonRequest(target, `{"email":"a@example.com","password":"pw"}`)
					r.Header.Set("Origin", origin)
					w = serve(srv.Handler(), r)
					if len(corsHeaders(w.Header())) != 0 || !hasVaryOrigin(w.Header()) {
						t.Errorf("request from %q to %s: CORS headers %v", origin, target, w.Header())
					}
				}
			}
		})
	}
}

// TestCORSAllowsListedOriginExactly checks the full header set for a
// listed origin, with and without credentials.
func TestCORSAllowsListedOriginExactly(t *testing.T) {
	auth := &stubAuth{login: func(context.Context, string, string) (*authcore.Session, error) { return testSession(), nil }}
	const origin = "https://app.example.com"
	for _, credentials := range []bool{false, true} {
		t.Run(map[bool]string{false: "without credentials", true: "with credentials"}[credentials], func(t *testing.T) {
			srv, _ := newStubServer(t, auth, func(o *gateway.Options) {
				o.CORS = gateway.CORSOptions{
					AllowedOrigins:   []string{"https://other.example", origin},
					AllowedMethods:   []string{"GET", "POST"},
					AllowedHeaders:   []string{"Authorization", "Content-Type"},
					ExposedHeaders:   []string{"X-Request-Id", "RateLimit-Remaining"},
					AllowCredentials: credentials,
					MaxAge:           5 * time.Minute,
				}
			})
			pre := httptest.NewRequest(http.MethodOptions, "/auth/login", nil)
			pre.Header.Set("Origin", origin)
			pre.Header.Set("Access-Control-Request-Method", "POST")
			w := serve(srv.Handler(), pre)
			want := map[string]string{
				"Access-Control-Allow-Origin":  origin,
				"Access-Control-Allow-Methods": "GET, POST",
				"Access-Control-Allow-Headers": "Authorization, Content-Type",
				"Access-Control-Max-Age":       "300",
			}
			if credentials {
				want["Access-Control-Allow-Credentials"] = "true"
			}
			if w.Code != http.StatusNoContent || !hasVaryOrigin(w.Header()) || w.Body.Len() != 0 {
				t.Fatalf("preflight: %d %v", w.Code, w.Header())
			}
			if got := corsHeaders(w.Header()); len(got) != len(want) {
				t.Errorf("preflight CORS headers %v, want %v", got, want)
			}
			for k, v := range want {
				if got := w.Header().Get(k); got != v {
					t.Errorf("preflight %s = %q, want %q", k, got, v)
				}
			}

			r := jsonRequest("/auth/login", `{"email":"a@example.com","password":"pw"}`)
			r.Header.Set("Origin", origin)
			w = serve(srv.Handler(), r)
			if w.Code != 200 {
				t.Fatalf("actual request: %d %s", w.Code, w.Body)
			}
			want = map[string]string{
				"Access-Control-Allow-Origin":   origin,
				"Access-Control-Expose-Headers": "X-Request-Id, RateLimit-Remaining",
			}
			if credentials {
				want["Access-Control-Allow-Credentials"] = "true"
			}
			if got := corsHeaders(w.Header()); len(got) != len(want) || !hasVaryOrigin(w.Header()) {
				t.Errorf("actual CORS headers %v, want %v", got, want)
			}
			for k, v := range want {
				if got := w.Header().Get(k); got != v {
					t.Errorf("actual %s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

// TestCORSRejectsWildcardOrigin: "*" would let any site read responses.
func TestCORSRejectsWildcardOrigin(t *testing.T) {
	_, err := gateway.NewServer(gateway.Options{
		Logger: nil, Auth: &stubAuth{}, Tokens: stubTokens{},
		CORS: gateway.CORSOptions{AllowedOrigins: []string{"*"}},
	})
	if err == nil {
		t.Fatal("NewServer accepted a wildcard origin")
	}
}
