package config

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/internal/fielderr"
	"github.com/authgate/gatewayd/ratelimit"
)

// This file converts config sections into the Options of the packages
// that own them, and maps their Validate errors back to YAML keys
// (issue 10: one owner for every rule). Config restates no bound: a
// problem found here is worded by the owner, and cmd builds from the same
// conversion, so `config check` and `serve` cannot disagree.

// HasherOptions is the password section as authcore.HasherOptions. Values
// that do not fit authcore's integer types are reported as problems (this
// is decoding, not a bound: 2^32+16 must not wrap to a valid 16).
func (c *Config) HasherOptions() (authcore.HasherOptions, Problems) {
	var ps Problems
	p := c.Password
	return authcore.HasherOptions{
		Params: authcore.Argon2Params{
			Memory:      fitUint[uint32](&ps, "password.memory_kib", p.MemoryKiB),
			Iterations:  fitUint[uint32](&ps, "password.iterations", p.Iterations),
			Parallelism: fitUint[uint8](&ps, "password.parallelism", p.Parallelism),
			SaltLength:  fitUint[uint32](&ps, "password.salt_length", p.SaltLength),
			KeyLength:   fitUint[uint32](&ps, "password.key_length", p.KeyLength),
		},
		MaxConcurrent: p.MaxConcurrent,
		QueueWait:     p.QueueWait,
	}, ps
}

// ServiceOptions is the auth section as authcore.ServiceOptions; the
// caller adds the throttle, event hook and clock.
func (c *Config) ServiceOptions() authcore.ServiceOptions {
	return authcore.ServiceOptions{
		RefreshTTL:        c.Auth.RefreshTTL,
		RefreshReuseGrace: c.Auth.RefreshReuseGrace,
		RegistrationOpen:  c.Auth.RegistrationOpen,
		DefaultRoles:      c.Auth.DefaultRoles,
		PasswordMinLength: c.Auth.PasswordMinLength,
	}
}

// TokenOptions is the jwt section as authcore.TokenOptions.
func (c *Config) TokenOptions() authcore.TokenOptions {
	return authcore.TokenOptions{
		Secret:          c.JWT.Secret.Reveal(),
		PreviousSecrets: RevealAll(c.JWT.PreviousSecrets),
		Issuer:          c.JWT.Issuer,
		Audience:        c.JWT.Audience,
		TTL:             c.JWT.AccessTTL,
		Leeway:          c.JWT.Leeway,
		// The YAML says "0 disables"; authcore says "negative disables,
		// 0 means its default". The key keeps its documented meaning.
		CacheSize: cacheSize(c.JWT.CacheSize),
	}
}

func cacheSize(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

// LimiterOptions is the ratelimit section plus every route's rate_limit
// as ratelimit.Options. Each route with a rate_limit gets its own policy
// (ratelimit.RoutePolicy(name)), so the gateway can refuse unknown
// policies instead of silently not limiting a route. The caller sets
// Logger and Now.
func (c *Config) LimiterOptions() ratelimit.Options {
	rl := c.RateLimit
	policies := map[string]string{
		ratelimit.PolicyLogin:        rl.Login,
		ratelimit.PolicyRegister:     rl.Register,
		ratelimit.PolicyRefresh:      rl.Refresh,
		ratelimit.PolicyLogout:       rl.Logout,
		ratelimit.PolicyLoginAccount: rl.LoginAccount,
	}
	for _, r := range c.Routes {
		if r.RateLimit != "" {
			policies[ratelimit.RoutePolicy(r.Name)] = r.RateLimit
		}
	}
	return ratelimit.Options{
		Store:        rl.Store,
		RedisURL:     rl.RedisURL.Reveal(),
		Prefix:       rl.Prefix,
		OnStoreError: rl.OnStoreError,
		StoreTimeout: rl.StoreTimeout,
		DegradeAfter: rl.DegradeAfter,
		Policies:     policies,
	}
}

// validateOwners runs every owner's Validate and records its problems
// under the YAML keys.
func (c *Config) validateOwners(ps *Problems) {
	hopts, conv := c.HasherOptions()
	*ps = append(*ps, conv...)
	ps.addOwner(hopts.Validate(), map[string]string{
		"Params.Memory":      "password.memory_kib",
		"Params.Iterations":  "password.iterations",
		"Params.Parallelism": "password.parallelism",
		"Params.SaltLength":  "password.salt_length",
		"Params.KeyLength":   "password.key_length",
		"MaxConcurrent":      "password.max_concurrent",
		"QueueWait":          "password.queue_wait",
	})
	ps.addOwner(c.TokenOptions().Validate(), map[string]string{
		"Secret":          "jwt.secret",
		"PreviousSecrets": "jwt.previous_secrets",
		"Issuer":          "jwt.issuer",
		"Audience":        "jwt.audience",
		"TTL":             "jwt.access_ttl",
		"Leeway":          "jwt.leeway",
		"CacheSize":       "jwt.cache_size",
	})
	rlKeys := map[string]string{
		"Store":        "ratelimit.store",
		"RedisURL":     "ratelimit.redis_url",
		"Prefix":       "ratelimit.prefix",
		"OnStoreError": "ratelimit.on_store_error",
		"StoreTimeout": "ratelimit.store_timeout",
		"DegradeAfter": "ratelimit.degrade_after",
		"Policies[" + ratelimit.PolicyLogin + "]":        "ratelimit.login",
		"Policies[" + ratelimit.PolicyRegister + "]":     "ratelimit.register",
		"Policies[" + ratelimit.PolicyRefresh + "]":      "ratelimit.refresh",
		"Policies[" + ratelimit.PolicyLogout + "]":       "ratelimit.logout",
		"Policies[" + ratelimit.PolicyLoginAccount + "]": "ratelimit.login_account",
	}
	for i, r := range c.Routes {
		if r.RateLimit != "" {
			rlKeys["Policies["+ratelimit.RoutePolicy(r.Name)+"]"] = fmt.Sprintf("routes[%d].rate_limit", i)
		}
	}
	ps.addOwner(c.LimiterOptions().Validate(), rlKeys)
}

// addOwner records each error of an owner's Validate as a problem on the
// YAML key its field maps to. "Field[3]" maps through "Field" and keeps
// the index. An unmapped field is still reported (under its Go name), so
// a new owner rule can never be silently dropped.
func (ps *Problems) addOwner(err error, keys map[string]string) {
	for _, e := range fielderr.Flatten(err) {
		var fe *fielderr.Error
		if !errors.As(e, &fe) {
			ps.addLine("", e.Error())
			continue
		}
		key, ok := keys[fe.Field]
		if !ok {
			base, index, _ := strings.Cut(fe.Field, "[")
			if k, found := keys[base]; found {
				key = k + "[" + index
			} else {
				key = fe.Field
			}
		}
		ps.addf(key, "%s", fe.Err.Error())
	}
}

// fitUint converts a decoded int into the owner's unsigned field type,
// recording a problem when it does not fit.
func fitUint[T uint8 | uint32](ps *Problems, key string, v int) T {
	limit := uint64(math.MaxUint32)
	if _, small := any(T(0)).(uint8); small {
		limit = math.MaxUint8
	}
	if v < 0 || uint64(v) > limit {
		ps.addf(key, "%d is out of range (0 to %d)", v, limit)
		return 0
	}
	return T(v)
}

// CacheEntries is cache_size in authcore's spelling: the YAML's "0
// disables" becomes authcore's negative.
func (a Assertion) CacheEntries() int { return cacheSize(a.CacheSize) }
