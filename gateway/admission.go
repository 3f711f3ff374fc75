package gateway

import (
	"net/http"
	"strings"

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

// admit is THE admission pipeline (issue 10), used by the proxy path and
// by forward-auth alike, on the canonical request dispatch or
// originalRequest computed once (issue 9):
//
//	resolve the route → authorize (token per the route's policy, roles)
//	→ the route's rate limit → inject the identity into dst
//
// route is returned as soon as one matched, even with an error, so the
// caller can label logs and metrics with it. id is nil for a request
// admitted without an identity. A path the gateway answers itself never
// admits: no route applies to it (ErrRouteNotFound). dst receives the
// identity headers: the outbound request's for the proxy, the response's
// for forward-auth (the front proxy passes them on).
func (s *Server) admit(c echo.Context, canon proxy.CanonicalRequest, method string, dst http.Header) (route *proxy.Route, id *authcore.Identity, err error) {
	if s.owned.ownsCanonical(canon.Path) {
		return nil, nil, ErrRouteNotFound
	}
	route, err = s.routing.resolve(canon, method)
	if err != nil {
		// Default deny: an unmatched or refused request is never admitted.
		return nil, nil, err
	}
	id, err = s.authorize(c.Request(), route)
	if err != nil {
		return route, nil, err
	}
	if id != nil {
		setIdentity(c, id)
	}
	if route.RateLimit != "" {
		if err := s.limitRoute(c, route, userIDOf(id)); err != nil {
			return route, id, err
		}
	}
	if id != nil {
		s.routing.headers.Inject(dst, id.UserID, id.Email, id.Roles)
	}
	return route, id, nil
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

// bearerToken extracts the token from "Authorization: Bearer <token>"
// (RFC 6750 §2.1; the scheme is case-insensitive per RFC 9110 §11.1).
// No header, or a different scheme, counts as a missing token — RFC 6750
// §3.1 says such a request gets a challenge without an error code.
func bearerToken(r *http.Request) (string, error) {
	values := r.Header.Values("Authorization")
	if len(values) == 0 {
		return "", &authcore.TokenError{Reason: authcore.TokenMissing}
	}
	if len(values) > 1 {
		// Two Authorization headers are ambiguous; proxies may pick
		// different ones, so refuse rather than guess.
		return "", &authcore.TokenError{Reason: authcore.TokenMalformed}
	}
	scheme, token, found := strings.Cut(values[0], " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", &authcore.TokenError{Reason: authcore.TokenMissing}
	}
	token = strings.TrimLeft(token, " ")
	if !found || token == "" || strings.ContainsAny(token, " \t") {
		return "", &authcore.TokenError{Reason: authcore.TokenMalformed}
	}
	return token, nil
}

// requireBearer verifies the bearer token and stores the identity for the
// handler. Failures are returned, so the 401 and its WWW-Authenticate
// challenge come from the one error renderer.
func (s *Server) requireBearer(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token, err := bearerToken(c.Request())
		if err != nil {
			return err
		}
		id, err := s.tokens.Verify(token)
		if err != nil {
			return err
		}
		setIdentity(c, id)
		return next(c)
	}
}

// setIdentity stores the verified identity in the request's exchange, for
// the handler, the access log and the proxy.
func setIdentity(c echo.Context, id *authcore.Identity) {
	if x := exchangeOf(c); x != nil {
		x.id = id
	}
}

// identity returns what requireBearer (or admit) stored. Handlers behind
// requireBearer can rely on a non-nil result; anywhere else it reports
// ok=false.
func identity(c echo.Context) (*authcore.Identity, bool) {
	if x := exchangeOf(c); x != nil && x.id != nil {
		return x.id, true
	}
	return nil, false
}
