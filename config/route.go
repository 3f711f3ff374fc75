package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Route auth policies.
const (
	// AuthRequired rejects requests without a valid access token (the
	// default, so that forgetting the key fails closed).
	AuthRequired = "required"
	// AuthOptional forwards anonymous requests but injects identity
	// headers when a valid token is present.
	AuthOptional = "optional"
	// AuthPublic forwards without looking at tokens.
	AuthPublic = "public"
)

// Route sends matching requests to an upstream after the gateway's checks.
// Overlaps between routes are detected by the proxy router when it loads
// the table, not here.
type Route struct {
	Name  string     `mapstructure:"name" json:"name"`
	Match RouteMatch `mapstructure:"match" json:"match"`
	// Upstream is one URL or several (load-balanced); the file may give a
	// string or a list.
	Upstream    []string `mapstructure:"upstream" json:"upstream"`
	StripPrefix bool     `mapstructure:"strip_prefix" json:"strip_prefix"`
	Auth        string   `mapstructure:"auth" json:"auth"`
	// Roles, if set, admit only identities holding at least one of them.
	Roles []string `mapstructure:"roles" json:"roles"`
	// PassAuthorization forwards the client's Authorization header; off by
	// default so upstreams never see (and cannot leak) gateway tokens.
	PassAuthorization bool          `mapstructure:"pass_authorization" json:"pass_authorization"`
	Timeout           time.Duration `mapstructure:"timeout" json:"timeout"`
	RateLimit         string        `mapstructure:"rate_limit" json:"rate_limit"`
	// AllowPathParams accepts ';' path parameters on this route, matched
	// and forwarded the Tomcat way (proxy.Route.AllowPathParams).
	AllowPathParams bool `mapstructure:"allow_path_params" json:"allow_path_params"`
	// CaseInsensitive matches the path prefix in any ASCII case, for IIS
	// upstreams (proxy.Route.CaseInsensitive).
	CaseInsensitive bool `mapstructure:"case_insensitive" json:"case_insensitive"`
	// Assertion turns the signed identity assertion off for this route
	// when false; unset means on (proxy.assertion.enabled decides).
	Assertion *bool `mapstructure:"assertion" json:"assertion,omitempty"`
	// AssertionAudience is the assertion's aud claim; empty means the
	// route name.
	AssertionAudience string `mapstructure:"assertion_audience" json:"assertion_audience,omitempty"`
	// StreamMaxLifetime bounds how long a WebSocket or SSE stream opened
	// through the route stays open (issue 13 §3). Omitted (nil): until the
	// access token that opened it expires, plus jwt.leeway. A duration:
	// that long instead. 0: no limit (logged at startup). A revocation of
	// the user closes the stream in every case.
	StreamMaxLifetime *time.Duration `mapstructure:"stream_max_lifetime" json:"stream_max_lifetime"`
}

// RouteMatch selects requests: host (exact or "*.example.com"), then the
// longest path prefix, optionally restricted to methods.
type RouteMatch struct {
	Host       string   `mapstructure:"host" json:"host"`
	PathPrefix string   `mapstructure:"path_prefix" json:"path_prefix"`
	Methods    []string `mapstructure:"methods" json:"methods"`
}

var (
	routeNameRe = regexp.MustCompile(`^[a-z0-9_-]+$`)
	hostRe      = regexp.MustCompile(`^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
)

// reservedPaths are served by the gateway itself; a route there would
// either never be reached or, worse, hand /auth traffic to an upstream.
func reservedPath(p string) bool {
	if p == "/auth" || strings.HasPrefix(p, "/auth/") {
		return true
	}
	for _, r := range []string{"/healthz", "/readyz", "/docs", "/openapi.json", "/.well-known/jwks.json"} {
		if p == r || p == r+"/" {
			return true
		}
	}
	return false
}

// validateRoutes checks every route and that names are unique.
func validateRoutes(routes []Route, ps *Problems) {
	seen := map[string]int{}
	for i, r := range routes {
		key := fmt.Sprintf("routes[%d]", i)
		label := key
		if r.Name != "" {
			label = fmt.Sprintf("%s (%s)", key, r.Name)
		}
		switch {
		case r.Name == "":
			ps.addf(key+".name", "is required")
		case !routeNameRe.MatchString(r.Name):
			ps.addf(key+".name", "%q may contain only a-z, 0-9, _ and -", r.Name)
		default:
			if j, dup := seen[r.Name]; dup {
				ps.addf(key+".name", "%q is already used by routes[%d]", r.Name, j)
			} else {
				seen[r.Name] = i
			}
		}
		r.Match.validate(key+".match", label, ps)
		if len(r.Upstream) == 0 {
			ps.addLine(key+".upstream", label+": upstream is required")
		}
		for j, u := range r.Upstream {
			if msg := checkUpstream(u); msg != "" {
				ps.addLine(fmt.Sprintf("%s.upstream[%d]", key, j), fmt.Sprintf("%s: upstream %q %s", label, u, msg))
			}
		}
		switch r.Auth {
		case AuthRequired, AuthOptional, AuthPublic:
		default:
			ps.addLine(key+".auth", fmt.Sprintf("%s: auth must be %s, %s or %s", label, AuthRequired, AuthOptional, AuthPublic))
		}
		// Roles can only be checked against a verified identity; with
		// optional or public auth an anonymous request would skip them,
		// which is almost certainly not what the operator meant.
		if len(r.Roles) > 0 && r.Auth != AuthRequired {
			ps.addLine(key+".roles", fmt.Sprintf("%s: roles need auth: %s (anonymous requests have no roles to check)", label, AuthRequired))
		}
		validateRoles(key+".roles", r.Roles, ps)
		if r.Timeout <= 0 {
			ps.addLine(key+".timeout", label+": timeout must be greater than 0")
		}
		if r.RateLimit != "" {
			validateRate(ps, key+".rate_limit", r.RateLimit)
		}
		validateRouteAssertion(key, label, r, ps)
		if r.StreamMaxLifetime != nil && *r.StreamMaxLifetime < 0 {
			ps.addLine(key+".stream_max_lifetime", label+": stream_max_lifetime must not be negative (0 means no limit; omit it to end streams with the token)")
		}
	}
}

// validate checks a route's match block.
func (m RouteMatch) validate(key, label string, ps *Problems) {
	if m.Host != "" && !hostRe.MatchString(m.Host) {
		ps.addLine(key+".host", fmt.Sprintf("%s: host %q must be a lower-case host name (api.example.com) or a wildcard (*.example.com), without port", label, m.Host))
	}
	p := m.PathPrefix
	switch {
	case p == "":
		ps.addLine(key+".path_prefix", label+": path_prefix is required (use \"/\" to match everything)")
	case !strings.HasPrefix(p, "/"):
		ps.addLine(key+".path_prefix", fmt.Sprintf("%s: path_prefix %q must start with /", label, p))
	case strings.ContainsAny(p, "?#% \t") || strings.Contains(p, "//") || hasDotSegment(p):
		// Prefixes are compared against the cleaned request path, so an
		// uncleaned prefix would never match (or match surprisingly).
		ps.addLine(key+".path_prefix", fmt.Sprintf("%s: path_prefix %q must be a clean path (no //, . or .. segments, ?, #, %% or spaces)", label, p))
	case reservedPath(p):
		ps.addLine(key+".path_prefix", fmt.Sprintf("%s: path_prefix %q is served by the gateway itself (/auth/, /healthz, /readyz, /docs, /openapi.json, /.well-known/jwks.json)", label, p))
	}
	for j, method := range m.Methods {
		if !isToken(method) || method != strings.ToUpper(method) {
			ps.addLine(fmt.Sprintf("%s.methods[%d]", key, j), fmt.Sprintf("%s: method %q must be an upper-case HTTP method such as GET", label, method))
		}
	}
}

// hasDotSegment reports whether p contains a "." or ".." path segment.
func hasDotSegment(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// checkUpstream returns why u is not a usable upstream URL, or "".
// Upstream URLs are not secret, so messages may show them.
func checkUpstream(u string) string {
	parsed, err := url.Parse(u)
	switch {
	case err != nil:
		return "is not a valid URL"
	case parsed.Scheme != "http" && parsed.Scheme != "https":
		return "must be an absolute http:// or https:// URL"
	case parsed.Host == "" || parsed.Hostname() == "":
		return "has no host"
	case parsed.Fragment != "" || parsed.RawQuery != "":
		return "must not have a query or fragment"
	}
	return ""
}
