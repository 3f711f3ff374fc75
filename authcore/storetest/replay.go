package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

// testGrace is the reuse grace of the grace cases: long enough that no
// run is slow enough to leave it.
const testGrace = 30 * time.Second

// replayCases are the two exceptions to "a revoked token that comes back
// revokes the family" (issue 11): a logged-out token, and a token rotated
// within auth.refresh_reuse_grace. Both are refused without touching the
// user's other sessions, also when the replays race each other.
func replayCases() []testCase {
	return []testCase{
		{"ConcurrentLoggedOutReplaysKeepOtherSessions", testConcurrentLoggedOutReplays},
		{"FamilyRevokedTokenDoesNotRevokeNewLogin", testFamilyRevokedReplay},
		{"ConcurrentRotateWithinGraceKeepsWinner", testRotateRaceWithinGrace},
		{"RotatedTokenAfterGraceIsReuse", testRotateAfterGrace},
	}
}

// testConcurrentLoggedOutReplays presents one logged-out token from many
// goroutines while the user's other session keeps rotating: every replay
// is refused as revoked, and the other session lives on.
func testConcurrentLoggedOutReplays(t *testing.T, s authcore.Store) {
	const callers = 16
	u := createUser(t, s, "stale-tab@example.com")
	loggedOut := createToken(t, s, u.ID)
	other := createToken(t, s, u.ID)
	if err := s.RevokeRefreshToken(t.Context(), loggedOut.TokenHash, fixedNow.Add(-time.Minute)); err != nil {
		t.Fatalf("RevokeRefreshToken: %v", err)
	}

	var (
		wg       sync.WaitGroup
		start    = make(chan struct{})
		errs     = make([]error, callers)
		otherErr error
		otherNew = newToken(t, "")
	)
	for i := range callers {
		wg.Go(func() {
			<-start
			_, errs[i] = s.RotateRefreshToken(t.Context(), loggedOut.TokenHash, newToken(t, ""), fixedNow, 0)
		})
	}
	wg.Go(func() {
		<-start
		_, otherErr = s.RotateRefreshToken(t.Context(), other.TokenHash, otherNew, fixedNow, 0)
	})
	close(start)
	wg.Wait()

	for i, err := range errs {
		if !isRevoked(err) || isReuse(err) {
			t.Errorf("replay %d of a logged-out token: err = %v, want ErrRefreshTokenRevoked only", i, err)
		}
	}
	if otherErr != nil {
		t.Fatalf("the other session's rotation: %v", otherErr)
	}
	assertActive(t, s, otherNew.TokenHash, "the other session after the replays")
}

// testFamilyRevokedReplay: after "log out everywhere" the user logs in
// again; a token from before is refused but does not end the new session.
func testFamilyRevokedReplay(t *testing.T, s authcore.Store) {
	u := createUser(t, s, "everywhere@example.com")
	old := createToken(t, s, u.ID)
	if _, err := s.RevokeUserRefreshTokens(t.Context(), u.ID, fixedNow.Add(-time.Minute)); err != nil {
		t.Fatalf("RevokeUserRefreshTokens: %v", err)
	}
	fresh := createToken(t, s, u.ID)
	_, _, err := rotate(t, s, old.TokenHash)
	requireIs(t, err, authcore.ErrRefreshTokenRevoked, "a token revoked by logout-all")
	assertActive(t, s, fresh.TokenHash, "the session after logging in again")
}

// testRotateRaceWithinGrace is two tabs refreshing at once, with a grace:
// exactly one wins, every other call is refused without revoking, and the
// winner's new token stays usable.
func testRotateRaceWithinGrace(t *testing.T, s authcore.Store) {
	const callers = 16
	u := createUser(t, s, "two-tabs@example.com")
	old := createToken(t, s, u.ID)
	bystander := createToken(t, s, u.ID)

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
			_, errs[i] = s.RotateRefreshToken(t.Context(), old.TokenHash, nexts[i], fixedNow, testGrace)
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
		case !isRevoked(err) || isReuse(err):
			t.Errorf("caller %d: err = %v, want nil or ErrRefreshTokenRevoked", i, err)
		}
	}
	if winner < 0 {
		t.Fatalf("no caller rotated the token; errors: %v", errs)
	}
	assertActive(t, s, nexts[winner].TokenHash, "the winner's new token")
	assertActive(t, s, bystander.TokenHash, "the user's other session")
	for i, next := range nexts {
		if i != winner && !tokenGone(t, s, next.TokenHash) {
			t.Errorf("loser %d's replacement token was stored", i)
		}
	}
	if _, _, err := rotateAt(t, s, nexts[winner].TokenHash, fixedNow.Add(time.Second), testGrace); err != nil {
		t.Errorf("rotating the winner's token: %v", err)
	}
}

// testRotateAfterGrace: the grace covers a race, not a replay. Just inside
// it the rotated token is refused quietly; from its end on the reuse rule
// applies and the family is revoked.
func testRotateAfterGrace(t *testing.T, s authcore.Store) {
	u := createUser(t, s, "late@example.com")
	old := createToken(t, s, u.ID)
	next, _, err := rotateAt(t, s, old.TokenHash, fixedNow, testGrace)
	if err != nil {
		t.Fatalf("rotation: %v", err)
	}
	_, _, err = rotateAt(t, s, old.TokenHash, fixedNow.Add(testGrace-time.Microsecond), testGrace)
	requireIs(t, err, authcore.ErrRefreshTokenRevoked, "replay just inside the grace")
	assertActive(t, s, next.TokenHash, "the new token after a replay inside the grace")

	_, _, err = rotateAt(t, s, old.TokenHash, fixedNow.Add(testGrace), testGrace)
	requireIs(t, err, authcore.ErrRefreshTokenReused, "replay at the end of the grace")
	assertRevoked(t, s, next.TokenHash, "the new token after a replay past the grace")
}
