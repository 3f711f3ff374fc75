package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/ratelimit"
	"github.com/authgate/gatewayd/ratelimit/redistest"
)

func TestAccountThrottleTripsAcrossIPs(t *testing.T) {
	policies := map[string]string{ratelimit.PolicyLoginAccount: "3-H", ratelimit.PolicyLogin: "100-M"}
	for name, opts := range backendsUnderTest(t, policies) {
		t.Run(name, func(t *testing.T) {
			l := mustNew(t, opts)
			var throttle authcore.LoginThrottle = l.AccountThrottle()
			ctx := context.Background()
			ips := []string{"192.0.2.1", "198.51.100.9", "2001:db8:5::1"}
			for i, ip := range ips {
				// The per-IP policy sees three different clients...
				takeN(t, l, ratelimit.PolicyLogin, ip, 1)
				// ...but the account counter is keyed by email only, and
				// case does not give a fresh budget.
				email := []string{"victim@example.com", "Victim@Example.com", " VICTIM@example.com "}[i]
				if err := throttle.Take(ctx, email); err != nil {
					t.Fatalf("take %d: %v", i+1, err)
				}
			}
			err := throttle.Take(ctx, "victim@example.com")
			var le *ratelimit.LimitedError
			if !errors.Is(err, ratelimit.ErrLimited) || !errors.As(err, &le) {
				t.Fatalf("take after 3 from 3 IPs: %v, want *LimitedError", err)
			}
			if le.Policy != ratelimit.PolicyLoginAccount || le.RetryAfter < time.Second || le.RetryAfter > time.Hour+time.Second {
				t.Fatalf("limited error %+v", le)
			}
			if err := throttle.Take(ctx, "bystander@example.com"); err != nil {
				t.Fatalf("other accounts are unaffected: %v", err)
			}
		})
	}
}

// TestAccountThrottleRefundGivesBackOneSlot: a refund returns exactly the
// slot of one attempt, never more than was taken.
func TestAccountThrottleRefundGivesBackOneSlot(t *testing.T) {
	policies := map[string]string{ratelimit.PolicyLoginAccount: "2-H"}
	for name, opts := range backendsUnderTest(t, policies) {
		t.Run(name, func(t *testing.T) {
			throttle := mustNew(t, opts).AccountThrottle()
			ctx := context.Background()
			// Refunds on a fresh account create no budget.
			for range 3 {
				if err := throttle.Refund(ctx, "user@example.com"); err != nil {
					t.Fatal(err)
				}
			}
			for i := range 2 {
				if err := throttle.Take(ctx, "user@example.com"); err != nil {
					t.Fatalf("take %d: %v", i+1, err)
				}
			}
			if err := throttle.Take(ctx, "user@example.com"); !errors.Is(err, ratelimit.ErrLimited) {
				t.Fatalf("third take = %v, want limited", err)
			}
			// The refused take counted too (3 of 2): two refunds are needed
			// before one attempt fits again.
			for range 2 {
				if err := throttle.Refund(ctx, "user@example.com"); err != nil {
					t.Fatal(err)
				}
			}
			if err := throttle.Take(ctx, "user@example.com"); err != nil {
				t.Fatalf("take after refunds: %v", err)
			}
			if err := throttle.Take(ctx, "user@example.com"); !errors.Is(err, ratelimit.ErrLimited) {
				t.Fatalf("take past the refunded slot = %v, want limited", err)
			}
		})
	}
}

// TestAccountThrottleTakeIsAtomicUnderBurst: 30 concurrent takes for one
// account get exactly the limit's number of slots, on every backend.
func TestAccountThrottleTakeIsAtomicUnderBurst(t *testing.T) {
	policies := map[string]string{ratelimit.PolicyLoginAccount: "3-H"}
	for name, opts := range backendsUnderTest(t, policies) {
		t.Run(name, func(t *testing.T) {
			throttle := mustNew(t, opts).AccountThrottle()
			var granted atomic.Int32
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range 30 {
				wg.Go(func() {
					<-start
					err := throttle.Take(context.Background(), "victim@example.com")
					switch {
					case err == nil:
						granted.Add(1)
					case !errors.Is(err, ratelimit.ErrLimited):
						t.Errorf("take %d: %v", i, err)
					}
				})
			}
			close(start)
			wg.Wait()
			if n := granted.Load(); n != 3 {
				t.Fatalf("%d of 30 concurrent takes granted, want exactly 3", n)
			}
		})
	}
}

// TestAccountThrottleRefundKeepsWindow: a Redis refund decrements without
// moving the window's end, and never below zero.
func TestAccountThrottleRefundKeepsWindow(t *testing.T) {
	opts := sharedRedis(t, map[string]string{ratelimit.PolicyLoginAccount: "5-H"})
	throttle := mustNew(t, opts).AccountThrottle()
	c := rawClient(t, opts.RedisURL)
	ctx := context.Background()
	for range 2 {
		if err := throttle.Take(ctx, "user@example.com"); err != nil {
			t.Fatal(err)
		}
	}
	keys, err := c.Keys(ctx, fmt.Sprintf("%s:%s:*", opts.Prefix, ratelimit.PolicyLoginAccount)).Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("counter keys = %v, %v; want one", keys, err)
	}
	key := keys[0]
	// Shorten the window so a moved end would be visible.
	if err := c.PExpire(ctx, key, 10*time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := throttle.Refund(ctx, "user@example.com"); err != nil {
			t.Fatal(err)
		}
	}
	v, err := c.Get(ctx, key).Int()
	if err != nil || v != 0 {
		t.Fatalf("counter after 2 takes and 3 refunds = %d, %v; want 0", v, err)
	}
	if ttl := c.PTTL(ctx, key).Val(); ttl <= 0 || ttl > 10*time.Minute {
		t.Fatalf("TTL after refunds = %v; want the shortened window, unchanged", ttl)
	}
	// A refund after the window ended creates nothing.
	if err := c.Del(ctx, key).Err(); err != nil {
		t.Fatal(err)
	}
	if err := throttle.Refund(ctx, "user@example.com"); err != nil {
		t.Fatal(err)
	}
	if n := c.Exists(ctx, key).Val(); n != 0 {
		t.Fatal("a refund on an ended window created a counter")
	}
}

// TestAccountThrottleRefundAfterWindowCreatesNoBudget: in memory, a refund
// that arrives after its window ended must not open the next window one
// slot in credit.
func TestAccountThrottleRefundAfterWindowCreatesNoBudget(t *testing.T) {
	l := mustNew(t, ratelimit.Options{Store: ratelimit.StoreMemory, Policies: map[string]string{ratelimit.PolicyLoginAccount: "1-S"}})
	throttle := l.AccountThrottle()
	ctx := context.Background()
	if err := throttle.Take(ctx, "user@example.com"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 3*time.Second, "window ends", func() bool {
		d, err := l.Peek(ctx, ratelimit.PolicyLoginAccount, "user@example.com")
		return err == nil && d.Remaining == 1
	})
	if err := throttle.Refund(ctx, "user@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := throttle.Take(ctx, "user@example.com"); err != nil {
		t.Fatalf("first take of the new window: %v", err)
	}
	if err := throttle.Take(ctx, "user@example.com"); !errors.Is(err, ratelimit.ErrLimited) {
		t.Fatalf("second take of a 1-S window = %v; the late refund created budget", err)
	}
}

// TestAccountThrottleRefundFollowsFallback: while Redis is down the refund
// lands where the take counted (the memory fallback), and refunds that
// keep failing against Redis degrade the Limiter (as takes do, after
// DegradeAfter) instead of failing the login.
func TestAccountThrottleRefundFollowsFallback(t *testing.T) {
	srv := redistest.Start(t)
	l := mustNew(t, ratelimit.Options{
		RedisURL: srv.URL,
		Prefix:   uniquePrefix(t),
		Policies: map[string]string{ratelimit.PolicyLoginAccount: "2-H"},
		Logger:   newLogger(&logBuffer{}),
		// Degrade at the second failure in a row, so two refunds suffice.
		DegradeAfter: time.Nanosecond,
	})
	throttle := l.AccountThrottle()
	ctx := context.Background()
	if err := throttle.Take(ctx, "user@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	// The refunds hit the dead server: no error, the Limiter degrades.
	for range 2 {
		if err := throttle.Refund(ctx, "user@example.com"); err != nil {
			t.Fatalf("refund with Redis down: %v", err)
		}
	}
	if !l.Degraded() {
		t.Fatal("a failed Redis refund did not degrade the Limiter")
	}
	// In the fallback: two takes fill the budget, a refund frees one slot.
	for i := range 2 {
		if err := throttle.Take(ctx, "user@example.com"); err != nil {
			t.Fatalf("fallback take %d: %v", i+1, err)
		}
	}
	if err := throttle.Refund(ctx, "user@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := throttle.Take(ctx, "user@example.com"); err != nil {
		t.Fatalf("fallback take after a fallback refund: %v", err)
	}
	if err := throttle.Take(ctx, "user@example.com"); !errors.Is(err, ratelimit.ErrLimited) {
		t.Fatalf("fallback take past the budget = %v, want limited", err)
	}
}
