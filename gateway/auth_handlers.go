package gateway

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authgate/gatewayd/authcore"
)

// credentialsRequest is the body of /auth/register and /auth/login.
type credentialsRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// refreshRequest is the body of /auth/refresh and /auth/logout.
type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// tokenResponse is the RFC 6749 §5.1 shaped answer to register, login and
// refresh, plus the user so a client need not call /auth/me right away.
type tokenResponse struct {
	AccessToken      string              `json:"access_token"`
	TokenType        string              `json:"token_type"`
	ExpiresIn        int64               `json:"expires_in"`
	RefreshToken     string              `json:"refresh_token"`
	RefreshExpiresIn int64               `json:"refresh_expires_in"`
	User             authcore.PublicUser `json:"user"`
}

// handleRegister creates an account and signs it in: 201 with tokens.
func (s *Server) handleRegister() echo.HandlerFunc {
	return func(c echo.Context) error {
		var req credentialsRequest
		if err := s.decodeJSON(c, &req); err != nil {
			return err
		}
		sess, err := s.auth.Register(c.Request().Context(), req.Email, req.Password, s.clientMeta(c))
		if err != nil {
			return err
		}
		return s.writeSession(c, http.StatusCreated, sess)
	}
}

// handleLogin exchanges credentials for tokens. Every failure is the same
// invalid_credentials problem, so responses cannot reveal which emails exist.
func (s *Server) handleLogin() echo.HandlerFunc {
	return func(c echo.Context) error {
		var req credentialsRequest
		if err := s.decodeJSON(c, &req); err != nil {
			return err
		}
		sess, err := s.auth.Login(c.Request().Context(), req.Email, req.Password, s.clientMeta(c))
		if err != nil {
			return err
		}
		return s.writeSession(c, http.StatusOK, sess)
	}
}

// handleRefresh rotates a refresh token into a new session.
func (s *Server) handleRefresh() echo.HandlerFunc {
	return func(c echo.Context) error {
		var req refreshRequest
		if err := s.decodeJSON(c, &req); err != nil {
			return err
		}
		sess, err := s.auth.Refresh(c.Request().Context(), req.RefreshToken, s.clientMeta(c))
		if err != nil {
			return err
		}
		return s.writeSession(c, http.StatusOK, sess)
	}
}

// handleLogout revokes one refresh token. It answers 204 for unknown tokens
// too: logout is idempotent, and a different answer would let anyone probe
// which tokens are live.
func (s *Server) handleLogout() echo.HandlerFunc {
	return func(c echo.Context) error {
		var req refreshRequest
		if err := s.decodeJSON(c, &req); err != nil {
			return err
		}
		if err := s.auth.Logout(c.Request().Context(), req.RefreshToken); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}

// handleLogoutAll revokes every refresh token of the bearer's account
// ("sign out everywhere"). Access tokens already issued expire on their own.
func (s *Server) handleLogoutAll() echo.HandlerFunc {
	return func(c echo.Context) error {
		id, ok := identity(c)
		if !ok {
			return &authcore.TokenError{Reason: authcore.TokenMissing}
		}
		if err := s.auth.LogoutAll(c.Request().Context(), id.UserID); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}

// reasonUserGone is the RFC 6750 error_description for a valid token whose
// account no longer exists or was disabled after the token was issued.
const reasonUserGone authcore.TokenReason = "user_unavailable"

// handleMe returns the bearer's current account record.
func (s *Server) handleMe() echo.HandlerFunc {
	return func(c echo.Context) error {
		id, ok := identity(c)
		if !ok {
			return &authcore.TokenError{Reason: authcore.TokenMissing}
		}
		u, err := s.auth.Me(c.Request().Context(), id.UserID)
		if errors.Is(err, authcore.ErrNotFound) {
			// The token is genuine but its user was deleted: for the
			// client that is an unusable token, not a missing resource.
			return &authcore.TokenError{Reason: reasonUserGone, Err: err}
		}
		if err != nil {
			return err
		}
		if u.Disabled {
			// A disabled account keeps no access, even while an access
			// token issued before the switch has not yet expired.
			return &authcore.TokenError{Reason: reasonUserGone}
		}
		return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, u.Public())
	}
}

// writeSession encodes a Session as a token response. Tokens must not be
// cached anywhere (RFC 6749 §5.1: Cache-Control: no-store, Pragma: no-cache).
func (s *Server) writeSession(c echo.Context, status int, sess *authcore.Session) error {
	setUser(c, sess.User.ID) // the access log's user_id (request_trace.go)
	now := s.now()
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	return writeJSON(c, status, echo.MIMEApplicationJSON, tokenResponse{
		AccessToken:      sess.AccessToken,
		TokenType:        "Bearer",
		ExpiresIn:        secondsUntil(now, sess.AccessExpiresAt),
		RefreshToken:     sess.RefreshToken,
		RefreshExpiresIn: secondsUntil(now, sess.RefreshExpiresAt),
		User:             sess.User.Public(),
	})
}

// secondsUntil is the whole seconds from now to t, never negative.
func secondsUntil(now, t time.Time) int64 {
	return max(int64(t.Sub(now)/time.Second), 0)
}

// maxUserAgentLength bounds the User-Agent stored with a refresh token; the
// header may be up to the server's header limit and is attacker-chosen.
const maxUserAgentLength = 512

// clientMeta describes the caller for the session list.
func (s *Server) clientMeta(c echo.Context) authcore.ClientMeta {
	ua := c.Request().UserAgent()
	if len(ua) > maxUserAgentLength {
		// Cutting may split a multi-byte character; drop the fragment.
		ua = strings.ToValidUTF8(ua[:maxUserAgentLength], "")
	}
	return authcore.ClientMeta{IP: c.RealIP(), UserAgent: ua}
}
