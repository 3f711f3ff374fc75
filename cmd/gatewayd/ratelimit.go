package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/authgate/gatewayd/config"
	"github.com/authgate/gatewayd/ratelimit"
)

// limiterOptions is config's ratelimit.Options (config.LimiterOptions)
// with the process logger.
func limiterOptions(cfg *config.Config, log *slog.Logger) ratelimit.Options {
	o := cfg.LimiterOptions()
	o.Logger = log
	return o
}

// newLimiter builds the process's one Limiter. It does not fail when Redis
// is down (the limiter starts degraded and recovers on its own), only on
// options config validation should already have rejected.
func newLimiter(ctx context.Context, cfg *config.Config, log *slog.Logger) (*ratelimit.Limiter, error) {
	l, err := ratelimit.New(ctx, limiterOptions(cfg, log))
	if err != nil {
		return nil, fmt.Errorf("rate limiter: %w", err)
	}
	log.Info("rate limits", "store", cfg.LimiterOptions().ResolvedStore(),
		"on_store_error", cfg.RateLimit.OnStoreError, "degraded", l.Degraded(),
		"policies", l.Policies())
	return l, nil
}
