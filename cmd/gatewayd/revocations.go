package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/config"
	"github.com/authgate/gatewayd/ratelimit"
)

// revocationMargin widens the window of revocations a replica keeps beyond
// the longest a token is accepted (access_ttl + leeway), for clock skew
// between the replica that revoked and the one that checks.
const revocationMargin = time.Minute

// revocationWindow is how far back revocations still matter: a token
// issued before an older cutoff has expired anyway.
func revocationWindow(cfg *config.Config) time.Duration {
	return cfg.JWT.AccessTTL + cfg.JWT.Leeway + revocationMargin
}

// newRevocationBus builds the Redis pub/sub bus when ratelimit.redis_url
// is set (the one Redis the gateway uses), or returns nil: the embedded
// single-node default needs none, since revocations apply in-process.
func newRevocationBus(cfg *config.Config, log *slog.Logger) (*ratelimit.RevocationBus, error) {
	if cfg.RateLimit.RedisURL == "" {
		return nil, nil
	}
	return ratelimit.NewRevocationBus(ratelimit.BusOptions{
		RedisURL: cfg.RateLimit.RedisURL.Reveal(),
		Prefix:   cfg.RateLimit.Prefix,
		Logger:   log,
	})
}

// publisherOf avoids handing the Service a non-nil interface holding a nil
// *RevocationBus.
func publisherOf(bus *ratelimit.RevocationBus) authcore.RevocationPublisher {
	if bus == nil {
		return nil
	}
	return bus
}

// syncRevocations keeps c.revocations current until ctx ends (issue 13 §2):
// the Redis subscription applies each revocation as it is published and
// triggers a catch-up from the database on every (re)subscription; the
// poll every interval bounds propagation when Redis is absent or down.
// The caller has done the initial load.
func syncRevocations(ctx context.Context, c *core, bus *ratelimit.RevocationBus, cfg *config.Config, log *slog.Logger) {
	window := revocationWindow(cfg)
	sync := func() {
		if _, err := c.revocations.Sync(ctx, c.store, time.Now(), window); err != nil && ctx.Err() == nil {
			log.Warn("poll revocations", "err", err)
		}
	}
	if bus != nil {
		go bus.Run(ctx, func(rev authcore.Revocation) { c.revocations.Apply(rev) }, sync)
	}
	t := time.NewTicker(cfg.Auth.RevocationPollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			sync()
		}
	}
}
