package gateway_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/gateway/gatewaytest"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// trustedProxy is the front proxy's address in the forward-auth tests.
const trustedProxy = "10.0.0.5:41000"

// forwardAuthGateway has one route per policy; forward-auth never forwards,
// so the upstream must stay untouched.
func forwardAuthGateway(t *testing.T, names proxy.IdentityHeaders) (*pxGateway, *gatewaytest.Upstream) {
	t.Helper()
	up := gatewaytest.NewUpstream(t, nil)
	g := newPXGateway(t, up, pxConfig{
		names:   names,
		trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
		routes: []proxy.Route{
			{Name: "api", Host: "app.example.com", PathPrefix: "/api/"},
			{Name: "admin", Host: "app.example.com", PathPrefix: "/admin/", Roles: []string{"admin"}},
			{Name: "catalog", Host: "app.example.com", PathPrefix: "/catalog/", Auth: proxy.AuthOptional},
			{Name: "www", Host: "app.example.com", PathPrefix: "/", Auth: proxy.AuthPublic, Methods: []string{http.MethodGet}},
		},
	})
	return g, up
}

// verifyRequest describes the original request in one front proxy's
// convention.
func verifyRequest(peer, convention, method, host, uri, token string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "http://gateway.internal/auth/verify", nil)
	r.RemoteAddr = peer
	switch convention {
	case "traefik":
		r.Header.Set("X-Forwarded-Method", method)
		r.Header.Set("X-Forwarded-Proto", "https")
		r.Header.Set("X-Forwarded-Host", host)
		r.Header.Set("X-Forwarded-Uri", uri)
	case "nginx":
		r.Header.Set("X-Original-Method", method)
		r.Header.Set("X-Original-URL", "https://"+host+uri)
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	return r
}

// TestForwardAuthBothConventions: /auth/verify applies the policy of the
// route the original request matches, for Traefik/Caddy and nginx headers
// alike, and answers with the identity as response headers.
func TestForwardAuthBothConventions(t *testing.T) {
	g, up := forwardAuthGateway(t, proxy.IdentityHeaders{})
	user, admin := g.token(t, "user"), g.token(t, "admin", "user")
	cases := []struct {
		name, method, uri, token string
		status                   int
		code                     string
		identity                 bool
	}{
		{"required with token", http.MethodPost, "/api/orders?x=1", user, http.StatusOK, "", true},
		{"required without token", http.MethodGet, "/api/orders", "", http.StatusUnauthorized, "invalid_token", false},
		{"required with bad token", http.MethodGet, "/api/orders", "bad.token.here", http.StatusUnauthorized, "invalid_token", false},
		{"role missing", http.MethodGet, "/admin/panel", user, http.StatusForbidden, "insufficient_role", false},
		{"role present", http.MethodGet, "/admin/panel", admin, http.StatusOK, "", true},
		{"optional anonymous", http.MethodGet, "/catalog/1", "", http.StatusOK, "", false},
		{"optional with token", http.MethodGet, "/catalog/1", user, http.StatusOK, "", true},
		{"optional with bad token", http.MethodGet, "/catalog/1", "bad.token.here", http.StatusUnauthorized, "invalid_token", false},
		{"public never looks at the token", http.MethodGet, "/index.html", "bad.token.here", http.StatusOK, "", false},
		{"public with token carries no identity", http.MethodGet, "/index.html", user, http.StatusOK, "", false},
		{"method not routed", http.MethodPost, "/index.html", user, http.StatusForbidden, "route_not_found", false},
		{"cleaned before matching", http.MethodGet, "/index/../admin/panel", user, http.StatusForbidden, "insufficient_role", false},
		{"gateway path", http.MethodGet, "/auth/me", user, http.StatusForbidden, "route_not_found", false},
	}
	for _, convention := range []string{"traefik", "nginx"} {
		for _, tc := range cases {
			t.Run(convention+"/"+tc.name, func(t *testing.T) {
				w := g.serve(verifyRequest(trustedProxy, convention, tc.method, "app.example.com", tc.uri, tc.token))
				checkVerify(t, w, tc.status, tc.code, tc.identity)
			})
		}
	}
	t.Run("other host has no route", func(t *testing.T) {
		w := g.serve(verifyRequest(trustedProxy, "traefik", http.MethodGet, "other.example.com", "/api/x", user))
		checkVerify(t, w, http.StatusForbidden, "route_not_found", false)
	})
	t.Run("HEAD", func(t *testing.T) {
		r := verifyRequest(trustedProxy, "nginx", http.MethodGet, "app.example.com", "/api/x", user)
		r.Method = http.MethodHead
		if w := g.serve(r); w.Code != http.StatusOK || w.Header().Get("X-User-Id") != testUserID {
			t.Fatalf("HEAD: %d %v", w.Code, w.Header())
		}
	})
	if up.Count() != 0 {
		t.Fatalf("forward-auth forwarded %d requests", up.Count())
	}
}

// TestForwardAuthIgnoresUntrustedCallers: from a peer that is not a
// trusted proxy, the description of the original request is ignored, so
// nothing can be allowed: 401 without a valid token, 403 with one, whose
// code says the description is missing.
func TestForwardAuthIgnoresUntrustedCallers(t *testing.T) {
	g, _ := forwardAuthGateway(t, proxy.IdentityHeaders{})
	user := g.token(t, "user")
	for _, convention := range []string{"traefik", "nginx"} {
		for _, tc := range []struct {
			name, uri, token string
			status           int
			code             string
		}{
			{"public route", "/index.html", "", http.StatusUnauthorized, "invalid_token"},
			{"required route with token", "/api/x", user, http.StatusForbidden, "forward_auth_description_missing"},
			{"optional route anonymous", "/catalog/1", "", http.StatusUnauthorized, "invalid_token"},
		} {
			t.Run(convention+"/"+tc.name, func(t *testing.T) {
				w := g.serve(verifyRequest(untrustedPeer, convention, http.MethodGet, "app.example.com", tc.uri, tc.token))
				checkVerify(t, w, tc.status, tc.code, false)
			})
		}
	}
	if !strings.Contains(g.logs.String(), "untrusted peer") {
		t.Error("ignored forward-auth headers were not logged for the operator")
	}
}

// TestForwardAuthRefusesIncompleteDescriptions: a trusted caller that
// leaves out the method or host, or sends two values, gets no assumption
// made for it (an assumed GET or host could pick a laxer route).
func TestForwardAuthRefusesIncompleteDescriptions(t *testing.T) {
	g, _ := forwardAuthGateway(t, proxy.IdentityHeaders{})
	user := g.token(t, "user")
	for name, edit := range map[string]func(r *http.Request){
		"no headers at all": func(r *http.Request) {
			r.Header.Del("X-Forwarded-Method")
			r.Header.Del("X-Forwarded-Uri")
			r.Header.Del("X-Forwarded-Host")
		},
		"no method":         func(r *http.Request) { r.Header.Del("X-Forwarded-Method") },
		"no host":           func(r *http.Request) { r.Header.Del("X-Forwarded-Host") },
		"no uri":            func(r *http.Request) { r.Header.Del("X-Forwarded-Uri") },
		"two hosts":         func(r *http.Request) { r.Header.Add("X-Forwarded-Host", "evil.example.com") },
		"lower-case method": func(r *http.Request) { r.Header.Set("X-Forwarded-Method", "post") },
		"relative uri":      func(r *http.Request) { r.Header.Set("X-Forwarded-Uri", "index.html") },
		"nginx url without method": func(r *http.Request) {
			clearForwarded(r)
			r.Header.Set("X-Original-URL", "https://app.example.com/index.html")
		},
		"nginx url not http": func(r *http.Request) {
			clearForwarded(r)
			r.Header.Set("X-Original-Method", "GET")
			r.Header.Set("X-Original-URL", "ftp://app.example.com/index.html")
		},
	} {
		t.Run(name, func(t *testing.T) {
			r := verifyRequest(trustedProxy, "traefik", http.MethodGet, "app.example.com", "/index.html", user)
			edit(r)
			w := g.serve(r)
			checkVerify(t, w, http.StatusForbidden, "forward_auth_description_missing", false)
		})
	}
}

// TestForwardAuthUsesConfiguredHeaderNames: the identity goes back to the
// front proxy under the configured names (Authelia preset here).
func TestForwardAuthUsesConfiguredHeaderNames(t *testing.T) {
	g, _ := forwardAuthGateway(t, proxy.AutheliaIdentityHeaders())
	w := g.serve(verifyRequest(trustedProxy, "nginx", http.MethodGet, "app.example.com", "/api/x", g.token(t, "user", "ops")))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	h := w.Header()
	if h.Get("Remote-User") != testUserID || h.Get("Remote-Email") != "ada@example.com" || h.Get("Remote-Groups") != "user,ops" {
		t.Fatalf("identity headers %v", h)
	}
	if h.Get("X-User-Id") != "" {
		t.Fatalf("default names used besides the configured ones: %v", h)
	}
}

func clearForwarded(r *http.Request) {
	for _, k := range []string{"X-Forwarded-Method", "X-Forwarded-Uri", "X-Forwarded-Host", "X-Forwarded-Proto"} {
		r.Header.Del(k)
	}
}

// checkVerify asserts a forward-auth answer: status, problem code (for
// denials), identity headers only when expected, and never cacheable.
func checkVerify(t *testing.T, w *httptest.ResponseRecorder, status int, code string, identity bool) {
	t.Helper()
	if code != "" {
		decodeProblem(t, w, status, code)
	} else if w.Code != status || w.Body.Len() != 0 {
		t.Fatalf("status %d body %q, want %d and no body", w.Code, w.Body, status)
	}
	if status == http.StatusUnauthorized && !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer ") {
		t.Fatalf("401 without a Bearer challenge: %v", w.Header())
	}
	h := w.Header()
	got := h.Get("X-User-Id") != "" || h.Get("X-User-Email") != "" || h.Get("X-User-Roles") != ""
	if got != identity {
		t.Fatalf("identity headers present = %v, want %v: %v", got, identity, h)
	}
	if identity && (h.Get("X-User-Id") != testUserID || h.Get("X-User-Email") != "ada@example.com") {
		t.Fatalf("identity headers %v", h)
	}
	if h.Get("Cache-Control") != "no-store" {
		t.Fatalf("Cache-Control = %q, want no-store", h.Get("Cache-Control"))
	}
}
