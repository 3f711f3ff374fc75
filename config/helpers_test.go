package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/authgate/gatewayd/config"
)

// testSecret is long enough for jwt.secret and easy to search for in output.
const testSecret = "test-secret-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

// envOf turns a map into the getenv Load expects, always adding a valid
// JWT_SECRET unless the map sets one (use "" to leave it out).
func envOf(m map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := m[k]; ok {
			return v
		}
		if k == "JWT_SECRET" {
			return testSecret
		}
		return ""
	}
}

// writeFile writes content to a fresh file and returns its path.
func writeFile(tb testing.TB, name, content string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		tb.Fatalf("write %s: %v", path, err)
	}
	return path
}

// mustLoad loads and fails the test on any problem.
func mustLoad(tb testing.TB, path string, getenv func(string) string) *config.Config {
	tb.Helper()
	cfg, err := config.Load(path, getenv)
	if err != nil {
		tb.Fatalf("Load: unexpected problems:\n%v", err)
	}
	return cfg
}

// loadProblems loads, expects failure, and returns the problems.
func loadProblems(tb testing.TB, path string, getenv func(string) string) config.Problems {
	tb.Helper()
	cfg, err := config.Load(path, getenv)
	if err == nil {
		tb.Fatalf("Load succeeded, want problems (config %+v)", cfg)
	}
	if cfg != nil {
		tb.Errorf("Load returned a config together with an error")
	}
	var ps config.Problems
	if !errors.As(err, &ps) {
		tb.Fatalf("Load error %T is not config.Problems: %v", err, err)
	}
	return ps
}

// validConfig returns the defaults plus a valid secret.
func validConfig() config.Config {
	c := config.Defaults()
	c.JWT.Secret = testSecret
	return c
}

// validateProblems validates c and returns its problems (nil if valid).
func validateProblems(tb testing.TB, c config.Config) config.Problems {
	tb.Helper()
	err := c.Validate()
	if err == nil {
		return nil
	}
	var ps config.Problems
	if !errors.As(err, &ps) {
		tb.Fatalf("Validate error %T is not config.Problems: %v", err, err)
	}
	return ps
}
