package storetest

import (
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

// revocationCases are the access-token revocation clauses (issue 13 §2).
func revocationCases() []testCase {
	return []testCase{
		{"RevokedBeforeRoundTrips", testRevokedBeforeRoundTrips},
		{"RevokedBeforeNeverMovesBack", testRevokedBeforeNeverMovesBack},
		{"RevokedBeforeMissingUserIsErrNotFound", testRevokedBeforeMissingUser},
		{"RevocationsSinceIsStrictlyAfter", testRevocationsSinceStrict},
	}
}

// revocations returns RevocationsSince(since) as a map.
func revocations(t *testing.T, s authcore.Store, since time.Time) map[string]time.Time {
	t.Helper()
	list, err := s.RevocationsSince(t.Context(), since)
	if err != nil {
		t.Fatalf("RevocationsSince: %v", err)
	}
	out := map[string]time.Time{}
	for _, r := range list {
		if _, dup := out[r.UserID]; dup {
			t.Fatalf("RevocationsSince listed %s twice", r.UserID)
		}
		out[r.UserID] = r.Before
	}
	return out
}

func testRevokedBeforeRoundTrips(t *testing.T, s authcore.Store) {
	u := createUser(t, s, "revoked@example.com")
	other := createUser(t, s, "untouched@example.com")
	if got := revocations(t, s, time.Time{}); len(got) != 0 {
		t.Fatalf("before any revocation: %v, want none", got)
	}
	if err := s.SetRevokedBefore(t.Context(), u.ID, fixedNow); err != nil {
		t.Fatalf("SetRevokedBefore: %v", err)
	}
	got := revocations(t, s, fixedNow.Add(-time.Hour))
	if len(got) != 1 {
		t.Fatalf("RevocationsSince = %v, want only %s", got, u.ID)
	}
	sameInstantUTC(t, "revoked_before", got[u.ID], fixedNow)
	if _, ok := got[other.ID]; ok {
		t.Errorf("a never-revoked user was listed")
	}
	if got[u.ID].Location() != time.UTC {
		t.Errorf("revoked_before in %v, want UTC", got[u.ID].Location())
	}
}

func testRevokedBeforeNeverMovesBack(t *testing.T, s authcore.Store) {
	u := createUser(t, s, "twice@example.com")
	later, earlier := fixedNow.Add(time.Minute), fixedNow
	for _, at := range []time.Time{later, earlier} {
		if err := s.SetRevokedBefore(t.Context(), u.ID, at); err != nil {
			t.Fatalf("SetRevokedBefore(%v): %v", at, err)
		}
	}
	// A delayed or replayed revocation with an older cutoff must not
	// revive the tokens the newer one killed.
	sameInstantUTC(t, "revoked_before", revocations(t, s, time.Time{})[u.ID], later)
}

func testRevokedBeforeMissingUser(t *testing.T, s authcore.Store) {
	err := s.SetRevokedBefore(t.Context(), newID(t), fixedNow)
	requireIs(t, err, authcore.ErrNotFound, "SetRevokedBefore of a missing user")
}

func testRevocationsSinceStrict(t *testing.T, s authcore.Store) {
	old := createUser(t, s, "old@example.com")
	recent := createUser(t, s, "recent@example.com")
	for id, at := range map[string]time.Time{old.ID: fixedNow, recent.ID: fixedNow.Add(time.Second)} {
		if err := s.SetRevokedBefore(t.Context(), id, at); err != nil {
			t.Fatalf("SetRevokedBefore: %v", err)
		}
	}
	got := revocations(t, s, fixedNow)
	if _, ok := got[old.ID]; ok || len(got) != 1 {
		t.Fatalf("RevocationsSince(fixedNow) = %v, want only the later revocation", got)
	}
	sameInstantUTC(t, "revoked_before", got[recent.ID], fixedNow.Add(time.Second))
}
