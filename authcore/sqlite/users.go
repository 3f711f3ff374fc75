package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

// userColumns is the column list every user query scans, in scanUser order.
const userColumns = `id, email, password_hash, roles, disabled, created_at, updated_at`

// CreateUser inserts u and sets its CreatedAt/UpdatedAt from the store's
// clock. A taken email is authcore.ErrEmailTaken, decided by the database's
// UNIQUE constraint so two racing registrations cannot both win.
func (s *Store) CreateUser(ctx context.Context, u *authcore.User) error {
	roles, err := encodeRoles(u.Roles)
	if err != nil {
		return fmt.Errorf("sqlite: create user: %w", err)
	}
	now := s.clock()
	_, err = s.write.ExecContext(ctx,
		`INSERT INTO users (id, email, password_hash, roles, disabled, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.Email, u.PasswordHash, roles, boolInt(u.Disabled), micros(now), micros(now))
	if hasCode(err, codeUnique) {
		// email is the only UNIQUE column of users; a clashing id is a
		// PRIMARY KEY violation, which SQLite reports with its own code and
		// must not reach a client as a friendly "email taken".
		return fmt.Errorf("sqlite: create user: %w", authcore.ErrEmailTaken)
	}
	if err != nil {
		return mapError("create user", err)
	}
	u.CreatedAt, u.UpdatedAt = now, now
	return nil
}

// UserByEmail looks a user up by normalized email.
func (s *Store) UserByEmail(ctx context.Context, email string) (*authcore.User, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, email)
	u, err := scanUser(row)
	if err != nil {
		return nil, mapError("user by email", err)
	}
	return u, nil
}

// UserByID looks a user up by id. Ids are TEXT here, so a malformed id is
// simply one that matches no row: authcore.ErrNotFound, as in Postgres.
func (s *Store) UserByID(ctx context.Context, id string) (*authcore.User, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id)
	u, err := scanUser(row)
	if err != nil {
		return nil, mapError("user by id", err)
	}
	return u, nil
}

// ListUsers returns every user, oldest first. It is for the admin CLI, whose
// user counts do not call for paging. Ties in created_at fall back to id,
// the order Postgres uses.
func (s *Store) ListUsers(ctx context.Context) ([]*authcore.User, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY created_at, id`)
	if err != nil {
		return nil, mapError("list users", err)
	}
	defer rows.Close()
	users := []*authcore.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, mapError("list users", err)
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, mapError("list users", err)
	}
	return users, nil
}

// UpdatePasswordHash replaces a user's password hash.
func (s *Store) UpdatePasswordHash(ctx context.Context, userID, hash string) error {
	return s.updateUser(ctx, "update password hash",
		`UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, userID)
}

// SetDisabled enables or disables an account.
func (s *Store) SetDisabled(ctx context.Context, userID string, disabled bool) error {
	return s.updateUser(ctx, "set disabled",
		`UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?`, boolInt(disabled), userID)
}

// SetRoles replaces a user's roles; nil and empty both store [].
func (s *Store) SetRoles(ctx context.Context, userID string, roles []string) error {
	encoded, err := encodeRoles(roles)
	if err != nil {
		return fmt.Errorf("sqlite: set roles: %w", err)
	}
	return s.updateUser(ctx, "set roles",
		`UPDATE users SET roles = ?, updated_at = ? WHERE id = ?`, encoded, userID)
}

// updateUser runs an UPDATE of one user whose parameters are (value,
// updated_at, id) and reports a missing user as authcore.ErrNotFound.
func (s *Store) updateUser(ctx context.Context, op, query string, value any, userID string) error {
	res, err := s.write.ExecContext(ctx, query, value, micros(s.clock()), userID)
	if err != nil {
		return mapError(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return mapError(op, err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: %s: %w", op, authcore.ErrNotFound)
	}
	return nil
}

// clock returns the store's "now" at the precision it stores (microseconds)
// and in UTC, so the value handed back to the caller equals the value a
// later read returns.
func (s *Store) clock() time.Time {
	return s.now().UTC().Truncate(time.Microsecond)
}

// rowScanner is what *sql.Row and *sql.Rows have in common.
type rowScanner interface {
	Scan(dest ...any) error
}

// scanUser reads one userColumns row. sql.ErrNoRows passes through for
// mapError to turn into authcore.ErrNotFound.
func scanUser(r rowScanner) (*authcore.User, error) {
	var (
		u                authcore.User
		roles            string
		disabled         int64
		created, updated int64
	)
	if err := r.Scan(&u.ID, &u.Email, &u.PasswordHash, &roles, &disabled, &created, &updated); err != nil {
		return nil, err
	}
	var err error
	if u.Roles, err = decodeRoles(roles); err != nil {
		return nil, err
	}
	u.Disabled = disabled != 0
	u.CreatedAt, u.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &u, nil
}
