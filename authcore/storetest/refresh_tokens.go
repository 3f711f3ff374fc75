package storetest

import (
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

func tokenCases() []testCase {
	return []testCase{
		{"CreateRefreshToken", testCreateToken},
		{"CreateRefreshTokenForUnknownUserFails", testCreateTokenUnknownUser},
		{"TimestampsRoundTripMicrosecondsUTC", testTimestamps},
		{"RevokeRefreshTokenIsIdempotent", testRevokeIdempotent},
		{"RevokeUserRefreshTokensCounts", testRevokeAll},
		{"PurgeDeletesOnlyExpired", testPurge},
	}
}

func testCreateToken(t *testing.T, s authcore.Store) {
	u := createUser(t, s, "tok@example.com")
	want := createToken(t, s, u.ID)
	got := readToken(t, s, want.TokenHash)
	if got.ID != want.ID || got.UserID != u.ID || got.TokenHash != want.TokenHash ||
		got.ClientIP != want.ClientIP || got.UserAgent != want.UserAgent {
		t.Errorf("stored token = %+v, want %+v", got, want)
	}
	if got.RevokedAt != nil || got.ReplacedBy != nil {
		t.Errorf("new token has RevokedAt=%v ReplacedBy=%v, want both nil", got.RevokedAt, got.ReplacedBy)
	}
}

func testCreateTokenUnknownUser(t *testing.T, s authcore.Store) {
	tok := newToken(t, newID(t))
	if err := s.CreateRefreshToken(t.Context(), tok); err == nil {
		t.Fatalf("CreateRefreshToken for a user that does not exist succeeded")
	}
}

func testTimestamps(t *testing.T, s authcore.Store) {
	u := createUser(t, s, "time@example.com")
	// Times with sub-microsecond digits would be rounded differently by
	// different databases; the contract is microseconds, so use those.
	tok := newToken(t, u.ID)
	tok.IssuedAt = time.Date(1999, time.December, 31, 23, 59, 59, 999999000, time.FixedZone("UTC-5", -5*60*60))
	tok.ExpiresAt = fixedNow.Add(1234567 * time.Microsecond)
	if err := s.CreateRefreshToken(t.Context(), tok); err != nil {
		t.Fatalf("CreateRefreshToken: %v", err)
	}
	got := readToken(t, s, tok.TokenHash)
	sameInstantUTC(t, "IssuedAt", got.IssuedAt, tok.IssuedAt)
	sameInstantUTC(t, "ExpiresAt", got.ExpiresAt, tok.ExpiresAt)

	revokedAt := fixedNow.Add(-987654 * time.Microsecond)
	if err := s.RevokeRefreshToken(t.Context(), tok.TokenHash, revokedAt); err != nil {
		t.Fatalf("RevokeRefreshToken: %v", err)
	}
	got = readToken(t, s, tok.TokenHash)
	if got.RevokedAt == nil {
		t.Fatalf("RevokedAt is nil after RevokeRefreshToken")
	}
	sameInstantUTC(t, "RevokedAt", *got.RevokedAt, revokedAt)
}

func testRevokeIdempotent(t *testing.T, s authcore.Store) {
	u := createUser(t, s, "logout@example.com")
	tok := createToken(t, s, u.ID)
	sibling := createToken(t, s, u.ID)
	first := fixedNow
	for i, at := range []time.Time{first, first.Add(time.Minute)} {
		if err := s.RevokeRefreshToken(t.Context(), tok.TokenHash, at); err != nil {
			t.Fatalf("RevokeRefreshToken #%d: %v", i+1, err)
		}
	}
	got := readToken(t, s, tok.TokenHash)
	if got.RevokedAt == nil || !got.RevokedAt.Equal(first) {
		t.Errorf("RevokedAt = %v, want the first revocation %v (a repeat must not move it)", got.RevokedAt, first)
	}
	assertActive(t, s, sibling.TokenHash, "the user's other token")
	if err := s.RevokeRefreshToken(t.Context(), newHash(t), fixedNow); err != nil {
		t.Errorf("RevokeRefreshToken(unknown) = %v, want nil (logout is idempotent)", err)
	}
}

func testRevokeAll(t *testing.T, s authcore.Store) {
	u := createUser(t, s, "all@example.com")
	other := createUser(t, s, "other@example.com")
	var mine []*authcore.RefreshToken
	for range 3 {
		mine = append(mine, createToken(t, s, u.ID))
	}
	already := createToken(t, s, u.ID)
	if err := s.RevokeRefreshToken(t.Context(), already.TokenHash, fixedNow.Add(-time.Hour)); err != nil {
		t.Fatalf("RevokeRefreshToken: %v", err)
	}
	theirs := createToken(t, s, other.ID)

	n, err := s.RevokeUserRefreshTokens(t.Context(), u.ID, fixedNow)
	if err != nil || n != 3 {
		t.Fatalf("RevokeUserRefreshTokens = %d, %v; want 3, nil (the revoked one not counted)", n, err)
	}
	for i, tok := range mine {
		assertRevoked(t, s, tok.TokenHash, "token "+string(rune('1'+i)))
	}
	if got := readToken(t, s, already.TokenHash); got.RevokedAt == nil || !got.RevokedAt.Equal(fixedNow.Add(-time.Hour)) {
		t.Errorf("an already revoked token's RevokedAt moved to %v", got.RevokedAt)
	}
	assertActive(t, s, theirs.TokenHash, "another user's token")

	if n, err := s.RevokeUserRefreshTokens(t.Context(), u.ID, fixedNow); err != nil || n != 0 {
		t.Errorf("second RevokeUserRefreshTokens = %d, %v; want 0, nil", n, err)
	}
	if n, err := s.RevokeUserRefreshTokens(t.Context(), newID(t), fixedNow); err != nil || n != 0 {
		t.Errorf("RevokeUserRefreshTokens(unknown user) = %d, %v; want 0, nil", n, err)
	}
}

// testPurge: revoked tokens must outlive their revocation until they expire,
// because reuse detection needs the row for as long as the token could be
// presented.
func testPurge(t *testing.T, s authcore.Store) {
	u := createUser(t, s, "purge@example.com")
	cutoff := fixedNow
	mk := func(expires time.Time, revoked bool) *authcore.RefreshToken {
		tok := newToken(t, u.ID)
		tok.IssuedAt = expires.Add(-48 * time.Hour)
		tok.ExpiresAt = expires
		if err := s.CreateRefreshToken(t.Context(), tok); err != nil {
			t.Fatalf("CreateRefreshToken: %v", err)
		}
		if revoked {
			if err := s.RevokeRefreshToken(t.Context(), tok.TokenHash, cutoff.Add(-24*time.Hour)); err != nil {
				t.Fatalf("RevokeRefreshToken: %v", err)
			}
		}
		return tok
	}
	expired := mk(cutoff.Add(-time.Hour), false)
	expiredRevoked := mk(cutoff.Add(-time.Microsecond), true)
	active := mk(cutoff.Add(time.Hour), false)
	revokedLive := mk(cutoff.Add(time.Hour), true)
	atCutoff := mk(cutoff, false)

	n, err := s.PurgeRefreshTokens(t.Context(), cutoff)
	if err != nil || n != 2 {
		t.Fatalf("PurgeRefreshTokens = %d, %v; want 2, nil", n, err)
	}
	for label, tok := range map[string]*authcore.RefreshToken{"expired": expired, "expired and revoked": expiredRevoked} {
		if !tokenGone(t, s, tok.TokenHash) {
			t.Errorf("%s token survived the purge", label)
		}
	}
	for label, tok := range map[string]*authcore.RefreshToken{
		"active": active, "revoked but unexpired": revokedLive, "expiring exactly at the cutoff": atCutoff,
	} {
		if tokenGone(t, s, tok.TokenHash) {
			t.Errorf("%s token was purged", label)
		}
	}
	if n, err := s.PurgeRefreshTokens(t.Context(), cutoff); err != nil || n != 0 {
		t.Errorf("second PurgeRefreshTokens = %d, %v; want 0, nil", n, err)
	}
	// The kept revoked token is still recognized as revoked, not unknown.
	_, _, err = rotate(t, s, revokedLive.TokenHash)
	requireIs(t, err, authcore.ErrRefreshTokenRevoked, "rotating a revoked token kept by the purge")
}
