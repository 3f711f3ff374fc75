package gateway

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// stripIdentity removes every header of the identity namespace (X-User-*,
// the configured names and the well-known presets, in any case or '_'
// spelling) from the inbound request.
//
// SECURITY: upstreams trust these headers blindly; that is the product.
// So this runs first, on every request, gateway endpoints included, before
// any other code can read a forged value. Only the gateway's own Inject,
// after the token was verified, writes them again. It allocates nothing
// when no header matches.
func (s *Server) stripIdentity(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		s.routing.headers.Strip(c.Request().Header)
		return next(c)
	}
}

// authorize applies route's authentication policy to r, with the same
// bearer extraction and verification as /auth/me. It returns the verified
// identity, or nil for a request forwarded without one (public routes, and
// optional routes called without an Authorization header).
//
//   - public: the token is never looked at, so a public route cannot be
//     made to fail (or to carry identity) by whatever a client sends.
//   - optional: no Authorization header means anonymous. A header that is
//     present but not a valid bearer token is a 401, never a silent
//     downgrade to anonymous: a client with an expired token must learn to
//     refresh rather than see a logged-out page.
//   - required: a valid token is needed, and then at least one of the
//     route's roles (403 insufficient_role otherwise).
func (s *Server) authorize(r *http.Request, route *proxy.Route) (*authcore.Identity, error) {
	switch route.Auth {
	case proxy.AuthPublic:
		return nil, nil
	case proxy.AuthOptional:
		if _, present := r.Header["Authorization"]; !present {
			return nil, nil
		}
	}
	token, err := bearerToken(r)
	if err != nil {
		return nil, err
	}
	id, err := s.tokens.Verify(token)
	if err != nil {
		return nil, err
	}
	if !id.HasAnyRole(route.Roles) {
		return nil, authcore.ErrInsufficientRole
	}
	return id, nil
}

// userIDOf is the user ID of id, or "" for an anonymous request.
func userIDOf(id *authcore.Identity) string {
	if id == nil {
		return ""
	}
	return id.UserID
}

// IsGatewayPath reports whether a request for the escaped path p (as
// r.URL.EscapedPath() gives it) is answered by the gateway itself and is
// therefore never proxied, whatever the route table holds: /auth and
// everything below it, /healthz, /readyz, the JWKS and the documentation
// paths (even when the docs or assertions are disabled). Every spelling counts ("//auth/me",
// "/x/../auth/me", "/%61uth/me", "/AUTH/me"). `gatewayd routes check` asks
// it so that its answer is the server's.
func IsGatewayPath(p string) bool {
	return ownedBy(p, defaultOwned)
}

// defaultOwned is the set of exact gateway paths that exist whatever the
// options (the docs paths are covered by isDocsPath).
var defaultOwned = ownedPaths{exact: []string{"/healthz", "/readyz"}}

// ownedBy reports whether the escaped path p is a gateway path of owned.
// It checks the canonical path and, for a path Canonicalize refuses, the
// decoded one: such a request must still never be proxied.
func ownedBy(p string, owned ownedPaths) bool {
	if c, err := proxy.Canonicalize("", p); err == nil && owned.ownsCanonical(c.Path) {
		return true
	}
	if d, err := url.PathUnescape(p); err == nil {
		return owned.ownsCanonical(d)
	}
	return false
}
