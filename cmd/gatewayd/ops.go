package main

import (
	"context"
	"errors"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/authcore/postgres"
	"github.com/authgate/gatewayd/authcore/sqlite"
	"github.com/authgate/gatewayd/config"
	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/metrics"
	"github.com/authgate/gatewayd/ratelimit"
)

// errStoreDegraded reports a rate limiter that has stopped using Redis
// even though Redis may answer a ping again (it resumes on its next probe).
var errStoreDegraded = errors.New("rate limiter is bypassing Redis")

// readyChecks are the dependencies /readyz probes.
//
// The database is required: without it nobody can log in or refresh.
// Redis is reported but Optional: every replica shares the same Redis, so
// failing readiness on it would take the whole fleet out of rotation at
// once, turning "rate limits are counted per instance (fallback), not at all
// (allow), or refused (deny)" into "everything is down". In deny mode the
// limited endpoints answer 503 meanwhile; unlimited routes keep working.
func readyChecks(cfg *config.Config, st store, limiter *ratelimit.Limiter) []gateway.ReadyCheck {
	checks := []gateway.ReadyCheck{{Name: "database", Check: st.Ping}}
	if cfg.LimiterOptions().ResolvedStore() == ratelimit.StoreRedis {
		checks = append(checks, gateway.ReadyCheck{
			Name:     "redis",
			Optional: true,
			Check: func(ctx context.Context) error {
				if limiter.Degraded() {
					return errStoreDegraded
				}
				return limiter.Ping(ctx)
			},
		})
	}
	return checks
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

// poolStats adapts each store's pool snapshot to metrics.DBPoolStats, or
// returns nil for a store that has none.
func poolStats(st store) func() metrics.DBPoolStats {
	switch s := st.(type) {
	case *postgres.Store:
		return func() metrics.DBPoolStats {
			p := s.Stats()
			return metrics.DBPoolStats{
				InUse: int64(p.AcquiredConns), Idle: int64(p.IdleConns), Open: int64(p.TotalConns),
				MaxOpen: int64(p.MaxConns), WaitCount: p.EmptyAcquireCount,
			}
		}
	case *sqlite.Store:
		return func() metrics.DBPoolStats {
			p := s.Stats()
			return metrics.DBPoolStats{
				InUse: int64(p.InUse), Idle: int64(p.Idle), Open: int64(p.Open),
				MaxOpen: int64(p.MaxOpen), WaitCount: p.WaitCount,
			}
		}
	}
	return nil
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
