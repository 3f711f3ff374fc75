package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

const insertRefreshToken = `INSERT INTO refresh_tokens
	(id, user_id, token_hash, issued_at, expires_at, client_ip, user_agent)
	VALUES (?, ?, ?, ?, ?, ?, ?)`

// revokeUserTokens revokes every unrevoked token of one user; parameters are
// (revoked_at, user_id).
const revokeUserTokens = `UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`

// CreateRefreshToken stores a new, unrevoked token. An unknown user is
// authcore.ErrNotFound (the foreign key decides).
func (s *Store) CreateRefreshToken(ctx context.Context, t *authcore.RefreshToken) error {
	_, err := s.write.ExecContext(ctx, insertRefreshToken,
		t.ID, t.UserID, t.TokenHash, micros(t.IssuedAt), micros(t.ExpiresAt), t.ClientIP, t.UserAgent)
	if err != nil {
		return mapError("create refresh token", err)
	}
	return nil
}

// RotateRefreshToken consumes the active token with oldHash and stores next
// in one transaction; see authcore.Store for the contract.
//
// Exactly one of N concurrent calls wins because the transaction starts with
// BEGIN IMMEDIATE: it holds SQLite's single write lock before it reads the
// old row, so rotations run strictly one after another, whichever connection
// or process they come from, and each sees the previous one's commit. The
// losers find the token rotated and fall through to the reuse branch (or,
// within the reuse grace, the "revoked" one). With no grace that is
// intended: a second presentation of a token that has just been rotated is
// exactly the replay that reuse detection exists for (RFC 9700 §4.14.2), so
// the whole family is revoked.
func (s *Store) RotateRefreshToken(ctx context.Context, oldHash string, next *authcore.RefreshToken, now time.Time, reuseGrace time.Duration) (string, error) {
	var (
		userID  string
		outcome error // a domain outcome decided inside a committed tx
	)
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		nowUS := micros(now)
		// The conditional UPDATE is the whole decision: only an unrevoked,
		// unexpired row matches, and RETURNING tells this call it won.
		err := tx.QueryRowContext(ctx,
			`UPDATE refresh_tokens SET revoked_at = ?, replaced_by = ?
			 WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?
			 RETURNING user_id`,
			nowUS, next.ID, oldHash, nowUS).Scan(&userID)
		if err == nil {
			_, err = tx.ExecContext(ctx, insertRefreshToken,
				next.ID, userID, next.TokenHash, micros(next.IssuedAt), micros(next.ExpiresAt), next.ClientIP, next.UserAgent)
			return err
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}

		// Nothing consumable: find out why. The write lock is held, so no
		// other rotation can change the answer under us.
		var (
			revokedAt  sql.NullInt64
			replacedBy sql.NullString
		)
		err = tx.QueryRowContext(ctx,
			`SELECT user_id, revoked_at, replaced_by FROM refresh_tokens WHERE token_hash = ?`,
			oldHash).Scan(&userID, &revokedAt, &replacedBy)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			outcome = authcore.ErrNotFound
			return nil
		case err != nil:
			return err
		case !revokedAt.Valid:
			// Expired but never revoked: an old session, not an attack.
			outcome = authcore.ErrNotFound
			return nil
		case !authcore.ReplayIsReuse(replacedBy.Valid, fromMicros(revokedAt.Int64), now, reuseGrace):
			// Logged out, or rotated within the grace: dead, not stolen.
			userID, outcome = "", authcore.ErrRefreshTokenRevoked
			return nil
		}
		// A rotated token came back: someone holds a copy. Revoke every
		// live token of the user and COMMIT, so the revocation persists
		// even though the caller gets an error.
		if _, err := tx.ExecContext(ctx, revokeUserTokens, nowUS, userID); err != nil {
			return err
		}
		outcome = authcore.ErrRefreshTokenReused
		return nil
	})
	if err != nil {
		return "", mapError("rotate refresh token", err)
	}
	if outcome != nil {
		if !errors.Is(outcome, authcore.ErrRefreshTokenReused) {
			userID = ""
		}
		// userID is set only for a reuse: the owner, whose access tokens
		// the Service then revokes.
		return userID, fmt.Errorf("sqlite: rotate refresh token: %w", outcome)
	}
	next.UserID = userID
	return userID, nil
}

// RevokeRefreshToken revokes one token by hash. Unknown or already revoked
// tokens are no error, so logout is idempotent and reveals nothing.
func (s *Store) RevokeRefreshToken(ctx context.Context, hash string, now time.Time) error {
	_, err := s.write.ExecContext(ctx,
		`UPDATE refresh_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL`,
		micros(now), hash)
	if err != nil {
		return mapError("revoke refresh token", err)
	}
	return nil
}

// RevokeUserRefreshTokens revokes every unrevoked token of the user and
// returns how many it revoked.
func (s *Store) RevokeUserRefreshTokens(ctx context.Context, userID string, now time.Time) (int64, error) {
	res, err := s.write.ExecContext(ctx, revokeUserTokens, micros(now), userID)
	if err != nil {
		return 0, mapError("revoke user refresh tokens", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, mapError("revoke user refresh tokens", err)
	}
	return n, nil
}

// PurgeRefreshTokens deletes tokens whose expires_at is before cutoff.
//
// Revoked tokens are kept until they expire, on purpose: reuse detection
// needs the revoked row for as long as the token could still be presented.
// Unlike Postgres there is no lock to take: a SQLite file belongs to one
// node, and the single DELETE runs under SQLite's own write lock, so two
// purges (the server's and an admin command's, say) run one after the
// other and the second finds less to delete.
func (s *Store) PurgeRefreshTokens(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.write.ExecContext(ctx, `DELETE FROM refresh_tokens WHERE expires_at < ?`, micros(cutoff))
	if err != nil {
		return 0, mapError("purge refresh tokens", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, mapError("purge refresh tokens", err)
	}
	return n, nil
}

// RefreshTokenByHash returns the stored record of one token, revoked or
// not. The Service does not need it; it lets the contract suite and
// operators see what rotation recorded (revoked_at, replaced_by).
func (s *Store) RefreshTokenByHash(ctx context.Context, hash string) (*authcore.RefreshToken, error) {
	var (
		t               authcore.RefreshToken
		issued, expires int64
		revoked         sql.NullInt64
		replacedBy      sql.NullString
	)
	err := s.read.QueryRowContext(ctx,
		`SELECT id, user_id, token_hash, issued_at, expires_at, revoked_at, replaced_by, client_ip, user_agent
		 FROM refresh_tokens WHERE token_hash = ?`, hash).
		Scan(&t.ID, &t.UserID, &t.TokenHash, &issued, &expires, &revoked, &replacedBy, &t.ClientIP, &t.UserAgent)
	if err != nil {
		return nil, mapError("refresh token by hash", err)
	}
	t.IssuedAt, t.ExpiresAt = fromMicros(issued), fromMicros(expires)
	t.RevokedAt, t.ReplacedBy = nullMicros(revoked), nullString(replacedBy)
	return &t, nil
}
