package authcore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

// BenchmarkVerifyRevocationCheck measures what the revocation check adds
// to the hottest path, a cached Verify (issue 13 §2: "one map lookup"):
//
//	go test -run '^$' -bench VerifyRevocationCheck -benchmem -count 5 ./authcore
//
// "off" has no Revocations at all (the reference); "empty" is a replica
// where nobody was revoked lately; "1000-others" has 1000 revoked users,
// not this one; "user-revoked-earlier" has this user with a cutoff before
// the token's iat, so the lookup hits and the token still passes.
func BenchmarkVerifyRevocationCheck(b *testing.B) {
	clock := newClock()
	cases := []struct {
		name string
		fill func(*authcore.Revocations)
	}{
		{"off", nil},
		{"empty", func(*authcore.Revocations) {}},
		{"1000-others", func(r *authcore.Revocations) {
			revs := make([]authcore.Revocation, 1000)
			for i := range revs {
				revs[i] = authcore.Revocation{UserID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Before: clock.Now()}
			}
			r.Apply(revs...)
		}},
		{"user-revoked-earlier", func(r *authcore.Revocations) {
			r.Apply(authcore.Revocation{UserID: testUser.ID, Before: clock.Now().Add(-time.Minute)})
		}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			var revs *authcore.Revocations
			if tc.fill != nil {
				revs = authcore.NewRevocations()
				tc.fill(revs)
			}
			tokens := newTokens(b, clock, func(o *authcore.TokenOptions) { o.Revocations = revs })
			tok := issue(b, tokens)
			if _, err := tokens.Verify(tok); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tokens.Verify(tok); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRevocationsRevoked is the lookup alone, on a set of 1000.
func BenchmarkRevocationsRevoked(b *testing.B) {
	r := authcore.NewRevocations()
	now := time.Unix(1_900_000_000, 0)
	for i := range 1000 {
		r.Apply(authcore.Revocation{UserID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Before: now})
	}
	b.ReportAllocs()
	for b.Loop() {
		if r.Revoked(testUser.ID, now.Unix()) {
			b.Fatal("not revoked")
		}
	}
}
