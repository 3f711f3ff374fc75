package config_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/config"
)

// A syntactically valid PEM block; config only checks the shape, cmd
// parses the key with authcore.
const testAssertionKeyPEM = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ2eL7lZ3cHkq1c5vGm9m0xkQpA1Yd6pQ9n0JtT0Q2bA\n-----END PRIVATE KEY-----\n"

func TestAssertionDefaults(t *testing.T) {
	a := config.Defaults().Proxy.Assertion
	if !a.Enabled || a.Header != "X-Gateway-Assertion" || a.TTL != time.Minute || a.ReloadInterval != 30*time.Second {
		t.Fatalf("defaults %+v", a)
	}
	c := validConfig()
	if got := c.AssertionIssuer(); got != c.JWT.Issuer {
		t.Errorf("AssertionIssuer() = %q, want jwt.issuer %q", got, c.JWT.Issuer)
	}
}

// TestAssertionPrivateKeyFromFileIsWholeAndRedacted: a PEM key spans lines,
// so ASSERTION_PRIVATE_KEY_FILE is taken whole (not split like a list),
// and the key never appears in a config dump.
func TestAssertionPrivateKeyFromFileIsWholeAndRedacted(t *testing.T) {
	keyFile := writeFile(t, "assertion.pem", testAssertionKeyPEM)
	cfg := mustLoad(t, "", envOf(map[string]string{"ASSERTION_PRIVATE_KEY_FILE": keyFile}))
	if got := cfg.Proxy.Assertion.PrivateKey.Reveal(); got != strings.TrimRight(testAssertionKeyPEM, "\n") {
		t.Fatalf("private key = %q", got)
	}
	if dump := fmt.Sprintf("%+v %#v", cfg.Proxy.Assertion, cfg.Proxy.Assertion); strings.Contains(dump, "MC4CAQAw") {
		t.Fatalf("the private key leaked into %s", dump)
	}
}

func TestAssertionProblems(t *testing.T) {
	tests := []struct {
		name string
		edit func(c *config.Config)
		key  string
	}{
		{"ttl too short", func(c *config.Config) { c.Proxy.Assertion.TTL = time.Second }, "proxy.assertion.ttl"},
		{"ttl too long", func(c *config.Config) { c.Proxy.Assertion.TTL = time.Hour }, "proxy.assertion.ttl"},
		{"header clashes with an identity header", func(c *config.Config) { c.Proxy.Assertion.Header = "x-user-id" }, "proxy.assertion.header"},
		{"header not a token", func(c *config.Config) { c.Proxy.Assertion.Header = "X Assertion" }, "proxy.assertion.header"},
		{"reload interval", func(c *config.Config) { c.Proxy.Assertion.ReloadInterval = 0 }, "proxy.assertion.reload_interval"},
		{"key not PEM", func(c *config.Config) { c.Proxy.Assertion.PrivateKey = "not-a-key" }, "proxy.assertion.private_key"},
		{"JWKS path reserved", func(c *config.Config) {
			c.Routes = []config.Route{{Name: "wk", Match: config.RouteMatch{PathPrefix: "/.well-known/jwks.json"}, Upstream: []string{"http://u"}, Auth: "required", Timeout: time.Second}}
		}, "routes[0].match.path_prefix"},
		{"assertion on a public route", func(c *config.Config) {
			on := true
			c.Routes = []config.Route{{Name: "p", Match: config.RouteMatch{PathPrefix: "/p/"}, Upstream: []string{"http://u"}, Auth: "public", Timeout: time.Second, Assertion: &on}}
		}, "routes[0].assertion"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConfig()
			tt.edit(&c)
			if ps := validateProblems(t, c); !ps.Has(tt.key) {
				t.Fatalf("problems %v, want one for %s", ps, tt.key)
			}
		})
	}
}

func TestRouteAssertionKeys(t *testing.T) {
	path := writeFile(t, "gw.yaml", `
routes:
  - name: legacy
    match: {path_prefix: /legacy/}
    upstream: http://127.0.0.1:9000
    assertion: false
  - name: billing
    match: {path_prefix: /billing/}
    upstream: http://127.0.0.1:9000
    assertion_audience: billing-api
`)
	cfg := mustLoad(t, path, envOf(nil))
	if cfg.AssertionOn(cfg.Routes[0]) || !cfg.AssertionOn(cfg.Routes[1]) || cfg.Routes[1].AssertionAudience != "billing-api" {
		t.Fatalf("routes %+v", cfg.Routes)
	}
}
