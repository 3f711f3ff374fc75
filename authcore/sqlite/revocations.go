package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

// SetRevokedBefore records the user's access-token cutoff (issue 13 §2).
// SQLite's two-argument max() is NULL if either argument is, hence the
// coalesce: the later value wins in the one statement, so a retried or
// delayed call can never move the cutoff backwards.
func (s *Store) SetRevokedBefore(ctx context.Context, userID string, before time.Time) error {
	v := micros(before)
	res, err := s.write.ExecContext(ctx,
		`UPDATE users SET revoked_before = max(coalesce(revoked_before, ?), ?), updated_at = ? WHERE id = ?`,
		v, v, micros(s.clock()), userID)
	if err != nil {
		return mapError("set revoked before", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return mapError("set revoked before", err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: set revoked before: %w", authcore.ErrNotFound)
	}
	return nil
}

// RevocationsSince returns the users whose cutoff is after since.
func (s *Store) RevocationsSince(ctx context.Context, since time.Time) ([]authcore.Revocation, error) {
	rows, err := s.read.QueryContext(ctx,
		`SELECT id, revoked_before FROM users WHERE revoked_before > ?`, micros(since))
	if err != nil {
		return nil, mapError("revocations since", err)
	}
	defer rows.Close()
	revs := []authcore.Revocation{}
	for rows.Next() {
		var (
			rev authcore.Revocation
			us  int64
		)
		if err := rows.Scan(&rev.UserID, &us); err != nil {
			return nil, mapError("revocations since", err)
		}
		rev.Before = fromMicros(us)
		revs = append(revs, rev)
	}
	if err := rows.Err(); err != nil {
		return nil, mapError("revocations since", err)
	}
	return revs, nil
}
