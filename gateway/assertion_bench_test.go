package gateway_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"syscall"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/gateway"
)

// The cost of the identity assertion (issue 13), measured on the whole
// proxy hop. Compare with BenchmarkProxyHopAuthenticated (assertions off)
// in the same run; bench/README.md has the ratios.

func benchAssertions(b *testing.B, cacheSize int) gateway.AssertionOptions {
	b.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	keys, err := authcore.NewAssertionKeySet(priv, nil)
	if err != nil {
		b.Fatal(err)
	}
	signer, err := authcore.NewAssertions(keys, authcore.AssertionOptions{Issuer: "bench", CacheSize: cacheSize})
	if err != nil {
		b.Fatal(err)
	}
	return gateway.AssertionOptions{Signer: signer}
}

// BenchmarkProxyHopAssertionWarm: the client repeats its request, so the
// assertion comes from the cache (the common burst case).
func BenchmarkProxyHopAssertionWarm(b *testing.B) {
	benchHopWith(b, "/private/orders", true, benchAssertions(b, 0))
}

// BenchmarkProxyHopAssertionCold: the cache is off, so every request signs
// (what every request of a client that never repeats a path costs).
func BenchmarkProxyHopAssertionCold(b *testing.B) {
	benchHopWith(b, "/private/orders", true, benchAssertions(b, -1))
}

// BenchmarkAssertionSign is one Ed25519 assertion signature alone.
func BenchmarkAssertionSign(b *testing.B) {
	opts := benchAssertions(b, -1)
	id := &authcore.Identity{UserID: "u", Email: "a@example.com", Roles: []string{"user"}, TokenID: "j", ExpiresAt: time.Now().Add(time.Hour)}
	req := authcore.AssertionRequest{Identity: id, Audience: "private", Method: "GET", Path: "/orders"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := opts.Signer.Sign(req); err != nil {
			b.Fatal(err)
		}
	}
}

// processCPU is the process's user+system CPU time in nanoseconds.
func processCPU(b *testing.B) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
