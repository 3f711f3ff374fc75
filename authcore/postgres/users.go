package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/authgate/gatewayd/authcore"
)

// userColumns is the column list every user query scans, in scanUser order.
const userColumns = `id, email, password_hash, roles, disabled, created_at, updated_at`

// CreateUser inserts u and sets its CreatedAt/UpdatedAt from the store's
// clock. A taken email is authcore.ErrEmailTaken, decided by the database's
// UNIQUE constraint so two racing registrations cannot both win.
func (s *Store) CreateUser(ctx context.Context, u *authcore.User) error {
	now := s.clock()
	_, err := s.pool.Exec(ctx,
		`INSERT INTO users (id, email, password_hash, roles, disabled, created_at, updated_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $6)`,
		u.ID, u.Email, u.PasswordHash, nonNilRoles(u.Roles), u.Disabled, now)
	if err != nil {
		return mapError("create user", err)
	}
	u.CreatedAt, u.UpdatedAt = now, now
	return nil
}

// UserByEmail looks a user up by normalized email.
func (s *Store) UserByEmail(ctx context.Context, email string) (*authcore.User, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, email)
	u, err := scanUser(row)
	if err != nil {
		return nil, mapError("user by email", err)
	}
	return u, nil
}

// UserByID looks a user up by id; a malformed id is authcore.ErrNotFound.
func (s *Store) UserByID(ctx context.Context, id string) (*authcore.User, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id)
	u, err := scanUser(row)
	if err != nil {
		return nil, mapError("user by id", err)
	}
	return u, nil
}

// ListUsers returns every user, oldest first. It is for the admin CLI, whose
// user counts do not call for paging.
func (s *Store) ListUsers(ctx context.Context) ([]*authcore.User, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY created_at, id`)
	if err != nil {
		return nil, mapError("list users", err)
	}
	users, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*authcore.User, error) {
		return scanUser(r)
	})
	if err != nil {
		return nil, mapError("list users", err)
	}
	return users, nil
}

// UpdatePasswordHash replaces a user's password hash.
func (s *Store) UpdatePasswordHash(ctx context.Context, userID, hash string) error {
	return s.updateUser(ctx, "update password hash",
		`UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1`, userID, hash)
}

// SetDisabled enables or disables an account.
func (s *Store) SetDisabled(ctx context.Context, userID string, disabled bool) error {
	return s.updateUser(ctx, "set disabled",
		`UPDATE users SET disabled = $2, updated_at = $3 WHERE id = $1`, userID, disabled)
}

// SetRoles replaces a user's roles; nil and empty both store '{}'.
func (s *Store) SetRoles(ctx context.Context, userID string, roles []string) error {
	return s.updateUser(ctx, "set roles",
		`UPDATE users SET roles = $2, updated_at = $3 WHERE id = $1`, userID, nonNilRoles(roles))
}

// updateUser runs an UPDATE of one user whose parameters are ($1 id, $2
// value, $3 updated_at) and reports a missing user as ErrNotFound.
func (s *Store) updateUser(ctx context.Context, op, query, userID string, value any) error {
	tag, err := s.pool.Exec(ctx, query, userID, value, s.clock())
	if err != nil {
		return mapError(op, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: %s: %w", op, authcore.ErrNotFound)
	}
	return nil
}

func scanUser(row pgx.Row) (*authcore.User, error) {
	var u authcore.User
	err := row.Scan(&u.ID, &u.Email, &u.PasswordHash, &u.Roles, &u.Disabled, &u.CreatedAt, &u.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// nonNilRoles exists because pgx encodes a nil slice as SQL NULL, which the
// NOT NULL roles column rejects; "no roles" is the empty array.
func nonNilRoles(roles []string) []string {
	if roles == nil {
		return []string{}
	}
	return roles
}
