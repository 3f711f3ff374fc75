package ratelimit_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authgate/gatewayd/ratelimit"
	"github.com/authgate/gatewayd/ratelimit/redistest"
)

// uniquePrefix keeps tests that share TEST_REDIS_URL out of each other's
// counters.
func uniquePrefix(tb testing.TB) string {
	tb.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "rltest-" + hex.EncodeToString(b[:])
}

// mustNew builds a Limiter that is closed at cleanup.
func mustNew(tb testing.TB, opts ratelimit.Options) *ratelimit.Limiter {
	tb.Helper()
	l, err := ratelimit.New(context.Background(), opts)
	if err != nil {
		tb.Fatalf("ratelimit.New: %v", err)
	}
	tb.Cleanup(func() {
		if err := l.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return l
}

// sharedRedis returns options for the machine's test Redis with a fresh
// prefix and the given policies.
func sharedRedis(tb testing.TB, policies map[string]string) ratelimit.Options {
	tb.Helper()
	return ratelimit.Options{
		Store:    ratelimit.StoreRedis,
		RedisURL: redistest.URL(tb),
		Prefix:   uniquePrefix(tb),
		Policies: policies,
	}
}

// rawClient is a plain client for looking at what the Limiter wrote.
func rawClient(tb testing.TB, url string) *redis.Client {
	tb.Helper()
	o, err := redis.ParseURL(url)
	if err != nil {
		tb.Fatalf("parse %s: %v", url, err)
	}
	c := redis.NewClient(o)
	tb.Cleanup(func() { _ = c.Close() })
	if err := c.Ping(context.Background()).Err(); err != nil {
		tb.Fatalf("redis at %s does not answer: %v", url, err)
	}
	return c
}

// logBuffer collects slog output from the Limiter and its probe goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// count reports how many log lines contain s.
func (b *logBuffer) count(s string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for line := range strings.Lines(b.buf.String()) {
		if strings.Contains(line, s) {
			n++
		}
	}
	return n
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newLogger(b *logBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// eventually polls cond every 20ms until it holds or timeout passes.
func eventually(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("%s: not within %v", what, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// takeN takes n times and fails the test if any is refused.
func takeN(tb testing.TB, l *ratelimit.Limiter, policy, key string, n int) {
	tb.Helper()
	for i := range n {
		if d, err := l.Take(context.Background(), policy, key); err != nil {
			tb.Fatalf("take %d/%d of %s: %v (decision %+v)", i+1, n, policy, err, d)
		}
	}
}
