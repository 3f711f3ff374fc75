package authcore_test

import (
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

// Benchmarks for the per-request token path. Run with:
//
//	go test -run '^$' -bench . -benchmem ./authcore

func BenchmarkVerifyCached(b *testing.B) {
	tokens := newTokens(b, newClock(), nil)
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
}

func BenchmarkVerifyCachedParallel(b *testing.B) {
	tokens, err := authcore.NewAccessTokens(authcore.TokenOptions{Secret: testSecret})
	if err != nil {
		b.Fatal(err)
	}
	tok := issue(b, tokens)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := tokens.Verify(tok); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkVerifyUncached(b *testing.B) {
	tokens := newTokens(b, newClock(), func(o *authcore.TokenOptions) { o.CacheSize = -1 })
	tok := issue(b, tokens)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tokens.Verify(tok); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIssue(b *testing.B) {
	tokens := newTokens(b, newClock(), nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := tokens.Issue(testUser); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHashDefault shows what one login costs with the OWASP defaults.
func BenchmarkHashDefault(b *testing.B) {
	h := authcore.NewHasher(authcore.HasherOptions{QueueWait: time.Minute})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Hash(b.Context(), "correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}
