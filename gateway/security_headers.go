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

// setGatewayHeaders decides the headers of a response the gateway wrote
// itself (its endpoints, 404/405, preflights, every problem, a recovered
// panic), once, when its status line goes out (exchange.WriteHeader;
// issue 10: they used to be set for every request, cleared on the proxy
// path and set again by the error renderer): setSecurityHeaders, plus
// Cache-Control: no-store under /auth. A response an upstream wrote passes
// through unchanged; proxy.security_headers may add nosniff and
// X-Frame-Options where the upstream lacks them (gateway/proxy).
func setGatewayHeaders(h http.Header, path string) {
	setSecurityHeaders(h)
	if isAuthPath(path) {
		// Credentials and tokens must never sit in a shared or browser
		// cache (RFC 6749 §5.1 asks the same of token responses).
		h.Set("Cache-Control", "no-store")
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
