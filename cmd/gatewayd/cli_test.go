package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/authcore/postgres/pgtest"
)

const testSecret = "test-secret-0123456789-0123456789-abcdef"

// cli runs gatewayd in-process with its own environment, the way main does.
type cli struct {
	t   *testing.T
	env map[string]string
}

func newCLI(t *testing.T, databaseURL string) *cli {
	return &cli{t: t, env: map[string]string{
		"JWT_SECRET":   testSecret,
		"DATABASE_URL": databaseURL,
		// Cheap hashing: these tests are about the CLI, not argon2's cost.
		"GATEWAY_PASSWORD_MEMORY_KIB": "1024",
		"GATEWAY_PASSWORD_ITERATIONS": "1",
	}}
}

func (c *cli) run(stdin string, args ...string) (code int, stdout, stderr string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, func(k string) string { return c.env[k] }, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// backends gives every CLI test a real Postgres database and a SQLite file.
func backends(t *testing.T) map[string]string {
	return map[string]string{
		"postgres": pgtest.NewDatabase(t),
		"sqlite":   "sqlite:" + filepath.Join(t.TempDir(), "gw.db"),
	}
}

func TestUsersCommands(t *testing.T) {
	for name, url := range backends(t) {
		t.Run(name, func(t *testing.T) {
			c := newCLI(t, url)
			steps := []struct {
				stdin   string
				args    []string
				code    int
				stdout  string
				stderr  string
				comment string
			}{
				{"s3cret-password\n", []string{"users", "create", "--email", "Ops@Example.com", "--roles", "admin,ops"}, exitOK, "created user", "", "create"},
				{"s3cret-password\n", []string{"users", "create", "--email", "ops@example.com"}, exitEmailTaken, "", "already exists", "duplicate"},
				{"short\n", []string{"users", "create", "--email", "new@example.com"}, exitInvalid, "", "password_too_short", "weak password"},
				{"", []string{"users", "create", "--email", "new@example.com"}, exitUsage, "", "no password on stdin", "no password"},
				{"", []string{"users", "list"}, exitOK, "ops@example.com", "", "list"},
				{"", []string{"users", "list"}, exitOK, "0 of 1 password hashes use older argon2 parameters", "", "list counts outdated hashes"},
				{"", []string{"users", "set-roles", "--email", "ops@example.com", "--roles", "viewer"}, exitOK, "viewer", "", "set-roles"},
				{"", []string{"users", "disable", "--email", "ops@example.com"}, exitOK, "disabled", "", "disable"},
				{"", []string{"users", "list"}, exitOK, "true", "", "list shows disabled"},
				{"", []string{"users", "enable", "--email", "ops@example.com"}, exitOK, "enabled", "", "enable"},
				{"", []string{"users", "revoke-sessions", "--email", "ops@example.com"}, exitOK, "revoked 0 session(s)", "", "revoke"},
				{"", []string{"users", "disable", "--email", "ghost@example.com"}, exitNotFound, "", "no such user", "unknown user"},
				{"", []string{"users", "disable"}, exitUsage, "", "--email is required", "missing email"},
				{"", []string{"users", "frobnicate", "--email", "x@example.com"}, exitUsage, "", "unknown command", "unknown subcommand"},
			}
			for _, s := range steps {
				code, out, errOut := c.run(s.stdin, s.args...)
				if code != s.code || !strings.Contains(out, s.stdout) || !strings.Contains(errOut, s.stderr) {
					t.Fatalf("%s: gatewayd %v = %d\nstdout: %s\nstderr: %s\nwant code %d, stdout containing %q, stderr containing %q",
						s.comment, s.args, code, out, errOut, s.code, s.stdout, s.stderr)
				}
			}
			// The password never appears in anything the CLI printed.
			_, out, errOut := c.run("", "users", "list")
			if strings.Contains(out+errOut, "s3cret-password") {
				t.Fatal("password leaked into CLI output")
			}
		})
	}
}

func TestMigrateCommands(t *testing.T) {
	for name, url := range backends(t) {
		t.Run(name, func(t *testing.T) {
			c := newCLI(t, url)
			if code, out, _ := c.run("", "migrate", "status"); code != 0 || !strings.Contains(out, "pending") {
				t.Fatalf("status before up = %d: %s", code, out)
			}
			// MIGRATE_ON_STARTUP=false refuses an outdated schema and says what to run.
			c.env["MIGRATE_ON_STARTUP"] = "false"
			if code, _, errOut := c.run("", "serve"); code != 1 || !strings.Contains(errOut, "gatewayd migrate up") {
				t.Fatalf("serve on an outdated schema = %d, stderr: %s", code, errOut)
			}
			if code, out, errOut := c.run("", "migrate", "up"); code != 0 || !strings.Contains(out, "up to date") {
				t.Fatalf("up = %d: %s %s", code, out, errOut)
			}
			if code, out, _ := c.run("", "migrate", "status"); code != 0 || strings.Contains(out, "pending") {
				t.Fatalf("status after up = %d: %s", code, out)
			}
			if code, out, _ := c.run("", "migrate", "down"); code != 0 || !strings.Contains(out, "rolled back") {
				t.Fatalf("down = %d: %s", code, out)
			}
			if code, _, _ := c.run("", "migrate", "sideways"); code != 2 {
				t.Fatalf("bad migrate arg = %d, want 2", code)
			}
		})
	}
}

func TestConfigCheckListsEveryProblem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	bad := "server:\n  listne: \":8080\"\n  read_timeout: soon\njwt:\n  access_ttl: 15\ndatabase:\n  url: \"mysql://x\"\n"
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	c := newCLI(t, "")
	c.env["JWT_SECRET"] = "too-short"
	code, _, errOut := c.run("", "--config", path, "config", "check")
	if code != 1 {
		t.Fatalf("config check on a bad file = %d, want 1", code)
	}
	for _, want := range []string{"server.listne", "server.read_timeout", "jwt.access_ttl", "openssl rand", "database.url"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("config check output lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "too-short") {
		t.Error("config check printed the secret")
	}
}

func TestConfigCheckAcceptsExample(t *testing.T) {
	c := newCLI(t, "")
	delete(c.env, "DATABASE_URL")
	code, out, errOut := c.run("", "--config", "../../gateway.example.yaml", "config", "check")
	if code != 0 || !strings.Contains(out, "configuration OK") {
		t.Fatalf("config check on the example = %d\n%s\n%s", code, out, errOut)
	}
}

func TestVersionAndUsage(t *testing.T) {
	c := newCLI(t, "")
	if code, out, _ := c.run("", "version"); code != 0 || !strings.HasPrefix(out, "gatewayd ") {
		t.Fatalf("version = %d %q", code, out)
	}
	if code, _, errOut := c.run("", "launch-rockets"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Fatalf("unknown command = %d %q", code, errOut)
	}
}
