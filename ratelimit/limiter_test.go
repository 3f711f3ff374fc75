package ratelimit_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/ratelimit"
	"github.com/authgate/gatewayd/ratelimit/redistest"
)

// backendsUnderTest runs a test against both stores.
func backendsUnderTest(t *testing.T, policies map[string]string) map[string]ratelimit.Options {
	t.Helper()
	return map[string]ratelimit.Options{
		"memory": {Store: ratelimit.StoreMemory, Policies: policies},
		"redis":  sharedRedis(t, policies),
	}
}

func TestLimitTripsAtExactCount(t *testing.T) {
	policy := ratelimit.RoutePolicy("exact")
	for name, opts := range backendsUnderTest(t, map[string]string{policy: "5-M"}) {
		t.Run(name, func(t *testing.T) {
			l := mustNew(t, opts)
			ctx := context.Background()
			for i := range 5 {
				d, err := l.Take(ctx, policy, "198.51.100.1")
				if err != nil {
					t.Fatalf("take %d: %v", i+1, err)
				}
				if d.Limit != 5 || d.Remaining != int64(4-i) || d.Reached {
					t.Fatalf("take %d: decision %+v, want limit 5 remaining %d", i+1, d, 4-i)
				}
				if until := time.Until(d.Reset); until <= 0 || until > 62*time.Second {
					t.Fatalf("take %d: reset in %v, want within the 1m window", i+1, until)
				}
			}
			d, err := l.Take(ctx, policy, "198.51.100.1")
			if !errors.Is(err, ratelimit.ErrLimited) || !d.Reached || d.Remaining != 0 {
				t.Fatalf("take 6: decision %+v err %v, want reached with ErrLimited", d, err)
			}
			var le *ratelimit.LimitedError
			if !errors.As(err, &le) || le.Policy != policy || le.RetryAfter < time.Second || le.RetryAfter > 62*time.Second {
				t.Fatalf("take 6: error %#v, want *LimitedError with Retry-After within the window", err)
			}
			if le.RetryAfter%time.Second != 0 {
				t.Fatalf("RetryAfter %v is not whole seconds", le.RetryAfter)
			}
			if _, err := l.Take(ctx, policy, "198.51.100.2"); err != nil {
				t.Fatalf("another key is independent: %v", err)
			}
		})
	}
}

func TestLimitResetsAfterWindow(t *testing.T) {
	policy := ratelimit.RoutePolicy("short")
	for name, opts := range backendsUnderTest(t, map[string]string{policy: "2-S"}) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			l := mustNew(t, opts)
			ctx := context.Background()
			takeN(t, l, policy, "k", 2)
			d, err := l.Take(ctx, policy, "k")
			if !errors.Is(err, ratelimit.ErrLimited) {
				t.Fatalf("third take in window: %+v %v, want limited", d, err)
			}
			if until := time.Until(d.Reset); until > 2*time.Second {
				t.Fatalf("reset in %v, want within ~1s window", until)
			}
			// Wait for the window by polling Peek (which does not count),
			// bounded well above the one-second window.
			eventually(t, 3*time.Second, "window reset", func() bool {
				d, _ := l.Peek(ctx, policy, "k")
				return d.Remaining == d.Limit
			})
			takeN(t, l, policy, "k", 2)
		})
	}
}

func TestInstancesShareRedisCounter(t *testing.T) {
	policy := ratelimit.RoutePolicy("shared")
	opts := sharedRedis(t, map[string]string{policy: "4-M"})
	a, b := mustNew(t, opts), mustNew(t, opts)
	takeN(t, a, policy, "user-1", 2)
	takeN(t, b, policy, "user-1", 2)
	for name, l := range map[string]*ratelimit.Limiter{"a": a, "b": b} {
		if d, err := l.Take(context.Background(), policy, "user-1"); !errors.Is(err, ratelimit.ErrLimited) {
			t.Errorf("instance %s after 4 shared takes: %+v %v, want limited", name, d, err)
		}
	}
}

func TestPeekAndReset(t *testing.T) {
	policy := ratelimit.RoutePolicy("peek")
	for name, opts := range backendsUnderTest(t, map[string]string{policy: "3-M"}) {
		t.Run(name, func(t *testing.T) {
			l := mustNew(t, opts)
			ctx := context.Background()
			for range 5 {
				if d, err := l.Peek(ctx, policy, "k"); err != nil || d.Remaining != 3 {
					t.Fatalf("peek on fresh key: %+v %v", d, err)
				}
			}
			takeN(t, l, policy, "k", 2)
			if d, err := l.Peek(ctx, policy, "k"); err != nil || d.Remaining != 1 || d.Reached {
				t.Fatalf("peek after 2 of 3: %+v %v", d, err)
			}
			takeN(t, l, policy, "k", 1)
			if d, err := l.Peek(ctx, policy, "k"); !errors.Is(err, ratelimit.ErrLimited) || !d.Reached {
				t.Fatalf("peek with no budget left: %+v %v, want limited", d, err)
			}
			if err := l.Reset(ctx, policy, "k"); err != nil {
				t.Fatalf("reset: %v", err)
			}
			takeN(t, l, policy, "k", 3)
		})
	}
}

func TestUnknownPolicyAndClosed(t *testing.T) {
	l, err := ratelimit.New(context.Background(), ratelimit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := l.Take(ctx, "route:nope", "k"); !errors.Is(err, ratelimit.ErrUnknownPolicy) {
		t.Fatalf("unknown policy: %v", err)
	}
	if _, err := l.Take(ctx, ratelimit.PolicyLogin, "k"); err != nil {
		t.Fatalf("default policy login: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := l.Take(ctx, ratelimit.PolicyLogin, "k"); !errors.Is(err, ratelimit.ErrClosed) {
		t.Fatalf("take after close: %v", err)
	}
	if err := l.Reset(ctx, ratelimit.PolicyLogin, "k"); !errors.Is(err, ratelimit.ErrClosed) {
		t.Fatalf("reset after close: %v", err)
	}
}

func TestDefaultPolicies(t *testing.T) {
	l := mustNew(t, ratelimit.Options{Policies: map[string]string{ratelimit.PolicyLogin: "3-M", ratelimit.RoutePolicy("api"): "100-S"}})
	got := l.Policies()
	want := map[string]string{"login": "3-M", "register": "5-H", "refresh": "60-M", "logout": "60-M", "login_account": "10-H", "route:api": "100-S"}
	if len(got) != len(want) {
		t.Fatalf("policies %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("policy %s = %q, want %q", k, got[k], v)
		}
	}
}

// TestTakeIsOneRoundTrip counts server-side commands with INFO
// commandstats on a private server, so nothing else adds to the count.
func TestTakeIsOneRoundTrip(t *testing.T) {
	srv := redistest.Start(t)
	policy := ratelimit.RoutePolicy("rt")
	l := mustNew(t, ratelimit.Options{RedisURL: srv.URL, Policies: map[string]string{policy: "1000-M"}})
	c := rawClient(t, srv.URL)
	ctx := context.Background()
	takeN(t, l, policy, "warm", 1) // connection and scripts are ready
	before := commandStats(t, c.Info(ctx, "commandstats").Val())
	const n = 20
	takeN(t, l, policy, "k", n)
	after := commandStats(t, c.Info(ctx, "commandstats").Val())
	// commandstats also counts the commands a script calls inside the
	// server; those are not round trips. limiter's counting script calls
	// exactly these.
	insideScript := map[string]bool{"incrby": true, "pexpire": true, "pttl": true}
	roundTrips := 0
	for cmd, calls := range after {
		d := calls - before[cmd]
		if d == 0 || cmd == "info" {
			continue
		}
		t.Logf("%s: +%d (inside script: %v)", cmd, d, insideScript[cmd])
		if !insideScript[cmd] {
			roundTrips += d
		}
	}
	if evalsha := after["evalsha"] - before["evalsha"]; roundTrips != n || evalsha != n {
		t.Fatalf("%d takes sent %d commands (%d EVALSHA), want exactly one EVALSHA each", n, roundTrips, evalsha)
	}
}

// commandStats parses "cmdstat_<name>:calls=N,..." lines.
func commandStats(t *testing.T, info string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for line := range strings.Lines(info) {
		name, rest, ok := strings.Cut(strings.TrimSpace(line), ":calls=")
		if !ok {
			continue
		}
		calls, _, _ := strings.Cut(rest, ",")
		n, err := strconv.Atoi(calls)
		if err != nil {
			t.Fatalf("bad commandstats line %q", line)
		}
		out[strings.TrimPrefix(name, "cmdstat_")] = n
	}
	return out
}
