package ratelimit_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authgate/gatewayd/ratelimit"
	"github.com/authgate/gatewayd/ratelimit/redistest"
)

const (
	msgDown      = "Redis unavailable"
	msgRecovered = "Redis reachable again"
)

func TestRedisOutageFallsBackAndRecovers(t *testing.T) {
	srv := redistest.Start(t)
	policy := ratelimit.RoutePolicy("outage")
	logs := &logBuffer{}
	opts := ratelimit.Options{
		RedisURL: srv.URL,
		Prefix:   uniquePrefix(t),
		Policies: map[string]string{policy: "3-M"},
		Logger:   newLogger(logs),
		// Degrade at the second failure in a row, so a few takes suffice.
		DegradeAfter: time.Nanosecond,
	}
	a := mustNew(t, opts)
	ctx := context.Background()
	takeN(t, a, policy, "k", 2)
	if a.Degraded() {
		t.Fatal("degraded while Redis is up")
	}

	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	// Requests are still decided, and limits still trip: the fallback counts
	// per instance, from zero.
	takeN(t, a, policy, "k", 3)
	if !a.Degraded() {
		t.Fatal("Degraded() = false after Redis stopped")
	}
	if d, err := a.Take(ctx, policy, "k"); !errors.Is(err, ratelimit.ErrLimited) {
		t.Fatalf("fallback take 4 of 3: %+v %v, want limited", d, err)
	}
	if n := logs.count(msgDown); n != 1 {
		t.Fatalf("%d degraded warnings, want exactly 1:\n%s", n, logs)
	}

	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	// Traffic drives the probe (at most one per second); Peek is traffic
	// that does not count.
	eventually(t, 5*time.Second, "recovery after restart", func() bool {
		_, _ = a.Peek(ctx, policy, "poke")
		return !a.Degraded()
	})
	if n := logs.count(msgRecovered); n != 1 {
		t.Fatalf("%d recovery messages, want exactly 1:\n%s", n, logs)
	}

	// Shared counting is back: a new instance sees a's counts.
	b := mustNew(t, ratelimit.Options{RedisURL: srv.URL, Prefix: opts.Prefix, Policies: opts.Policies})
	takeN(t, a, policy, "k2", 2)
	takeN(t, b, policy, "k2", 1)
	if d, err := a.Take(ctx, policy, "k2"); !errors.Is(err, ratelimit.ErrLimited) {
		t.Fatalf("after recovery, 4th shared take: %+v %v, want limited", d, err)
	}
	if n := logs.count(msgDown); n != 1 {
		t.Fatalf("%d degraded warnings after recovery, want still 1:\n%s", n, logs)
	}
}

func TestRedisOutageModes(t *testing.T) {
	policy := ratelimit.RoutePolicy("modes")
	tests := []struct {
		mode string
		// check judges one Take during the outage, on a key whose budget
		// (1) is already used up in Redis.
		check func(t *testing.T, d ratelimit.Decision, err error)
	}{
		{ratelimit.OnErrorAllow, func(t *testing.T, d ratelimit.Decision, err error) {
			if err != nil || d.Reached {
				t.Fatalf("allow mode refused: %+v %v", d, err)
			}
		}},
		{ratelimit.OnErrorDeny, func(t *testing.T, d ratelimit.Decision, err error) {
			var le *ratelimit.LimitedError
			if !errors.As(err, &le) || !d.Reached {
				t.Fatalf("deny mode allowed: %+v %v", d, err)
			}
			if le.RetryAfter > 2*time.Second {
				t.Fatalf("deny mode Retry-After %v: should point at the next probe, not the window", le.RetryAfter)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			t.Parallel()
			srv := redistest.Start(t)
			logs := &logBuffer{}
			l := mustNew(t, ratelimit.Options{
				RedisURL:     srv.URL,
				OnStoreError: tt.mode,
				Policies:     map[string]string{policy: "1-H"},
				Logger:       newLogger(logs),
				DegradeAfter: time.Nanosecond, // at the second failure in a row
			})
			takeN(t, l, policy, "k", 1)
			if err := srv.Stop(); err != nil {
				t.Fatal(err)
			}
			for range 5 {
				d, err := l.Take(context.Background(), policy, "k")
				tt.check(t, d, err)
			}
			if !l.Degraded() || logs.count(msgDown) != 1 {
				t.Fatalf("degraded=%v, warnings=%d, want true and 1:\n%s", l.Degraded(), logs.count(msgDown), logs)
			}
		})
	}
}

func TestStartsDegradedWhenRedisIsDown(t *testing.T) {
	srv := redistest.Start(t)
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	policy := ratelimit.RoutePolicy("boot")
	logs := &logBuffer{}
	// A settable clock shows that recovery probes follow the gate, not the
	// request rate.
	var clock atomic.Pointer[time.Time]
	t0 := time.Now()
	clock.Store(&t0)
	l, err := ratelimit.New(context.Background(), ratelimit.Options{
		RedisURL: srv.URL,
		Policies: map[string]string{policy: "2-M"},
		Logger:   newLogger(logs),
		Now:      func() time.Time { return *clock.Load() },
	})
	if err != nil {
		t.Fatalf("New must not fail when Redis is down: %v", err)
	}
	t.Cleanup(func() { _ = l.Close() })
	if !l.Degraded() || logs.count("at start-up") != 1 {
		t.Fatalf("degraded=%v logs:\n%s", l.Degraded(), logs)
	}
	takeN(t, l, policy, "k", 2)
	if _, err := l.Take(context.Background(), policy, "k"); !errors.Is(err, ratelimit.ErrLimited) {
		t.Fatalf("fallback must still limit: %v", err)
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	// The clock stands still, so the gate stays shut however busy we are.
	for range 30 {
		_, _ = l.Peek(context.Background(), policy, "poke")
		time.Sleep(40 * time.Millisecond)
	}
	if !l.Degraded() {
		t.Fatal("recovered without a probe: the probe gate was not respected")
	}
	t1 := t0.Add(time.Second)
	clock.Store(&t1)
	eventually(t, 5*time.Second, "recovery once the gate opens", func() bool {
		_, _ = l.Peek(context.Background(), policy, "poke")
		return !l.Degraded()
	})
	takeN(t, l, policy, "k", 2) // now counting in the (empty) Redis
}

// blackhole accepts TCP connections on 127.0.0.1 and never answers: a
// Redis that hangs.
func blackhole(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
		wg    sync.WaitGroup
	)
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return "redis://" + ln.Addr().String() + "/0"
}

func TestHangingRedisIsBoundedByStoreTimeout(t *testing.T) {
	policy := ratelimit.RoutePolicy("hang")
	policies := map[string]string{policy: "5-M"}
	ctx := context.Background()

	t.Run("hangs from the start", func(t *testing.T) {
		start := time.Now()
		l := mustNew(t, ratelimit.Options{RedisURL: blackhole(t), Policies: policies, StoreTimeout: 50 * time.Millisecond})
		if took := time.Since(start); took > 2*time.Second {
			t.Fatalf("New took %v against a hanging Redis", took)
		}
		for range 3 {
			start := time.Now()
			if _, err := l.Take(ctx, policy, "k"); err != nil {
				t.Fatalf("take: %v", err)
			}
			if took := time.Since(start); took > time.Second {
				t.Fatalf("Take took %v against a hanging Redis", took)
			}
		}
		if !l.Degraded() {
			t.Fatal("not degraded against a hanging Redis")
		}
	})

	t.Run("starts hanging while healthy", func(t *testing.T) {
		srv := redistest.Start(t)
		logs := &logBuffer{}
		l := mustNew(t, ratelimit.Options{RedisURL: srv.URL, Policies: policies, StoreTimeout: 50 * time.Millisecond,
			Logger: newLogger(logs), DegradeAfter: time.Nanosecond})
		takeN(t, l, policy, "k", 1)
		admin := rawClient(t, srv.URL)
		// WRITE pause: the server accepts and reads EVALSHA but does not
		// answer, while CLIENT UNPAUSE still works.
		if err := admin.Do(ctx, "CLIENT", "PAUSE", 10000, "WRITE").Err(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = admin.Do(ctx, "CLIENT", "UNPAUSE").Err() })
		// Each take is bounded and answered by the fallback; the instance
		// degrades only once calls have failed for DegradeAfter.
		for i := 1; !l.Degraded(); i++ {
			start := time.Now()
			d, err := l.Take(ctx, policy, "k")
			if took := time.Since(start); took > time.Second {
				t.Fatalf("Take took %v against a paused Redis", took)
			}
			if err != nil {
				t.Fatalf("take %d: %+v %v, want a fallback decision", i, d, err)
			}
			if i == 1 && l.Degraded() {
				t.Fatal("degraded at the first late reply")
			}
			if time.Since(start) > 5*time.Second {
				t.Fatal("not degraded after 5s of failures")
			}
		}
		if err := admin.Do(ctx, "CLIENT", "UNPAUSE").Err(); err != nil {
			t.Fatal(err)
		}
		eventually(t, 5*time.Second, "recovery after unpause", func() bool {
			_, _ = l.Peek(ctx, policy, "poke")
			return !l.Degraded()
		})
		if logs.count(msgDown) != 1 || logs.count(msgRecovered) != 1 {
			t.Fatalf("want one warning and one recovery:\n%s", logs)
		}
	})
}

func TestCallerCancellationIsNotAnOutage(t *testing.T) {
	policy := ratelimit.RoutePolicy("cancel")
	l := mustNew(t, sharedRedis(t, map[string]string{policy: "5-M"}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Take(ctx, policy, "k"); !errors.Is(err, context.Canceled) {
		t.Fatalf("take with cancelled ctx: %v, want context.Canceled", err)
	}
	if l.Degraded() {
		t.Fatal("a caller giving up must not mark Redis degraded")
	}
}

// TestDegradedRecoversWithoutTraffic: once Redis is back, the degraded flag
// (readiness, metric) clears by itself, with no request to notice (issue
// 11).
func TestDegradedRecoversWithoutTraffic(t *testing.T) {
	srv := redistest.Start(t)
	policy := ratelimit.RoutePolicy("quiet")
	logs := &logBuffer{}
	l := mustNew(t, ratelimit.Options{RedisURL: srv.URL, Prefix: uniquePrefix(t),
		Policies: map[string]string{policy: "100-M"}, Logger: newLogger(logs)})
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "degraded after Redis stopped", func() bool {
		_, _ = l.Take(context.Background(), policy, "k")
		return l.Degraded()
	})
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "recovery without traffic", func() bool { return !l.Degraded() })
	if n := logs.count(msgRecovered); n != 1 {
		t.Fatalf("%d recovery messages, want 1:\n%s", n, logs)
	}
}

// TestOneSlowReplyDoesNotDegrade: calls must keep failing for DegradeAfter
// with no success in between to degrade; a success starts over, so late
// replies during a CPU stall never flip the instance (issue 11). The
// Limiter's clock is driven by the test.
func TestOneSlowReplyDoesNotDegrade(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	policy := ratelimit.RoutePolicy("flap")
	logs := &logBuffer{}
	var clock atomic.Pointer[time.Time]
	now := time.Now()
	clock.Store(&now)
	advance := func(d time.Duration) { next := clock.Load().Add(d); clock.Store(&next) }
	const window = time.Second
	l := mustNew(t, ratelimit.Options{RedisURL: srv.URL, Prefix: uniquePrefix(t),
		Policies: map[string]string{policy: "100-M"}, StoreTimeout: 50 * time.Millisecond,
		DegradeAfter: window, Logger: newLogger(logs), Now: func() time.Time { return *clock.Load() }})
	admin := rawClient(t, srv.URL)
	t.Cleanup(func() { _ = admin.Do(ctx, "CLIENT", "UNPAUSE").Err() })
	pause := func(on bool) {
		t.Helper()
		args := []any{"CLIENT", "UNPAUSE"}
		if on {
			args = []any{"CLIENT", "PAUSE", 10000, "WRITE"}
		}
		if err := admin.Do(ctx, args...).Err(); err != nil {
			t.Fatal(err)
		}
	}
	take := func() {
		t.Helper()
		if _, err := l.Take(ctx, policy, "k"); err != nil {
			t.Fatalf("take: %v", err)
		}
	}
	timely := func() {
		t.Helper()
		// The paused replies arrive late on their connections; wait until
		// Redis answers a take in time again.
		eventually(t, 5*time.Second, "a timely reply", func() bool {
			_, err := l.Take(ctx, policy, "k")
			return err == nil && !l.Degraded()
		})
	}

	// Late replies separated by successes: never degraded, however much
	// time passes in between.
	for range 3 {
		pause(true)
		take()
		pause(false)
		timely()
		advance(2 * window)
		pause(true)
		take()
		pause(false)
		timely()
	}
	if l.Degraded() || logs.count(msgDown) != 0 {
		t.Fatalf("degraded=%v after isolated slow replies:\n%s", l.Degraded(), logs)
	}

	// Failing for the whole window with no success: degraded.
	pause(true)
	take()
	advance(window)
	take()
	if !l.Degraded() {
		t.Fatal("not degraded after failing for the whole window")
	}
}

// TestRedisClientLogsAreStructured: go-redis's own messages (here a failed
// dial) arrive as slog records, not plain text on stderr (issue 11).
func TestRedisClientLogsAreStructured(t *testing.T) {
	logs := &logBuffer{}
	ratelimit.RouteRedisLogs(newLogger(logs))
	t.Cleanup(func() { ratelimit.RouteRedisLogs(slog.New(slog.NewJSONHandler(os.Stderr, nil))) })
	srv := redistest.Start(t)
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	l := mustNew(t, ratelimit.Options{RedisURL: srv.URL, Policies: map[string]string{ratelimit.RoutePolicy("log"): "5-M"}})
	_ = l.Ping(context.Background())
	eventually(t, 5*time.Second, "a go-redis record", func() bool {
		return logs.count("component=go-redis") > 0
	})
	if strings.Contains(logs.String(), "pool.go:") {
		t.Fatalf("plain go-redis prefix leaked into the record:\n%s", logs)
	}
}
