package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// routesYAML is a route table with a catch-all, a host route with roles
// and a stripped prefix; overlapping adds a route that ties with "api".
const routesYAML = `
routes:
  - name: www
    match: {path_prefix: /}
    upstream: http://127.0.0.1:9100
    auth: public
  - name: api
    match: {host: api.example.com, path_prefix: /v1/, methods: [GET, POST]}
    upstream: [http://10.0.0.11:8080, http://10.0.0.12:8080]
    strip_prefix: true
    roles: [admin, ops]
`

const overlappingYAML = routesYAML + `
  - name: api-shadow
    match: {host: api.example.com, path_prefix: /v1/, methods: [POST, PUT]}
    upstream: http://127.0.0.1:9300
`

func writeConfig(t *testing.T, yaml string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gateway.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRoutesCheck(t *testing.T) {
	c := newCLI(t, "sqlite:"+filepath.Join(t.TempDir(), "unused.db"))
	cfg := writeConfig(t, routesYAML)
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout []string
	}{
		{"host route", []string{"GET", "http://api.example.com/v1/orders/7"}, exitOK, []string{
			"route:          api", "auth:           required", "roles:          admin, ops",
			"upstream:       http://10.0.0.11:8080, http://10.0.0.12:8080", "strip_prefix:   true",
			"forwarded path: /orders/7",
		}},
		{"method not in the host route falls back", []string{"DELETE", "http://api.example.com/v1/orders/7"}, exitOK, []string{"route:          www", "auth:           public", "roles:          (any)"}},
		{"path only matches any-host routes", []string{"GET", "/v1/orders"}, exitOK, []string{"route:          www"}},
		{"cleaned like the server", []string{"GET", "http://api.example.com/x/../v1/a"}, exitOK, []string{"route:          api", "forwarded path: /a"}},
		{"gateway path is never routed", []string{"GET", "http://api.example.com/auth/me"}, exitNoRoute, []string{"no route (404)", "gateway itself"}},
		{"encoded gateway path too", []string{"GET", "/%61uth/login"}, exitNoRoute, []string{"no route (404)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := c.run("", append([]string{"--config", cfg, "routes", "check"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
			for _, want := range tc.stdout {
				if !strings.Contains(out, want) {
					t.Errorf("stdout lacks %q:\n%s", want, out)
				}
			}
		})
	}

	noCatchAll := writeConfig(t, strings.Replace(routesYAML, "path_prefix: /}", "path_prefix: /www/}", 1))
	if code, out, _ := c.run("", "--config", noCatchAll, "routes", "check", "GET", "/elsewhere"); code != exitNoRoute || strings.TrimSpace(out) != "no route (404)" {
		t.Fatalf("unmatched request: exit %d, stdout %q; want %d and \"no route (404)\"", code, out, exitNoRoute)
	}
	for _, args := range [][]string{{"routes"}, {"routes", "check", "GET"}, {"routes", "show", "GET", "/"}, {"routes", "check", "GET", "relative/path"}} {
		if code, _, _ := c.run("", append([]string{"--config", cfg}, args...)...); code != exitUsage {
			t.Errorf("gatewayd %v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

// TestRouteOptionsFlowFromConfig: allow_path_params and case_insensitive
// reach the proxy's route table, so `routes check` (like serve) follows
// them.
func TestRouteOptionsFlowFromConfig(t *testing.T) {
	c := newCLI(t, "sqlite:"+filepath.Join(t.TempDir(), "unused.db"))
	const base = `
routes:
  - name: servlet
    match: {path_prefix: /app/}
    upstream: http://127.0.0.1:9100
    auth: public
  - name: iis
    match: {path_prefix: /Legacy/}
    upstream: http://127.0.0.1:9200
    strip_prefix: true
`
	strict := writeConfig(t, base)
	lenient := writeConfig(t, strings.Replace(strings.Replace(base,
		"auth: public", "auth: public\n    allow_path_params: true", 1),
		"strip_prefix: true", "strip_prefix: true\n    case_insensitive: true", 1))
	for _, tc := range []struct {
		cfg, target string
		code        int
		stdout      string
	}{
		{strict, "/app/page;jsessionid=1", exitNoRoute, "no route (400)"},
		{lenient, "/app/page;jsessionid=1", exitOK, "forwarded path: /app/page"},
		{strict, "/LEGACY/x", exitNoRoute, "no route (404)"},
		{lenient, "/LEGACY/x", exitOK, "forwarded path: /x"},
	} {
		code, out, errOut := c.run("", "--config", tc.cfg, "routes", "check", "GET", tc.target)
		if code != tc.code || !strings.Contains(out, tc.stdout) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want %d and %q", tc.target, code, out, errOut, tc.code, tc.stdout)
		}
	}
}

// TestOverlappingRoutesAreRejected: config check, routes check and serve
// all refuse a table with two routes that tie, naming both.
func TestOverlappingRoutesAreRejected(t *testing.T) {
	c := newCLI(t, "sqlite:"+filepath.Join(t.TempDir(), "unused.db"))
	cfg := writeConfig(t, overlappingYAML)
	for _, args := range [][]string{
		{"config", "check"},
		{"routes", "check", "GET", "http://api.example.com/v1/x"},
		{"serve"},
	} {
		t.Run(args[0], func(t *testing.T) {
			code, out, errOut := c.run("", append([]string{"--config", cfg}, args...)...)
			if code != exitFailure {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitFailure, out, errOut)
			}
			// serve reports through the JSON logger, which escapes quotes.
			errOut = strings.ReplaceAll(errOut, `\"`, `"`)
			for _, want := range []string{`"api"`, `"api-shadow"`, "overlap", "POST"} {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr lacks %s:\n%s", want, errOut)
				}
			}
		})
	}
	if _, err := os.Stat(strings.TrimPrefix(c.env["DATABASE_URL"], "sqlite:")); err == nil {
		t.Error("serve opened the database before refusing the route table")
	}

	valid := writeConfig(t, routesYAML)
	if code, out, errOut := c.run("", "--config", valid, "config", "check"); code != exitOK || !strings.Contains(out, "2 routes") {
		t.Fatalf("valid table: exit %d\n%s\n%s", code, out, errOut)
	}
}
