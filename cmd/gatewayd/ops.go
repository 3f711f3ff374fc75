package main

import (
	"context"
	"errors"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/config"
	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/metrics"
	"github.com/authgate/gatewayd/ratelimit"
)

// readyChecks wires the gateway's readiness policy
// (gateway.DependencyChecks): the limiter counts as a shared store only
// when it uses Redis.
func readyChecks(cfg *config.Config, st store, limiter *ratelimit.Limiter) []gateway.ReadyCheck {
	var shared gateway.SharedStore
	if cfg.LimiterOptions().ResolvedStore() == ratelimit.StoreRedis {
		shared = limiter
	}
	return gateway.DependencyChecks(st.Ping, shared)
}

// watchComponents registers the metrics read from components at scrape
// time: hasher load, rate-limit store health and the database pool.
func watchComponents(m *metrics.Metrics, c *core, limiter *ratelimit.Limiter) error {
	if err := m.WatchHasher(c.hasher); err != nil {
		return err
	}
	if err := m.WatchRateLimitStore(limiter.Degraded); err != nil {
		return err
	}
	if stats := poolStats(c.store); stats != nil {
		return m.WatchDBPool(stats)
	}
	return nil
}

// poolStats adapts a store's pool snapshot (authcore.PoolReporter) to
// metrics.DBPoolStats, or returns nil for a store that keeps no pool.
func poolStats(st store) func() metrics.DBPoolStats {
	r, ok := st.(authcore.PoolReporter)
	if !ok {
		return nil
	}
	return func() metrics.DBPoolStats {
		p := r.Stats()
		return metrics.DBPoolStats{InUse: p.InUse, Idle: p.Idle, Open: p.Open, MaxOpen: p.MaxOpen, WaitCount: p.WaitCount}
	}
}

// countedLimiter reports every rate-limit decision of the gateway's
// middleware to the metrics, without the gateway or ratelimit knowing
// about Prometheus.
type countedLimiter struct {
	next gateway.RateLimiter
	m    *metrics.Metrics
}

var _ gateway.RateLimiter = countedLimiter{}

// Take counts one request under policy and records the outcome.
func (l countedLimiter) Take(ctx context.Context, policy, key string) (ratelimit.Decision, error) {
	d, err := l.next.Take(ctx, policy, key)
	l.m.RateLimitDecision(policy, outcome(err))
	return d, err
}

// countedThrottle reports the per-account login decisions (policy
// login_account) the same way. Only Take decides; Refund only gives back.
type countedThrottle struct {
	next authcore.LoginThrottle
	m    *metrics.Metrics
}

var _ authcore.LoginThrottle = countedThrottle{}

// Take claims the account's slot for one login attempt.
func (t countedThrottle) Take(ctx context.Context, email string) error {
	err := t.next.Take(ctx, email)
	t.m.RateLimitDecision(ratelimit.PolicyLoginAccount, outcome(err))
	return err
}

// Refund gives back the slot of an attempt that was not a failed guess.
func (t countedThrottle) Refund(ctx context.Context, email string) error {
	return t.next.Refund(ctx, email)
}

func outcome(err error) metrics.RateLimitOutcome {
	switch {
	case err == nil:
		return metrics.RateLimitAllowed
	case errors.Is(err, ratelimit.ErrLimited):
		return metrics.RateLimitLimited
	default:
		return metrics.RateLimitError
	}
}
