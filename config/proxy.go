package config

import (
	"time"

	"github.com/authgate/gatewayd/gateway/proxy"
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

// IdentityOptions is identity_preset, identity_headers and the
// assertion header as proxy.IdentityOptions, which owns the presets and
// the rules about the names.
func (p Proxy) IdentityOptions() proxy.IdentityOptions {
	return proxy.IdentityOptions{
		Preset: p.IdentityPreset,
		Overrides: proxy.IdentityHeaders{
			UserID:    p.IdentityHeaders.UserID,
			Email:     p.IdentityHeaders.Email,
			Roles:     p.IdentityHeaders.Roles,
			Assertion: p.Assertion.Header,
		},
	}
}

// TransportOptions is the outbound transport's part of the section.
func (p Proxy) TransportOptions() proxy.TransportOptions {
	return proxy.TransportOptions{
		DialTimeout:           p.DialTimeout,
		TLSHandshakeTimeout:   p.TLSHandshakeTimeout,
		ResponseHeaderTimeout: p.ResponseHeaderTimeout,
		IdleConnTimeout:       p.IdleConnTimeout,
		MaxIdleConns:          p.MaxIdleConns,
		MaxIdleConnsPerHost:   p.MaxIdleConnsPerHost,
	}
}

// ForwarderOptions is the forwarding part of the section; the caller adds
// the trusted proxies, identity names and error log.
func (p Proxy) ForwarderOptions() proxy.ForwarderOptions {
	return proxy.ForwarderOptions{
		HideServerHeader: p.HideServerHeader,
		SecurityHeaders:  p.SecurityHeaders,
		MaxBodyBytes:     p.MaxBodyBytes,
		StripHeaders:     p.StripHeaders,
	}
}

// validate asks gateway/proxy about the section.
func (p Proxy) validate(ps *Problems) {
	ps.addOwner(p.IdentityOptions().Validate(), map[string]string{
		"Preset":              "proxy.identity_preset",
		"Overrides":           "proxy.identity_headers",
		"Overrides.UserID":    "proxy.identity_headers.user_id",
		"Overrides.Email":     "proxy.identity_headers.email",
		"Overrides.Roles":     "proxy.identity_headers.roles",
		"Overrides.Assertion": "proxy.assertion.header",
	})
	ps.addOwner(p.TransportOptions().Validate(), map[string]string{
		"DialTimeout":           "proxy.dial_timeout",
		"TLSHandshakeTimeout":   "proxy.tls_handshake_timeout",
		"ResponseHeaderTimeout": "proxy.response_header_timeout",
		"IdleConnTimeout":       "proxy.idle_conn_timeout",
		"MaxIdleConns":          "proxy.max_idle_conns",
		"MaxIdleConnsPerHost":   "proxy.max_idle_conns_per_host",
	})
	ps.addOwner(p.ForwarderOptions().Validate(), map[string]string{
		"MaxBodyBytes": "proxy.max_body_bytes",
		"StripHeaders": "proxy.strip_headers",
	})
	p.Assertion.validate(ps)
}
