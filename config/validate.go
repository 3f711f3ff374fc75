package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// minSecretLength is the shortest accepted HMAC key. 32 characters is the
// security guide's floor: shorter keys are within reach of offline
// brute force once a single token leaks.
const minSecretLength = 32

// maxLeeway caps clock-skew tolerance so it cannot quietly extend the life
// of expired tokens.
const maxLeeway = 5 * time.Minute

// Validate reports every problem with c at once, as Problems (nil when c is
// usable). Load calls it; call it again after changing c in code.
func (c *Config) Validate() error {
	var ps Problems
	c.Server.validate(&ps)
	c.validateLog(&ps)
	c.validateJWT(&ps)
	c.validateAuth(&ps)
	c.validatePassword(&ps)
	c.validateDatabase(&ps)
	c.RateLimit.validate(&ps)
	c.CORS.validate(&ps)
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

func (c *Config) validateJWT(ps *Problems) {
	if utf8.RuneCountInString(c.JWT.Secret.Reveal()) < minSecretLength {
		ps.addLine("jwt.secret", fmt.Sprintf("jwt.secret (JWT_SECRET) must be at least %d characters; generate one with: openssl rand -base64 48", minSecretLength))
	}
	for i, s := range c.JWT.PreviousSecrets {
		if utf8.RuneCountInString(s.Reveal()) < minSecretLength {
			ps.addf(fmt.Sprintf("jwt.previous_secrets[%d]", i), "must be at least %d characters", minSecretLength)
		}
	}
	if c.JWT.Issuer == "" {
		ps.addf("jwt.issuer", "must not be empty (tokens are pinned to it)")
	}
	if c.JWT.Audience == "" {
		ps.addf("jwt.audience", "must not be empty (tokens are pinned to it)")
	}
	positiveDuration(ps, "jwt.access_ttl", c.JWT.AccessTTL)
	if c.JWT.Leeway < 0 || c.JWT.Leeway > maxLeeway {
		ps.addf("jwt.leeway", "must be between 0s and %s", maxLeeway)
	}
	nonNegative(ps, "jwt.cache_size", c.JWT.CacheSize)
}

// maxRefreshReuseGrace bounds auth.refresh_reuse_grace.
const maxRefreshReuseGrace = time.Minute

func (c *Config) validateAuth(ps *Problems) {
	validateRoles("auth.default_roles", c.Auth.DefaultRoles, ps)
	// 8 is the security guide's minimum; 128 keeps the hasher's input
	// bounded while allowing long passphrases.
	if c.Auth.PasswordMinLength < 8 || c.Auth.PasswordMinLength > 128 {
		ps.addf("auth.password_min_length", "must be between 8 and 128")
	}
	positiveDuration(ps, "auth.refresh_ttl", c.Auth.RefreshTTL)
	if c.Auth.RefreshTTL > 0 && c.JWT.AccessTTL > c.Auth.RefreshTTL {
		ps.addf("auth.refresh_ttl", "must be longer than jwt.access_ttl (%s)", c.JWT.AccessTTL)
	}
	// A grace is for two requests of one client racing, which settle in
	// seconds; a minute (Okta's ceiling) is plenty, and a longer window
	// would let a stolen token be replayed quietly for longer.
	if c.Auth.RefreshReuseGrace < 0 || c.Auth.RefreshReuseGrace > maxRefreshReuseGrace {
		ps.addf("auth.refresh_reuse_grace", "must be between 0s and %s", maxRefreshReuseGrace)
	}
	positiveDuration(ps, "auth.purge_interval", c.Auth.PurgeInterval)
	// Under a second would turn the safety-net poll into database load on
	// every replica; over an hour would make "Redis is down" mean "logout
	// does not work" for that long.
	if c.Auth.RevocationPollInterval < time.Second || c.Auth.RevocationPollInterval > time.Hour {
		ps.addf("auth.revocation_poll_interval", "must be between 1s and 1h")
	}
	positive(ps, "auth.body_limit", c.Auth.BodyLimit)
}

func (c *Config) validatePassword(ps *Problems) {
	p := c.Password
	// Bounds keep argon2 both meaningful (enough memory to resist GPUs) and
	// safe (no multi-GiB allocation per login from a typo).
	if p.MemoryKiB < 1024 || p.MemoryKiB < 8*p.Parallelism || p.MemoryKiB > 4<<20 {
		ps.addf("password.memory_kib", "must be between 1024 and 4194304 and at least 8 × parallelism")
	}
	if p.Iterations < 1 || p.Iterations > 100 {
		ps.addf("password.iterations", "must be between 1 and 100")
	}
	if p.Parallelism < 1 || p.Parallelism > 255 {
		ps.addf("password.parallelism", "must be between 1 and 255")
	}
	if p.SaltLength < 16 || p.SaltLength > 1024 {
		ps.addf("password.salt_length", "must be between 16 and 1024 bytes")
	}
	if p.KeyLength < 16 || p.KeyLength > 1024 {
		ps.addf("password.key_length", "must be between 16 and 1024 bytes")
	}
	nonNegative(ps, "password.max_concurrent", p.MaxConcurrent)
	positiveDuration(ps, "password.queue_wait", p.QueueWait)
}

// validateRoles checks role names. Roles travel to upstreams as one
// comma-separated header, so a comma or space inside a name would split it.
func validateRoles(key string, roles []string, ps *Problems) {
	for i, r := range roles {
		if r == "" || strings.ContainsAny(r, ", \t\r\n") {
			ps.addf(fmt.Sprintf("%s[%d]", key, i), "%q is not a valid role name (no commas or spaces)", r)
		}
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

// isToken reports whether s is an RFC 9110 token, the syntax of header
// names and methods.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r > 0x7e || r <= ' ' || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}

// sortedKeys returns m's keys in order, for deterministic problem lists.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
