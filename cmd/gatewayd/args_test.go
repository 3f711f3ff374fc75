package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigFlagBeforeOrAfterCommand: `serve --config F` used to ignore F
// and start with no routes. Every spelling must load the file; a file with
// an unknown key proves it was read.
func TestConfigFlagBeforeOrAfterCommand(t *testing.T) {
	bad := writeConfig(t, "server:\n  listne: \":8080\"\n")
	good := writeConfig(t, "routes:\n  - name: a\n    match: {path_prefix: /a/}\n    upstream: http://127.0.0.1:9\n")
	c := newCLI(t, "sqlite:"+filepath.Join(t.TempDir(), "gw.db"))
	for _, args := range [][]string{
		{"--config", bad, "serve"},
		{"serve", "--config", bad},
		{"serve", "--config=" + bad},
		{"-config", bad, "serve"},
		{"config", "check", "--config", bad},
		{"--config", bad, "config", "check"},
	} {
		code, _, errOut := c.run("", args...)
		if code != exitFailure || !strings.Contains(errOut, "server.listne") {
			t.Errorf("gatewayd %q = %d, want 1 naming server.listne; stderr:\n%s", args, code, errOut)
		}
	}
	for _, args := range [][]string{
		{"config", "check", "--config", good},
		{"--config", good, "config", "check"},
	} {
		code, out, errOut := c.run("", args...)
		if code != exitOK || !strings.Contains(out, "1 routes") {
			t.Errorf("gatewayd %q = %d, want 0 with 1 route; out %q err %q", args, code, out, errOut)
		}
	}
	if code, _, errOut := c.run("", "serve", "--config"); code != exitUsage || !strings.Contains(errOut, "--config needs a file") {
		t.Errorf("--config without a value = %d %q", code, errOut)
	}
}

// TestUnknownArgumentsAreRejected: every argument a command does not take
// is a usage error (exit 2) that names it; nothing starts.
func TestUnknownArgumentsAreRejected(t *testing.T) {
	c := newCLI(t, "sqlite:"+filepath.Join(t.TempDir(), "gw.db"))
	for _, args := range [][]string{
		{"serve", "--anything"},
		{"serve", "stray"},
		{"--anything", "serve"},
		{"config", "check", "--verbose"},
		{"config", "lint"},
		{"version", "--short"},
		{"migrate", "up", "now"},
		{"routes", "check", "GET"},
		{"users", "list", "--bogus"},
		{"users", "list", "stray"},
		{"demo", "--listen", "127.0.0.1:1"},
		{"demo-upstream", "stray"},
		{"healthcheck", "--bogus"},
		{"backup", "--output", "x", "stray"},
	} {
		code, _, errOut := c.run("", args...)
		if code != exitUsage {
			t.Errorf("gatewayd %q = %d, want 2; stderr:\n%s", args, code, errOut)
			continue
		}
		named := false
		for _, a := range args {
			named = named || strings.Contains(errOut, strings.TrimLeft(a, "-"))
		}
		if !named {
			t.Errorf("gatewayd %q: usage error does not name the argument:\n%s", args, errOut)
		}
	}
	for _, args := range [][]string{{"serve", "--anything"}, {"--anything", "serve"}, {"version", "--short"}} {
		if _, _, errOut := c.run("", args...); !strings.Contains(errOut, `"--anything"`) && !strings.Contains(errOut, `"--short"`) {
			t.Errorf("gatewayd %q does not name the bad argument: %s", args, errOut)
		}
	}
}

// TestHelpExitsZero: asking for help is not an error.
func TestHelpExitsZero(t *testing.T) {
	c := newCLI(t, "")
	for _, args := range [][]string{
		{"--help"}, {"-h"}, {"help"}, {"serve", "--help"}, {"config", "check", "-h"},
		{"migrate", "--help"}, {"users", "--help"}, {"routes", "--help"}, {"demo", "-h"}, {"healthcheck", "--help"},
	} {
		if code, out, errOut := c.run("", args...); code != exitOK || (out == "" && errOut == "") {
			t.Errorf("gatewayd %q = %d, want 0 with usage; out %q err %q", args, code, out, errOut)
		}
	}
}

func TestHealthcheckCommand(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	c := newCLI(t, "sqlite:"+filepath.Join(t.TempDir(), "gw.db"))
	// From the config: server.listen names the listener to probe.
	c.env["GATEWAY_SERVER_LISTEN"] = srv.Listener.Addr().String()
	if code, _, errOut := c.run("", "healthcheck"); code != exitOK {
		t.Fatalf("healthcheck against a healthy server = %d: %s", code, errOut)
	}
	status = http.StatusServiceUnavailable
	if code, _, errOut := c.run("", "healthcheck", "--url", srv.URL+"/healthz"); code != exitFailure || !strings.Contains(errOut, "503") {
		t.Fatalf("healthcheck against 503 = %d: %s", code, errOut)
	}
	srv.Close()
	if code, _, _ := c.run("", "healthcheck"); code != exitFailure {
		t.Fatalf("healthcheck against nothing = %d, want 1", code)
	}
}

func TestProbeAddrDialsLoopbackForWildcardListeners(t *testing.T) {
	for in, want := range map[string]string{
		":8080":          "127.0.0.1:8080",
		"0.0.0.0:8080":   "127.0.0.1:8080",
		"[::]:8080":      "127.0.0.1:8080",
		"10.1.2.3:8080":  "10.1.2.3:8080",
		"localhost:8080": "localhost:8080",
	} {
		if got := probeAddr(in); got != want {
			t.Errorf("probeAddr(%q) = %q, want %q", in, got, want)
		}
	}
}

// busyPort holds a loopback port for the test's lifetime.
func busyPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l.Addr().String()
}

// TestDemoReportsBusyPort: a taken demo upstream port used to surface as
// "open database: … context canceled". It must be the bind error.
func TestDemoReportsBusyPort(t *testing.T) {
	busy := busyPort(t)
	c := newCLI(t, "")
	delete(c.env, "DATABASE_URL")
	delete(c.env, "JWT_SECRET")
	c.env["GATEWAY_ADMIN_LISTEN"] = "off"
	c.env["GATEWAY_SERVER_LISTEN"] = "127.0.0.1:0"
	code, _, errOut := c.run("", "--config", "../../gateway.example.yaml", "demo", "--upstream-listen", busy)
	if code != exitFailure || !strings.Contains(errOut, "listen on "+busy) || strings.Contains(errOut, "context canceled") {
		t.Fatalf("demo with a busy upstream port = %d, want 1 with the bind error; stderr:\n%s", code, errOut)
	}
}

// TestServeReportsBusyPortBeforeOpeningDatabase: the listener binds before
// the database opens, so a taken port is reported even when the database is
// unreachable too.
func TestServeReportsBusyPortBeforeOpeningDatabase(t *testing.T) {
	busy := busyPort(t)
	dead := busyPort(t) // a port that speaks no Postgres
	c := newCLI(t, "postgres://nobody@"+dead+"/none?sslmode=disable&connect_timeout=1")
	c.env["GATEWAY_ADMIN_LISTEN"] = "off"
	c.env["GATEWAY_SERVER_LISTEN"] = busy
	code, _, errOut := c.run("", "serve")
	if code != exitFailure || !strings.Contains(errOut, "listen on "+busy) || strings.Contains(errOut, "open database") {
		t.Fatalf("serve on a busy port = %d, want 1 with the bind error; stderr:\n%s", code, errOut)
	}
}

// TestBackupCommandCopiesSQLiteOnline: `gatewayd backup` writes a copy the
// users CLI can read, and points Postgres users at deploy/backup.sh.
func TestBackupCommandCopiesSQLiteOnline(t *testing.T) {
	dir := t.TempDir()
	c := newCLI(t, "sqlite:"+filepath.Join(dir, "gw.db"))
	if code, _, errOut := c.run("s3cret-password\n", "users", "create", "--email", "ops@example.com"); code != exitOK {
		t.Fatalf("users create = %d: %s", code, errOut)
	}
	copyPath := filepath.Join(dir, "copy.db")
	if code, out, errOut := c.run("", "backup", "--output", copyPath); code != exitOK || !strings.Contains(out, "backed up") {
		t.Fatalf("backup = %d: %s %s", code, out, errOut)
	}
	c.env["DATABASE_URL"] = "sqlite:" + copyPath
	if code, out, _ := c.run("", "users", "list"); code != exitOK || !strings.Contains(out, "ops@example.com") {
		t.Fatalf("users list on the copy = %d: %s", code, out)
	}
	if code, _, errOut := c.run("", "backup", "--output", copyPath); code != exitFailure || !strings.Contains(errOut, "already exists") {
		t.Fatalf("backup over an existing file = %d: %s", code, errOut)
	}
	c.env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"
	if code, _, errOut := c.run("", "backup", "--output", filepath.Join(dir, "pg.db")); code != exitUsage || !strings.Contains(errOut, "deploy/backup.sh") {
		t.Fatalf("backup on Postgres = %d: %s", code, errOut)
	}
}
