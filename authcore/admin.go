package authcore

import (
	"context"
	"fmt"
)

// Admin use cases, for the operator CLI. They trust their caller (there is
// no HTTP route to them) but validate input like the public ones.

// CreateUser creates an account even when registration is closed, so an
// operator can bootstrap the first admin. roles == nil means the
// DefaultRoles; a non-nil empty slice means no roles.
func (s *Service) CreateUser(ctx context.Context, email, password string, roles []string) (*User, error) {
	if roles == nil {
		roles = s.roles
	} else if err := ValidateRoles(roles); err != nil {
		return nil, err
	}
	return s.createUser(ctx, "create user", email, password, dedupe(roles))
}

// ListUsers returns every user ordered by creation time.
func (s *Service) ListUsers(ctx context.Context) ([]*User, error) {
	users, err := s.store.ListUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("authcore: list users: %w", err)
	}
	return users, nil
}

// SetDisabled enables or disables the account with this email. Disabling
// also revokes every refresh and access token, so the user is out on every
// replica within about a second (issue 13 §2).
func (s *Service) SetDisabled(ctx context.Context, email string, disabled bool) error {
	u, err := s.userByEmail(ctx, "set disabled", email)
	if err != nil {
		return err
	}
	if err := s.store.SetDisabled(ctx, u.ID, disabled); err != nil {
		return fmt.Errorf("authcore: set disabled: %w", err)
	}
	if disabled {
		if _, err := s.store.RevokeUserRefreshTokens(ctx, u.ID, s.clock()); err != nil {
			return fmt.Errorf("authcore: set disabled: revoke tokens: %w", err)
		}
		if err := s.revokeAccess(ctx, "set disabled", u.ID); err != nil {
			return err
		}
	}
	return nil
}

// SetRoles replaces the roles of the account with this email and revokes
// the access tokens that carry the old roles, so a demoted admin loses the
// role now rather than at exp (issue 13 §2). The refresh tokens stay: the
// next refresh mints a token with the new roles.
func (s *Service) SetRoles(ctx context.Context, email string, roles []string) error {
	if err := ValidateRoles(roles); err != nil {
		return err
	}
	u, err := s.userByEmail(ctx, "set roles", email)
	if err != nil {
		return err
	}
	if err := s.store.SetRoles(ctx, u.ID, dedupe(roles)); err != nil {
		return fmt.Errorf("authcore: set roles: %w", err)
	}
	return s.revokeAccess(ctx, "set roles", u.ID)
}

// SetPassword replaces the password of the account with this email (an
// operator reset) and revokes its sessions, since a reset usually means
// the old password was compromised.
func (s *Service) SetPassword(ctx context.Context, email, password string) error {
	if err := ValidatePassword(password, s.minLength); err != nil {
		return err
	}
	u, err := s.userByEmail(ctx, "set password", email)
	if err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return fmt.Errorf("authcore: set password: %w", err)
	}
	if err := s.store.UpdatePasswordHash(ctx, u.ID, hash); err != nil {
		return fmt.Errorf("authcore: set password: %w", err)
	}
	if _, err := s.store.RevokeUserRefreshTokens(ctx, u.ID, s.clock()); err != nil {
		return fmt.Errorf("authcore: set password: revoke tokens: %w", err)
	}
	return nil
}

// RevokeSessions revokes every refresh token of the account with this
// email, and every access token issued so far, and returns how many
// refresh tokens were active.
func (s *Service) RevokeSessions(ctx context.Context, email string) (int64, error) {
	u, err := s.userByEmail(ctx, "revoke sessions", email)
	if err != nil {
		return 0, err
	}
	n, err := s.store.RevokeUserRefreshTokens(ctx, u.ID, s.clock())
	if err != nil {
		return 0, fmt.Errorf("authcore: revoke sessions: %w", err)
	}
	if err := s.revokeAccess(ctx, "revoke sessions", u.ID); err != nil {
		return 0, err
	}
	return n, nil
}

// PurgeExpired deletes refresh tokens whose own expiry has passed. Revoked
// but unexpired tokens are kept on purpose: if one is presented again, the
// row is what identifies the reuse and triggers revoking the whole family.
// Once expired, a token is refused anyway, so its row has no further use.
func (s *Service) PurgeExpired(ctx context.Context) (int64, error) {
	n, err := s.store.PurgeRefreshTokens(ctx, s.clock())
	if err != nil {
		return 0, fmt.Errorf("authcore: purge refresh tokens: %w", err)
	}
	return n, nil
}

// userByEmail normalizes email and loads the user; ErrNotFound is wrapped.
func (s *Service) userByEmail(ctx context.Context, op, email string) (*User, error) {
	normalized, err := NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	u, err := s.store.UserByEmail(ctx, normalized)
	if err != nil {
		return nil, fmt.Errorf("authcore: %s: %w", op, err)
	}
	return u, nil
}
