package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

// Assertion configures the signed identity assertion (issue 13): a
// short-lived EdDSA JWT the gateway adds to every proxied request with an
// identity, so an upstream can verify who is calling instead of trusting
// the network. The public keys are at /.well-known/jwks.json.
type Assertion struct {
	// Enabled turns the assertion on for every route that does not say
	// `assertion: false`.
	Enabled bool `mapstructure:"enabled" json:"enabled"`
	// Header carries the assertion; it joins the identity namespace, so a
	// client's copy is always stripped.
	Header string `mapstructure:"header" json:"header"`
	// TTL is the assertion lifetime.
	TTL time.Duration `mapstructure:"ttl" json:"ttl"`
	// Issuer is the iss claim; empty means jwt.issuer.
	Issuer string `mapstructure:"issuer" json:"issuer"`
	// PrivateKey is an Ed25519 key as PEM PKCS#8 (ASSERTION_PRIVATE_KEY or
	// ASSERTION_PRIVATE_KEY_FILE). Empty: a key is generated once and kept
	// in the database, shared by every replica on it.
	PrivateKey Secret `mapstructure:"private_key" json:"private_key"`
	// PreviousPublicKeys are PEM "PUBLIC KEY" blocks that stay in the JWKS
	// after the configured private key was replaced.
	PreviousPublicKeys string `mapstructure:"previous_public_keys" json:"previous_public_keys"`
	// ReloadInterval is how often a replica re-reads the stored keys, so a
	// `gatewayd keys rotate` reaches every replica within it.
	ReloadInterval time.Duration `mapstructure:"reload_interval" json:"reload_interval"`
	// CacheSize bounds the signed-assertion cache (0 disables it).
	CacheSize int `mapstructure:"cache_size" json:"cache_size"`
}

// AssertionIssuer is the iss claim: proxy.assertion.issuer, else
// jwt.issuer.
func (c *Config) AssertionIssuer() string {
	if c.Proxy.Assertion.Issuer != "" {
		return c.Proxy.Assertion.Issuer
	}
	return c.JWT.Issuer
}

// validate checks the assertion settings; its header is checked with
// the identity names (proxy.IdentityOptions).
func (a Assertion) validate(ps *Problems) {
	// authcore owns the TTL bounds (0 = its default).
	ps.addOwner(authcore.AssertionOptions{TTL: a.TTL}.Validate(), map[string]string{"TTL": "proxy.assertion.ttl"})
	positiveDuration(ps, "proxy.assertion.reload_interval", a.ReloadInterval)
	nonNegative(ps, "proxy.assertion.cache_size", a.CacheSize)
	// The key itself is parsed by cmd with authcore's parser (one owner);
	// a cheap shape check here lets every problem be reported at once.
	if k := a.PrivateKey.Reveal(); k != "" && !strings.Contains(k, "-----BEGIN PRIVATE KEY-----") {
		ps.addLine("proxy.assertion.private_key", "proxy.assertion.private_key (ASSERTION_PRIVATE_KEY) must be a PEM \"PRIVATE KEY\" block: openssl genpkey -algorithm ed25519")
	}
}

// validateRouteAssertion checks a route's assertion keys.
func validateRouteAssertion(key, label string, r Route, ps *Problems) {
	if r.AssertionAudience != "" && (strings.TrimSpace(r.AssertionAudience) != r.AssertionAudience || strings.ContainsAny(r.AssertionAudience, "\x00\r\n")) {
		ps.addLine(key+".assertion_audience", fmt.Sprintf("%s: assertion_audience %q must not have surrounding spaces or control characters", label, r.AssertionAudience))
	}
	if r.Auth == AuthPublic && r.Assertion != nil && *r.Assertion {
		ps.addLine(key+".assertion", label+": assertion: true needs auth: required or optional (a public route has no identity to assert)")
	}
}

// AssertionOn reports whether route r carries an assertion: on unless the
// route says `assertion: false` or assertions are off globally.
func (c *Config) AssertionOn(r Route) bool {
	if !c.Proxy.Assertion.Enabled || r.Auth == AuthPublic {
		return false
	}
	return r.Assertion == nil || *r.Assertion
}
