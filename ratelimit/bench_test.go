package ratelimit_test

import (
	"context"
	"testing"

	"github.com/authgate/gatewayd/ratelimit"
)

// The difference between these two is the latency Redis adds to a request
// (one EVALSHA round trip to a local server).

func BenchmarkTakeRedis(b *testing.B) {
	benchmarkTake(b, sharedRedis(b, nil))
}

func BenchmarkTakeMemory(b *testing.B) {
	benchmarkTake(b, ratelimit.Options{Store: ratelimit.StoreMemory})
}

func benchmarkTake(b *testing.B, opts ratelimit.Options) {
	policy := ratelimit.RoutePolicy("bench")
	opts.Policies = map[string]string{policy: "1000000000-M"}
	l := mustNew(b, opts)
	ctx := context.Background()
	takeN(b, l, policy, "203.0.113.9", 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Take(ctx, policy, "203.0.113.9"); err != nil {
			b.Fatal(err)
		}
	}
	if l.Degraded() {
		b.Fatal("benchmark ran degraded; the numbers are not Redis's")
	}
}
