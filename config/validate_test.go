package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/config"
)

func TestShortSecretRefusesToStart(t *testing.T) {
	for _, secret := range []string{"", "too-short", strings.Repeat("x", 31)} {
		t.Run(secret, func(t *testing.T) {
			ps := loadProblems(t, "", envOf(map[string]string{"JWT_SECRET": secret}))
			if !ps.Has("jwt.secret") || !strings.Contains(ps.Error(), "openssl rand") {
				t.Errorf("want the jwt.secret problem with openssl advice:\n%v", ps)
			}
			if secret != "" && strings.Contains(ps.Error(), secret) {
				t.Errorf("problem echoes the secret:\n%v", ps)
			}
		})
	}
	want := "jwt.secret (JWT_SECRET): must be at least 32 characters; generate one with: openssl rand -base64 48"
	ps := loadProblems(t, "", envOf(map[string]string{"JWT_SECRET": "x"}))
	if ps.Error() != want {
		t.Errorf("message = %q, want %q", ps.Error(), want)
	}
}

func TestValidateRules(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*config.Config)
		key    string // "" means valid
	}{
		{"defaults", func(*config.Config) {}, ""},
		{"32-char secret", func(c *config.Config) { c.JWT.Secret = config.Secret(strings.Repeat("s", 32)) }, ""},
		{"short previous secret", func(c *config.Config) { c.JWT.PreviousSecrets = []config.Secret{"short"} }, "jwt.previous_secrets[0]"},
		{"negative access ttl", func(c *config.Config) { c.JWT.AccessTTL = -time.Second }, "jwt.access_ttl"},
		{"negative leeway", func(c *config.Config) { c.JWT.Leeway = -time.Second }, "jwt.leeway"},
		{"leeway 5m ok", func(c *config.Config) { c.JWT.Leeway = 5 * time.Minute }, ""},
		{"leeway over 5m", func(c *config.Config) { c.JWT.Leeway = 6 * time.Minute }, "jwt.leeway"},
		{"empty issuer takes authcore's default", func(c *config.Config) { c.JWT.Issuer = "" }, ""},
		{"revocation poll 1s ok", func(c *config.Config) { c.Auth.RevocationPollInterval = time.Second }, ""},
		{"revocation poll under 1s", func(c *config.Config) { c.Auth.RevocationPollInterval = 500 * time.Millisecond }, "auth.revocation_poll_interval"},
		{"revocation poll over 1h", func(c *config.Config) { c.Auth.RevocationPollInterval = 2 * time.Hour }, "auth.revocation_poll_interval"},
		{"listen without port", func(c *config.Config) { c.Server.Listen = "8080" }, "server.listen"},
		{"listen bad port", func(c *config.Config) { c.Server.Listen = ":http-ish" }, "server.listen"},
		{"listen host and port", func(c *config.Config) { c.Server.Listen = "127.0.0.1:0" }, ""},
		{"admin bad listen", func(c *config.Config) { c.Admin.Listen = "localhost" }, "admin.listen"},
		{"admin disabled", func(c *config.Config) { c.Admin.Listen = "" }, ""},
		{"trusted proxy CIDR and IPs", func(c *config.Config) {
			c.Server.TrustedProxies = []string{"10.0.0.0/8", "192.168.1.1", "::1", "fd00::/8"}
		}, ""},
		{"trusted proxy garbage", func(c *config.Config) { c.Server.TrustedProxies = []string{"10.0.0.0/8", "proxy.local"} }, "server.trusted_proxies[1]"},
		{"strip headers added", func(c *config.Config) { c.Proxy.StripHeaders = []string{"X-Legacy-Route", "X_Odd_Name"} }, ""},
		{"strip header garbage", func(c *config.Config) { c.Proxy.StripHeaders = []string{"X-Ok", "bad header:"} }, "proxy.strip_headers[1]"},
		{"zero read header timeout", func(c *config.Config) { c.Server.ReadHeaderTimeout = 0 }, "server.read_header_timeout"},
		{"negative write timeout", func(c *config.Config) { c.Server.WriteTimeout = -1 }, "server.write_timeout"},
		{"drain delay 10s", func(c *config.Config) { c.Server.DrainDelay = 10 * time.Second }, ""},
		{"negative drain delay", func(c *config.Config) { c.Server.DrainDelay = -time.Second }, "server.drain_delay"},
		{"drain delay of an hour", func(c *config.Config) { c.Server.DrainDelay = time.Hour }, "server.drain_delay"},
		{"public base url", func(c *config.Config) { c.Server.PublicBaseURL = "https://auth.example.com" }, ""},
		{"bad public base url", func(c *config.Config) { c.Server.PublicBaseURL = "auth.example.com" }, "server.public_base_url"},
		{"cors wildcard", func(c *config.Config) { c.CORS.AllowedOrigins = []string{"*"} }, "cors.allowed_origins[0]"},
		{"cors wildcard subdomain", func(c *config.Config) { c.CORS.AllowedOrigins = []string{"https://*.example.com"} }, "cors.allowed_origins[0]"},
		{"cors origin with path", func(c *config.Config) { c.CORS.AllowedOrigins = []string{"https://app.example.com/"} }, "cors.allowed_origins[0]"},
		{"cors origin without scheme", func(c *config.Config) { c.CORS.AllowedOrigins = []string{"app.example.com"} }, "cors.allowed_origins[0]"},
		{"cors origins ok", func(c *config.Config) {
			c.CORS.AllowedOrigins = []string{"https://app.example.com", "http://localhost:3000"}
		}, ""},
		{"cors lower-case method", func(c *config.Config) { c.CORS.AllowedMethods = []string{"get"} }, "cors.allowed_methods[0]"},
		{"cors bad header", func(c *config.Config) { c.CORS.AllowedHeaders = []string{"X Bad"} }, "cors.allowed_headers[0]"},
		{"rate bad format", func(c *config.Config) { c.RateLimit.Login = "10/m" }, "ratelimit.login"},
		{"rate unknown unit", func(c *config.Config) { c.RateLimit.Register = "5-W" }, "ratelimit.register"},
		{"rate zero", func(c *config.Config) { c.RateLimit.Refresh = "0-M" }, "ratelimit.refresh"},
		{"logout rate malformed", func(c *config.Config) { c.RateLimit.Logout = "often" }, "ratelimit.logout"},
		{"rate seconds and days", func(c *config.Config) { c.RateLimit.Login, c.RateLimit.LoginAccount = "3-S", "100-D" }, ""},
		{"store unknown", func(c *config.Config) { c.RateLimit.Store = "memcached" }, "ratelimit.store"},
		{"store redis without url", func(c *config.Config) { c.RateLimit.Store = "redis" }, "ratelimit.redis_url"},
		{"store redis with url", func(c *config.Config) { c.RateLimit.Store, c.RateLimit.RedisURL = "redis", "rediss://r:6380/1" }, ""},
		{"redis url bad scheme", func(c *config.Config) { c.RateLimit.RedisURL = "tcp://r:6379" }, "ratelimit.redis_url"},
		{"redis sentinel url", func(c *config.Config) { c.RateLimit.RedisURL = "redis://:pw@h1:26379,h2:26379/0?master_name=m" }, ""},
		{"redis prefix with colon", func(c *config.Config) { c.RateLimit.Prefix = "gw:" }, "ratelimit.prefix"},
		{"redis prefix with a space", func(c *config.Config) { c.RateLimit.Prefix = "a b" }, "ratelimit.prefix"},
		{"on_store_error unknown", func(c *config.Config) { c.RateLimit.OnStoreError = "ignore" }, "ratelimit.on_store_error"},
		{"on_store_error deny", func(c *config.Config) { c.RateLimit.OnStoreError = "deny" }, ""},
		{"log level", func(c *config.Config) { c.Log.Level = "trace" }, "log.level"},
		{"log format", func(c *config.Config) { c.Log.Format = "xml" }, "log.format"},
		{"database postgres", func(c *config.Config) { c.Database.URL = "postgresql://u:p@h:5432/db?sslmode=disable" }, ""},
		{"database postgres socket", func(c *config.Config) { c.Database.URL = "postgres:///gw?host=/run/postgresql" }, ""},
		{"database sqlite absolute", func(c *config.Config) { c.Database.URL = "sqlite:///var/lib/gw/gw.db" }, ""},
		{"database sqlite without path", func(c *config.Config) { c.Database.URL = "sqlite:" }, "database.url"},
		{"database sqlite with options", func(c *config.Config) { c.Database.URL = "sqlite:gw.db?_pragma=x" }, "database.url"},
		{"database sqlite in memory", func(c *config.Config) { c.Database.URL = "sqlite::memory:" }, ""},
		{"database mysql", func(c *config.Config) { c.Database.URL = "mysql://u:p@h/db" }, "database.url"},
		{"database empty", func(c *config.Config) { c.Database.URL = "" }, "database.url"},
		{"database max conns", func(c *config.Config) { c.Database.MaxConns = 0 }, "database.max_conns"},
		{"argon2 memory below 8 × parallelism", func(c *config.Config) { c.Password.MemoryKiB = 15; c.Password.Parallelism = 2 }, "password.memory_kib"},
		{"argon2 memory below 8×parallelism", func(c *config.Config) { c.Password.MemoryKiB, c.Password.Parallelism = 1024, 200 }, "password.memory_kib"},
		{"argon2 small but valid", func(c *config.Config) { c.Password.MemoryKiB, c.Password.Iterations = 1024, 1 }, ""},
		{"argon2 too many iterations", func(c *config.Config) { c.Password.Iterations = 1025 }, "password.iterations"},
		{"argon2 parallelism 256", func(c *config.Config) { c.Password.MemoryKiB, c.Password.Parallelism = 1<<20, 256 }, "password.parallelism"},
		{"argon2 short salt", func(c *config.Config) { c.Password.SaltLength = 8 }, "password.salt_length"},
		{"argon2 short key", func(c *config.Config) { c.Password.KeyLength = 15 }, "password.key_length"},
		{"negative max concurrent", func(c *config.Config) { c.Password.MaxConcurrent = -1 }, "password.max_concurrent"},
		{"password min 7", func(c *config.Config) { c.Auth.PasswordMinLength = 7 }, "auth.password_min_length"},
		{"password min 128", func(c *config.Config) { c.Auth.PasswordMinLength = 128 }, ""},
		{"password min 129", func(c *config.Config) { c.Auth.PasswordMinLength = 129 }, "auth.password_min_length"},
		{"refresh shorter than access", func(c *config.Config) { c.Auth.RefreshTTL = time.Minute }, "auth.refresh_ttl"},
		{"reuse grace too long", func(c *config.Config) { c.Auth.RefreshReuseGrace = 2 * time.Minute }, "auth.refresh_reuse_grace"},
		{"negative reuse grace", func(c *config.Config) { c.Auth.RefreshReuseGrace = -time.Second }, "auth.refresh_reuse_grace"},
		{"default role with comma", func(c *config.Config) { c.Auth.DefaultRoles = []string{"a,b"} }, "auth.default_roles[0]"},
		{"negative body limit", func(c *config.Config) { c.Auth.BodyLimit = -1 }, "auth.body_limit"},
		{"unknown preset", func(c *config.Config) { c.Proxy.IdentityPreset = "traefik" }, "proxy.identity_preset"},
		{"bad identity header", func(c *config.Config) { c.Proxy.IdentityHeaders.Email = "X Email" }, "proxy.identity_headers.email"},
		{"identity headers collide", func(c *config.Config) { c.Proxy.IdentityHeaders.Roles = "x-user-id" }, "proxy.identity_headers"},
		{"negative dial timeout", func(c *config.Config) { c.Proxy.DialTimeout = -time.Second }, "proxy.dial_timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConfig()
			tt.mutate(&c)
			ps := validateProblems(t, c)
			if tt.key == "" {
				if ps != nil {
					t.Errorf("want valid, got:\n%v", ps)
				}
				return
			}
			if !ps.Has(tt.key) {
				t.Errorf("want a problem for %s, got:\n%v", tt.key, ps)
			}
		})
	}
}

func TestCORSWildcardMessageExplainsWhy(t *testing.T) {
	ps := loadProblems(t, "", envOf(map[string]string{"CORS_ALLOWED_ORIGINS": "*"}))
	if !strings.Contains(ps.Error(), "never combines a wildcard origin with credentials") {
		t.Errorf("message does not state the policy:\n%v", ps)
	}
}

// TestTrustedProxiesAreParsedByTheProxy: config has no CIDR parser of its
// own; a bad entry is reported under its key by proxy.ParseTrustedProxies.
func TestTrustedProxiesAreParsedByTheProxy(t *testing.T) {
	ps := loadProblems(t, "", envOf(map[string]string{"GATEWAY_SERVER_TRUSTED_PROXIES": "10.0.0.0/8,nope"}))
	if !ps.Has("server.trusted_proxies[1]") || !strings.Contains(ps.Error(), "GATEWAY_SERVER_TRUSTED_PROXIES") {
		t.Errorf("want server.trusted_proxies[1] naming the variable, got:\n%v", ps)
	}
}

func TestDatabaseKindAndSQLitePath(t *testing.T) {
	tests := []struct {
		url, kind, path string
	}{
		{"sqlite:gateway.db", config.DatabaseSQLite, "gateway.db"},
		{"sqlite:///var/lib/gw.db", config.DatabaseSQLite, "/var/lib/gw.db"},
		{"sqlite::memory:", config.DatabaseSQLite, ":memory:"},
		{"postgres://h/db", config.DatabasePostgres, ""},
		{"postgresql://h/db", config.DatabasePostgres, ""},
		{"mysql://h/db", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			c := config.Defaults()
			c.Database.URL = config.Secret(tt.url)
			if c.DatabaseKind() != tt.kind || c.SQLitePath() != tt.path {
				t.Errorf("kind %q path %q, want %q %q", c.DatabaseKind(), c.SQLitePath(), tt.kind, tt.path)
			}
		})
	}
}
