package gateway

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authgate/gatewayd/authcore"
)

// ctxIdentity is the Echo context key holding the verified *authcore.Identity.
const ctxIdentity = "gateway.identity"

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
		c.Set(ctxIdentity, id)
		return next(c)
	}
}

// identity returns what requireBearer stored. Handlers behind it can rely on
// a non-nil result; anywhere else it reports ok=false.
func identity(c echo.Context) (*authcore.Identity, bool) {
	id, ok := c.Get(ctxIdentity).(*authcore.Identity)
	return id, ok && id != nil
}
