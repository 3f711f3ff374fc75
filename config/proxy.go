package config

import (
	"fmt"
	"strings"
	"time"
)

// Identity header presets. They match what common upstream apps already
// read, so switching from oauth2-proxy or Authelia needs no upstream change.
const (
	PresetDefault     = "default"      // X-User-Id, X-User-Email, X-User-Roles
	PresetOAuth2Proxy = "oauth2-proxy" // X-Forwarded-User, X-Forwarded-Email, X-Forwarded-Groups
	PresetAuthelia    = "authelia"     // Remote-User, Remote-Email, Remote-Groups
)

// Proxy configures forwarding to upstreams: which identity headers are
// injected and the outbound transport's limits. The transport gets its own
// timeouts because http.DefaultTransport has none for dialing upstreams
// that hang.
type Proxy struct {
	IdentityPreset string `mapstructure:"identity_preset" json:"identity_preset"`
	// IdentityHeaders overrides single header names of the preset.
	IdentityHeaders IdentityHeaders `mapstructure:"identity_headers" json:"identity_headers"`
	MaxBodyBytes    int64           `mapstructure:"max_body_bytes" json:"max_body_bytes"`
	// SecurityHeaders adds nosniff and X-Frame-Options to proxied
	// responses that lack them.
	SecurityHeaders bool `mapstructure:"security_headers" json:"security_headers"`
	// HideServerHeader drops Server and X-Powered-By from upstream
	// responses, so they do not advertise upstream software versions.
	HideServerHeader bool `mapstructure:"hide_server_header" json:"hide_server_header"`
	// StripHeaders adds request header names to the built-in list of
	// headers that re-route a request at an upstream (proxy.RerouteHeaders,
	// owned by gateway/proxy), removed from every forwarded request in any
	// case or '_' spelling. It can only add: the built-in names stay.
	StripHeaders          []string      `mapstructure:"strip_headers" json:"strip_headers"`
	DialTimeout           time.Duration `mapstructure:"dial_timeout" json:"dial_timeout"`
	TLSHandshakeTimeout   time.Duration `mapstructure:"tls_handshake_timeout" json:"tls_handshake_timeout"`
	ResponseHeaderTimeout time.Duration `mapstructure:"response_header_timeout" json:"response_header_timeout"`
	IdleConnTimeout       time.Duration `mapstructure:"idle_conn_timeout" json:"idle_conn_timeout"`
	MaxIdleConns          int           `mapstructure:"max_idle_conns" json:"max_idle_conns"`
	MaxIdleConnsPerHost   int           `mapstructure:"max_idle_conns_per_host" json:"max_idle_conns_per_host"`
	// Assertion is the signed identity assertion (assertion.go).
	Assertion Assertion `mapstructure:"assertion" json:"assertion"`
}

// IdentityHeaders names the headers that carry the verified identity to
// upstreams. An empty name means "take it from the preset".
type IdentityHeaders struct {
	UserID string `mapstructure:"user_id" json:"user_id"`
	Email  string `mapstructure:"email" json:"email"`
	Roles  string `mapstructure:"roles" json:"roles"`
}

// presetHeaders returns the header names of a preset; ok is false for an
// unknown preset.
func presetHeaders(preset string) (h IdentityHeaders, ok bool) {
	switch preset {
	case PresetDefault:
		return IdentityHeaders{UserID: "X-User-Id", Email: "X-User-Email", Roles: "X-User-Roles"}, true
	case PresetOAuth2Proxy:
		return IdentityHeaders{UserID: "X-Forwarded-User", Email: "X-Forwarded-Email", Roles: "X-Forwarded-Groups"}, true
	case PresetAuthelia:
		return IdentityHeaders{UserID: "Remote-User", Email: "Remote-Email", Roles: "Remote-Groups"}, true
	}
	return IdentityHeaders{}, false
}

// IdentityHeaderNames resolves the three identity header names: explicit
// identity_headers entries win, the rest come from identity_preset
// (falling back to the default preset). The gateway strips these names
// from every inbound request before injecting its own, so a client cannot
// forge an identity.
func (p Proxy) IdentityHeaderNames() (id, email, roles string) {
	h, ok := presetHeaders(p.IdentityPreset)
	if !ok {
		h, _ = presetHeaders(PresetDefault)
	}
	if p.IdentityHeaders.UserID != "" {
		h.UserID = p.IdentityHeaders.UserID
	}
	if p.IdentityHeaders.Email != "" {
		h.Email = p.IdentityHeaders.Email
	}
	if p.IdentityHeaders.Roles != "" {
		h.Roles = p.IdentityHeaders.Roles
	}
	return h.UserID, h.Email, h.Roles
}

// validate checks the proxy section.
func (p Proxy) validate(ps *Problems) {
	if _, ok := presetHeaders(p.IdentityPreset); !ok {
		ps.addf("proxy.identity_preset", "must be %s, %s or %s", PresetDefault, PresetOAuth2Proxy, PresetAuthelia)
	}
	custom := map[string]string{
		"proxy.identity_headers.user_id": p.IdentityHeaders.UserID,
		"proxy.identity_headers.email":   p.IdentityHeaders.Email,
		"proxy.identity_headers.roles":   p.IdentityHeaders.Roles,
	}
	for _, key := range sortedKeys(custom) {
		if name := custom[key]; name != "" && !isToken(name) {
			ps.addf(key, "%q is not a valid header name", name)
		}
	}
	// Distinct names matter: if two identity values shared one header the
	// upstream would read an e-mail address as a user ID.
	id, email, roles := p.IdentityHeaderNames()
	if strings.EqualFold(id, email) || strings.EqualFold(id, roles) || strings.EqualFold(email, roles) {
		ps.addf("proxy.identity_headers", "user_id, email and roles must be three different headers (now %s, %s, %s)", id, email, roles)
	}
	for i, name := range p.StripHeaders {
		if !isToken(name) {
			ps.addf(fmt.Sprintf("proxy.strip_headers[%d]", i), "%q is not a valid header name", name)
		}
	}
	positive(ps, "proxy.max_body_bytes", p.MaxBodyBytes)
	positiveDuration(ps, "proxy.dial_timeout", p.DialTimeout)
	positiveDuration(ps, "proxy.tls_handshake_timeout", p.TLSHandshakeTimeout)
	positiveDuration(ps, "proxy.response_header_timeout", p.ResponseHeaderTimeout)
	positiveDuration(ps, "proxy.idle_conn_timeout", p.IdleConnTimeout)
	nonNegative(ps, "proxy.max_idle_conns", p.MaxIdleConns)
	nonNegative(ps, "proxy.max_idle_conns_per_host", p.MaxIdleConnsPerHost)
	p.Assertion.validate(p, ps)
}
