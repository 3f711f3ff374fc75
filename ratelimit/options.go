package ratelimit

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/authgate/gatewayd/internal/fielderr"
	"github.com/ulule/limiter/v3"
)

// Store kinds for Options.Store.
const (
	// StoreMemory counts per gateway instance; right for one instance or dev.
	StoreMemory = "memory"
	// StoreRedis counts in one Redis shared by every instance, so a budget
	// is not multiplied by the number of replicas.
	StoreRedis = "redis"
)

// Failure modes for Options.OnStoreError: what a request gets while Redis
// cannot be reached.
const (
	// OnErrorFallback counts in a per-instance memory store. Limits stay
	// enforced (per instance instead of globally), which keeps brute-force
	// protection on without making Redis a single point of failure.
	OnErrorFallback = "fallback"
	// OnErrorAllow lets every request through: availability over protection.
	OnErrorAllow = "allow"
	// OnErrorDeny refuses every request: protection over availability.
	OnErrorDeny = "deny"
)

// Defaults applied by New when the corresponding option is zero.
const (
	DefaultPrefix       = "gatewayd"
	DefaultStoreTimeout = 50 * time.Millisecond
	// DefaultDegradeAfter is how long Redis calls must keep failing, with
	// no success in between, before the Limiter stops asking Redis (issue
	// 11). Counting failures in a row is not enough: a CPU stall makes every
	// in-flight call miss StoreTimeout at once, dozens "in a row". Measured
	// with both cores saturated (bench/redisflap), stalls that fail every
	// call for this long did not happen, while during a real outage the
	// switch comes half a second later, each request in between costing at
	// most StoreTimeout and still answered by OnStoreError.
	DefaultDegradeAfter = 500 * time.Millisecond
	// MaxDegradeAfter bounds DegradeAfter: beyond it a real outage would
	// cost too many requests a full StoreTimeout each before the switch.
	MaxDegradeAfter = 10 * time.Second
)

// Options configure a Limiter. The zero value is a working in-memory limiter
// with the default policies.
type Options struct {
	// Store is StoreMemory or StoreRedis. Empty means StoreRedis when
	// RedisURL is set and StoreMemory otherwise. StoreRedis without a
	// RedisURL is an error rather than a silent per-instance fallback,
	// because an operator who asked for shared limits must not get N
	// independent budgets by accident.
	Store string
	// RedisURL selects the server(s); see ParseRedisURL for the accepted
	// forms (single node, Sentinel, Cluster). It may carry a password, so
	// callers should not log it.
	RedisURL string
	// Prefix starts every Redis key, so several deployments can share one
	// Redis. Letters, digits, '_', '-' and '.' only. Default "gatewayd".
	Prefix string
	// OnStoreError is OnErrorFallback (default), OnErrorAllow or OnErrorDeny.
	OnStoreError string
	// StoreTimeout bounds every Redis call made for a request. It is the
	// most latency Redis can add to a request. Default 50ms.
	StoreTimeout time.Duration
	// DegradeAfter is how long Redis calls must keep failing, with no
	// success in between, before the Limiter switches to OnStoreError until
	// a background probe succeeds. A failed call before that is answered by
	// OnStoreError on its own. Zero means DefaultDegradeAfter; at most
	// MaxDegradeAfter. A tiny value (1ns) degrades at the second failure in
	// a row.
	DegradeAfter time.Duration
	// Policies maps a policy name to a rate in limiter's format
	// "<limit>-<S|M|H|D>", e.g. "10-M". Entries override DefaultPolicies
	// and add per-route policies (named with RoutePolicy).
	Policies map[string]string
	// Logger receives the degraded/recovered warnings. Nil discards.
	Logger *slog.Logger
	// Now is the clock for Retry-After and the probe gate. Nil means
	// time.Now. (The stores' window arithmetic uses the wall clock.)
	Now func() time.Time
}

// settings are Options after defaults and validation; immutable after New.
type settings struct {
	store        string
	redisURL     string
	prefix       string
	onStoreError string
	storeTimeout time.Duration
	degradeAfter time.Duration
	rates        map[string]limiter.Rate
	logger       *slog.Logger
	now          func() time.Time
}

// ResolvedStore is the store New will use: Store, or for "" StoreRedis
// when a RedisURL is set and StoreMemory otherwise.
func (o Options) ResolvedStore() string {
	switch {
	case o.Store != "":
		return o.Store
	case o.RedisURL != "":
		return StoreRedis
	}
	return StoreMemory
}

// Validate reports every problem with o at once, after the documented
// zero defaults, as joined *fielderr.Error values naming the field
// ("RedisURL", "Policies[login]"), so an operator fixes the whole
// configuration in one pass. New refuses exactly what Validate refuses;
// it opens nothing, so cmd's plan and `config check` run it first.
func (o Options) Validate() error {
	_, err := o.validate()
	return err
}

// validate applies defaults and reports every problem at once.
func (o Options) validate() (settings, error) {
	s := settings{
		store:        o.Store,
		redisURL:     o.RedisURL,
		prefix:       o.Prefix,
		onStoreError: o.OnStoreError,
		storeTimeout: o.StoreTimeout,
		degradeAfter: o.DegradeAfter,
		rates:        make(map[string]limiter.Rate),
		logger:       o.Logger,
		now:          o.Now,
	}
	var problems []error
	s.store = o.ResolvedStore()
	switch s.store {
	case StoreMemory:
	case StoreRedis:
		if s.redisURL == "" {
			problems = append(problems, fielderr.New("RedisURL", "is required when the store is redis"))
		} else if _, err := ParseRedisURL(s.redisURL); err != nil {
			problems = append(problems, fielderr.Wrap("RedisURL", err))
		}
	default:
		problems = append(problems, fielderr.New("Store", "%q: want %q, %q or empty (redis when a URL is set)", s.store, StoreMemory, StoreRedis))
	}
	if s.prefix == "" {
		s.prefix = DefaultPrefix
	}
	if !validName(s.prefix, false) {
		problems = append(problems, fielderr.New("Prefix", "%q: use letters, digits, '_', '-' and '.' (it starts every Redis key)", s.prefix))
	}
	if s.onStoreError == "" {
		s.onStoreError = OnErrorFallback
	}
	switch s.onStoreError {
	case OnErrorFallback, OnErrorAllow, OnErrorDeny:
	default:
		problems = append(problems, fielderr.New("OnStoreError", "%q: want %q, %q or %q",
			s.onStoreError, OnErrorFallback, OnErrorAllow, OnErrorDeny))
	}
	if s.storeTimeout == 0 {
		s.storeTimeout = DefaultStoreTimeout
	}
	if s.storeTimeout < 0 {
		problems = append(problems, fielderr.New("StoreTimeout", "%v: must be positive (0 means %v)", s.storeTimeout, DefaultStoreTimeout))
	}
	if s.degradeAfter == 0 {
		s.degradeAfter = DefaultDegradeAfter
	}
	if s.degradeAfter < 0 || s.degradeAfter > MaxDegradeAfter {
		problems = append(problems, fielderr.New("DegradeAfter", "%v: want more than 0 and at most %v (0 means %v)", s.degradeAfter, MaxDegradeAfter, DefaultDegradeAfter))
	}
	policies := DefaultPolicies()
	maps.Copy(policies, o.Policies)
	for _, name := range slices.Sorted(maps.Keys(policies)) {
		rate, err := parseRate(policies[name])
		if err != nil {
			problems = append(problems, fielderr.Wrap("Policies["+name+"]", err))
			continue
		}
		if !validPolicyName(name) {
			problems = append(problems, fielderr.New("Policies["+name+"]", "policy name %q: use letters, digits, '_', '-', '.' and ':' between parts, not starting with '_'", name))
			continue
		}
		s.rates[name] = rate
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if len(problems) > 0 {
		return settings{}, fmt.Errorf("ratelimit: invalid options: %w", errors.Join(problems...))
	}
	return s, nil
}
