package config

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Rate-limit store kinds and store-failure policies.
const (
	StoreMemory = "memory"
	StoreRedis  = "redis"

	// OnStoreErrorFallback counts in process memory while Redis is down:
	// limits stay on, just per replica.
	OnStoreErrorFallback = "fallback"
	// OnStoreErrorAllow fails open: no limits while Redis is down.
	OnStoreErrorAllow = "allow"
	// OnStoreErrorDeny fails closed: limited endpoints answer 429 with a short Retry-After.
	OnStoreErrorDeny = "deny"
)

// RateLimit configures the per-IP limits on /auth and the per-account
// login limit. Rates use ulule/limiter's "<count>-<S|M|H|D>" format.
type RateLimit struct {
	// Store is memory, redis, or "" for redis when RedisURL is set and
	// memory otherwise.
	Store        string        `mapstructure:"store" json:"store"`
	RedisURL     Secret        `mapstructure:"redis_url" json:"redis_url"`
	Prefix       string        `mapstructure:"prefix" json:"prefix"`
	OnStoreError string        `mapstructure:"on_store_error" json:"on_store_error"`
	StoreTimeout time.Duration `mapstructure:"store_timeout" json:"store_timeout"`
	// DegradeAfter is how long Redis calls must keep failing before the
	// instance switches to on_store_error (ratelimit.Options.DegradeAfter).
	DegradeAfter time.Duration `mapstructure:"degrade_after" json:"degrade_after"`
	Login        string        `mapstructure:"login" json:"login"`
	Register     string        `mapstructure:"register" json:"register"`
	Refresh      string        `mapstructure:"refresh" json:"refresh"`
	Logout       string        `mapstructure:"logout" json:"logout"`
	// LoginAccount limits attempts per target account, whatever the source
	// IP, which is what slows down a distributed password guess.
	LoginAccount string `mapstructure:"login_account" json:"login_account"`
}

// ResolvedStore returns the store to use, resolving "" (auto): Redis when
// a URL is configured, memory otherwise.
func (r RateLimit) ResolvedStore() string {
	if r.Store != "" {
		return r.Store
	}
	if r.RedisURL != "" {
		return StoreRedis
	}
	return StoreMemory
}

var (
	rateRe   = regexp.MustCompile(`^\d+-[SMHD]$`)
	prefixRe = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
)

// validateRate checks one ulule-format rate such as "5-M".
func validateRate(ps *Problems, key, rate string) {
	if !rateRe.MatchString(rate) {
		ps.addf(key, "%q is not a rate; use <count>-<S|M|H|D>, e.g. \"10-M\" for ten per minute", rate)
		return
	}
	n, err := strconv.ParseInt(strings.SplitN(rate, "-", 2)[0], 10, 64)
	if err != nil || n < 1 {
		ps.addf(key, "%q must allow at least 1 request per period", rate)
	}
}

// maxDegradeAfter mirrors ratelimit.MaxDegradeAfter.
const maxDegradeAfter = 10 * time.Second

// validate checks the ratelimit section.
func (r RateLimit) validate(ps *Problems) {
	switch r.Store {
	case "", StoreMemory, StoreRedis:
	default:
		ps.addf("ratelimit.store", "must be %s, %s or empty (auto)", StoreMemory, StoreRedis)
	}
	if r.Store == StoreRedis && r.RedisURL == "" {
		ps.addf("ratelimit.redis_url", "is required when ratelimit.store is redis (set REDIS_URL)")
	}
	if r.RedisURL != "" && !validRedisURL(r.RedisURL.Reveal()) {
		// Never echo the URL: it may carry the Redis password.
		ps.addf("ratelimit.redis_url", "not a valid URL (scheme must be redis:// or rediss://, with a host)")
	}
	switch r.OnStoreError {
	case OnStoreErrorFallback, OnStoreErrorAllow, OnStoreErrorDeny:
	default:
		ps.addf("ratelimit.on_store_error", "must be %s, %s or %s", OnStoreErrorFallback, OnStoreErrorAllow, OnStoreErrorDeny)
	}
	if !prefixRe.MatchString(r.Prefix) {
		ps.addf("ratelimit.prefix", "%q must be non-empty and use only letters, digits, _, - and . (it starts every Redis key)", r.Prefix)
	}
	positiveDuration(ps, "ratelimit.store_timeout", r.StoreTimeout)
	// Same bound as ratelimit.MaxDegradeAfter, so config check refuses what
	// serve refuses (config imports no project package).
	if r.DegradeAfter <= 0 || r.DegradeAfter > maxDegradeAfter {
		ps.addf("ratelimit.degrade_after", "must be more than 0s and at most %s", maxDegradeAfter)
	}
	validateRate(ps, "ratelimit.login", r.Login)
	validateRate(ps, "ratelimit.register", r.Register)
	validateRate(ps, "ratelimit.refresh", r.Refresh)
	validateRate(ps, "ratelimit.logout", r.Logout)
	validateRate(ps, "ratelimit.login_account", r.LoginAccount)
}
