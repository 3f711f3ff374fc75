package config_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/config"
)

// validRoute returns a route that passes validation.
func validRoute() config.Route {
	return config.Route{
		Name:     "api",
		Match:    config.RouteMatch{PathPrefix: "/api/"},
		Upstream: []string{"http://127.0.0.1:9000"},
		Auth:     config.AuthRequired,
		Timeout:  30 * time.Second,
	}
}

func TestRouteValidation(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*config.Route)
		key    string // "" means valid
	}{
		{"valid", func(*config.Route) {}, ""},
		{"empty name", func(r *config.Route) { r.Name = "" }, "routes[0].name"},
		{"upper-case name", func(r *config.Route) { r.Name = "API" }, "routes[0].name"},
		{"name with space", func(r *config.Route) { r.Name = "my api" }, "routes[0].name"},
		{"name with _ and -", func(r *config.Route) { r.Name = "my_api-2" }, ""},
		{"no path prefix", func(r *config.Route) { r.Match.PathPrefix = "" }, "routes[0].match.path_prefix"},
		{"relative path prefix", func(r *config.Route) { r.Match.PathPrefix = "api/" }, "routes[0].match.path_prefix"},
		{"root prefix", func(r *config.Route) { r.Match.PathPrefix = "/" }, ""},
		{"under /auth/", func(r *config.Route) { r.Match.PathPrefix = "/auth/login" }, "routes[0].match.path_prefix"},
		{"/auth itself", func(r *config.Route) { r.Match.PathPrefix = "/auth" }, "routes[0].match.path_prefix"},
		{"/authors is fine", func(r *config.Route) { r.Match.PathPrefix = "/authors/" }, ""},
		{"/healthz", func(r *config.Route) { r.Match.PathPrefix = "/healthz" }, "routes[0].match.path_prefix"},
		{"/readyz", func(r *config.Route) { r.Match.PathPrefix = "/readyz" }, "routes[0].match.path_prefix"},
		{"/docs", func(r *config.Route) { r.Match.PathPrefix = "/docs" }, "routes[0].match.path_prefix"},
		{"/openapi.json", func(r *config.Route) { r.Match.PathPrefix = "/openapi.json" }, "routes[0].match.path_prefix"},
		{"dot-dot prefix", func(r *config.Route) { r.Match.PathPrefix = "/api/../auth/" }, "routes[0].match.path_prefix"},
		{"double slash", func(r *config.Route) { r.Match.PathPrefix = "//api" }, "routes[0].match.path_prefix"},
		{"exact host", func(r *config.Route) { r.Match.Host = "api.example.com" }, ""},
		{"wildcard host", func(r *config.Route) { r.Match.Host = "*.example.com" }, ""},
		{"host with port", func(r *config.Route) { r.Match.Host = "api.example.com:8080" }, "routes[0].match.host"},
		{"inner wildcard", func(r *config.Route) { r.Match.Host = "api.*.com" }, "routes[0].match.host"},
		{"upper-case host is folded by the proxy", func(r *config.Route) { r.Match.Host = "API.example.com" }, ""},
		{"host with a port", func(r *config.Route) { r.Match.Host = "api.example.com:80" }, "routes[0].match.host"},
		{"methods ok", func(r *config.Route) { r.Match.Methods = []string{"GET", "POST"} }, ""},
		{"lower-case method", func(r *config.Route) { r.Match.Methods = []string{"GET", "post"} }, "routes[0].match.methods[1]"},
		{"method with space", func(r *config.Route) { r.Match.Methods = []string{"GE T"} }, "routes[0].match.methods[0]"},
		{"no upstream", func(r *config.Route) { r.Upstream = nil }, "routes[0].upstream"},
		{"relative upstream", func(r *config.Route) { r.Upstream = []string{"127.0.0.1:9000"} }, "routes[0].upstream[0]"},
		{"ftp upstream", func(r *config.Route) { r.Upstream = []string{"ftp://files"} }, "routes[0].upstream[0]"},
		{"upstream without host", func(r *config.Route) { r.Upstream = []string{"http:///x"} }, "routes[0].upstream[0]"},
		{"second upstream bad", func(r *config.Route) { r.Upstream = []string{"https://a", "https://"} }, "routes[0].upstream[1]"},
		{"upstream with path", func(r *config.Route) { r.Upstream = []string{"https://a.internal/base"} }, ""},
		{"auth optional", func(r *config.Route) { r.Auth = config.AuthOptional }, ""},
		{"auth public", func(r *config.Route) { r.Auth = config.AuthPublic }, ""},
		{"auth unknown", func(r *config.Route) { r.Auth = "none" }, "routes[0].auth"},
		{"roles with required", func(r *config.Route) { r.Roles = []string{"admin"} }, ""},
		{"roles with public", func(r *config.Route) { r.Roles, r.Auth = []string{"admin"}, config.AuthPublic }, "routes[0].roles"},
		{"role with comma", func(r *config.Route) { r.Roles = []string{"a,b"} }, "routes[0].roles[0]"},
		{"rate limit ok", func(r *config.Route) { r.RateLimit = "100-M" }, ""},
		{"rate limit bad", func(r *config.Route) { r.RateLimit = "100 per minute" }, "routes[0].rate_limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConfig()
			r := validRoute()
			tt.mutate(&r)
			c.Routes = []config.Route{r}
			ps := validateProblems(t, c)
			if tt.key == "" {
				if ps != nil {
					t.Errorf("want valid, got:\n%v", ps)
				}
				return
			}
			if !ps.Has(tt.key) {
				t.Errorf("want a problem for %s, got:\n%v", tt.key, ps)
			}
		})
	}
}

func TestRouteNamesUnique(t *testing.T) {
	c := validConfig()
	a, b := validRoute(), validRoute()
	b.Match.PathPrefix = "/other/"
	c.Routes = []config.Route{a, b}
	if ps := validateProblems(t, c); !ps.Has("routes") || !strings.Contains(ps.Error(), "duplicate name") {
		t.Errorf("want the router's duplicate-name problem, got:\n%v", ps)
	}
}

func TestRouteUpstreamStringOrList(t *testing.T) {
	yaml := `
routes:
  - name: single
    match: {path_prefix: /single/}
    upstream: "http://127.0.0.1:9000"
  - name: list
    match: {path_prefix: /list/}
    upstream: ["http://10.0.0.1:80", "http://10.0.0.2:80"]
  - name: explicit
    match: {path_prefix: /explicit/, methods: [GET]}
    upstream:
      - https://a.internal
    auth: public
    timeout: 2s
    strip_prefix: true
    rate_limit: 5-S
`
	cfg := mustLoad(t, writeFile(t, "gw.yaml", yaml), envOf(nil))
	tests := []struct {
		name     string
		route    config.Route
		upstream []string
		auth     string
		timeout  time.Duration
	}{
		{"string", cfg.Routes[0], []string{"http://127.0.0.1:9000"}, config.AuthRequired, 0},
		{"list", cfg.Routes[1], []string{"http://10.0.0.1:80", "http://10.0.0.2:80"}, config.AuthRequired, 0},
		{"explicit values", cfg.Routes[2], []string{"https://a.internal"}, config.AuthPublic, 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.route
			if !slices.Equal(r.Upstream, tt.upstream) || r.Auth != tt.auth || r.Timeout != tt.timeout {
				t.Errorf("route = %+v", r)
			}
		})
	}
	if r := cfg.Routes[2]; !r.StripPrefix || r.RateLimit != "5-S" || !slices.Equal(r.Match.Methods, []string{"GET"}) {
		t.Errorf("explicit route = %+v", r)
	}
}

// TestRouteTimeoutZeroIsTheProxysRule: config has no rule for a route's
// timeout (issue 10). 0 decodes as 0 and gateway/proxy decides what it
// means (the transport's response_header_timeout); cmd's
// TestRouteTimeoutOneRule checks `config check` and serve agree.
func TestRouteTimeoutZeroIsTheProxysRule(t *testing.T) {
	yaml := "routes:\n  - name: a\n    match: {path_prefix: /a/}\n    upstream: http://127.0.0.1:1\n    timeout: 0s\n"
	cfg := mustLoad(t, writeFile(t, "gw.yaml", yaml), envOf(nil))
	if cfg.Routes[0].Timeout != 0 {
		t.Errorf("timeout = %v, want 0", cfg.Routes[0].Timeout)
	}
}

func TestRouteMustBeMapping(t *testing.T) {
	ps := loadProblems(t, writeFile(t, "gw.yaml", "routes:\n  - /api/\n"), envOf(nil))
	if !ps.Has("routes[0]") {
		t.Errorf("want a routes[0] problem, got:\n%v", ps)
	}
}

// TestRouteStreamMaxLifetime: omitted means "with the token" (nil), 0 is
// kept as an explicit opt-out, a duration is kept, a negative one refused
// (issue 13 §3).
func TestRouteStreamMaxLifetime(t *testing.T) {
	yaml := `
routes:
  - name: omitted
    match: {path_prefix: /a/}
    upstream: http://127.0.0.1:1
  - name: optout
    match: {path_prefix: /b/}
    upstream: http://127.0.0.1:1
    stream_max_lifetime: 0
  - name: hour
    match: {path_prefix: /c/}
    upstream: http://127.0.0.1:1
    stream_max_lifetime: 1h
`
	cfg := mustLoad(t, writeFile(t, "gw.yaml", yaml), envOf(nil))
	if d := cfg.Routes[0].StreamMaxLifetime; d != nil {
		t.Errorf("omitted stream_max_lifetime = %v, want nil", *d)
	}
	if d := cfg.Routes[1].StreamMaxLifetime; d == nil || *d != 0 {
		t.Errorf("stream_max_lifetime: 0 = %v, want an explicit 0", d)
	}
	if d := cfg.Routes[2].StreamMaxLifetime; d == nil || *d != time.Hour {
		t.Errorf("stream_max_lifetime: 1h = %v, want 1h", d)
	}
	bad := "routes:\n  - name: a\n    match: {path_prefix: /a/}\n    upstream: http://127.0.0.1:1\n    stream_max_lifetime: -1s\n"
	if ps := loadProblems(t, writeFile(t, "gw.yaml", bad), envOf(nil)); !ps.Has("routes[0].stream_max_lifetime") {
		t.Errorf("want a routes[0].stream_max_lifetime problem, got:\n%v", ps)
	}
}
