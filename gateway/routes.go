package gateway

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authgate/gatewayd/gateway/proxy"
	"github.com/authgate/gatewayd/ratelimit"
)

// routes is the whole HTTP surface on one screen.
//
// The cross-cutting middleware wraps both the gateway's own endpoints and
// the fallback for everything else, in this order: strip identity →
// observe (access log + metrics) → recover → request ID → CORS →
// dispatch, which ends in Echo's router (s.route) for gateway paths and in
// the proxy for all others. Stripping the identity headers comes before
// anything else can read a forged one (admission.go). observe is outermost
// of the rest so it sees the final status, panics and 499s included (see
// access_log.go). The security headers are decided when the status line
// goes out (exchange.WriteHeader). The chain is composed here, once, and
// run by ServeHTTP (exchange.go) rather than registered with Echo's Pre,
// which would compose it again for every request.
func (s *Server) routes(e *echo.Echo) {
	s.chain = chain(s.route,
		s.stripIdentity,
		s.observe,
		s.recoverPanics,
		s.assignRequestID,
		s.cors.handle,
		s.dispatch,
	)

	e.Match([]string{http.MethodGet, http.MethodHead}, "/healthz", s.handleHealthz())
	e.Match([]string{http.MethodGet, http.MethodHead}, "/readyz", s.handleReadyz())

	// The auth API. Unknown /auth paths are 404 and wrong methods 405,
	// both from Echo's router; none of them is ever proxied. The endpoints
	// that take credentials or mint tokens are limited per client IP before
	// any body is read or any argon2 work is done.
	e.POST("/auth/register", s.handleRegister(), s.limitByIP(ratelimit.PolicyRegister))
	e.POST("/auth/login", s.handleLogin(), s.limitByIP(ratelimit.PolicyLogin))
	e.POST("/auth/refresh", s.handleRefresh(), s.limitByIP(ratelimit.PolicyRefresh))
	e.POST("/auth/logout", s.handleLogout(), s.limitByIP(ratelimit.PolicyLogout))
	e.POST("/auth/logout-all", s.handleLogoutAll(), s.requireBearer)
	e.GET("/auth/me", s.handleMe(), s.requireBearer)
	// Forward-auth for nginx auth_request / Traefik / Caddy in front.
	e.Match([]string{http.MethodGet, http.MethodHead}, "/auth/verify", s.handleVerify())

	// Public keys for the identity assertion (assertion.go); the path is
	// gateway-owned either way (see ownsPath).
	if s.assert.signer != nil {
		e.Match([]string{http.MethodGet, http.MethodHead}, JWKSPath, s.handleJWKS())
	}

	// API documentation (/openapi.json, /docs, /docs/*), only when
	// enabled; the paths are gateway-owned either way (see ownsPath).
	if s.docs {
		s.mountDocs(e)
	}

	// Every path the gateway does not own: the authenticating reverse
	// proxy (proxy_handler.go). No matching route → 404, never forwarded.
	s.unrouted = s.proxyRequest
}

// dispatch computes the canonical request once (proxy.Canonicalize, issue
// 9) and sends requests for gateway-owned paths to Echo's router, all
// others, with their canonical form, to s.unrouted. Bypassing the router
// for foreign paths keeps its 404/405 answers exact (an Echo catch-all
// would turn every 405 into a 404) and saves proxied requests a routing
// step. A path that cannot be canonicalized is a 400 invalid_path, unless
// it is a gateway path (then Echo's router answers, typically 404): it is
// never proxied either way.
func (s *Server) dispatch(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		canon, err := proxy.Canonicalize(r.Host, r.URL.EscapedPath())
		if err != nil {
			if s.owned.ownsCanonical(r.URL.Path) {
				return next(c)
			}
			return err
		}
		// The decoded spelling counts too ("/auth/../api/x" stays with the
		// gateway): a request that names a gateway path in any form is
		// never proxied.
		if s.owned.ownsCanonical(canon.Path) || s.owned.ownsCanonical(r.URL.Path) {
			return next(c)
		}
		return s.unrouted(c, canon)
	}
}

// ownsPath reports whether the gateway answers the escaped path p itself,
// in any spelling: "/%61uth/login", "//auth/me", "/x/../auth/me",
// "/x/..;/auth/me" and "/AUTH/me" are the gateway's too, so an /auth
// request can never reach an upstream. (Echo routes on the raw path, so
// such spellings simply get a 404 from the router.)
func (s *Server) ownsPath(p string) bool {
	return ownedBy(p, s.owned)
}

// ownedPaths is the set of paths registered with Echo's router: exact paths,
// and prefixes for wildcard routes such as "/docs/*". Together with /auth
// and the docs paths they are the paths the gateway answers itself.
type ownedPaths struct {
	exact    []string
	prefixes []string
}

func newOwnedPaths(routes []*echo.Route) ownedPaths {
	var o ownedPaths
	for _, r := range routes {
		if prefix, ok := strings.CutSuffix(r.Path, "*"); ok {
			o.prefixes = append(o.prefixes, prefix)
			continue
		}
		if !slices.Contains(o.exact, r.Path) {
			o.exact = append(o.exact, r.Path)
		}
	}
	return o
}

// ownsCanonical reports whether the canonical path p is the gateway's.
// ASCII case is folded: IIS and other Windows upstreams fold case, so
// "/AUTH/me" must not be proxied to one while "/auth/me" is not. A
// trailing slash is ignored ("/healthz/" is /healthz). It does not
// allocate.
func (o ownedPaths) ownsCanonical(p string) bool {
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	if hasPrefixFold(p, authPrefix) && (len(p) == len(authPrefix) || p[len(authPrefix)] == '/') {
		return true
	}
	if isDocsPath(p) || strings.EqualFold(p, JWKSPath) {
		return true
	}
	for _, e := range o.exact {
		if strings.EqualFold(p, strings.TrimSuffix(e, "/")) {
			return true
		}
	}
	for _, prefix := range o.prefixes {
		bare := strings.TrimSuffix(prefix, "/") // "/docs/*" owns "/docs" too
		if hasPrefixFold(p, prefix) || strings.EqualFold(p, bare) {
			return true
		}
	}
	return false
}

// hasPrefixFold is strings.HasPrefix with ASCII case folded.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// chain wraps h in middleware, the first one outermost.
func chain(h echo.HandlerFunc, middleware ...echo.MiddlewareFunc) echo.HandlerFunc {
	for i := len(middleware) - 1; i >= 0; i-- {
		h = middleware[i](h)
	}
	return h
}
