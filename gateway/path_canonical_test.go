package gateway_test

import (
	"net/http"
	"testing"

	"github.com/authgate/gatewayd/gateway/gatewaytest"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// canonicalRoutes is the issue 9 setup: a public route, a public
// catch-all, and a protected admin route on one upstream.
func canonicalRoutes(params bool) []proxy.Route {
	return []proxy.Route{
		{Name: "public", PathPrefix: "/public/", Auth: proxy.AuthPublic, AllowPathParams: params},
		{Name: "catchall", PathPrefix: "/", Auth: proxy.AuthPublic, AllowPathParams: params},
		{Name: "admin", PathPrefix: "/admin/", Roles: []string{"admin"}, AllowPathParams: params},
	}
}

// tomcatBypasses are the spellings that, before issue 9, were authorized
// by a public route and served as /admin/secret by a Tomcat upstream.
var tomcatBypasses = []string{
	"/public/..;/admin/secret",
	"/public/..%3B/admin/secret",
	"/public/%2e%2e;/admin/secret",
	"/admin;x/secret",
}

// TestTomcatDotDotSemicolonCannotCrossRoutesEndToEnd: by default every
// ';' spelling is a 400 that never reaches the upstream; on routes with
// allow_path_params it is authorized as, and forwarded as, /admin/secret.
func TestTomcatDotDotSemicolonCannotCrossRoutesEndToEnd(t *testing.T) {
	t.Run("strict", func(t *testing.T) {
		up := gatewaytest.NewUpstream(t, nil)
		g := newPXGateway(t, up, pxConfig{routes: canonicalRoutes(false)})
		for _, target := range tomcatBypasses {
			decodeProblem(t, g.serve(pxRequest(http.MethodGet, target, "")), http.StatusBadRequest, "invalid_path")
		}
		if n := up.Count(); n != 0 {
			t.Fatalf("upstream received %d requests", n)
		}
	})
	t.Run("allow_path_params", func(t *testing.T) {
		up := gatewaytest.NewUpstream(t, nil)
		g := newPXGateway(t, up, pxConfig{routes: canonicalRoutes(true)})
		admin := g.token(t, "admin")
		for _, target := range tomcatBypasses {
			decodeProblem(t, g.serve(pxRequest(http.MethodGet, target, "")), http.StatusUnauthorized, "invalid_token")
			decodeProblem(t, g.serve(pxRequest(http.MethodGet, target, g.token(t, "user"))), http.StatusForbidden, "insufficient_role")
			if n := up.Count(); n != 0 {
				t.Fatalf("%s: upstream received %d unauthorized requests", target, n)
			}
		}
		for _, target := range tomcatBypasses {
			if w := g.serve(pxRequest(http.MethodGet, target, admin)); w.Code != http.StatusOK {
				t.Fatalf("%s with admin token: %d %s", target, w.Code, w.Body)
			}
			if got := up.Last(t).RequestURI; got != "/admin/secret" {
				t.Errorf("%s reached the upstream as %q, want /admin/secret", target, got)
			}
		}
	})
}

// TestUpstreamReceivesTheCanonicalPath: whatever the client's spelling,
// the upstream gets the path the gateway matched, minimally re-escaped.
func TestUpstreamReceivesTheCanonicalPath(t *testing.T) {
	up := gatewaytest.NewUpstream(t, nil)
	g := newPXGateway(t, up, pxConfig{routes: canonicalRoutes(false)})
	admin := g.token(t, "admin")
	for target, want := range map[string]string{
		"/public/%2e%2e/admin/x":   "/admin/x",
		"/public//a/./b/../c":      "/public/a/c",
		"/%70ublic/x":              "/public/x",
		"/public/a%20b":            "/public/a%20b",
		"/public/caf%c3%a9":        "/public/caf%C3%A9",
		"/public/q%3Fx?real=1":     "/public/q%3Fx?real=1",
		"/public/x/..":             "/public/",
		"/../../public/etc/passwd": "/public/etc/passwd",
	} {
		if w := g.serve(pxRequest(http.MethodGet, target, admin)); w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", target, w.Code, w.Body)
		}
		if got := up.Last(t).RequestURI; got != want {
			t.Errorf("%s reached the upstream as %q, want %q", target, got, want)
		}
	}
}

// TestAmbiguousEncodingsNeverReachTheUpstream: each refused shape is a
// 400 invalid_path at the gateway, even behind a public catch-all.
func TestAmbiguousEncodingsNeverReachTheUpstream(t *testing.T) {
	up := gatewaytest.NewUpstream(t, nil)
	g := newPXGateway(t, up, pxConfig{routes: canonicalRoutes(false)})
	for _, target := range []string{
		"/public/..%2Fadmin/x", "/public/..%5Cadmin/x", "/public/%252e%252e/admin/x",
		"/public/a%00", "/public/%C0%AE%C0%AE/admin", "/public/%0d%0a", "/public/%ff",
	} {
		decodeProblem(t, g.serve(pxRequest(http.MethodGet, target, "")), http.StatusBadRequest, "invalid_path")
	}
	if n := up.Count(); n != 0 {
		t.Fatalf("upstream received %d requests", n)
	}
}

// TestGatewayPathsAreOwnedInAnyCaseAndSpelling: an IIS upstream folds
// case, so "/AUTH/me" behind a catch-all must stay with the gateway, as
// must every ';' or dot spelling of a gateway path.
func TestGatewayPathsAreOwnedInAnyCaseAndSpelling(t *testing.T) {
	up := gatewaytest.NewUpstream(t, nil)
	g := newPXGateway(t, up, pxConfig{routes: []proxy.Route{
		{Name: "iis", PathPrefix: "/", Auth: proxy.AuthPublic, CaseInsensitive: true, AllowPathParams: true},
	}})
	for _, target := range []string{
		"/AUTH/me", "/Auth/login", "/HEALTHZ", "/ReadyZ/", "/OPENAPI.JSON", "/Docs/x",
		"/x/..;/auth/me", "/auth;x/me", "/%41UTH/me",
	} {
		if w := g.serve(pxRequest(http.MethodGet, target, "")); w.Code != http.StatusNotFound && w.Code != http.StatusMethodNotAllowed {
			t.Errorf("%s: %d %s, want the gateway's own 404/405", target, w.Code, w.Body)
		}
	}
	if n := up.Count(); n != 0 {
		t.Fatalf("upstream received %d requests for gateway paths", n)
	}
}

// TestCaseInsensitivePublicRouteCannotReachProtectedPath: end to end, a
// case-insensitive public route does not carry "/PUBLIC/admin/x" past the
// protected "/public/admin/".
func TestCaseInsensitivePublicRouteCannotReachProtectedPath(t *testing.T) {
	up := gatewaytest.NewUpstream(t, nil)
	g := newPXGateway(t, up, pxConfig{routes: []proxy.Route{
		{Name: "public", PathPrefix: "/Public/", Auth: proxy.AuthPublic, CaseInsensitive: true},
		{Name: "admin", PathPrefix: "/public/admin/", Roles: []string{"admin"}},
	}})
	if w := g.serve(pxRequest(http.MethodGet, "/PUBLIC/page", "")); w.Code != http.StatusOK {
		t.Fatalf("/PUBLIC/page: %d %s", w.Code, w.Body)
	}
	if got := up.Last(t).RequestURI; got != "/PUBLIC/page" {
		t.Errorf("upstream got %q", got)
	}
	decodeProblem(t, g.serve(pxRequest(http.MethodGet, "/PUBLIC/admin/x", "")), http.StatusBadRequest, "invalid_path")
	decodeProblem(t, g.serve(pxRequest(http.MethodGet, "/public/admin/x", "")), http.StatusUnauthorized, "invalid_token")
	if n := up.Count(); n != 1 {
		t.Fatalf("upstream received %d requests, want 1", n)
	}
}
