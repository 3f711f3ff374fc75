package gateway

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// defaultCSP forbids everything: gateway responses are JSON, which never
// needs to load anything or be framed. Docs pages override it per route
// with withCSP.
const defaultCSP = "default-src 'none'; frame-ancestors 'none'"

// The security header values, shared by every response: an http.Header
// value slice is only ever replaced or appended to (capacity 1, so an
// append copies), never written in place, and sharing saves four
// allocations per request (issue 14).
var (
	nosniffValue    = []string{"nosniff"}
	denyValue       = []string{"DENY"}
	noReferrerValue = []string{"no-referrer"}
	defaultCSPValue = []string{defaultCSP}
)

// setSecurityHeaders writes the headers every gateway-generated response
// carries. It is idempotent so the error renderer can call it again.
func setSecurityHeaders(h http.Header) {
	// Stop browsers from sniffing JSON into HTML/script (XSS via MIME
	// confusion), from framing our responses (clickjacking), and from
	// leaking URLs (which may hold tokens) in Referer.
	h["X-Content-Type-Options"] = nosniffValue
	h["X-Frame-Options"] = denyValue
	h["Referrer-Policy"] = noReferrerValue
	if h.Get("Content-Security-Policy") == "" {
		h["Content-Security-Policy"] = defaultCSPValue
	}
}

// securityHeaderNames are the (canonical) names setSecurityHeaders and
// securityHeaders write.
var securityHeaderNames = [...]string{"X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Content-Security-Policy", "Cache-Control"}

// clearSecurityHeaders removes what securityHeaders set, for the proxy
// fallback: upstream responses must pass through unchanged (ReverseProxy
// adds upstream headers to ours, so leaving ours would duplicate them).
// If forwarding fails, the problem renderer sets them again.
func clearSecurityHeaders(h http.Header) {
	for _, k := range securityHeaderNames {
		delete(h, k)
	}
}

// securityHeaders applies setSecurityHeaders before the handler runs, so the
// headers are present whatever the handler or the error renderer writes —
// including 404s, 405s, preflights and recovered panics.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		setSecurityHeaders(h)
		if isAuthPath(c.Request().URL.Path) {
			// Credentials and tokens must never sit in a shared or
			// browser cache (RFC 6749 §5.1 asks the same of token responses).
			h.Set("Cache-Control", "no-store")
		}
		return next(c)
	}
}

// withCSP overrides the Content-Security-Policy for one route (the docs
// pages need scripts and styles that the default policy forbids).
func withCSP(policy string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Response().Header().Set("Content-Security-Policy", policy)
			return next(c)
		}
	}
}

// authPrefix is the gateway's own API namespace; nothing under it is ever
// proxied.
const authPrefix = "/auth"

// isAuthPath reports whether p is /auth or below it.
func isAuthPath(p string) bool {
	return strings.HasPrefix(p, authPrefix) && (len(p) == len(authPrefix) || p[len(authPrefix)] == '/')
}
