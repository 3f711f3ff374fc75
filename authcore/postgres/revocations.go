package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/authgate/gatewayd/authcore"
)

// SetRevokedBefore records the user's access-token cutoff (issue 13 §2).
// GREATEST keeps the later value in the one statement, so two replicas
// revoking at once, or a retried call, can never move it backwards
// (GREATEST ignores the NULL of a never-revoked user).
func (s *Store) SetRevokedBefore(ctx context.Context, userID string, before time.Time) error {
	tag, err := s.pool.Exec(ctx,
		`UPDATE users SET revoked_before = GREATEST(revoked_before, $2), updated_at = $3 WHERE id = $1`,
		userID, before, s.clock())
	if err != nil {
		return mapError("set revoked before", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: set revoked before: %w", authcore.ErrNotFound)
	}
	return nil
}

// RevocationsSince returns the users whose cutoff is after since; the
// partial index users_revoked_before_idx serves it.
func (s *Store) RevocationsSince(ctx context.Context, since time.Time) ([]authcore.Revocation, error) {
	rows, err := s.pool.Query(ctx,
		`SELECT id, revoked_before FROM users WHERE revoked_before > $1`, since)
	if err != nil {
		return nil, mapError("revocations since", err)
	}
	revs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (authcore.Revocation, error) {
		var rev authcore.Revocation
		err := r.Scan(&rev.UserID, &rev.Before)
		rev.Before = rev.Before.UTC()
		return rev, err
	})
	if err != nil {
		return nil, mapError("revocations since", err)
	}
	return revs, nil
}
