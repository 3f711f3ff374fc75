package gateway

import (
	"errors"
	"net/http"
	"net/netip"

	"github.com/labstack/echo/v4"

	"github.com/authgate/gatewayd/gateway/proxy"
	"github.com/authgate/gatewayd/ratelimit"
)

// ProxyOptions is the authenticating reverse proxy: what every request for
// a path the gateway does not own is matched against and forwarded with.
// NewServer assembles it (issue 10): one Forwarder per route of Router,
// all sharing Transport, Forward and the identity names, so the header
// policy and the forwarders can never disagree. The zero value routes
// nothing, so every such request is a 404 (default deny).
type ProxyOptions struct {
	// Router is the route table (proxy.NewRouter has already rejected
	// overlapping routes). Nil means no routes.
	Router *proxy.Router
	// Transport carries every forwarded request. Nil means a
	// proxy.NewTransport with its defaults; the caller owns a transport
	// it passes (and closes its idle connections at shutdown).
	Transport http.RoundTripper
	// Forward configures every route's Forwarder. NewServer sets its
	// TrustedProxies (Options.TrustedProxies) and Identity (below).
	Forward proxy.ForwarderOptions
	// Identity names the headers the gateway strips from every request
	// and injects after verification; every forwarder re-asserts them.
	// Empty names take the default preset's.
	Identity proxy.IdentityHeaders
}

// proxyTable is ProxyOptions assembled and indexed for the request path.
type proxyTable struct {
	router *proxy.Router // nil: no routes
	// forwarders is keyed by the *proxy.Route that Router.Match returns:
	// one pointer-keyed map probe per request, no string hashing.
	forwarders map[*proxy.Route]*proxy.Forwarder
	// policies is each rate-limited route's ratelimit.RoutePolicy, named
	// once here rather than per request.
	policies map[*proxy.Route]string
	headers  *proxy.HeaderPolicy
	// trusted are the peers whose description of an original request
	// /auth/verify believes (server.trusted_proxies).
	trusted proxy.TrustedProxies
}

// newProxyTable builds the header policy and a forwarder per route.
func newProxyTable(o ProxyOptions, trusted []netip.Prefix) proxyTable {
	// Stripping is not optional: even a gateway without routes must never
	// let a forged identity header through to a handler.
	headers := proxy.NewHeaderPolicy(o.Identity)
	t := proxyTable{router: o.Router, headers: headers, trusted: trusted}
	if o.Router == nil {
		return t
	}
	transport := o.Transport
	if transport == nil {
		transport = proxy.NewTransport(proxy.TransportOptions{})
	}
	fopts := o.Forward
	fopts.TrustedProxies = trusted
	// The policy's resolved names (defaults filled in), so a forwarder
	// re-asserts exactly what the policy injects.
	fopts.Identity = headers.Names()
	routes := o.Router.Routes()
	t.forwarders = make(map[*proxy.Route]*proxy.Forwarder, len(routes))
	t.policies = make(map[*proxy.Route]string)
	for _, r := range routes {
		t.forwarders[r] = proxy.NewForwarder(r, transport, fopts)
		if r.RateLimit != "" {
			t.policies[r] = ratelimit.RoutePolicy(r.Name)
		}
	}
	return t
}

// resolve is the routing decision for a canonical request: the route, or
// ErrRouteNotFound (default deny), or proxy.ErrInvalidPath for a path its
// route refuses (';' parameters, a case conflict; see
// proxy.Router.Resolve). Without a table nothing matches.
func (t *proxyTable) resolve(c proxy.CanonicalRequest, method string) (*proxy.Route, error) {
	if t.router == nil {
		return nil, ErrRouteNotFound
	}
	route, err := t.router.Resolve(c, method)
	if errors.Is(err, proxy.ErrNoRoute) {
		return nil, ErrRouteNotFound
	}
	return route, err
}

// isTrustedPeer reports whether the socket peer remoteAddr ("ip:port", as
// net/http sets Request.RemoteAddr) is a configured trusted proxy.
func (t *proxyTable) isTrustedPeer(remoteAddr string) bool {
	return proxy.TrustedProxies(t.trusted).ContainsRemote(remoteAddr)
}

// proxyRequest is the handler for every path the gateway does not own: the
// pipeline of STYLE.md's request flow after the identity headers were
// stripped (stripIdentity, the first middleware): admit (match →
// authenticate per route policy → roles → route limit → inject identity,
// admission.go), then sign the assertion and forward.
//
// Every refusal is returned as an error for the one error renderer; only a
// fully authorized request reaches Forward.
func (s *Server) proxyRequest(c echo.Context, canon proxy.CanonicalRequest) error {
	r := c.Request()
	// SECURITY: match on the canonical request (dispatch computed it once),
	// and forward exactly its path, so "/public/../admin" and
	// "/public/..;/admin" are authorized as /admin, never as /public.
	route, id, err := s.admit(c, canon, r.Method, r.Header)
	if route != nil {
		setRoute(c, route.Name) // access log and metrics label (access_log.go)
	}
	if err != nil {
		return err
	}
	if id != nil {
		r = s.withAssertion(c, route, id) // signed on the outbound request (assertion.go)
	}

	// Forward what was authorized: the canonical path, re-escaped
	// minimally by net/url (RawPath empty), never the client's spelling.
	r.URL.Path, r.URL.RawPath = canon.Path, ""

	res := c.Response()
	s.forwarding(c, upstreamOf(route)) // upstream timing and log (request_trace.go)
	var w *proxyWriter
	if x := exchangeOf(c); x != nil {
		// The exchange's writer: no allocation per request (issue 14).
		x.proxy = proxyWriter{s: s, c: c, res: res}
		w = &x.proxy
	} else {
		w = &proxyWriter{s: s, c: c, res: res}
	}
	if id != nil {
		// A stream opened with this identity ends with it (issue 13 §3).
		s.guardStream(w, id, route)
		defer w.guard.stop()
	}
	return s.routing.forwarders[route].Forward(w, r)
}
