package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/authgate/gatewayd/config"
	"github.com/authgate/gatewayd/ratelimit"
)

// limiterOptions maps the ratelimit section and each route's rate_limit to
// ratelimit.Options. Every route with a rate_limit gets its own policy
// (ratelimit.RoutePolicy(name)), so the gateway can refuse unknown policies
// instead of silently not limiting a route whose policy was never
// registered.
func limiterOptions(cfg *config.Config, log *slog.Logger) ratelimit.Options {
	rl := cfg.RateLimit
	policies := map[string]string{
		ratelimit.PolicyLogin:        rl.Login,
		ratelimit.PolicyRegister:     rl.Register,
		ratelimit.PolicyRefresh:      rl.Refresh,
		ratelimit.PolicyLogout:       rl.Logout,
		ratelimit.PolicyLoginAccount: rl.LoginAccount,
	}
	for _, r := range cfg.Routes {
		if r.RateLimit != "" {
			policies[ratelimit.RoutePolicy(r.Name)] = r.RateLimit
		}
	}
	return ratelimit.Options{
		Store:        rl.ResolvedStore(),
		RedisURL:     rl.RedisURL.Reveal(),
		Prefix:       rl.Prefix,
		OnStoreError: rl.OnStoreError,
		StoreTimeout: rl.StoreTimeout,
		DegradeAfter: rl.DegradeAfter,
		Policies:     policies,
		Logger:       log,
	}
}

// newLimiter builds the process's one Limiter. It does not fail when Redis
// is down (the limiter starts degraded and recovers on its own), only on
// options config validation should already have rejected.
func newLimiter(ctx context.Context, cfg *config.Config, log *slog.Logger) (*ratelimit.Limiter, error) {
	l, err := ratelimit.New(ctx, limiterOptions(cfg, log))
	if err != nil {
		return nil, fmt.Errorf("rate limiter: %w", err)
	}
	log.Info("rate limits", "store", cfg.RateLimit.ResolvedStore(),
		"on_store_error", cfg.RateLimit.OnStoreError, "degraded", l.Degraded(),
		"policies", l.Policies())
	return l, nil
}
