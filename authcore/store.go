package authcore

import (
	"context"
	"time"
)

// RefreshToken is the stored record of one refresh token. Only the SHA-256
// of the token is kept (TokenHash, hex), so a database leak yields nothing
// that can be presented.
type RefreshToken struct {
	ID         string // UUID
	UserID     string
	TokenHash  string // hex SHA-256 of the raw 32 bytes' base64url form
	IssuedAt   time.Time
	ExpiresAt  time.Time
	RevokedAt  *time.Time
	ReplacedBy *string // ID of the token that superseded this one
	ClientIP   string
	UserAgent  string
}

// Store is the persistence the Service needs. Postgres and SQLite implement
// it, and authcore/storetest holds the one contract suite both must pass.
//
// Every method returns ErrNotFound (wrapped) for a missing row, never
// (nil, nil). Emails passed in are already normalized.
type Store interface {
	// SigningKeyStore holds the identity-assertion keys (issue 13).
	SigningKeyStore

	// CreateUser inserts u (ID, Email, PasswordHash, Roles, Disabled set by
	// the caller) and fills CreatedAt/UpdatedAt. Duplicate email →
	// ErrEmailTaken.
	CreateUser(ctx context.Context, u *User) error
	// UserByEmail looks a user up by normalized email.
	UserByEmail(ctx context.Context, email string) (*User, error)
	// UserByID looks a user up by id. A malformed id is ErrNotFound.
	UserByID(ctx context.Context, id string) (*User, error)
	// ListUsers returns every user ordered by creation time.
	ListUsers(ctx context.Context) ([]*User, error)
	// UpdatePasswordHash replaces the hash, e.g. after a parameter upgrade.
	UpdatePasswordHash(ctx context.Context, userID, hash string) error
	// SetDisabled enables or disables an account.
	SetDisabled(ctx context.Context, userID string, disabled bool) error
	// SetRoles replaces the user's roles.
	SetRoles(ctx context.Context, userID string, roles []string) error

	// CreateRefreshToken stores a new, unrevoked token.
	CreateRefreshToken(ctx context.Context, t *RefreshToken) error
	// RotateRefreshToken atomically consumes the active token whose hash is
	// oldHash and stores next in its place (next.UserID is filled from the
	// consumed token; the old row gets RevokedAt=now and ReplacedBy=next.ID).
	// It returns the user id.
	//  - unknown hash, or expired but never revoked → ErrNotFound;
	//  - revoked without a replacement (logout, logout-all, an earlier
	//    family revocation) → ErrRefreshTokenRevoked, nothing else revoked:
	//    a stale tab retrying after logout is no theft (issue 11);
	//  - replaced less than reuseGrace before now (two tabs refreshing at
	//    once) → ErrRefreshTokenRevoked, nothing else revoked;
	//  - replaced earlier (a reuse) → the store revokes every active token
	//    of that user in the same transaction and returns
	//    ErrRefreshTokenReused together with the owner's id, so the Service
	//    can revoke the access tokens too (issue 13 §2). reuseGrace 0 means
	//    every replaced token is a reuse.
	// Of N concurrent calls with one hash exactly one succeeds.
	RotateRefreshToken(ctx context.Context, oldHash string, next *RefreshToken, now time.Time, reuseGrace time.Duration) (userID string, err error)
	// RevokeRefreshToken revokes one token by hash. Unknown or already
	// revoked tokens are not an error (logout is idempotent).
	RevokeRefreshToken(ctx context.Context, hash string, now time.Time) error
	// RevokeUserRefreshTokens revokes every active token of the user and
	// returns how many it revoked.
	RevokeUserRefreshTokens(ctx context.Context, userID string, now time.Time) (int64, error)
	// PurgeRefreshTokens deletes tokens whose expires_at is before the
	// cutoff, revoked or not. Revoked tokens are deliberately kept until
	// their own expiry: reuse detection needs the row while the token could
	// still be presented. Where several replicas share a database only one
	// purges at a time (Postgres uses an advisory lock); the others return
	// 0, nil.
	PurgeRefreshTokens(ctx context.Context, cutoff time.Time) (int64, error)

	// SetRevokedBefore records that the user's access tokens issued before
	// before are revoked. It keeps the later of the stored and the given
	// value, so a delayed or repeated call can never un-revoke. A missing
	// user → ErrNotFound.
	SetRevokedBefore(ctx context.Context, userID string, before time.Time) error
	// RevocationsSince returns every user whose revoked_before is after
	// since, in no particular order. Replicas load it at startup and poll
	// it, so a revocation published while they were not listening still
	// arrives (issue 13 §2).
	RevocationsSince(ctx context.Context, since time.Time) ([]Revocation, error)

	// Ping checks the connection, for readiness probes.
	Ping(ctx context.Context) error
	// Close releases the connections.
	Close() error
}
