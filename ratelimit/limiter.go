package ratelimit

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/ulule/limiter/v3"
	"github.com/ulule/limiter/v3/drivers/store/memory"
)

// Limiter applies named policies to keys. It is safe for concurrent use;
// build one per process with New and Close it at shutdown.
type Limiter struct {
	s settings

	// b is nil after Close. Swapping it out drops the last references to
	// the memory stores so their cleanup goroutines can end (see Close).
	b atomic.Pointer[backends]

	// degraded is true while Redis calls are skipped; nextProbe (unix
	// nanoseconds) gates request-driven recovery probes to one per
	// probeInterval. failingSince (unix nanoseconds, 0 for none) is when
	// the current run of failed Redis calls began.
	degraded     atomic.Bool
	nextProbe    atomic.Int64
	failingSince atomic.Int64

	probeMu    sync.Mutex // guards stopped and probes.Add against Close
	stopped    bool
	probes     sync.WaitGroup
	probeCtx   context.Context
	stopProbes context.CancelFunc
}

// backends are the stores one Limiter counts in.
type backends struct {
	// redis is nil when counting in memory only.
	redis *redisBackend
	// memory is the store when redis is nil, and the fallback store when
	// OnStoreError is "fallback". Otherwise nil.
	memory limiter.Store
}

// New validates opts and builds a Limiter. With a Redis store it pings once
// (bounded by ctx and a short timeout) but does not fail when Redis is
// down: it starts degraded, logs one warning, and resumes shared counting
// as soon as a probe succeeds. Start-up order between the gateway and its
// Redis therefore does not matter. New fails only on invalid options or
// when ctx ends during the ping.
func New(ctx context.Context, opts Options) (*Limiter, error) {
	s, err := opts.validate()
	if err != nil {
		return nil, err
	}
	l := &Limiter{s: s}
	// Probes outlive New's ctx (often a start-up deadline); Close ends them.
	l.probeCtx, l.stopProbes = context.WithCancel(context.Background())
	b := &backends{}
	if s.store == StoreMemory || s.onStoreError == OnErrorFallback {
		b.memory = memory.NewStoreWithOptions(limiter.StoreOptions{
			Prefix:          s.prefix,
			CleanUpInterval: limiter.DefaultCleanUpInterval,
		})
	}
	if s.store == StoreRedis {
		client, err := newRedisClient(s.redisURL, s.storeTimeout)
		if err != nil {
			return nil, err
		}
		b.redis = &redisBackend{client: client, prefix: s.prefix, refundScript: newRefundScript()}
		pctx, cancel := context.WithTimeout(ctx, probeTimeout(s.storeTimeout))
		err = b.redis.check(pctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				_ = client.Close()
				return nil, fmt.Errorf("ratelimit: start: %w", ctx.Err())
			}
			l.degraded.Store(true)
			l.nextProbe.Store(s.now().Add(probeInterval).UnixNano())
			s.logger.Warn("ratelimit: Redis unavailable at start-up; "+l.outageNote(),
				"on_store_error", s.onStoreError, "err", err)
		}
	}
	l.b.Store(b)
	if l.degraded.Load() {
		l.startProbeLoop(b.redis)
	}
	return l, nil
}

// Degraded reports whether Redis is being bypassed because it failed. It is
// meant for a metrics gauge and the readiness report; it is always false
// for a memory store.
func (l *Limiter) Degraded() bool { return l.degraded.Load() }

// Policies reports the configured policy names and their rates, for the
// start-up log and the docs page.
func (l *Limiter) Policies() map[string]string {
	out := make(map[string]string, len(l.s.rates))
	for name, r := range l.s.rates {
		out[name] = r.Formatted
	}
	return out
}

// Close stops recovery probes and closes the Redis client. Later calls
// return ErrClosed. limiter's memory store runs a cleanup goroutine that it
// stops only when the store is garbage collected; Close drops every
// reference to it so that happens even if the Limiter value itself lives on.
func (l *Limiter) Close() error {
	b := l.b.Swap(nil)
	if b == nil {
		return nil
	}
	l.probeMu.Lock()
	l.stopped = true
	l.probeMu.Unlock()
	l.stopProbes()
	var err error
	if b.redis != nil {
		// Closing the client first makes a probe stuck in script loading
		// (which ignores contexts) fail now instead of at its socket timeout.
		if cerr := b.redis.client.Close(); cerr != nil {
			err = fmt.Errorf("ratelimit: close redis: %w", cerr)
		}
	}
	l.probes.Wait()
	return err
}
