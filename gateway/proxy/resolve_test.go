package proxy_test

import (
	"errors"
	"testing"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// resolve canonicalizes host and the escaped path and resolves the route,
// the way the gateway does for every proxied request.
func resolve(t *testing.T, rt *proxy.Router, host, escaped, method string) (string, error) {
	t.Helper()
	c, err := proxy.Canonicalize(host, escaped)
	if err != nil {
		return "", err
	}
	r, err := rt.Resolve(c, method)
	if err != nil {
		return "", err
	}
	return r.Name, nil
}

// TestTomcatDotDotSemicolonCannotCrossRoutes: "..;" and its spellings are
// refused unless the route they land on allows path parameters, and then
// they land on the route Tomcat would serve, never on the public one.
func TestTomcatDotDotSemicolonCannotCrossRoutes(t *testing.T) {
	strict := mustRouter(t, []proxy.Route{
		{Name: "public", PathPrefix: "/public/", Auth: proxy.AuthPublic},
		{Name: "catchall", PathPrefix: "/", Auth: proxy.AuthPublic},
		{Name: "admin", PathPrefix: "/admin/"},
	})
	lenient := mustRouter(t, []proxy.Route{
		{Name: "public", PathPrefix: "/public/", Auth: proxy.AuthPublic, AllowPathParams: true},
		{Name: "catchall", PathPrefix: "/", Auth: proxy.AuthPublic, AllowPathParams: true},
		{Name: "admin", PathPrefix: "/admin/", AllowPathParams: true},
	})
	for _, target := range []string{
		"/public/..;/admin/secret", "/public/..%3B/admin/secret", "/public/%2e%2e;/admin/secret",
		"/admin;x/secret", "/public/..;x=1/admin/secret",
	} {
		if name, err := resolve(t, strict, "", target, "GET"); !errors.Is(err, proxy.ErrInvalidPath) {
			t.Errorf("strict %s → %q, %v; want ErrInvalidPath", target, name, err)
		}
		if name, err := resolve(t, lenient, "", target, "GET"); err != nil || name != "admin" {
			t.Errorf("allow_path_params %s → %q, %v; want route admin", target, name, err)
		}
	}
}

// TestPathParamsNeedTheMatchedRouteToOptIn: the opt-in belongs to the route
// the stripped path matches, not to any other.
func TestPathParamsNeedTheMatchedRouteToOptIn(t *testing.T) {
	rt := mustRouter(t, []proxy.Route{
		{Name: "public", PathPrefix: "/public/", Auth: proxy.AuthPublic, AllowPathParams: true},
		{Name: "admin", PathPrefix: "/admin/"},
	})
	if name, err := resolve(t, rt, "", "/public/page;jsessionid=1", "GET"); err != nil || name != "public" {
		t.Errorf("params on the opted-in route → %q, %v; want public", name, err)
	}
	if name, err := resolve(t, rt, "", "/public/..;/admin/x", "GET"); !errors.Is(err, proxy.ErrInvalidPath) {
		t.Errorf("params landing on admin → %q, %v; want ErrInvalidPath", name, err)
	}
}

func TestCaseInsensitiveRouteFoldsCase(t *testing.T) {
	rt := mustRouter(t, []proxy.Route{
		{Name: "iis", PathPrefix: "/legacy/", CaseInsensitive: true},
		{Name: "exact", PathPrefix: "/api/"},
		{Name: "catchall", PathPrefix: "/", Auth: proxy.AuthPublic},
	})
	for target, want := range map[string]string{
		"/legacy/x": "iis", "/LEGACY/x": "iis", "/Legacy": "iis", "/lEgAcY/Page.aspx": "iis",
		"/api/x": "exact", "/API/x": "catchall", // the default stays exact
	} {
		if name, err := resolve(t, rt, "", target, "GET"); err != nil || name != want {
			t.Errorf("%s → %q, %v; want %q", target, name, err, want)
		}
	}
}

// TestCaseInsensitiveRouteCannotCarryAnotherRoutesPath: a case-folding
// upstream serves "/PUBLIC/admin/x" as /public/admin/x, so a
// case-insensitive public route must not take it past the protected route
// that owns the lower-cased path (same for a route whose prefix is spelled
// in upper case).
func TestCaseInsensitiveRouteCannotCarryAnotherRoutesPath(t *testing.T) {
	rt := mustRouter(t, []proxy.Route{
		{Name: "public", PathPrefix: "/Public/", Auth: proxy.AuthPublic, CaseInsensitive: true},
		{Name: "admin", PathPrefix: "/public/admin/"},
		{Name: "root", PathPrefix: "/", Auth: proxy.AuthPublic, CaseInsensitive: true},
		{Name: "ops", Host: "app.example.com", PathPrefix: "/Ops/"},
	})
	for _, tc := range []struct{ host, target, want string }{
		{"", "/public/page", "public"},
		{"", "/PUBLIC/page", "public"},
		{"", "/public/admin/x", "admin"},
		{"", "/PUBLIC/admin/x", ""},
		{"", "/Public/Admin/x", ""},
		{"app.example.com", "/Ops/x", "ops"},
		{"app.example.com", "/ops/x", ""},
		{"other.example.com", "/ops/x", "root"},
	} {
		name, err := resolve(t, rt, tc.host, tc.target, "GET")
		if tc.want == "" {
			if !errors.Is(err, proxy.ErrInvalidPath) {
				t.Errorf("%s%s → %q, %v; want ErrInvalidPath", tc.host, tc.target, name, err)
			}
			continue
		}
		if err != nil || name != tc.want {
			t.Errorf("%s%s → %q, %v; want %q", tc.host, tc.target, name, err, tc.want)
		}
	}
}

// TestCaseInsensitiveRoutesOverlapInAnyCase: two routes whose prefixes
// differ only in case tie for a case-insensitive match, so NewRouter
// refuses them.
func TestCaseInsensitiveRoutesOverlapInAnyCase(t *testing.T) {
	_, err := proxy.NewRouter([]proxy.Route{
		{Name: "a", PathPrefix: "/Admin/", CaseInsensitive: true},
		{Name: "b", PathPrefix: "/admin/"},
	})
	if !errors.Is(err, proxy.ErrRouteOverlap) {
		t.Fatalf("NewRouter = %v, want ErrRouteOverlap", err)
	}
	if _, err := proxy.NewRouter([]proxy.Route{
		{Name: "a", PathPrefix: "/Admin/"},
		{Name: "b", PathPrefix: "/admin/"},
	}); err != nil {
		t.Fatalf("case-sensitive routes in different case: %v", err)
	}
}

func TestResolveWithoutMatchIsErrNoRoute(t *testing.T) {
	rt := mustRouter(t, []proxy.Route{{Name: "api", PathPrefix: "/api/"}})
	if name, err := resolve(t, rt, "", "/other", "GET"); !errors.Is(err, proxy.ErrNoRoute) {
		t.Errorf("→ %q, %v; want ErrNoRoute", name, err)
	}
}
