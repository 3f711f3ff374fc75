package ratelimit

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/ulule/limiter/v3"
)

// refundScript gives one request back to a live Redis counter. DECR keeps
// the key's TTL, so the window does not move; a missing key (the window
// already ended) or a counter at zero is left alone, so a refund can never
// create budget the window did not have. One script makes the check and
// the decrement atomic against concurrent takes on the same key.
const refundScript = `
local v = tonumber(redis.call("get", KEYS[1]))
if v and v > 0 then
	return redis.call("decr", KEYS[1])
end
return 0
`

// newRefundScript is built once per backend; Run uses EVALSHA and loads
// the script on NOSCRIPT (after a Redis restart).
func newRefundScript() *redis.Script { return redis.NewScript(refundScript) }

// refund runs refundScript on the key limiter's store would use for k.
func (b *redisBackend) refund(ctx context.Context, k string) error {
	if err := b.refundScript.Run(ctx, b.client, []string{b.prefix + ":" + k}).Err(); err != nil {
		return fmt.Errorf("ratelimit: redis refund: %w", err)
	}
	return nil
}

// pastWindow is the period a memory refund passes to limiter's counter.
// limiter's memory counter adds under its own mutex and, when the counter is
// missing or expired, starts a new one with now+period as its end. With a
// period in the past that new counter is born expired, so a refund that
// arrives after its window ended changes nothing instead of opening the next
// window at -1 (one extra guess).
const pastWindow = -time.Nanosecond

// Refund gives back one request that Take counted for key under policy,
// for work that turned out not to deserve counting (a successful login).
// It counts where Take would count now: Redis while it is healthy, the
// memory fallback during an outage, nowhere under OnStoreError allow or
// deny. A refund never takes a live counter below zero in Redis, and never
// touches a window that has ended. Store failures degrade the Limiter like
// Take's do and are not returned; only ErrUnknownPolicy, ErrClosed or ctx's
// error are.
func (l *Limiter) Refund(ctx context.Context, policy, key string) error {
	b, rate, err := l.lookup(policy)
	if err != nil {
		return err
	}
	k := storeKey(policy, key)
	if b.redis != nil {
		if st := b.redis.ready(); st != nil && !l.degraded.Load() {
			rctx, cancel := context.WithTimeout(ctx, l.s.storeTimeout)
			err := b.redis.refund(rctx, k)
			cancel()
			if err == nil {
				l.recordSuccess()
				return nil
			}
			if ctx.Err() != nil {
				return fmt.Errorf("ratelimit: %s: %w", policy, ctx.Err())
			}
			l.recordFailure(err, b.redis)
		} else {
			l.maybeProbe(b.redis)
		}
		if l.s.onStoreError != OnErrorFallback {
			return nil
		}
	}
	if _, err := b.memory.Increment(ctx, k, -1, limiter.Rate{Period: pastWindow, Limit: rate.Limit}); err != nil {
		return fmt.Errorf("ratelimit: %s: memory store refund: %w", policy, err)
	}
	return nil
}
