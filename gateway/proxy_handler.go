package gateway

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/labstack/echo/v4"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// ProxyOptions is the authenticating reverse proxy: what every request for
// a path the gateway does not own is matched against and forwarded with.
// cmd builds all three from the config; the zero value routes nothing, so
// every such request is a 404 (default deny).
type ProxyOptions struct {
	// Router is the route table (proxy.NewRouter has already rejected
	// overlapping routes). Nil means no routes.
	Router *proxy.Router
	// Forwarders holds one forwarder per route of Router, keyed by route
	// name. NewServer refuses a table with a route that has none, so a
	// matched request can never find itself without an upstream.
	Forwarders map[string]*proxy.Forwarder
	// Identity strips client-supplied identity headers from every request
	// and injects the verified identity. Nil means the default header
	// names; it must use the same names as the forwarders' Identity.
	Identity *proxy.HeaderPolicy
}

// proxyTable is ProxyOptions checked and indexed for the request path.
type proxyTable struct {
	router *proxy.Router // nil: no routes
	// forwarders is keyed by the *proxy.Route that Router.Match returns:
	// one pointer-keyed map probe per request, no string hashing.
	forwarders map[*proxy.Route]*proxy.Forwarder
	headers    *proxy.HeaderPolicy
	// trusted are the peers whose description of an original request
	// /auth/verify believes (server.trusted_proxies).
	trusted []netip.Prefix
}

// newProxyTable validates o and indexes the forwarders by route.
func newProxyTable(o ProxyOptions, trusted []netip.Prefix) (proxyTable, error) {
	t := proxyTable{router: o.Router, headers: o.Identity}
	if t.headers == nil {
		// Stripping is not optional: even a gateway without routes must
		// never let a forged identity header through to a handler.
		t.headers = proxy.NewHeaderPolicy(proxy.DefaultIdentityHeaders())
	}
	for _, p := range trusted {
		t.trusted = append(t.trusted, p.Masked())
	}
	if o.Router == nil {
		if len(o.Forwarders) > 0 {
			return t, errors.New("proxy: Forwarders given without a Router")
		}
		return t, nil
	}
	routes := o.Router.Routes()
	t.forwarders = make(map[*proxy.Route]*proxy.Forwarder, len(routes))
	var errs []error
	for _, r := range routes {
		f := o.Forwarders[r.Name]
		if f == nil {
			errs = append(errs, fmt.Errorf("proxy: route %q has no forwarder", r.Name))
			continue
		}
		t.forwarders[r] = f
	}
	if len(o.Forwarders) != len(t.forwarders) {
		errs = append(errs, errors.New("proxy: Forwarders holds routes the Router does not have"))
	}
	return t, errors.Join(errs...)
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
	if len(t.trusted) == 0 {
		return false
	}
	ap, err := netip.ParseAddrPort(remoteAddr)
	if err != nil {
		return false
	}
	addr := ap.Addr().Unmap()
	for _, p := range t.trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// proxyRequest is the handler for every path the gateway does not own: the
// pipeline of STYLE.md's request flow after the identity headers were
// stripped (stripIdentity, the first middleware).
//
//	match → authenticate per route policy → roles → route limit →
//	inject identity → forward
//
// Every refusal is returned as an error for the one error renderer; only a
// fully authorized request reaches Forward.
func (s *Server) proxyRequest(c echo.Context, canon proxy.CanonicalRequest) error {
	r := c.Request()
	// SECURITY: match on the canonical request (dispatch computed it once),
	// and forward exactly its path, so "/public/../admin" and
	// "/public/..;/admin" are authorized as /admin, never as /public.
	route, err := s.routing.resolve(canon, r.Method)
	if err != nil {
		// Default deny: an unmatched or refused request is never forwarded.
		return err
	}
	setRoute(c, route.Name) // access log and metrics label (access_log.go)
	id, err := s.authorize(r, route)
	if err != nil {
		return err
	}
	if id != nil {
		c.Set(ctxIdentity, id)
	}
	if route.RateLimit != "" {
		if err := s.limitRoute(c, route.Name, userIDOf(id)); err != nil {
			return err
		}
	}
	if id != nil {
		s.routing.headers.Inject(r.Header, id.UserID, id.Email, id.Roles)
		r = s.withAssertion(c, route, id) // signed on the outbound request (assertion.go)
	}

	// Forward what was authorized: the canonical path, re-escaped
	// minimally by net/url (RawPath empty), never the client's spelling.
	r.URL.Path, r.URL.RawPath = canon.Path, ""

	res := c.Response()
	// Upstream responses pass through unchanged: drop the gateway's own
	// security headers (ReverseProxy would add the upstream's next to
	// them); proxy.security_headers re-adds nosniff/X-Frame-Options where
	// the upstream lacks them. If forwarding fails, the problem renderer
	// sets them again.
	clearSecurityHeaders(res.Header())
	s.forwarding(c, upstreamOf(route)) // upstream timing and log (request_trace.go)
	w := &proxyWriter{s: s, c: c, res: res}
	if id != nil {
		// A stream opened with this identity ends with it (issue 13 §3).
		var release func()
		r, release = s.guardStream(w, r, id, route)
		defer release()
	}
	return s.routing.forwarders[route].Forward(w, r)
}
