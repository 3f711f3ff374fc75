package gateway_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/gatewaytest"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// TestRoutePrecedenceThroughTheServer: the most specific host wins, then
// the longest prefix, then a method-specific route; the route's upstream
// answers with its own name.
func TestRoutePrecedenceThroughTheServer(t *testing.T) {
	named := func(name string) *url.URL {
		up := gatewaytest.NewUpstream(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, name) })
		return up.Target(t)
	}
	routes := []proxy.Route{
		{Name: "root", PathPrefix: "/"},
		{Name: "api", PathPrefix: "/api/"},
		{Name: "api-get", PathPrefix: "/api/", Methods: []string{http.MethodGet}},
		{Name: "api-admin", PathPrefix: "/api/admin/"},
		{Name: "wild", Host: "*.example.com", PathPrefix: "/api/"},
		{Name: "exact", Host: "api.example.com", PathPrefix: "/"},
	}
	for i := range routes {
		routes[i].Auth = proxy.AuthPublic
		routes[i].Upstreams = []*url.URL{named(routes[i].Name)}
	}
	g := newPXGateway(t, nil, pxConfig{routes: routes})
	for _, tc := range []struct{ method, target, want string }{
		{http.MethodGet, "http://gw.test/", "root"},
		{http.MethodGet, "http://gw.test/apix", "root"},
		{http.MethodPost, "http://gw.test/api/orders", "api"},
		{http.MethodPost, "http://gw.test/api", "api"}, // "/api/" also matches "/api"
		{http.MethodGet, "http://gw.test/api/orders", "api-get"},
		{http.MethodPost, "http://gw.test/api/admin/users", "api-admin"},
		{http.MethodGet, "http://gw.test/api/admin/../orders", "api-get"}, // cleaned before matching
		{http.MethodGet, "http://shop.example.com/api/x", "wild"},
		{http.MethodGet, "http://shop.example.com/other", "root"},
		{http.MethodGet, "http://API.Example.com:8443/api/x", "exact"},
	} {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			w := g.serve(pxRequest(tc.method, tc.target, ""))
			if w.Code != http.StatusOK || w.Body.String() != tc.want {
				t.Fatalf("answered %d %q, want route %q", w.Code, w.Body, tc.want)
			}
		})
	}
}

// TestUnmatchedRequestsAreDeniedByDefault: no route (or a method the route
// does not allow) is a 404 route_not_found that never reaches an upstream;
// a path that cannot be cleaned is a 400.
func TestUnmatchedRequestsAreDeniedByDefault(t *testing.T) {
	up := gatewaytest.NewUpstream(t, nil)
	g := newPXGateway(t, up, pxConfig{routes: []proxy.Route{
		{Name: "api", PathPrefix: "/api/", Methods: []string{http.MethodGet}, Auth: proxy.AuthPublic},
	}})
	for _, tc := range []struct {
		method, target string
		status         int
		code           string
	}{
		{http.MethodGet, "/other", http.StatusNotFound, "route_not_found"},
		{http.MethodPost, "/api/x", http.StatusNotFound, "route_not_found"},
		{http.MethodGet, "/ap", http.StatusNotFound, "route_not_found"},
		{http.MethodGet, "/api/..%5Cadmin", http.StatusBadRequest, "invalid_path"},
		{http.MethodGet, "/api/a%00b", http.StatusBadRequest, "invalid_path"},
	} {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			decodeProblem(t, g.serve(pxRequest(tc.method, tc.target, "")), tc.status, tc.code)
		})
	}
	if n := up.Count(); n != 0 {
		t.Fatalf("upstream received %d denied requests", n)
	}

	// And a gateway without any route denies everything it does not own.
	bare := newPXGateway(t, nil, pxConfig{})
	decodeProblem(t, bare.serve(pxRequest(http.MethodGet, "/anything", "")), http.StatusNotFound, "route_not_found")
}

// TestRequiredRouteNeedsAValidToken: missing and invalid tokens are 401
// with an RFC 6750 challenge, and nothing is forwarded.
func TestRequiredRouteNeedsAValidToken(t *testing.T) {
	up := gatewaytest.NewUpstream(t, nil)
	g := newPXGateway(t, up, pxConfig{routes: []proxy.Route{{Name: "api", PathPrefix: "/api/"}}})
	expired, _, err := mustTokens(t, time.Now().Add(-time.Hour)).Issue(&authcore.User{ID: testUserID, Email: "ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, auth, challenge string
	}{
		{"missing", "", `Bearer realm="gatewayd"`},
		{"other scheme", "Basic dXNlcjpwYXNz", `Bearer realm="gatewayd"`},
		{"garbage", "Bearer not.a.jwt", `error="invalid_token"`},
		{"expired", "Bearer " + expired, `error_description="expired"`},
		{"wrong key", "Bearer " + otherKeyToken(t), `error="invalid_token"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := pxRequest(http.MethodGet, "/api/x", "")
			if tc.auth != "" {
				r.Header.Set("Authorization", tc.auth)
			}
			w := g.serve(r)
			decodeProblem(t, w, http.StatusUnauthorized, "invalid_token")
			if got := w.Header().Get("WWW-Authenticate"); !strings.Contains(got, tc.challenge) {
				t.Fatalf("WWW-Authenticate = %q, want it to contain %q", got, tc.challenge)
			}
		})
	}
	if n := up.Count(); n != 0 {
		t.Fatalf("upstream received %d unauthenticated requests", n)
	}
	if w := g.serve(pxRequest(http.MethodGet, "/api/x", g.token(t))); w.Code != http.StatusOK {
		t.Fatalf("valid token: %d %s", w.Code, w.Body)
	}
}

// TestRoleChecks: a valid token without any of the route's roles is 403
// insufficient_role; one matching role is enough.
func TestRoleChecks(t *testing.T) {
	up := gatewaytest.NewUpstream(t, nil)
	g := newPXGateway(t, up, pxConfig{routes: []proxy.Route{
		{Name: "admin", PathPrefix: "/admin/", Roles: []string{"admin", "ops"}},
	}})
	for _, tc := range []struct {
		name   string
		roles  []string
		status int
	}{
		{"no roles", nil, http.StatusForbidden},
		{"other role", []string{"user"}, http.StatusForbidden},
		{"role name case differs", []string{"Admin"}, http.StatusForbidden},
		{"one of them", []string{"user", "ops"}, http.StatusOK},
		{"exact", []string{"admin"}, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := up.Count()
			w := g.serve(pxRequest(http.MethodGet, "/admin/panel", g.token(t, tc.roles...)))
			if tc.status == http.StatusForbidden {
				decodeProblem(t, w, http.StatusForbidden, "insufficient_role")
				if got := w.Header().Get("WWW-Authenticate"); !strings.Contains(got, `error="insufficient_scope"`) {
					t.Fatalf("WWW-Authenticate = %q", got)
				}
				if up.Count() != before {
					t.Fatal("a refused request reached the upstream")
				}
				return
			}
			if w.Code != http.StatusOK || up.Count() != before+1 {
				t.Fatalf("status %d, upstream count %d→%d", w.Code, before, up.Count())
			}
		})
	}
}

// TestOptionalRoute: anonymous requests are forwarded without identity, a
// valid token adds it, and an Authorization header that is not a valid
// bearer token is a 401 rather than a silent downgrade.
func TestOptionalRoute(t *testing.T) {
	up := gatewaytest.NewUpstream(t, nil)
	g := newPXGateway(t, up, pxConfig{routes: []proxy.Route{{Name: "cat", PathPrefix: "/catalog/", Auth: proxy.AuthOptional}}})

	if w := g.serve(pxRequest(http.MethodGet, "/catalog/1", "")); w.Code != http.StatusOK {
		t.Fatalf("anonymous: %d", w.Code)
	}
	if h := up.Last(t).Header; h.Get("X-User-Id") != "" || h.Get("X-User-Email") != "" || h.Get("X-User-Roles") != "" {
		t.Fatalf("anonymous request forwarded with identity: %v", h)
	}

	if w := g.serve(pxRequest(http.MethodGet, "/catalog/1", g.token(t, "user", "beta"))); w.Code != http.StatusOK {
		t.Fatalf("with token: %d", w.Code)
	}
	h := up.Last(t).Header
	if h.Get("X-User-Id") != testUserID || h.Get("X-User-Email") != "ada@example.com" || h.Get("X-User-Roles") != "user,beta" {
		t.Fatalf("identity forwarded as %q %q %q", h.Get("X-User-Id"), h.Get("X-User-Email"), h.Get("X-User-Roles"))
	}

	forwarded := up.Count()
	for _, auth := range []string{"Bearer not.a.jwt", "Bearer " + otherKeyToken(t), "Basic dXNlcjpwYXNz", "", "Bearer"} {
		r := pxRequest(http.MethodGet, "/catalog/1", "")
		r.Header["Authorization"] = []string{auth}
		decodeProblem(t, g.serve(r), http.StatusUnauthorized, "invalid_token")
	}
	if up.Count() != forwarded {
		t.Fatal("a request with an invalid Authorization header was forwarded")
	}
}

// TestIsGatewayPathAgreesWithTheServer: the exported check `routes check`
// uses says exactly what the running server keeps for itself.
func TestIsGatewayPathAgreesWithTheServer(t *testing.T) {
	srv, _ := newStubServer(t, &stubAuth{}, func(o *gateway.Options) { o.DocsEnabled = true })
	for _, p := range []string{
		"/", "/auth", "/auth/", "/auth/me", "/auth/nope", "/authz", "//auth/me", "/x/../auth/me",
		"/healthz", "/healthz/", "/readyz", "/readyzz", "/docs", "/docs/", "/docs/x.js", "/openapi.json",
		"/api/", "/api/healthz", "/docsx",
	} {
		if got, want := gateway.IsGatewayPath(p), gateway.DocsOwnsPath(srv, p); got != want {
			t.Errorf("IsGatewayPath(%q) = %v, server owns it: %v", p, got, want)
		}
	}
	// Every endpoint the server registers, so a new one cannot be missed.
	for _, route := range gateway.DocsRouteTable(srv) {
		_, p, _ := strings.Cut(route, " ")
		if prefix, wildcard := strings.CutSuffix(p, "*"); wildcard {
			p = prefix + "asset.js"
		}
		if !gateway.IsGatewayPath(p) {
			t.Errorf("the server answers %s itself, but IsGatewayPath(%q) is false", route, p)
		}
	}
}

// mustTokens is a token service whose clock is fixed at now.
func mustTokens(t *testing.T, now time.Time) *authcore.AccessTokens {
	t.Helper()
	tokens, err := authcore.NewAccessTokens(authcore.TokenOptions{Secret: testSecret, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return tokens
}

// otherKeyToken is a well-formed token signed with a different secret.
func otherKeyToken(t *testing.T) string {
	t.Helper()
	tokens, err := authcore.NewAccessTokens(authcore.TokenOptions{Secret: strings.Repeat("k", 48)})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := tokens.Issue(&authcore.User{ID: testUserID, Email: "ada@example.com", Roles: []string{"admin"}})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
