package storetest

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

func signingKeyCases() []testCase {
	return []testCase{
		{"NoSigningKeyIsEmptyList", testNoSigningKey},
		{"EnsureSigningKeyFirstWins", testEnsureSigningKeyFirstWins},
		{"EnsureSigningKeyRaceHasOneWinner", testEnsureSigningKeyRace},
		{"RotateSigningKeyKeepsThePreviousKey", testRotateSigningKey},
	}
}

func newSigningKey(t *testing.T, created time.Time) *authcore.SigningKeyRecord {
	t.Helper()
	k, err := authcore.NewSigningKeyRecord(created)
	if err != nil {
		t.Fatalf("NewSigningKeyRecord: %v", err)
	}
	return k
}

func signingKeys(t *testing.T, s authcore.Store) []*authcore.SigningKeyRecord {
	t.Helper()
	keys, err := s.SigningKeys(t.Context())
	if err != nil {
		t.Fatalf("SigningKeys: %v", err)
	}
	return keys
}

func sameKey(t *testing.T, got, want *authcore.SigningKeyRecord) {
	t.Helper()
	if got.KID != want.KID || !bytes.Equal(got.PrivateKey, want.PrivateKey) || !got.CreatedAt.Equal(want.CreatedAt) {
		t.Errorf("key %s created %v, want %s created %v (or private key bytes differ)", got.KID, got.CreatedAt, want.KID, want.CreatedAt)
	}
}

func testNoSigningKey(t *testing.T, s authcore.Store) {
	keys, err := s.SigningKeys(t.Context())
	if err != nil || keys == nil || len(keys) != 0 {
		t.Fatalf("SigningKeys on an empty store = %v, %v; want an empty list, nil", keys, err)
	}
}

func testEnsureSigningKeyFirstWins(t *testing.T, s authcore.Store) {
	first, second := newSigningKey(t, fixedNow), newSigningKey(t, fixedNow.Add(time.Second))
	got, err := s.EnsureSigningKey(t.Context(), first)
	if err != nil {
		t.Fatalf("EnsureSigningKey(first): %v", err)
	}
	sameKey(t, got, first)
	got, err = s.EnsureSigningKey(t.Context(), second)
	if err != nil {
		t.Fatalf("EnsureSigningKey(second): %v", err)
	}
	sameKey(t, got, first) // the existing current key, not the candidate
	keys := signingKeys(t, s)
	if len(keys) != 1 || keys[0].RetiredAt != nil {
		t.Fatalf("SigningKeys = %d keys (first retired: %v), want one current key", len(keys), len(keys) > 0 && keys[0].RetiredAt != nil)
	}
	sameKey(t, keys[0], first)
}

// testEnsureSigningKeyRace: replicas starting at once each offer their own
// key; all of them must end up signing with the same one.
func testEnsureSigningKeyRace(t *testing.T, s authcore.Store) {
	const n = 8
	candidates := make([]*authcore.SigningKeyRecord, n)
	for i := range candidates {
		candidates[i] = newSigningKey(t, fixedNow)
	}
	got := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			k, err := s.EnsureSigningKey(t.Context(), candidates[i])
			errs[i] = err
			if err == nil {
				got[i] = k.KID
			}
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("EnsureSigningKey #%d: %v", i, errs[i])
		}
		if got[i] != got[0] {
			t.Fatalf("replicas disagree on the current key: %v", got)
		}
	}
	if keys := signingKeys(t, s); len(keys) != 1 || keys[0].KID != got[0] {
		t.Fatalf("stored %d keys, want exactly the winner %s", len(keys), got[0])
	}
}

func testRotateSigningKey(t *testing.T, s authcore.Store) {
	old := newSigningKey(t, fixedNow.Add(-time.Hour))
	if _, err := s.EnsureSigningKey(t.Context(), old); err != nil {
		t.Fatalf("EnsureSigningKey: %v", err)
	}
	next := newSigningKey(t, fixedNow)
	if err := s.RotateSigningKey(t.Context(), next, fixedNow); err != nil {
		t.Fatalf("RotateSigningKey: %v", err)
	}
	newer := newSigningKey(t, fixedNow.Add(time.Minute))
	if err := s.RotateSigningKey(t.Context(), newer, fixedNow.Add(time.Minute)); err != nil {
		t.Fatalf("RotateSigningKey again: %v", err)
	}
	keys := signingKeys(t, s)
	if len(keys) != 3 {
		t.Fatalf("SigningKeys = %d keys, want 3 (current + two retired)", len(keys))
	}
	sameKey(t, keys[0], newer)
	sameKey(t, keys[1], next)
	sameKey(t, keys[2], old)
	if keys[0].RetiredAt != nil {
		t.Errorf("current key has RetiredAt %v", keys[0].RetiredAt)
	}
	if keys[1].RetiredAt == nil || !keys[1].RetiredAt.Equal(fixedNow.Add(time.Minute)) {
		t.Errorf("second key RetiredAt = %v, want %v", keys[1].RetiredAt, fixedNow.Add(time.Minute))
	}
	if keys[2].RetiredAt == nil || !keys[2].RetiredAt.Equal(fixedNow) {
		t.Errorf("first key RetiredAt = %v, want %v", keys[2].RetiredAt, fixedNow)
	}
	// Ensure after a rotation keeps the rotated key.
	got, err := s.EnsureSigningKey(t.Context(), newSigningKey(t, fixedNow))
	if err != nil {
		t.Fatalf("EnsureSigningKey after rotation: %v", err)
	}
	sameKey(t, got, newer)
}
