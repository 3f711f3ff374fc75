package config_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/config"
	"github.com/authgate/gatewayd/ratelimit"
)

func TestDefaultsLoadWithOnlyJWTSecret(t *testing.T) {
	cfg := mustLoad(t, "", envOf(nil))
	want := config.Defaults()
	want.JWT.Secret = testSecret
	tests := []struct {
		name      string
		got, want any
	}{
		{"server.listen", cfg.Server.Listen, ":8080"},
		{"server.write_timeout", cfg.Server.WriteTimeout, time.Duration(0)},
		{"server.read_header_timeout", cfg.Server.ReadHeaderTimeout, 5 * time.Second},
		{"jwt.secret", cfg.JWT.Secret.Reveal(), testSecret},
		{"jwt.access_ttl", cfg.JWT.AccessTTL, 15 * time.Minute},
		{"auth.refresh_ttl", cfg.Auth.RefreshTTL, 336 * time.Hour},
		{"auth.refresh_reuse_grace", cfg.Auth.RefreshReuseGrace, time.Duration(0)},
		{"password.memory_kib", cfg.Password.MemoryKiB, 19456},
		{"database.url", cfg.Database.URL.Reveal(), "sqlite:gateway.db"},
		{"ratelimit.store resolved", cfg.LimiterOptions().ResolvedStore(), ratelimit.StoreMemory},
		{"ratelimit.store_timeout", cfg.RateLimit.StoreTimeout, 50 * time.Millisecond},
		{"cors.allowed_methods", strings.Join(cfg.CORS.AllowedMethods, ","), "GET,POST,PUT,PATCH,DELETE,OPTIONS"},
		{"docs.enabled", cfg.Docs.Enabled, false},
		{"admin.listen", cfg.Admin.Listen, "127.0.0.1:9091"},
		{"proxy.max_idle_conns_per_host", cfg.Proxy.MaxIdleConnsPerHost, 128},
		{"routes", len(cfg.Routes), 0},
		{"database kind", cfg.DatabaseKind(), config.DatabaseSQLite},
		{"sqlite path", cfg.SQLitePath(), "gateway.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
	if err := want.Validate(); err != nil {
		t.Errorf("Defaults() plus a secret does not validate:\n%v", err)
	}
}

func TestExampleYAMLLoadsClean(t *testing.T) {
	cfg := mustLoad(t, "../gateway.example.yaml", envOf(nil))
	if cfg.Docs.Enabled {
		t.Error("example turns docs on; it must stay production-safe (the demo turns them on itself)")
	}
	if len(cfg.Routes) != 1 {
		t.Fatalf("example has %d active routes, want 1", len(cfg.Routes))
	}
	r := cfg.Routes[0]
	if r.Name != "api" || r.Match.PathPrefix != "/api/" || !r.StripPrefix || r.Auth != config.AuthRequired ||
		!slices.Equal(r.Upstream, []string{"http://127.0.0.1:9000"}) || r.Timeout != 30*time.Second {
		t.Errorf("example route = %+v", r)
	}
	// Apart from the route, the example shows exactly the defaults.
	want := config.Defaults()
	want.JWT.Secret = testSecret
	cfg.Routes = nil
	if got, w := jsonOf(t, cfg), jsonOf(t, want); got != w {
		t.Errorf("example values differ from Defaults():\n got %s\nwant %s", got, w)
	}
}

func TestExampleYAMLListsEveryKey(t *testing.T) {
	keys := flatKeys(t, jsonOf(t, config.Defaults()))
	example := readYAMLKeys(t, "../gateway.example.yaml")
	for _, k := range keys {
		if k == "jwt.secret" || k == "routes" {
			continue // set through JWT_SECRET only; routes are checked separately
		}
		t.Run(k, func(t *testing.T) {
			if !example[k] {
				t.Errorf("gateway.example.yaml does not set %s", k)
			}
		})
	}
}

func TestEnvOverridesFile(t *testing.T) {
	path := writeFile(t, "gw.yaml", "server:\n  listen: \":7000\"\nlog:\n  level: debug\njwt:\n  access_ttl: 5m\n")
	tests := []struct {
		name  string
		env   map[string]string
		check func(*config.Config) bool
	}{
		{"file alone", nil, func(c *config.Config) bool { return c.Server.Listen == ":7000" && c.Log.Level == "debug" }},
		{"env beats file", map[string]string{"GATEWAY_SERVER_LISTEN": ":7001"}, func(c *config.Config) bool { return c.Server.Listen == ":7001" && c.Log.Level == "debug" }},
		{"env duration beats file", map[string]string{"GATEWAY_JWT_ACCESS_TTL": "2m"}, func(c *config.Config) bool { return c.JWT.AccessTTL == 2*time.Minute }},
		{"empty env counts as unset", map[string]string{"GATEWAY_SERVER_LISTEN": ""}, func(c *config.Config) bool { return c.Server.Listen == ":7000" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if cfg := mustLoad(t, path, envOf(tt.env)); !tt.check(cfg) {
				t.Errorf("unexpected config %+v", cfg)
			}
		})
	}
}

func TestGatewayEnvOverridesEverySection(t *testing.T) {
	tests := []struct {
		env   string
		value string
		check func(*config.Config) bool
	}{
		{"GATEWAY_SERVER_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1", func(c *config.Config) bool {
			return slices.Equal(c.Server.TrustedProxies, []string{"10.0.0.0/8", "127.0.0.1"})
		}},
		{"GATEWAY_SERVER_MAX_HEADER_BYTES", "4096", func(c *config.Config) bool { return c.Server.MaxHeaderBytes == 4096 }},
		{"GATEWAY_LOG_FORMAT", "text", func(c *config.Config) bool { return c.Log.Format == "text" }},
		{"GATEWAY_JWT_ISSUER", "me", func(c *config.Config) bool { return c.JWT.Issuer == "me" }},
		{"GATEWAY_JWT_LEEWAY", "1m", func(c *config.Config) bool { return c.JWT.Leeway == time.Minute }},
		{"GATEWAY_AUTH_REGISTRATION_OPEN", "false", func(c *config.Config) bool { return !c.Auth.RegistrationOpen }},
		{"GATEWAY_AUTH_DEFAULT_ROLES", "user,reader", func(c *config.Config) bool {
			return slices.Equal(c.Auth.DefaultRoles, []string{"user", "reader"})
		}},
		{"GATEWAY_PASSWORD_ITERATIONS", "3", func(c *config.Config) bool { return c.Password.Iterations == 3 }},
		{"GATEWAY_DATABASE_MAX_CONNS", "25", func(c *config.Config) bool { return c.Database.MaxConns == 25 }},
		{"GATEWAY_DATABASE_URL", "postgres://db/gw", func(c *config.Config) bool { return c.DatabaseKind() == config.DatabasePostgres }},
		{"GATEWAY_RATELIMIT_LOGIN", "3-S", func(c *config.Config) bool { return c.RateLimit.Login == "3-S" }},
		{"GATEWAY_RATELIMIT_STORE_TIMEOUT", "100ms", func(c *config.Config) bool { return c.RateLimit.StoreTimeout == 100*time.Millisecond }},
		{"GATEWAY_CORS_ALLOW_CREDENTIALS", "true", func(c *config.Config) bool { return c.CORS.AllowCredentials }},
		{"GATEWAY_DOCS_ENABLED", "true", func(c *config.Config) bool { return c.Docs.Enabled }},
		{"GATEWAY_ADMIN_LISTEN", "off", func(c *config.Config) bool { return c.Admin.Listen == "" }},
		{"GATEWAY_ADMIN_PPROF", "1", func(c *config.Config) bool { return c.Admin.PProf }},
		{"GATEWAY_PROXY_IDENTITY_PRESET", "authelia", func(c *config.Config) bool { return c.Proxy.IdentityPreset == "authelia" }},
		{"GATEWAY_PROXY_IDENTITY_HEADERS_ROLES", "X-Groups", func(c *config.Config) bool { return c.Proxy.IdentityHeaders.Roles == "X-Groups" }},
		{"GATEWAY_PROXY_DIAL_TIMEOUT", "2s", func(c *config.Config) bool { return c.Proxy.DialTimeout == 2*time.Second }},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			cfg := mustLoad(t, "", envOf(map[string]string{tt.env: tt.value}))
			if !tt.check(cfg) {
				t.Errorf("%s=%q not applied: %+v", tt.env, tt.value, cfg)
			}
		})
	}
}

func TestExactEnvNames(t *testing.T) {
	path := writeFile(t, "gw.yaml", "docs:\n  enabled: false\ndatabase:\n  migrate_on_startup: true\n")
	env := map[string]string{
		"JWT_SECRET":                   "exact-secret-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
		"GATEWAY_JWT_SECRET":           "gateway-secret-CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC",
		"DATABASE_URL":                 "postgresql://gw@127.0.0.1/gw",
		"GATEWAY_DATABASE_URL":         "sqlite:other.db",
		"REDIS_URL":                    "redis://127.0.0.1:6379/0",
		"CORS_ALLOWED_ORIGINS":         "https://app.example.com,http://localhost:3000",
		"GATEWAY_CORS_ALLOWED_ORIGINS": "https://loser.example.com",
		"DOCS_ENABLED":                 "true",
		"MIGRATE_ON_STARTUP":           "false",
	}
	cfg := mustLoad(t, path, envOf(env))
	tests := []struct {
		name      string
		got, want any
	}{
		{"JWT_SECRET wins over GATEWAY_JWT_SECRET", cfg.JWT.Secret.Reveal(), env["JWT_SECRET"]},
		{"DATABASE_URL wins", cfg.Database.URL.Reveal(), env["DATABASE_URL"]},
		{"REDIS_URL", cfg.RateLimit.RedisURL.Reveal(), env["REDIS_URL"]},
		{"REDIS_URL selects redis store", cfg.LimiterOptions().ResolvedStore(), ratelimit.StoreRedis},
		{"CORS_ALLOWED_ORIGINS comma-separated", strings.Join(cfg.CORS.AllowedOrigins, " "), "https://app.example.com http://localhost:3000"},
		{"DOCS_ENABLED beats file", cfg.Docs.Enabled, true},
		{"MIGRATE_ON_STARTUP beats file", cfg.Database.MigrateOnStartup, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func TestUnknownKeyIsNamed(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"nested", "server:\n  listne: \":8080\"\n", "unknown key server.listne"},
		{"top level", "sever:\n  listen: \":8080\"\n", "unknown key sever"},
		{"deep", "proxy:\n  identity_headers:\n    user: X-U\n", "unknown key proxy.identity_headers.user"},
		{"in a route", "routes:\n  - name: a\n    match: {path_prefix: /a/}\n    upstream: http://127.0.0.1:1\n    timout: 5s\n", "unknown key routes[0].timout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := loadProblems(t, writeFile(t, "gw.yaml", tt.yaml), envOf(nil))
			if !strings.Contains(ps.Error(), tt.want) {
				t.Errorf("problems do not contain %q:\n%v", tt.want, ps)
			}
		})
	}
}

func TestBadValuesNameTheirKey(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		env  map[string]string
		key  string
	}{
		{"bad duration in file", "jwt:\n  access_ttl: soon\n", nil, "jwt.access_ttl"},
		{"bare number duration", "server:\n  read_timeout: 30\n", nil, "server.read_timeout"},
		{"bad duration in env", "", map[string]string{"GATEWAY_PROXY_DIAL_TIMEOUT": "5 seconds"}, "proxy.dial_timeout"},
		{"bad duration in a route", "routes:\n  - name: a\n    match: {path_prefix: /a/}\n    upstream: http://127.0.0.1:1\n    timeout: fast\n", nil, "routes[0].timeout"},
		{"bad int in env", "", map[string]string{"GATEWAY_DATABASE_MAX_CONNS": "many"}, "database.max_conns"},
		{"bad bool in env", "", map[string]string{"DOCS_ENABLED": "maybe"}, "docs.enabled"},
		{"section as scalar", "server: 8080\n", nil, "server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.yaml != "" {
				path = writeFile(t, "gw.yaml", tt.yaml)
			}
			ps := loadProblems(t, path, envOf(tt.env))
			if !ps.Has(tt.key) || !strings.Contains(ps.Error(), tt.key) {
				t.Errorf("no problem naming %s:\n%v", tt.key, ps)
			}
			if len(ps) != 1 {
				t.Errorf("want exactly one problem (no follow-up from the zero value), got:\n%v", ps)
			}
		})
	}
}

func TestFileErrors(t *testing.T) {
	tests := []struct {
		name, path, want string
	}{
		{"missing file", "/nonexistent/gw.yaml", "config file /nonexistent/gw.yaml: no such file"},
		{"invalid YAML", writeFile(t, "bad.yaml", "server:\n  listen: [\n"), "invalid YAML"},
		{"duplicate key", writeFile(t, "dup.yaml", "log:\n  level: info\n  level: debug\n"), "invalid YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := loadProblems(t, tt.path, envOf(nil))
			if !strings.Contains(ps.Error(), tt.want) {
				t.Errorf("want %q in:\n%v", tt.want, ps)
			}
		})
	}
}

func TestMultipleProblemsReportedTogether(t *testing.T) {
	path := writeFile(t, "gw.yaml", `
server:
  listne: ":8080"
  read_header_timeout: never
log:
  level: loud
ratelimit:
  login: lots
routes:
  - name: "Bad Name"
    match: {path_prefix: /auth/x}
    upstream: ftp://files
`)
	ps := loadProblems(t, path, envOf(map[string]string{"JWT_SECRET": "short", "DATABASE_URL": "mysql://x"}))
	lines := strings.Split(ps.Error(), "\n")
	if len(lines) < 3 {
		t.Fatalf("want at least 3 lines, got %d:\n%v", len(lines), ps)
	}
	for _, key := range []string{"server.listne", "server.read_header_timeout", "log.level", "ratelimit.login", "jwt.secret", "database.url", "routes[0].name", "routes[0].match.path_prefix", "routes[0].upstream[0]"} {
		if !ps.Has(key) {
			t.Errorf("no problem for %s in:\n%v", key, ps)
		}
	}
}
