package config

import (
	"net"
	"net/url"
	"strconv"
	"time"

	"github.com/authgate/gatewayd/gateway/proxy"
	"github.com/authgate/gatewayd/internal/fielderr"
)

// maxDrainDelay caps server.drain_delay.
const maxDrainDelay = 5 * time.Minute

// validate checks the server section.
func (s Server) validate(ps *Problems) {
	validateListen(ps, "server.listen", s.Listen)
	_, err := proxy.ParseTrustedProxies(s.TrustedProxies)
	ps.addOwner(fielderr.Prefix("TrustedProxies", err), map[string]string{"TrustedProxies": "server.trusted_proxies"})
	// The header timeout must be set: without it a slowloris client holds
	// a connection forever by sending one header byte at a time.
	positiveDuration(ps, "server.read_header_timeout", s.ReadHeaderTimeout)
	nonNegativeDuration(ps, "server.read_timeout", s.ReadTimeout)
	nonNegativeDuration(ps, "server.write_timeout", s.WriteTimeout)
	nonNegativeDuration(ps, "server.idle_timeout", s.IdleTimeout)
	positiveDuration(ps, "server.shutdown_timeout", s.ShutdownTimeout)
	// The delay runs before the grace period, so an orchestrator's kill
	// deadline must cover both; a delay of minutes is a typo, not a plan.
	if s.DrainDelay < 0 || s.DrainDelay > maxDrainDelay {
		ps.addf("server.drain_delay", "must be between 0s and %s", maxDrainDelay)
	}
	positive(ps, "server.max_header_bytes", s.MaxHeaderBytes)
	if s.PublicBaseURL != "" {
		u, err := url.Parse(s.PublicBaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			ps.addf("server.public_base_url", "%q must be an absolute http:// or https:// URL", s.PublicBaseURL)
		}
	}
}

// validateListen checks a host:port listen address; the host may be empty
// (all interfaces) and the port 0 (any free port, useful in tests).
func validateListen(ps *Problems, key, addr string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		ps.addf(key, "%q is not a listen address; use host:port or :port, e.g. :8080", addr)
		return
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		ps.addf(key, "%q has an invalid port; use a number from 0 to 65535", addr)
	}
	if host != "" && net.ParseIP(host) == nil && !hostRe.MatchString(host) {
		ps.addf(key, "%q has an invalid host", addr)
	}
}
