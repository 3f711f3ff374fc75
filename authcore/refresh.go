package authcore

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// DefaultRefreshTTL is the refresh-token lifetime when
// ServiceOptions.RefreshTTL is zero: two weeks of inactivity logs a client
// out, while an active client rotates its token on every refresh.
const DefaultRefreshTTL = 14 * 24 * time.Hour

// refreshTokenBytes is the entropy of a refresh token: 256 bits, far beyond
// online guessing, which is why a single unsalted SHA-256 is enough to
// store it (there is no dictionary to attack, unlike passwords).
const refreshTokenBytes = 32

// refreshTokenLength is the length of the client-facing form: 32 bytes in
// unpadded base64url.
const refreshTokenLength = (refreshTokenBytes*8 + 5) / 6

// newRefreshToken returns a fresh random refresh token in its client form.
func newRefreshToken() string {
	var b [refreshTokenBytes]byte
	_, _ = rand.Read(b[:]) // never fails since Go 1.24
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// HashRefreshToken is the only form of a refresh token a Store ever sees:
// hex SHA-256 of the client string. A leaked database therefore contains
// nothing a client could present.
func HashRefreshToken(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

// ReplayIsReuse decides what presenting an already revoked refresh token
// means, so every Store applies the same rule (issue 11). Only a token
// that was rotated (replaced) counts as reuse, and only once reuseGrace has
// passed since its rotation at revokedAt: a token revoked by a logout is
// merely dead, and a just-rotated one is most likely the same client
// racing itself (Auth0's "reuse interval", Okta's "grace period").
func ReplayIsReuse(replaced bool, revokedAt, now time.Time, reuseGrace time.Duration) bool {
	if !replaced {
		return false
	}
	return reuseGrace <= 0 || !now.Before(revokedAt.Add(reuseGrace))
}

// wellFormedRefreshToken reports whether raw could be a token we issued
// (43 characters of unpadded base64url), so garbage is rejected without a
// database round trip.
func wellFormedRefreshToken(raw string) bool {
	if len(raw) != refreshTokenLength {
		return false
	}
	var buf [refreshTokenBytes + 2]byte
	m, err := base64.RawURLEncoding.Strict().Decode(buf[:], []byte(raw))
	return err == nil && m == refreshTokenBytes
}
