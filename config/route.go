package config

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"time"

	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/proxy"
	"github.com/authgate/gatewayd/internal/fielderr"
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

// hostRe is the host-name syntax of a listen address (server.listen,
// admin.listen). Route hosts are the proxy's (proxy.Route.Validate).
var hostRe = regexp.MustCompile(`^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)

// ProxyRoute is r as a proxy.Route. A problem here is decoding (an auth
// spelling or an upstream that is not a URL); every rule about the values
// is proxy.Route.Validate's.
func (r Route) ProxyRoute() (proxy.Route, error) {
	var errs []error
	auth, err := proxy.ParseAuthMode(r.Auth)
	if err != nil {
		errs = append(errs, fielderr.New("Auth", "must be %s, %s or %s", AuthRequired, AuthOptional, AuthPublic))
	}
	upstreams := make([]*url.URL, len(r.Upstream))
	for i, raw := range r.Upstream {
		u, err := url.Parse(raw)
		if err != nil {
			// Upstream URLs are not secret, but url.Parse's error quotes
			// the input oddly; say it plainly.
			errs = append(errs, fielderr.New(fmt.Sprintf("Upstreams[%d]", i), "%q is not a valid URL", raw))
			continue
		}
		upstreams[i] = u
	}
	// stream_max_lifetime is spelled differently from proxy.Route's field
	// (omitted → with the token, 0 → never; the proxy says 0 and
	// NoStreamLimit). A negative YAML value has no spelling there at all.
	var stream time.Duration
	switch d := r.StreamMaxLifetime; {
	case d == nil:
	case *d == 0:
		stream = proxy.NoStreamLimit
	case *d < 0:
		errs = append(errs, fielderr.New("StreamMaxLifetime", "must not be negative (0 means no limit; omit it to end streams with the token)"))
	default:
		stream = *d
	}
	return proxy.Route{
		Name:              r.Name,
		Host:              r.Match.Host,
		PathPrefix:        r.Match.PathPrefix,
		Methods:           r.Match.Methods,
		Upstreams:         upstreams,
		StripPrefix:       r.StripPrefix,
		Auth:              auth,
		Roles:             r.Roles,
		PassAuthorization: r.PassAuthorization,
		Timeout:           r.Timeout,
		RateLimit:         r.RateLimit,
		AllowPathParams:   r.AllowPathParams,
		CaseInsensitive:   r.CaseInsensitive,
		StreamMaxLifetime: stream,
	}, errors.Join(errs...)
}

// ProxyRoutes is every route as a proxy.Route (see ProxyRoute).
func (c *Config) ProxyRoutes() ([]proxy.Route, error) {
	out := make([]proxy.Route, 0, len(c.Routes))
	var errs []error
	for i, r := range c.Routes {
		pr, err := r.ProxyRoute()
		errs = append(errs, fielderr.Prefix(fmt.Sprintf("Routes[%d]", i), err))
		out = append(out, pr)
	}
	return out, errors.Join(errs...)
}

// routeKeys maps proxy.Route fields to a route entry's YAML keys.
var routeKeys = map[string]string{
	"Name": "name", "Host": "match.host", "PathPrefix": "match.path_prefix",
	"Methods": "match.methods", "Upstreams": "upstream", "Auth": "auth",
	"Roles": "roles", "Timeout": "timeout", "StreamMaxLifetime": "stream_max_lifetime",
}

// validateRoutes asks the owners about every route: proxy.Route.Validate
// for the route itself, gateway.IsGatewayPath for paths the gateway
// answers, ratelimit for rate_limit (validateOwners), and, once every
// route is valid, proxy.NewRouter for duplicate names and overlaps (each
// line names both routes).
func validateRoutes(routes []Route, ps *Problems) {
	before := len(*ps)
	table := make([]proxy.Route, 0, len(routes))
	for i, r := range routes {
		key := fmt.Sprintf("routes[%d]", i)
		keys := make(map[string]string, len(routeKeys))
		for f, k := range routeKeys {
			keys[f] = key + "." + k
		}
		pr, err := r.ProxyRoute()
		ps.addOwner(err, keys)
		if err == nil {
			ps.addOwner(pr.Validate(), keys)
		}
		table = append(table, pr)
		if p := r.Match.PathPrefix; p != "" && gateway.IsGatewayPath(p) {
			// A route there would either never be reached or, worse, hand
			// /auth traffic to an upstream; the gateway says which paths
			// are its own.
			ps.addf(key+".match.path_prefix", "%q is answered by the gateway itself (/auth, /healthz, /readyz, docs, JWKS)", p)
		}
		label := key
		if r.Name != "" {
			label = fmt.Sprintf("%s (%s)", key, r.Name)
		}
		validateRouteAssertion(key, label, r, ps)
		if r.StreamMaxLifetime != nil && *r.StreamMaxLifetime < 0 {
			ps.addLine(key+".stream_max_lifetime", label+": stream_max_lifetime must not be negative (0 means no limit; omit it to end streams with the token)")
		}
	}
	if len(*ps) > before {
		return
	}
	if _, err := proxy.NewRouter(table); err != nil {
		for _, e := range fielderr.Flatten(err) {
			ps.addLine("routes", "routes: "+e.Error())
		}
	}
}
