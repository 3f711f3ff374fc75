package ratelimit

import (
	"context"
	"fmt"
	"time"

	"github.com/ulule/limiter/v3"
)

// op is one store operation; Take and Peek differ only in which one runs
// and in how its result reads.
type op func(ctx context.Context, st limiter.Store, key string, rate limiter.Rate) (Decision, error)

func takeOp(ctx context.Context, st limiter.Store, key string, rate limiter.Rate) (Decision, error) {
	c, err := st.Get(ctx, key, rate)
	return decisionFrom(c), err
}

func peekOp(ctx context.Context, st limiter.Store, key string, rate limiter.Rate) (Decision, error) {
	c, err := st.Peek(ctx, key, rate)
	return peekDecision(c), err
}

// Take counts one request of key under policy and reports the counter. When
// the request is over the limit, Decision.Reached is true and err is a
// *LimitedError (errors.Is(err, ErrLimited)); a caller can therefore write
// headers from the Decision and then return err. With Redis it costs one
// round trip (a single EVALSHA), bounded by Options.StoreTimeout.
//
// key is the caller's choice (client IP, user id, email); Key says how it
// is escaped. Store failures do not surface here: they are answered by the
// OnStoreError policy. Errors other than *LimitedError are ErrUnknownPolicy,
// ErrClosed, or ctx's own error when the caller gave up.
func (l *Limiter) Take(ctx context.Context, policy, key string) (Decision, error) {
	return l.run(ctx, takeOp, policy, key)
}

// Peek reports the counter without counting. Its Decision.Reached (and
// *LimitedError) means no budget is left, i.e. the next Take would be
// refused. It costs one round trip, like Take.
func (l *Limiter) Peek(ctx context.Context, policy, key string) (Decision, error) {
	return l.run(ctx, peekOp, policy, key)
}

func (l *Limiter) run(ctx context.Context, do op, policy, key string) (Decision, error) {
	b, rate, err := l.lookup(policy)
	if err != nil {
		return Decision{}, err
	}
	k := storeKey(policy, key)
	if b.redis != nil {
		if st := b.redis.ready(); st != nil && !l.degraded.Load() {
			rctx, cancel := context.WithTimeout(ctx, l.s.storeTimeout)
			d, err := do(rctx, st, k, rate)
			cancel()
			if err == nil {
				l.recordSuccess()
				return result(policy, d, l.s.now())
			}
			if ctx.Err() != nil {
				// The caller left (client gone, server shutting down);
				// that says nothing about Redis, so stay healthy.
				return Decision{}, fmt.Errorf("ratelimit: %s: %w", policy, ctx.Err())
			}
			// This request is answered by OnStoreError below either way;
			// the Limiter as a whole degrades only after DegradeAfter
			// failures in a row.
			l.recordFailure(err, b.redis)
		} else {
			l.maybeProbe(b.redis)
		}
		switch l.s.onStoreError {
		case OnErrorAllow:
			// Not counting: report a full budget rather than invent one.
			return Decision{Limit: rate.Limit, Remaining: rate.Limit, Reset: l.windowEnd(rate.Period)}, nil
		case OnErrorDeny:
			// Ask clients to come back after the next probe, not after a
			// whole window that may be an hour long.
			d := Decision{Limit: rate.Limit, Reset: l.windowEnd(probeInterval), Reached: true}
			return result(policy, d, l.s.now())
		}
	}
	d, err := do(ctx, b.memory, k, rate)
	if err != nil {
		return Decision{}, fmt.Errorf("ratelimit: %s: memory store: %w", policy, err)
	}
	return result(policy, d, l.s.now())
}

// Reset forgets key's counter under policy (used when a login succeeds).
// While Redis is degraded the shared counter cannot be cleared; the call
// still succeeds, because failing a good login over it would be worse.
func (l *Limiter) Reset(ctx context.Context, policy, key string) error {
	b, rate, err := l.lookup(policy)
	if err != nil {
		return err
	}
	k := storeKey(policy, key)
	if b.memory != nil {
		// Also clear the fallback counter, so counts from an earlier outage
		// cannot lock the account during the next one.
		if _, err := b.memory.Reset(ctx, k, rate); err != nil {
			return fmt.Errorf("ratelimit: %s: memory store reset: %w", policy, err)
		}
	}
	if b.redis == nil {
		return nil
	}
	st := b.redis.ready()
	if st == nil || l.degraded.Load() {
		l.maybeProbe(b.redis)
		return nil
	}
	rctx, cancel := context.WithTimeout(ctx, l.s.storeTimeout)
	_, err = st.Reset(rctx, k, rate)
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("ratelimit: %s: %w", policy, ctx.Err())
		}
		l.recordFailure(err, b.redis)
		return nil
	}
	l.recordSuccess()
	return nil
}

func (l *Limiter) lookup(policy string) (*backends, limiter.Rate, error) {
	rate, ok := l.s.rates[policy]
	if !ok {
		return nil, limiter.Rate{}, fmt.Errorf("ratelimit: policy %q: %w", policy, ErrUnknownPolicy)
	}
	b := l.b.Load()
	if b == nil {
		return nil, limiter.Rate{}, ErrClosed
	}
	return b, rate, nil
}

func (l *Limiter) windowEnd(d time.Duration) time.Time {
	return l.s.now().Add(d).Truncate(time.Second).Add(time.Second)
}
