package gateway

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authgate/gatewayd/ratelimit"
)

// routes is the whole HTTP surface on one screen.
//
// Cross-cutting middleware is registered with Pre, so it wraps both the
// gateway's own endpoints and the fallback for everything else, in this
// order: strip identity → observe (access log + metrics) → recover →
// request ID → security headers → CORS → dispatch. Stripping the identity
// headers comes before anything else can read a forged one (identity.go).
// observe is outermost of the rest so it sees the final status, panics and
// 499s included (see access_log.go).
func (s *Server) routes(e *echo.Echo) {
	e.Pre(
		s.stripIdentity,
		s.observe,
		s.recoverPanics,
		s.assignRequestID,
		s.securityHeaders,
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
	e.POST("/auth/logout", s.handleLogout())
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

// dispatch sends requests for gateway-owned paths to Echo's router and all
// others to s.unrouted. Bypassing the router for foreign paths keeps its
// 404/405 answers exact (an Echo catch-all would turn every 405 into a 404)
// and saves proxied requests a routing step.
func (s *Server) dispatch(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.ownsPath(c.Request().URL.Path) {
			return next(c)
		}
		return s.unrouted(c)
	}
}

// ownsPath reports whether the gateway answers p itself. It checks both the
// decoded path and its cleaned form: "/%61uth/login", "//auth/me" and
// "/x/../auth/me" are the gateway's too, so an /auth request can never reach
// an upstream whatever its spelling. (Echo routes on the raw path, so such
// spellings simply get a 404 from the router.)
func (s *Server) ownsPath(p string) bool {
	cleaned := cleanForOwnership(p) // path.Clean("/" + p), allocation-free
	if isAuthPath(p) || isAuthPath(cleaned) || isDocsPath(p) || isDocsPath(cleaned) || isJWKSPath(p) || isJWKSPath(cleaned) {
		return true
	}
	return s.owned.contains(p) || s.owned.contains(cleaned)
}

// ownedPaths is the set of paths registered with Echo's router: exact paths,
// and prefixes for wildcard routes such as "/docs/*".
type ownedPaths struct {
	exact    map[string]struct{}
	prefixes []string
}

func newOwnedPaths(routes []*echo.Route) ownedPaths {
	o := ownedPaths{exact: make(map[string]struct{}, len(routes))}
	for _, r := range routes {
		if prefix, ok := strings.CutSuffix(r.Path, "*"); ok {
			o.prefixes = append(o.prefixes, prefix)
			continue
		}
		o.exact[r.Path] = struct{}{}
	}
	return o
}

func (o ownedPaths) contains(p string) bool {
	if _, ok := o.exact[p]; ok {
		return true
	}
	for _, prefix := range o.prefixes {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}
