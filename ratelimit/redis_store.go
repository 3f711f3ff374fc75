package ratelimit

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/ulule/limiter/v3"
	redisstore "github.com/ulule/limiter/v3/drivers/store/redis"
)

// minProbeTimeout bounds start-up and recovery probes. They run outside
// any request, so they may wait longer than StoreTimeout: a TLS handshake to
// a remote Redis can take longer than a request budget, and a probe that
// always timed out would keep the Limiter degraded forever.
const minProbeTimeout = 500 * time.Millisecond

func probeTimeout(storeTimeout time.Duration) time.Duration {
	return max(storeTimeout, minProbeTimeout)
}

// probePolicy names the health probe's counter. Configured policy names
// cannot start with '_', so it never shares a counter with real traffic.
const probePolicy = "_probe"

// newRedisClient builds the client with settings chosen for a limiter, not
// for a cache: a limiter answer that comes late is worth less than a
// fallback answer that comes now.
func newRedisClient(raw string, storeTimeout time.Duration) (redis.UniversalClient, error) {
	o, err := ParseRedisURL(raw)
	if err != nil {
		return nil, err
	}
	// No command retries: a retry doubles the latency Redis adds to a
	// request, and the counting script is not idempotent (an INCR whose
	// reply was lost would count twice). -1 is go-redis for "none".
	o.MaxRetries = -1
	o.DialerRetries = 1
	// Honour the per-call context deadline (StoreTimeout) on the socket;
	// without this go-redis uses only Read/WriteTimeout.
	o.ContextTimeoutEnabled = true
	// The socket timeouts only matter where no context deadline applies
	// (limiter loads its Lua scripts with context.Background()), so they
	// take the longer probe budget unless the URL set them.
	pt := probeTimeout(storeTimeout)
	if o.DialTimeout == 0 {
		o.DialTimeout = pt
	}
	if o.ReadTimeout == 0 {
		o.ReadTimeout = pt
	}
	if o.WriteTimeout == 0 {
		o.WriteTimeout = pt
	}
	if o.PoolTimeout == 0 {
		o.PoolTimeout = storeTimeout
	}
	// Skip CLIENT SETINFO on each new connection: one round trip fewer
	// when reconnecting after an outage.
	o.DisableIdentity = true
	return redis.NewUniversalClient(o), nil
}

// redisBackend owns the client and the limiter store over it. limiter's
// store loads its Lua scripts when it is built, which needs a live server,
// so the store is built on the first successful probe rather than in New.
type redisBackend struct {
	client       redis.UniversalClient
	prefix       string
	refundScript *redis.Script

	mu    sync.Mutex // serializes building the store
	store atomic.Pointer[storeRef]
}

type storeRef struct{ limiter.Store }

// ready returns the store, or nil before the first successful probe.
func (b *redisBackend) ready() limiter.Store {
	if r := b.store.Load(); r != nil {
		return r.Store
	}
	return nil
}

// check proves Redis answers and that the counting scripts are loaded, so
// that after a restart (which empties the script cache) the reload happens
// here and not inside a request's StoreTimeout.
func (b *redisBackend) check(ctx context.Context) error {
	st, err := b.build(ctx)
	if err != nil {
		return err
	}
	// Count on a private key with the same script requests use, so a
	// server that answers reads but refuses writes (a replica after a
	// failover, OOM) is not declared healthy only to fail the next request.
	// limiter reloads the scripts on NOSCRIPT. The key lives one second.
	if _, err := st.Get(ctx, storeKey(probePolicy, ""), limiter.Rate{Period: time.Second, Limit: 1}); err != nil {
		return fmt.Errorf("ratelimit: redis probe: %w", err)
	}
	return nil
}

func (b *redisBackend) build(ctx context.Context) (limiter.Store, error) {
	if st := b.ready(); st != nil {
		return st, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if st := b.ready(); st != nil {
		return st, nil
	}
	// Ping under ctx first: limiter's constructor ignores contexts, so this
	// is what keeps a dead server from costing more than the probe budget.
	if err := b.client.Ping(ctx).Err(); err != nil {
		return nil, fmt.Errorf("ratelimit: redis ping: %w", err)
	}
	st, err := redisstore.NewStoreWithOptions(b.client, limiter.StoreOptions{Prefix: b.prefix})
	if err != nil {
		return nil, fmt.Errorf("ratelimit: redis load scripts: %w", err)
	}
	b.store.Store(&storeRef{st})
	return st, nil
}
