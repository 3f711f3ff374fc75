package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/authgate/gatewayd/authcore"
)

// PurgeLockKey is the transaction-level advisory lock that lets only one
// replica purge at a time: the ASCII bytes of "gatewayp"
// (0x67 61 74 65 77 61 79 70). Package migrations uses "gatewaym" for its
// session lock. It is exported so operators can recognise it in pg_locks
// (locktype=advisory, classid=1734440037, objid=2002876784) and so tests
// can hold it.
const PurgeLockKey int64 = 0x6761746577617970

const insertRefreshToken = `INSERT INTO refresh_tokens
	(id, user_id, token_hash, issued_at, expires_at, client_ip, user_agent)
	VALUES ($1, $2, $3, $4, $5, $6, $7)`

// CreateRefreshToken stores a new, unrevoked token. An unknown user is
// authcore.ErrNotFound (the foreign key decides).
func (s *Store) CreateRefreshToken(ctx context.Context, t *authcore.RefreshToken) error {
	_, err := s.pool.Exec(ctx, insertRefreshToken,
		t.ID, t.UserID, t.TokenHash, t.IssuedAt, t.ExpiresAt, t.ClientIP, t.UserAgent)
	if err != nil {
		return mapError("create refresh token", err)
	}
	return nil
}

// RotateRefreshToken consumes the active token with oldHash and stores next
// in one transaction; see authcore.Store for the contract.
//
// Two kinds of race are closed here:
//
//   - N callers presenting one token: the conditional UPDATE ("revoked_at IS
//     NULL") row-locks it, so exactly one matches; under READ COMMITTED the
//     others block, re-check the committed row and match nothing. They start
//     over, find the token rotated and take the reuse branch (or, within
//     the reuse grace, the "revoked" one). With no grace that is intended:
//     a second presentation of a token that has just been rotated is the
//     replay reuse detection exists for (RFC 9700 §4.14.2).
//   - a replay of an old token while another token of the same user is
//     being rotated: without care the family revocation could miss the
//     token that rotation is inserting (it is invisible to the revoking
//     statement's snapshot) and leave the thief a live token. So every
//     rotation holds a shared lock on the owner's users row, and a family
//     revocation takes the exclusive lock (revokeFamily): it waits for
//     in-flight rotations to commit and holds off new ones. Locks are always
//     taken owner first, token rows second, so the two cannot deadlock.
func (s *Store) RotateRefreshToken(ctx context.Context, oldHash string, next *authcore.RefreshToken, now time.Time, reuseGrace time.Duration) (string, error) {
	var (
		userID  string
		outcome error // a domain outcome decided inside a committed tx
	)
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		userID, outcome = "", nil
		var (
			owner      string
			revokedAt  *time.Time
			replacedBy *string
			expiresAt  time.Time
		)
		err := tx.QueryRow(ctx,
			`SELECT user_id, revoked_at, replaced_by, expires_at FROM refresh_tokens WHERE token_hash = $1`,
			oldHash).Scan(&owner, &revokedAt, &replacedBy, &expiresAt)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			outcome = authcore.ErrNotFound
			return nil
		case err != nil:
			return err
		case revokedAt != nil && !authcore.ReplayIsReuse(replacedBy != nil, *revokedAt, now, reuseGrace):
			// Logged out, or rotated within the grace: dead, not stolen.
			outcome = authcore.ErrRefreshTokenRevoked
			return nil
		case revokedAt != nil:
			// A rotated token came back: someone holds a copy. Revoke the
			// family and COMMIT, so the revocation persists even though the
			// caller gets an error.
			if _, err := revokeFamily(ctx, tx, owner, now); err != nil {
				return err
			}
			userID = owner // the Service revokes the access tokens too
			outcome = authcore.ErrRefreshTokenReused
			return nil
		case !expiresAt.After(now):
			// Expired but never revoked: an old session, not an attack.
			outcome = authcore.ErrNotFound
			return nil
		}

		// Shared with other rotations, exclusive against revokeFamily.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM users WHERE id = $1 FOR KEY SHARE`, owner); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx,
			`UPDATE refresh_tokens SET revoked_at = $2, replaced_by = $3
			 WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2`,
			oldHash, now, next.ID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			// Another caller consumed or revoked it since our read. Roll
			// back and start over: the fresh read takes the reuse branch
			// without holding our shared lock, which revokeFamily's
			// exclusive lock would otherwise wait on forever (deadlock).
			return errLostRace
		}
		if _, err := tx.Exec(ctx, insertRefreshToken,
			next.ID, owner, next.TokenHash, next.IssuedAt, next.ExpiresAt, next.ClientIP, next.UserAgent); err != nil {
			return err
		}
		userID = owner
		return nil
	})
	if err != nil {
		return "", mapError("rotate refresh token", err)
	}
	if outcome != nil {
		// userID is set only for a reuse: the owner, whose access tokens
		// the Service then revokes.
		return userID, fmt.Errorf("postgres: rotate refresh token: %w", outcome)
	}
	next.UserID = userID
	return userID, nil
}

// revokeFamily revokes every unrevoked token of userID inside tx. The
// exclusive lock on the users row comes first: it waits until rotations of
// this user that are in flight have committed, so the UPDATE (whose
// READ COMMITTED snapshot starts after the lock is granted) sees and revokes
// the tokens they inserted, and it keeps new rotations out until commit.
func revokeFamily(ctx context.Context, tx pgx.Tx, userID string, now time.Time) (int64, error) {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, userID); err != nil {
		return 0, err
	}
	tag, err := tx.Exec(ctx,
		`UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`,
		userID, now)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

// RevokeRefreshToken revokes one token by hash. Unknown or already revoked
// tokens are no error, so logout is idempotent and reveals nothing.
func (s *Store) RevokeRefreshToken(ctx context.Context, hash string, now time.Time) error {
	_, err := s.pool.Exec(ctx,
		`UPDATE refresh_tokens SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL`,
		hash, now)
	if err != nil {
		return mapError("revoke refresh token", err)
	}
	return nil
}

// RevokeUserRefreshTokens revokes every unrevoked token of the user and
// returns how many it revoked. It locks like a reuse detection, so a
// rotation racing with "log out everywhere" cannot leave a live token.
func (s *Store) RevokeUserRefreshTokens(ctx context.Context, userID string, now time.Time) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx pgx.Tx) (err error) {
		n, err = revokeFamily(ctx, tx, userID, now)
		return err
	})
	if err != nil {
		return 0, mapError("revoke user refresh tokens", err)
	}
	return n, nil
}

// PurgeRefreshTokens deletes tokens whose expires_at is before cutoff.
//
// Revoked tokens are kept until they expire, on purpose: reuse detection
// needs the revoked row for as long as the token could still be presented.
// Only one replica purges at a time (PurgeLockKey); the others get 0, nil
// at once instead of queueing behind the same DELETE.
func (s *Store) PurgeRefreshTokens(ctx context.Context, cutoff time.Time) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		n = 0
		var locked bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, PurgeLockKey).Scan(&locked); err != nil {
			return err
		}
		if !locked {
			return nil
		}
		tag, err := tx.Exec(ctx, `DELETE FROM refresh_tokens WHERE expires_at < $1`, cutoff)
		n = tag.RowsAffected()
		return err
	})
	if err != nil {
		return 0, mapError("purge refresh tokens", err)
	}
	return n, nil
}

// RefreshTokenByHash returns the stored record of one token, revoked or
// not. The Service does not need it; it lets the contract suite and
// operators see what rotation recorded (revoked_at, replaced_by).
func (s *Store) RefreshTokenByHash(ctx context.Context, hash string) (*authcore.RefreshToken, error) {
	var t authcore.RefreshToken
	err := s.pool.QueryRow(ctx,
		`SELECT id, user_id, token_hash, issued_at, expires_at, revoked_at, replaced_by, client_ip, user_agent
		 FROM refresh_tokens WHERE token_hash = $1`, hash).
		Scan(&t.ID, &t.UserID, &t.TokenHash, &t.IssuedAt, &t.ExpiresAt, &t.RevokedAt, &t.ReplacedBy, &t.ClientIP, &t.UserAgent)
	if err != nil {
		return nil, mapError("refresh token by hash", err)
	}
	return &t, nil
}
