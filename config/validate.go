package config

import (
	"maps"
	"slices"
	"time"
)

// Validate reports every problem with c at once, as Problems (nil when c is
// usable). Load calls it; call it again after changing c in code.
func (c *Config) Validate() error {
	var ps Problems
	c.Server.validate(&ps)
	c.validateLog(&ps)
	c.validateOwners(&ps)
	c.validateAuth(&ps)
	c.validateDatabase(&ps)
	c.validateGateway(&ps)
	if c.Admin.Listen != "" {
		validateListen(&ps, "admin.listen", c.Admin.Listen)
	}
	c.Proxy.validate(&ps)
	validateRoutes(c.Routes, &ps)
	return ps.err()
}

func (c *Config) validateLog(ps *Problems) {
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		ps.addf("log.level", "must be debug, info, warn or error")
	}
	if c.Log.Format != "json" && c.Log.Format != "text" {
		ps.addf("log.format", "must be json or text")
	}
}

func (c *Config) validateAuth(ps *Problems) {
	ps.addOwner(c.ServiceOptions().Validate(), map[string]string{
		"PasswordMinLength": "auth.password_min_length",
		"RefreshTTL":        "auth.refresh_ttl",
		"DefaultRoles":      "auth.default_roles",
		"RefreshReuseGrace": "auth.refresh_reuse_grace",
	})
	// Which of two owners' settings must be longer is config's to say:
	// a refresh token that dies before its access token is useless.
	if c.Auth.RefreshTTL > 0 && c.JWT.AccessTTL > c.Auth.RefreshTTL {
		ps.addf("auth.refresh_ttl", "must be longer than jwt.access_ttl (%s)", c.JWT.AccessTTL)
	}
	positiveDuration(ps, "auth.purge_interval", c.Auth.PurgeInterval)
	// A process setting of cmd's (revocations.go polls with it), like
	// purge_interval: under a second would turn the safety-net poll into
	// database load on every replica; over an hour would make "Redis is
	// down" mean "logout does not work" for that long.
	if c.Auth.RevocationPollInterval < time.Second || c.Auth.RevocationPollInterval > time.Hour {
		ps.addf("auth.revocation_poll_interval", "must be between 1s and 1h")
	}
}

func positive[T int | int64](ps *Problems, key string, v T) {
	if v <= 0 {
		ps.addf(key, "must be greater than 0")
	}
}

func nonNegative[T int | int64](ps *Problems, key string, v T) {
	if v < 0 {
		ps.addf(key, "must not be negative")
	}
}

func positiveDuration(ps *Problems, key string, d time.Duration) {
	if d <= 0 {
		ps.addf(key, "must be a positive duration, e.g. 30s")
	}
}

func nonNegativeDuration(ps *Problems, key string, d time.Duration) {
	if d < 0 {
		ps.addf(key, "must not be negative (0 means no limit)")
	}
}

// sortedKeys returns m's keys in order, for deterministic problem lists.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
