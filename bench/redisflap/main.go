// Command redisflap counts false degradations of the rate limiter (issue
// 11): Redis stays up, both cores are saturated by busy goroutines in this
// process (as an argon2 login flood saturates the gateway), and concurrent
// Takes run for a bounded time. Every switch to fallback is a false one.
// It runs with degrade_after=1ns (a failure right after another degrades:
// as good as the behaviour before issue 11, where the first late reply
// degraded the instance) and with the default, alternating, against the
// same Redis, and prints one table.
//
// Usage: go run ./bench/redisflap [-redis redis://127.0.0.1:6379/0] [-duration 10s] [-rounds 2]
//
// It talks only to the given Redis (127.0.0.1 by default), under a unique
// key prefix, and stops after 2 × rounds × duration.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/authgate/gatewayd/ratelimit"
)

func main() {
	redisURL := flag.String("redis", "redis://127.0.0.1:6379/0", "Redis to count in")
	duration := flag.Duration("duration", 10*time.Second, "time per configuration")
	workers := flag.Int("workers", 32, "concurrent Take loops")
	rounds := flag.Int("rounds", 2, "alternations of the two settings")
	flag.Parse()
	// go-redis's own lines (dial timeouts under load) would drown the table.
	ratelimit.RouteRedisLogs(slog.New(slog.DiscardHandler))
	if err := run(*redisURL, *duration, *workers, *rounds); err != nil {
		fmt.Fprintln(os.Stderr, "redisflap:", err)
		os.Exit(1)
	}
}

func run(redisURL string, d time.Duration, workers, rounds int) error {
	fmt.Printf("GOMAXPROCS=%d, %d Take loops, %d busy goroutines, %s per run, store_timeout %s\n\n",
		runtime.GOMAXPROCS(0), workers, 2*runtime.GOMAXPROCS(0), d, ratelimit.DefaultStoreTimeout)
	fmt.Println("| degrade_after | takes | failed takes (late replies) | false degradations | seconds degraded |")
	fmt.Println("|---:|---:|---:|---:|---:|")
	for range rounds {
		for _, after := range []time.Duration{time.Nanosecond, ratelimit.DefaultDegradeAfter} {
			r, err := measure(redisURL, d, workers, after)
			if err != nil {
				return err
			}
			fmt.Printf("| %s | %d | %d | %d | %.1f |\n", after, r.takes, r.failures, r.degradations, r.degraded.Seconds())
		}
	}
	return nil
}

type result struct {
	takes, failures, degradations int64
	degraded                      time.Duration
}

// counter is a slog.Handler that counts the limiter's degraded warnings.
type counter struct{ down atomic.Int64 }

func (c *counter) Enabled(context.Context, slog.Level) bool { return true }
func (c *counter) Handle(_ context.Context, r slog.Record) error {
	if strings.Contains(r.Message, "Redis unavailable") {
		c.down.Add(1)
	}
	return nil
}
func (c *counter) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *counter) WithGroup(string) slog.Handler      { return c }

func measure(redisURL string, d time.Duration, workers int, after time.Duration) (result, error) {
	var c counter
	policy := ratelimit.RoutePolicy("flap")
	l, err := ratelimit.New(context.Background(), ratelimit.Options{
		RedisURL:     redisURL,
		Prefix:       fmt.Sprintf("redisflap-%d-%d", os.Getpid(), after.Nanoseconds()),
		Policies:     map[string]string{policy: "1000000-M"},
		DegradeAfter: after,
		Logger:       slog.New(&c),
	})
	if err != nil {
		return result{}, err
	}
	defer l.Close()

	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var wg sync.WaitGroup
	// Saturate every core: the Take loops and the Redis client's goroutines
	// must compete with these for CPU, as with a hashing flood.
	for range 2 * runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			x := uint64(1)
			for ctx.Err() == nil {
				for range 100000 {
					x = x*6364136223846793005 + 1442695040888963407
				}
			}
			_ = x
		})
	}
	var takes, slow atomic.Int64
	for w := range workers {
		wg.Go(func() {
			key := fmt.Sprint("k", w)
			for ctx.Err() == nil {
				start := time.Now()
				if _, err := l.Take(ctx, policy, key); err != nil && ctx.Err() == nil {
					fmt.Fprintln(os.Stderr, "take:", err)
				}
				takes.Add(1)
				// A Take that took at least StoreTimeout timed out on Redis
				// (it was answered by the fallback).
				if time.Since(start) >= ratelimit.DefaultStoreTimeout {
					slow.Add(1)
				}
			}
		})
	}
	var degradedFor time.Duration
	wg.Go(func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if l.Degraded() {
					degradedFor += 10 * time.Millisecond
				}
			}
		}
	})
	wg.Wait()
	return result{takes: takes.Load(), failures: slow.Load(), degradations: c.down.Load(), degraded: degradedFor}, nil
}
