package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

func rotationCases() []testCase {
	return []testCase{
		{"RotateSuccess", testRotateSuccess},
		{"RotateUnknownIsErrNotFound", testRotateUnknown},
		{"RotateExpiredIsErrNotFound", testRotateExpired},
		{"RotateReusedRevokesAllOfUser", testRotateReused},
		{"RotateLoggedOutIsRevokedNotReuse", testRotateRevoked},
		{"ConcurrentRotateExactlyOneWins", testRotateRace},
		{"ConcurrentReusesAllDetected", testConcurrentReuses},
	}
}

func testRotateSuccess(t *testing.T, s authcore.Store) {
	u := createUser(t, s, "rot@example.com")
	old := createToken(t, s, u.ID)
	next, userID, err := rotate(t, s, old.TokenHash)
	if err != nil {
		t.Fatalf("RotateRefreshToken: %v", err)
	}
	if userID != u.ID || next.UserID != u.ID {
		t.Fatalf("returned user %q, next.UserID %q; want %q for both", userID, next.UserID, u.ID)
	}
	gotOld := readToken(t, s, old.TokenHash)
	if gotOld.RevokedAt == nil || !gotOld.RevokedAt.Equal(fixedNow) {
		t.Errorf("old RevokedAt = %v, want %v", gotOld.RevokedAt, fixedNow)
	}
	if gotOld.ReplacedBy == nil || *gotOld.ReplacedBy != next.ID {
		t.Errorf("old ReplacedBy = %v, want %q", gotOld.ReplacedBy, next.ID)
	}
	gotNext := readToken(t, s, next.TokenHash)
	if gotNext.ID != next.ID || gotNext.UserID != u.ID || gotNext.RevokedAt != nil ||
		gotNext.ClientIP != next.ClientIP || gotNext.UserAgent != next.UserAgent {
		t.Errorf("new token = %+v, want active copy of %+v", gotNext, next)
	}
	sameInstantUTC(t, "next.ExpiresAt", gotNext.ExpiresAt, next.ExpiresAt)

	// The new token is itself rotatable.
	if _, _, err := rotate(t, s, next.TokenHash); err != nil {
		t.Fatalf("rotating the new token: %v", err)
	}
}

func testRotateUnknown(t *testing.T, s authcore.Store) {
	u := createUser(t, s, "unknown@example.com")
	bystander := createToken(t, s, u.ID)
	_, userID, err := rotate(t, s, newHash(t))
	requireIs(t, err, authcore.ErrNotFound, "rotating an unknown hash")
	if userID != "" {
		t.Errorf("user id %q returned with the error", userID)
	}
	assertActive(t, s, bystander.TokenHash, "unrelated token")
}

func testRotateExpired(t *testing.T, s authcore.Store) {
	for _, tc := range []struct {
		name    string
		expires time.Time
	}{
		{"a minute ago", fixedNow.Add(-time.Minute)},
		{"exactly now", fixedNow},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := createUser(t, s, "exp-"+tc.name[:1]+"@example.com")
			sibling := createToken(t, s, u.ID)
			tok := newToken(t, u.ID)
			tok.ExpiresAt = tc.expires
			if err := s.CreateRefreshToken(t.Context(), tok); err != nil {
				t.Fatalf("CreateRefreshToken: %v", err)
			}
			next, _, err := rotate(t, s, tok.TokenHash)
			requireIs(t, err, authcore.ErrNotFound, "rotating an expired, never revoked token")
			// An old session is not an attack: nothing else is revoked and
			// nothing is stored.
			assertActive(t, s, sibling.TokenHash, "the user's other token")
			if !tokenGone(t, s, next.TokenHash) {
				t.Errorf("the replacement of an expired token was stored")
			}
		})
	}
}

func testRotateReused(t *testing.T, s authcore.Store) {
	victim := createUser(t, s, "victim@example.com")
	other := createUser(t, s, "other@example.com")
	stolen := createToken(t, s, victim.ID)
	laptop := createToken(t, s, victim.ID) // a second session of the same user
	theirs := createToken(t, s, other.ID)

	next, _, err := rotate(t, s, stolen.TokenHash) // the legitimate client rotates
	if err != nil {
		t.Fatalf("first rotation: %v", err)
	}
	replay, userID, err := rotate(t, s, stolen.TokenHash) // the thief replays
	requireIs(t, err, authcore.ErrRefreshTokenReused, "replaying a rotated token")
	if userID != victim.ID {
		// The Service revokes the owner's access tokens (issue 13 §2).
		t.Errorf("user id %q returned with the reuse error, want the owner %q", userID, victim.ID)
	}
	// The revocation must have been committed despite the error.
	assertRevoked(t, s, next.TokenHash, "the token issued by the first rotation")
	assertRevoked(t, s, laptop.TokenHash, "the user's other session")
	if !tokenGone(t, s, replay.TokenHash) {
		t.Errorf("the replay's replacement token was stored")
	}
	_, _, err = rotate(t, s, next.TokenHash)
	// The family revocation left it revoked, not replaced: refused, and
	// there is nothing left to revoke.
	requireIs(t, err, authcore.ErrRefreshTokenRevoked, "rotating the newest token after reuse")

	assertActive(t, s, theirs.TokenHash, "another user's token")
	if _, _, err := rotate(t, s, theirs.TokenHash); err != nil {
		t.Errorf("another user's rotation after the reuse: %v", err)
	}
}

// testRotateRevoked presents a token that a logout revoked: it is dead,
// but a stale tab retrying after logout is no theft, so the user's other
// sessions survive (issue 11).
func testRotateRevoked(t *testing.T, s authcore.Store) {
	u := createUser(t, s, "revoked@example.com")
	loggedOut := createToken(t, s, u.ID)
	live := createToken(t, s, u.ID)
	if err := s.RevokeRefreshToken(t.Context(), loggedOut.TokenHash, fixedNow.Add(-time.Minute)); err != nil {
		t.Fatalf("RevokeRefreshToken: %v", err)
	}
	next, userID, err := rotate(t, s, loggedOut.TokenHash)
	requireIs(t, err, authcore.ErrRefreshTokenRevoked, "rotating a logged-out token")
	if isReuse(err) || userID != "" {
		t.Errorf("logged-out token: err = %v, user %q; want a plain revocation", err, userID)
	}
	assertActive(t, s, live.TokenHash, "the user's other session")
	if !tokenGone(t, s, next.TokenHash) {
		t.Errorf("the replacement of a logged-out token was stored")
	}
}

// testRotateRace presents one token from many goroutines at once, as a
// thief racing the real client would. Exactly one may get a new token;
// every other call is a reuse.
func testRotateRace(t *testing.T, s authcore.Store) {
	const callers = 16
	u := createUser(t, s, "race@example.com")
	old := createToken(t, s, u.ID)

	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		nexts = make([]*authcore.RefreshToken, callers)
		errs  = make([]error, callers)
	)
	for i := range callers {
		nexts[i] = newToken(t, "")
		wg.Go(func() {
			<-start
			_, errs[i] = s.RotateRefreshToken(t.Context(), old.TokenHash, nexts[i], fixedNow, 0)
		})
	}
	close(start)
	wg.Wait()

	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("callers %d and %d both rotated the same token", winner, i)
		case err == nil:
			winner = i
		case !isReuse(err):
			t.Errorf("caller %d: err = %v, want nil or ErrRefreshTokenReused", i, err)
		}
	}
	if winner < 0 {
		t.Fatalf("no caller rotated the token; errors: %v", errs)
	}
	if got := readToken(t, s, old.TokenHash); got.ReplacedBy == nil || *got.ReplacedBy != nexts[winner].ID {
		t.Errorf("old ReplacedBy = %v, want the winner's %q", got.ReplacedBy, nexts[winner].ID)
	}
	for i, next := range nexts {
		if i != winner && !tokenGone(t, s, next.TokenHash) {
			t.Errorf("loser %d's replacement token was stored", i)
		}
	}
}

// testConcurrentReuses replays several different revoked tokens of one user
// at once while rotations of live ones run. Each replay revokes the same
// set of rows, which can deadlock in a database that locks rows; a store
// must still answer every replay with ErrRefreshTokenReused (not an
// internal error) and leave nothing of the user active.
func testConcurrentReuses(t *testing.T, s authcore.Store) {
	const replays, live = 8, 8
	u := createUser(t, s, "family@example.com")
	var revoked, active []*authcore.RefreshToken
	for range replays {
		tok := createToken(t, s, u.ID)
		if _, _, err := rotateAt(t, s, tok.TokenHash, fixedNow.Add(-time.Minute), 0); err != nil {
			t.Fatalf("RotateRefreshToken: %v", err)
		}
		revoked = append(revoked, tok)
	}
	for range live {
		active = append(active, createToken(t, s, u.ID))
	}

	var (
		wg         sync.WaitGroup
		start      = make(chan struct{})
		replayErrs = make([]error, replays)
		liveErrs   = make([]error, live)
	)
	for i := range replays {
		wg.Go(func() {
			<-start
			_, replayErrs[i] = s.RotateRefreshToken(t.Context(), revoked[i].TokenHash, newToken(t, ""), fixedNow, 0)
		})
	}
	for i := range live {
		wg.Go(func() {
			<-start
			_, liveErrs[i] = s.RotateRefreshToken(t.Context(), active[i].TokenHash, newToken(t, ""), fixedNow, 0)
		})
	}
	close(start)
	wg.Wait()

	for i, err := range replayErrs {
		if !isReuse(err) {
			t.Errorf("replay %d: err = %v, want ErrRefreshTokenReused", i, err)
		}
	}
	for i, err := range liveErrs {
		// A live rotation either beat the first replay (nil) or found its
		// token already revoked by one (revoked, not replaced). Anything
		// else is a bug.
		if err != nil && !isRevoked(err) {
			t.Errorf("live rotation %d: err = %v, want nil or ErrRefreshTokenRevoked", i, err)
		}
	}
	if n, err := s.RevokeUserRefreshTokens(t.Context(), u.ID, fixedNow); err != nil {
		t.Fatalf("RevokeUserRefreshTokens: %v", err)
	} else if n != 0 {
		t.Errorf("%d tokens of the user were still active after the replays", n)
	}
}
