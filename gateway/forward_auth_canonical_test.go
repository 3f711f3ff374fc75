package gateway_test

import (
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authgate/gatewayd/gateway/gatewaytest"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// TestForwardAuthDescriptionsMustAgree: a trusted proxy that sends both
// conventions must describe one request; two spellings of the same
// canonical request agree.
func TestForwardAuthDescriptionsMustAgree(t *testing.T) {
	g, _ := forwardAuthGateway(t, proxy.IdentityHeaders{})
	user := g.token(t, "user")
	for _, tc := range []struct {
		name                  string
		nginxMethod, nginxURL string
		status                int
		code                  string
	}{
		{"same request", "GET", "https://app.example.com/api/x", http.StatusOK, ""},
		{"same request, other spelling", "GET", "https://APP.example.com:443/api/./x", http.StatusOK, ""},
		{"other path", "GET", "https://app.example.com/admin/x", http.StatusBadRequest, "forward_auth_description_conflict"},
		{"other method", "POST", "https://app.example.com/api/x", http.StatusBadRequest, "forward_auth_description_conflict"},
		{"other host", "GET", "https://evil.example.com/api/x", http.StatusBadRequest, "forward_auth_description_conflict"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := verifyRequest(trustedProxy, "traefik", http.MethodGet, "app.example.com", "/api/x", user)
			r.Header.Set("X-Original-Method", tc.nginxMethod)
			r.Header.Set("X-Original-URL", tc.nginxURL)
			w := g.serve(r)
			if tc.status == http.StatusOK {
				if w.Code != http.StatusOK {
					t.Fatalf("status %d %s", w.Code, w.Body)
				}
				return
			}
			decodeProblem(t, w, tc.status, tc.code)
		})
	}
}

// TestForwardAuthCanonicalizesLikeTheProxy: the described path goes
// through the proxy's canonicalization, so "/x/..;/admin/x" is refused
// (no route allows path parameters) and a dot spelling gets the admin
// route's policy, never a 200 from the public route.
func TestForwardAuthCanonicalizesLikeTheProxy(t *testing.T) {
	g, _ := forwardAuthGateway(t, proxy.IdentityHeaders{})
	user := g.token(t, "user")
	for _, convention := range []string{"traefik", "nginx"} {
		for _, tc := range []struct {
			uri    string
			status int
			code   string
		}{
			{"/x/..;/admin/x", http.StatusBadRequest, "invalid_path"},
			{"/x/..%3B/admin/x", http.StatusBadRequest, "invalid_path"},
			{"/x/..%2Fadmin/x", http.StatusBadRequest, "invalid_path"},
			{"/x/%2e%2e/admin/x", http.StatusForbidden, "insufficient_role"},
			{"/x//..//admin/x", http.StatusForbidden, "insufficient_role"},
			{"/AUTH/me", http.StatusForbidden, "route_not_found"},
		} {
			t.Run(convention+tc.uri, func(t *testing.T) {
				w := g.serve(verifyRequest(trustedProxy, convention, http.MethodGet, "app.example.com", tc.uri, user))
				decodeProblem(t, w, tc.status, tc.code)
			})
		}
	}
}

// TestForwardAuthMissingDescriptionNamesTheHeaders: a direct call without
// a description learns which headers are missing, instead of a puzzling
// route_not_found.
func TestForwardAuthMissingDescriptionNamesTheHeaders(t *testing.T) {
	g, _ := forwardAuthGateway(t, proxy.IdentityHeaders{})
	r := verifyRequest(trustedProxy, "none", "", "", "", g.token(t, "user"))
	p := decodeProblem(t, g.serve(r), http.StatusForbidden, "forward_auth_description_missing")
	for _, h := range []string{"X-Forwarded-Method", "X-Forwarded-Uri", "X-Original-Method", "X-Original-URL", "X-Forwarded-Host"} {
		if !strings.Contains(p.Detail, h) {
			t.Errorf("detail %q does not name %s", p.Detail, h)
		}
	}
}

// TestForwardAuthUntrustedWarningIsRateLimited: any client can send the
// describing headers, so the warning about them is logged once per
// interval, and the next line says how many were suppressed.
func TestForwardAuthUntrustedWarningIsRateLimited(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	up := gatewaytest.NewUpstream(t, nil)
	g := newPXGateway(t, up, pxConfig{
		now:     clock,
		trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
		routes:  []proxy.Route{{Name: "www", PathPrefix: "/", Auth: proxy.AuthPublic}},
	})
	warnings := func() []string {
		var out []string
		for _, line := range strings.Split(g.logs.String(), "\n") {
			if strings.Contains(line, "untrusted peer") {
				out = append(out, line)
			}
		}
		return out
	}
	for i := 0; i < 50; i++ {
		g.serve(verifyRequest(untrustedPeer, "traefik", http.MethodGet, "app.example.com", "/x", ""))
	}
	if n := len(warnings()); n != 1 {
		t.Fatalf("%d warnings for 50 requests in one interval, want 1", n)
	}
	mu.Lock()
	now = now.Add(61 * time.Second)
	mu.Unlock()
	g.serve(verifyRequest(untrustedPeer, "nginx", http.MethodGet, "app.example.com", "/x", ""))
	w := warnings()
	if len(w) != 2 || !strings.Contains(w[1], `"suppressed":49`) {
		t.Fatalf("after the interval: %q, want a second line with suppressed=49", w)
	}
}
