package proxy_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/gateway/proxy"
)

func mustRouter(t testing.TB, routes []proxy.Route) *proxy.Router {
	t.Helper()
	rt, err := proxy.NewRouter(routes)
	if err != nil {
		t.Fatalf("NewRouter: %v", err)
	}
	return rt
}

func TestMatchPrecedence(t *testing.T) {
	rt := mustRouter(t, []proxy.Route{
		{Name: "any-root", PathPrefix: "/"},
		{Name: "any-api", PathPrefix: "/api/"},
		{Name: "any-api-v1", PathPrefix: "/api/v1/"},
		{Name: "any-api-post", PathPrefix: "/api/", Methods: []string{"POST"}},
		{Name: "wild", Host: "*.example.com", PathPrefix: "/"},
		{Name: "wild-api", Host: "*.api.example.com", PathPrefix: "/"},
		{Name: "exact", Host: "app.example.com", PathPrefix: "/"},
		{Name: "exact-admin", Host: "app.example.com", PathPrefix: "/admin/", Methods: []string{"GET", "HEAD"}},
		{Name: "ipv6", Host: "[::1]", PathPrefix: "/"},
		{Name: "plain-prefix", Host: "plain.test", PathPrefix: "/files"},
	})
	tests := []struct {
		name, host, path, method, want string
	}{
		{"any host falls back to root", "unknown.test", "/x", "GET", "any-root"},
		{"longest prefix", "unknown.test", "/api/v1/users", "GET", "any-api-v1"},
		{"shorter prefix", "unknown.test", "/api/users", "GET", "any-api"},
		{"method-specific beats agnostic", "unknown.test", "/api/users", "POST", "any-api-post"},
		{"longer prefix beats method-specific", "unknown.test", "/api/v1/users", "POST", "any-api-v1"},
		{"trailing-slash prefix matches bare path", "unknown.test", "/api", "GET", "any-api"},
		{"bare path honours methods", "unknown.test", "/api", "POST", "any-api-post"},
		{"prefix is not a segment match", "unknown.test", "/apix", "GET", "any-root"},
		{"wildcard host beats longer prefix on any host", "foo.example.com", "/api/v1/x", "GET", "wild"},
		{"wildcard matches any depth", "a.b.example.com", "/", "GET", "wild"},
		{"longer wildcard suffix wins", "x.api.example.com", "/", "GET", "wild-api"},
		{"wildcard does not match apex", "example.com", "/", "GET", "any-root"},
		{"exact beats wildcard", "app.example.com", "/", "GET", "exact"},
		{"exact host ignores case and port", "APP.Example.COM:8443", "/admin/users", "GET", "exact-admin"},
		{"method not allowed falls to shorter prefix", "app.example.com", "/admin/users", "POST", "exact"},
		{"trailing dot FQDN", "app.example.com.", "/", "GET", "exact"},
		{"IPv6 literal with port", "[::1]:8080", "/", "GET", "ipv6"},
		{"no host header", "", "/", "GET", "any-root"},
		{"plain prefix without slash", "plain.test", "/files2024", "GET", "plain-prefix"},
		{"plain prefix misses shorter path", "plain.test", "/file", "GET", "any-root"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := rt.Match(tt.host, tt.path, tt.method)
			if !ok {
				t.Fatalf("Match(%q, %q, %q) found nothing, want %s", tt.host, tt.path, tt.method, tt.want)
			}
			if r.Name != tt.want {
				t.Errorf("Match(%q, %q, %q) = %s, want %s", tt.host, tt.path, tt.method, r.Name, tt.want)
			}
		})
	}
}

func TestMatchNoRoute(t *testing.T) {
	rt := mustRouter(t, []proxy.Route{
		{Name: "exact", Host: "app.example.com", PathPrefix: "/app/"},
		{Name: "get-only", PathPrefix: "/read/", Methods: []string{"GET"}},
	})
	tests := []struct{ name, host, path, method string }{
		{"other host", "other.example.com", "/app/x", "GET"},
		{"other path", "app.example.com", "/elsewhere", "GET"},
		{"method not allowed", "any.test", "/read/x", "DELETE"},
		{"methods are case-sensitive", "any.test", "/read/x", "get"},
		{"empty path", "app.example.com", "", "GET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r, ok := rt.Match(tt.host, tt.path, tt.method); ok {
				t.Errorf("Match(%q, %q, %q) = %s, want no match", tt.host, tt.path, tt.method, r.Name)
			}
		})
	}
}

func TestNewRouterRejectsOverlapsNamingBothRoutes(t *testing.T) {
	tests := []struct {
		name      string
		routes    []proxy.Route
		wantPairs [][2]string
	}{
		{
			name: "same host, prefix, no methods",
			routes: []proxy.Route{
				{Name: "first", PathPrefix: "/api/"},
				{Name: "second", PathPrefix: "/api/"},
			},
			wantPairs: [][2]string{{"first", "second"}},
		},
		{
			name: "intersecting method lists",
			routes: []proxy.Route{
				{Name: "writers", Host: "a.test", PathPrefix: "/x", Methods: []string{"PUT", "POST"}},
				{Name: "posters", Host: "a.test", PathPrefix: "/x", Methods: []string{"POST"}},
			},
			wantPairs: [][2]string{{"writers", "posters"}},
		},
		{
			name: "host pattern compared case-insensitively",
			routes: []proxy.Route{
				{Name: "lower", Host: "*.example.com", PathPrefix: "/"},
				{Name: "upper", Host: "*.EXAMPLE.com", PathPrefix: "/"},
			},
			wantPairs: [][2]string{{"lower", "upper"}},
		},
		{
			name: "all overlaps reported at once",
			routes: []proxy.Route{
				{Name: "a", PathPrefix: "/"},
				{Name: "b", PathPrefix: "/"},
				{Name: "c", Host: "h.test", PathPrefix: "/p/", Methods: []string{"GET"}},
				{Name: "d", Host: "h.test", PathPrefix: "/p/", Methods: []string{"GET"}},
			},
			wantPairs: [][2]string{{"a", "b"}, {"c", "d"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := proxy.NewRouter(tt.routes)
			if !errors.Is(err, proxy.ErrRouteOverlap) {
				t.Fatalf("NewRouter error = %v, want ErrRouteOverlap", err)
			}
			for _, pair := range tt.wantPairs {
				want := fmt.Sprintf("routes %q and %q", pair[0], pair[1])
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %s", err, want)
				}
			}
			if got := strings.Count(err.Error(), "\n") + 1; got != len(tt.wantPairs) {
				t.Errorf("error reports %d problems, want %d:\n%v", got, len(tt.wantPairs), err)
			}
		})
	}
}

func TestNewRouterAcceptsNonOverlapping(t *testing.T) {
	tests := []struct {
		name   string
		routes []proxy.Route
	}{
		{"method list beats none", []proxy.Route{
			{Name: "all", PathPrefix: "/api/"},
			{Name: "get", PathPrefix: "/api/", Methods: []string{"GET"}},
		}},
		{"disjoint methods", []proxy.Route{
			{Name: "get", PathPrefix: "/api/", Methods: []string{"GET"}},
			{Name: "post", PathPrefix: "/api/", Methods: []string{"POST"}},
		}},
		{"different hosts", []proxy.Route{
			{Name: "a", Host: "a.test", PathPrefix: "/"},
			{Name: "b", Host: "b.test", PathPrefix: "/"},
			{Name: "wild", Host: "*.a.test", PathPrefix: "/"},
			{Name: "any", PathPrefix: "/"},
		}},
		{"prefix with and without slash", []proxy.Route{
			{Name: "slash", PathPrefix: "/api/"},
			{Name: "bare", PathPrefix: "/api"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := proxy.NewRouter(tt.routes); err != nil {
				t.Errorf("NewRouter: %v", err)
			}
		})
	}
}

func TestNewRouterRejectsInvalidRoutes(t *testing.T) {
	tests := []struct {
		name  string
		route proxy.Route
	}{
		{"empty name", proxy.Route{PathPrefix: "/"}},
		{"empty prefix", proxy.Route{Name: "r"}},
		{"relative prefix", proxy.Route{Name: "r", PathPrefix: "api/"}},
		{"unclean prefix", proxy.Route{Name: "r", PathPrefix: "/a/../admin/"}},
		{"double slash prefix", proxy.Route{Name: "r", PathPrefix: "//api/"}},
		{"host with port", proxy.Route{Name: "r", Host: "a.test:8080", PathPrefix: "/"}},
		{"inner wildcard", proxy.Route{Name: "r", Host: "a.*.test", PathPrefix: "/"}},
		{"bare wildcard", proxy.Route{Name: "r", Host: "*", PathPrefix: "/"}},
		{"bad method", proxy.Route{Name: "r", PathPrefix: "/", Methods: []string{"GE T"}}},
		{"unknown auth mode", proxy.Route{Name: "r", PathPrefix: "/", Auth: proxy.AuthMode(9)}},
		{"negative timeout", proxy.Route{Name: "r", PathPrefix: "/", Timeout: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := proxy.NewRouter([]proxy.Route{tt.route})
			if !errors.Is(err, proxy.ErrInvalidRoute) {
				t.Errorf("NewRouter error = %v, want ErrInvalidRoute", err)
			}
		})
	}
	t.Run("duplicate name", func(t *testing.T) {
		_, err := proxy.NewRouter([]proxy.Route{{Name: "r", PathPrefix: "/a"}, {Name: "r", PathPrefix: "/b"}})
		if !errors.Is(err, proxy.ErrInvalidRoute) {
			t.Errorf("NewRouter error = %v, want ErrInvalidRoute", err)
		}
	})
}

func TestRouterIsImmuneToCallerEdits(t *testing.T) {
	routes := []proxy.Route{{Name: "r", PathPrefix: "/a/", Methods: []string{"GET"}}}
	rt := mustRouter(t, routes)
	routes[0].PathPrefix = "/b/"
	routes[0].Methods[0] = "POST"
	if r, ok := rt.Match("h", "/a/x", "GET"); !ok || r.Name != "r" {
		t.Errorf("Match after caller edit = %v, %v; want route r", r, ok)
	}
}

func TestParseAuthMode(t *testing.T) {
	tests := []struct {
		in      string
		want    proxy.AuthMode
		wantErr bool
	}{
		{"", proxy.AuthRequired, false},
		{"required", proxy.AuthRequired, false},
		{"optional", proxy.AuthOptional, false},
		{"public", proxy.AuthPublic, false},
		{"Public", proxy.AuthRequired, true},
		{"none", proxy.AuthRequired, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := proxy.ParseAuthMode(tt.in)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("ParseAuthMode(%q) = %v, %v", tt.in, got, err)
			}
			if err != nil && !errors.Is(err, proxy.ErrInvalidRoute) {
				t.Errorf("error %v does not wrap ErrInvalidRoute", err)
			}
			if err == nil && tt.in != "" && got.String() != tt.in {
				t.Errorf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
	if var0 := (proxy.Route{}).Auth; var0 != proxy.AuthRequired {
		t.Errorf("zero Route.Auth = %v, want required (fail closed)", var0)
	}
}
