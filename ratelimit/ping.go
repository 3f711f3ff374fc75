package ratelimit

import (
	"context"
	"fmt"
)

// Ping asks the shared store whether it answers, for the readiness probe.
// It is nil for a memory store. Unlike Degraded, which reflects what the
// last request or background probe saw, Ping asks now; it does not change
// the degraded state (recovery stays with the probes, which also reload the
// counting scripts).
func (l *Limiter) Ping(ctx context.Context) error {
	b := l.b.Load()
	if b == nil {
		return ErrClosed
	}
	if b.redis == nil {
		return nil
	}
	if err := b.redis.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ratelimit: redis ping: %w", err)
	}
	return nil
}
