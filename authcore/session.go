package authcore

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
)

// Refresh rotates a refresh token: the presented one is consumed and a new
// one is returned with a fresh access token carrying the user's CURRENT
// email and roles (SetRoles also revokes the old tokens, so a client
// picks up a role change at its next refresh, issue 13 §2).
//
// Every unusable token is ErrInvalidRefreshToken. A token that was already
// rotated, outside the reuse grace, is a reuse: the store has revoked all of
// the user's tokens, and the error also matches ErrRefreshTokenReused (RFC
// 6819 §5.2.2.3, OAuth 2.0 Security BCP §4.14). A token revoked by a logout,
// or rotated within the grace, is only refused (ErrRefreshTokenRevoked).
func (s *Service) Refresh(ctx context.Context, refreshToken string, meta ClientMeta) (*Session, error) {
	// Garbage never costs a database round trip.
	if !wellFormedRefreshToken(refreshToken) {
		return nil, ErrInvalidRefreshToken
	}
	raw := newRefreshToken()
	next := s.newRefreshRecord(raw, meta)
	userID, err := s.store.RotateRefreshToken(ctx, HashRefreshToken(refreshToken), next, next.IssuedAt, s.reuseGrace)
	switch {
	case errors.Is(err, ErrRefreshTokenRevoked):
		return nil, fmt.Errorf("%w: %w", ErrInvalidRefreshToken, ErrRefreshTokenRevoked)
	case errors.Is(err, ErrRefreshTokenReused):
		s.emit(EventRefreshReuse)
		// Someone holds a copy of a refresh token, so the access tokens
		// minted from it may be stolen too: end them now, not at exp.
		if userID != "" {
			if rerr := s.revokeAccess(ctx, "refresh", userID); rerr != nil {
				return nil, rerr
			}
		}
		return nil, fmt.Errorf("%w: %w", ErrInvalidRefreshToken, ErrRefreshTokenReused)
	case errors.Is(err, ErrNotFound):
		return nil, ErrInvalidRefreshToken
	case err != nil:
		return nil, fmt.Errorf("authcore: refresh: %w", err)
	}
	next.UserID = userID
	u, err := s.store.UserByID(ctx, userID)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrInvalidRefreshToken
	}
	if err != nil {
		return nil, fmt.Errorf("authcore: refresh: %w", err)
	}
	if u.Disabled {
		// Security: the rotation above already minted a token; revoking
		// everything (that one included) ends the disabled user's sessions
		// rather than merely refusing this request.
		if _, err := s.store.RevokeUserRefreshTokens(ctx, u.ID, s.clock()); err != nil {
			return nil, fmt.Errorf("authcore: refresh: revoke disabled user's tokens: %w", err)
		}
		return nil, ErrInvalidRefreshToken
	}
	if err := s.awaitCutoff(ctx, u.ID); err != nil {
		return nil, err
	}
	access, accessExp, err := s.tokens.Issue(u)
	if err != nil {
		return nil, fmt.Errorf("authcore: refresh: %w", err)
	}
	s.emit(EventRefresh)
	return &Session{
		AccessToken:      access,
		AccessExpiresAt:  accessExp,
		RefreshToken:     raw,
		RefreshExpiresAt: next.ExpiresAt,
		User:             u,
	}, nil
}

// Logout revokes one refresh token. Unknown, malformed and already revoked
// tokens are not an error: logout is idempotent and must not reveal whether
// a token existed. Store failures are returned.
func (s *Service) Logout(ctx context.Context, refreshToken string) error {
	if wellFormedRefreshToken(refreshToken) {
		if err := s.store.RevokeRefreshToken(ctx, HashRefreshToken(refreshToken), s.clock()); err != nil {
			return fmt.Errorf("authcore: logout: %w", err)
		}
	}
	s.emit(EventLogout)
	return nil
}

// LogoutAll revokes every refresh token of the user ("log out everywhere")
// and every access token issued so far (issue 13 §2): on every replica
// within about a second, the caller's own token included.
func (s *Service) LogoutAll(ctx context.Context, userID string) error {
	if _, err := s.store.RevokeUserRefreshTokens(ctx, userID, s.clock()); err != nil {
		return fmt.Errorf("authcore: logout all: %w", err)
	}
	if err := s.revokeAccess(ctx, "logout all", userID); err != nil {
		return err
	}
	s.emit(EventLogout)
	return nil
}

// Me returns the user behind an access token. ErrNotFound (wrapped) means
// the account was deleted after the token was issued.
func (s *Service) Me(ctx context.Context, userID string) (*User, error) {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("authcore: me: %w", err)
	}
	return u, nil
}

// newUserID returns a random (v4) UUID: ids appear in tokens and headers,
// and random ids reveal neither creation order nor account count.
func newUserID() string { return uuid.NewString() }
