package proxy

import (
	"fmt"
	"net/url"
	"time"
)

// AuthMode is a route's authentication policy. The zero value is
// AuthRequired, so a route that forgets to say is closed, not open.
type AuthMode int

// Authentication policies a route can have.
const (
	// AuthRequired rejects requests without a valid access token.
	AuthRequired AuthMode = iota
	// AuthOptional forwards anonymous requests (without identity headers)
	// but rejects an invalid token, and injects identity for a valid one.
	AuthOptional
	// AuthPublic forwards every request and never injects identity. The
	// inbound identity headers are still stripped.
	AuthPublic
)

// String returns the config spelling ("required", "optional", "public"),
// used in logs and error messages.
func (m AuthMode) String() string {
	switch m {
	case AuthRequired:
		return "required"
	case AuthOptional:
		return "optional"
	case AuthPublic:
		return "public"
	default:
		return fmt.Sprintf("AuthMode(%d)", int(m))
	}
}

// ParseAuthMode turns the config spelling into an AuthMode; "" means
// required, so omitting the key fails closed.
func ParseAuthMode(s string) (AuthMode, error) {
	switch s {
	case "", "required":
		return AuthRequired, nil
	case "optional":
		return AuthOptional, nil
	case "public":
		return AuthPublic, nil
	default:
		return AuthRequired, fmt.Errorf("proxy: parse auth mode %q: %w", s, ErrInvalidRoute)
	}
}

// Route is one entry of the route table: which requests it matches and how
// they are forwarded. It is a plain configuration value; once handed to
// NewRouter or NewForwarder it must not be modified.
type Route struct {
	// Name identifies the route in errors, logs and metrics.
	Name string
	// Host restricts the route to one host: "" matches any host,
	// "api.example.com" matches exactly, "*.example.com" matches any
	// subdomain at any depth (but not example.com itself). Matching is
	// case-insensitive and ignores the port.
	Host string
	// PathPrefix is a plain string prefix of the canonical request path
	// (Canonicalize). A prefix ending in "/" also matches the path without
	// that slash ("/api/" matches "/api"). It must be canonical itself.
	PathPrefix string
	// Methods lists the allowed methods (case-sensitive, as HTTP methods
	// are); nil or empty allows all. A route with a method list beats one without for
	// the same host and prefix.
	Methods []string
	// Upstreams are the targets, used round-robin; a target whose dial
	// failed is skipped for a short cooldown.
	Upstreams []*url.URL
	// StripPrefix removes PathPrefix from the forwarded path (keeping a
	// leading "/").
	StripPrefix bool
	// Auth is the authentication policy the gateway applies before
	// forwarding.
	Auth AuthMode
	// Roles, if non-empty, lists the roles of which the identity needs at
	// least one.
	Roles []string
	// PassAuthorization forwards the client's Authorization header. It is
	// removed by default so the gateway's access token never leaks to an
	// upstream that does not need it.
	PassAuthorization bool
	// Timeout bounds the wait for the upstream's response headers (not the
	// body, so long SSE and WebSocket streams survive it). Zero means only
	// the transport's ResponseHeaderTimeout applies.
	Timeout time.Duration
	// RateLimit is the route's limit in ulule/limiter format ("100-M"), or
	// "" for none. The proxy only carries it; the gateway enforces it.
	RateLimit string
	// AllowPathParams accepts paths with ';' parameters (literal or %3B),
	// which are refused by default. The route is matched, and the request
	// forwarded, on the path with each segment's ";…" removed and the dots
	// resolved afterwards: how Tomcat and Jetty map it, so
	// "/public/..;/admin" is /admin here as there (issue 9). For Servlet
	// upstreams that need ";jsessionid=…" URL rewriting; the parameters
	// themselves never reach the upstream.
	AllowPathParams bool
	// CaseInsensitive makes the path prefix match in any ASCII case, for
	// IIS and other Windows upstreams that serve /Admin and /admin alike.
	// A request it matches is refused (ErrInvalidPath) if its lower-cased
	// path would belong to another route, so a case-folding upstream can
	// never serve a path the gateway authorized under a laxer route.
	CaseInsensitive bool
	// StreamMaxLifetime bounds a WebSocket or SSE stream opened through the
	// route with an identity (issue 13 §3): zero means until the access
	// token expires (plus leeway), a positive value that long instead, and
	// NoStreamLimit never. The proxy only carries it; the gateway enforces
	// it, and closes such streams on revocation whatever the value.
	StreamMaxLifetime time.Duration
}

// NoStreamLimit as Route.StreamMaxLifetime lets streams outlive the token
// that opened them (config: stream_max_lifetime: 0).
const NoStreamLimit time.Duration = -1

// allowsMethod reports whether the route accepts method. Methods are
// compared exactly: HTTP methods are case-sensitive (RFC 9110 §9.1).
func (r *Route) allowsMethod(method string) bool {
	if len(r.Methods) == 0 {
		return true
	}
	for _, m := range r.Methods {
		if m == method {
			return true
		}
	}
	return false
}
