package gateway

import (
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// requestTrace collects what handlers learn about a request that the
// access log and the metrics report once it is answered. observe creates
// it (in the request's exchange); handlers fill it through setRoute, setUser
// and s.forwarding.
type requestTrace struct {
	// route is the matched proxy route's name ("" for gateway endpoints,
	// whose names come from Echo's router, and for unmatched requests).
	route string
	// userID is the authenticated user, when known.
	userID string
	// upstream is where the request was forwarded, for the log only.
	upstream string
	// forwardedAt is when the request was handed to the upstream (zero if
	// it never was); headersAt is when the response headers were written.
	forwardedAt time.Time
	headersAt   time.Time
}

// traceOf returns the request's trace, or a throwaway one when the request
// has no exchange (a handler tested on its own), so setters never need a
// nil check.
func traceOf(c echo.Context) *requestTrace {
	if x := exchangeOf(c); x != nil {
		return &x.trace
	}
	return &requestTrace{}
}

// setRoute records the name of the configured route a request matched, as
// soon as it matched, so that refusals before forwarding (401, 403, 429)
// are reported under the route too. Only configured route names may be
// passed: the name becomes a metrics label.
func setRoute(c echo.Context, name string) { traceOf(c).route = name }

// setUser records the authenticated user's id for the access log (it is
// never a metrics label). Identities stored under ctxIdentity are picked up
// without it; this is for handlers that learn the user another way, e.g. a
// successful login.
func setUser(c echo.Context, userID string) { traceOf(c).userID = userID }

// forwarding marks the moment the request is handed to upstream (logged as
// "upstream"; host:port or URL, never with credentials). The upstream
// response time is measured from here to the moment the response's status
// line goes out (exchange.WriteHeader); the proxy handler calls it right
// before Forward.
func (s *Server) forwarding(c echo.Context, upstream string) {
	t := traceOf(c)
	t.upstream = upstream
	t.forwardedAt = time.Now()
}

// endpointNames maps the path of every route registered with Echo to a
// fixed name for logs and metrics: "/auth/login" → "auth_login",
// "/auth/logout-all" → "auth_logout_all", "/docs/*" → "docs". Built from
// the router, so the set is bounded and no request can add to it.
func endpointNames(routes []*echo.Route) map[string]string {
	out := make(map[string]string, len(routes))
	for _, r := range routes {
		name := strings.Trim(strings.TrimSuffix(r.Path, "*"), "/")
		name = strings.NewReplacer("/", "_", "-", "_", ".", "_").Replace(name)
		if name == "" {
			name = "root"
		}
		out[r.Path] = name
	}
	return out
}

// upstreamOf names route's upstream(s) for the access log: host:port, or a
// comma-separated list when the route balances over several (the Forwarder
// picks one per request and does not say which). Never user info or paths.
func upstreamOf(route *proxy.Route) string {
	if len(route.Upstreams) == 1 && route.Upstreams[0] != nil {
		return route.Upstreams[0].Host
	}
	hosts := make([]string, 0, len(route.Upstreams))
	for _, u := range route.Upstreams {
		if u != nil {
			hosts = append(hosts, u.Host)
		}
	}
	return strings.Join(hosts, ",")
}
