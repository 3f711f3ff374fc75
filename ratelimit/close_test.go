package ratelimit_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/authgate/gatewayd/ratelimit"
	"github.com/authgate/gatewayd/ratelimit/redistest"
)

// TestCloseLeavesNoGoroutines covers the probe goroutines, the go-redis
// pool and limiter's memory-store cleaner (which ends when the store is
// collected, so the test runs the GC).
func TestCloseLeavesNoGoroutines(t *testing.T) {
	srv := redistest.Start(t)
	policy := ratelimit.RoutePolicy("close")
	base := runtime.NumGoroutine()

	healthy, err := ratelimit.New(context.Background(), ratelimit.Options{RedisURL: srv.URL, Policies: map[string]string{policy: "5-M"}})
	if err != nil {
		t.Fatal(err)
	}
	takeN(t, healthy, policy, "k", 1)

	down := redistest.Start(t)
	_ = down.Stop()
	degraded, err := ratelimit.New(context.Background(), ratelimit.Options{RedisURL: down.URL, Policies: map[string]string{policy: "5-M"}})
	if err != nil {
		t.Fatal(err)
	}
	// Keep poking until at least one probe has been started.
	deadline := time.Now().Add(1500 * time.Millisecond)
	for time.Now().Before(deadline) {
		_, _ = degraded.Take(context.Background(), policy, "k")
		time.Sleep(50 * time.Millisecond)
	}

	memoryOnly, err := ratelimit.New(context.Background(), ratelimit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if runtime.NumGoroutine() <= base {
		t.Fatal("test is vacuous: no goroutines were started")
	}
	for _, l := range []*ratelimit.Limiter{healthy, degraded, memoryOnly} {
		if err := l.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	eventually(t, 5*time.Second, "goroutines back to baseline", func() bool {
		runtime.GC()
		return runtime.NumGoroutine() <= base
	})
}
