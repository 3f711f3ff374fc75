package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// verdict is what one command made of a configuration.
type verdict struct {
	code     int
	problems []string // the "  - " lines, in order
	stderr   string
}

// checkAndServe runs `config check` and then `serve` on the same
// configuration. serve listens on a port the test holds, so a
// configuration serve accepts ends in a bind error, never in a running
// gateway; its database is a SQLite file that must not exist afterwards
// when the configuration was refused (serve refuses before it opens
// anything).
func checkAndServe(t *testing.T, yaml string, env map[string]string) (check, serve verdict) {
	t.Helper()
	dir := t.TempDir()
	dbFile := filepath.Join(dir, "gw.db")
	c := newCLI(t, "sqlite:"+dbFile)
	c.env["GATEWAY_ADMIN_LISTEN"] = "off"
	c.env["GATEWAY_SERVER_LISTEN"] = busyPort(t)
	for k, v := range env {
		c.env[k] = v
	}
	args := []string{}
	if yaml != "" {
		path := filepath.Join(dir, "gateway.yaml")
		if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--config", path)
	}
	run := func(cmd ...string) verdict {
		code, _, stderr := c.run("", append(slices.Clone(args), cmd...)...)
		var v verdict
		v.code, v.stderr = code, stderr
		for _, line := range strings.Split(stderr, "\n") {
			if p, ok := strings.CutPrefix(line, "  - "); ok {
				v.problems = append(v.problems, p)
			}
		}
		return v
	}
	check = run("config", "check")
	serve = run("serve")
	if serve.code != 0 && len(serve.problems) > 0 {
		if _, err := os.Stat(dbFile); err == nil {
			t.Errorf("serve refused the configuration but created the database %s first", dbFile)
		}
		if strings.Contains(serve.stderr, "listen on") {
			t.Errorf("serve refused the configuration after trying to listen:\n%s", serve.stderr)
		}
	}
	return check, serve
}

// assertAgree fails unless config check and serve both accept, or both
// refuse with the same problem lines, one of which names key.
func assertAgree(t *testing.T, yaml string, env map[string]string, wantOK bool, key string) {
	t.Helper()
	check, serve := checkAndServe(t, yaml, env)
	serveAccepted := serve.code != 0 && len(serve.problems) == 0 && strings.Contains(serve.stderr, "listen on")
	switch {
	case wantOK && (check.code != 0 || !serveAccepted):
		t.Errorf("want both to accept; config check = %d, serve accepted = %v\ncheck:\n%s\nserve:\n%s", check.code, serveAccepted, check.stderr, serve.stderr)
	case !wantOK && (check.code != 1 || serve.code != 1):
		t.Errorf("want both to refuse; config check = %d, serve = %d\ncheck:\n%s\nserve:\n%s", check.code, serve.code, check.stderr, serve.stderr)
	case !wantOK && !slices.Equal(check.problems, serve.problems):
		t.Errorf("config check and serve refuse with different messages:\ncheck: %q\nserve: %q", check.problems, serve.problems)
	case !wantOK && !slices.ContainsFunc(check.problems, func(p string) bool { return strings.Contains(p, key) }):
		t.Errorf("no problem names %s: %q", key, check.problems)
	}
}

// routeYAML is one route with extra lines (indented four spaces).
func routeYAML(extra string) string {
	return "routes:\n  - name: api\n    match: {path_prefix: /api/}\n    upstream: http://127.0.0.1:9\n" + extra
}

// TestConfigCheckAndServeAgreeOnEveryKey sets keys of gateway.example.yaml
// to a boundary value and to one step past it (issue 10). Both commands
// accept the first; both refuse the second with the same lines, naming the
// key, before anything is opened.
func TestConfigCheckAndServeAgreeOnEveryKey(t *testing.T) {
	tests := []struct {
		key, ok, bad string
	}{
		{"server.read_header_timeout", "1ms", "0s"},
		{"server.read_timeout", "0s", "-1s"},
		{"server.write_timeout", "0s", "-1s"},
		{"server.idle_timeout", "0s", "-1s"},
		{"server.max_header_bytes", "1", "0"},
		{"server.shutdown_timeout", "1ms", "0s"},
		{"server.drain_delay", "5m", "5m1s"},
		{"server.trusted_proxies", "::ffff:10.0.0.1", "10.0.0.0/33"},
		{"server.public_base_url", "https://gw.example.com", "ftp://gw.example.com"},
		{"log.level", "error", "fatal"},
		{"log.format", "text", "xml"},
		{"jwt.access_ttl", "1s", "-1s"},
		{"jwt.leeway", "5m", "5m1s"},
		{"jwt.leeway", "0s", "-1s"},
		{"jwt.cache_size", "0", ""}, // negative also disables (authcore)
		{"auth.password_min_length", "128", "129"},
		{"auth.password_min_length", "8", "7"},
		{"auth.refresh_ttl", "16m", "14m"},
		{"auth.purge_interval", "1ms", "0s"},
		{"auth.refresh_reuse_grace", "1m", "1m1s"},
		{"auth.revocation_poll_interval", "1s", "999ms"},
		{"auth.revocation_poll_interval", "1h", "1h1s"},
		{"auth.body_limit", "0", "-1"}, // 0: the gateway default
		{"password.memory_kib", "8", "7"},
		{"password.iterations", "1024", "1025"},
		{"password.parallelism", "2", "256"},
		{"password.salt_length", "256", "257"},
		{"password.salt_length", "16", "15"},
		{"password.key_length", "256", "257"},
		{"password.key_length", "16", "15"},
		{"password.max_concurrent", "0", "-1"},
		{"ratelimit.store", "memory", "etcd"},
		{"ratelimit.redis_url", "redis://127.0.0.1:1/0", "redis://h1,h2/1"},
		{"ratelimit.on_store_error", "deny", "fail"},
		{"ratelimit.prefix", "a.b", "a b"},
		{"ratelimit.store_timeout", "1ms", "-1ms"},
		{"ratelimit.degrade_after", "10s", "10s1ms"},
		{"ratelimit.login", "1-S", "0-S"},
		{"ratelimit.login_account", "1-D", "1-W"},
		{"proxy.identity_preset", "authelia", "keycloak"},
		{"proxy.max_body_bytes", "0", "-1"},  // 0: no limit (gateway/proxy)
		{"proxy.dial_timeout", "0s", "-1ns"}, // 0: the default (gateway/proxy)
		{"proxy.response_header_timeout", "1ms", "-1ms"},
		{"proxy.max_idle_conns_per_host", "0", "-1"},
		{"proxy.identity_headers.user_id", "X-Id", "X Id"},
		{"proxy.strip_headers", "X-Debug", "X Debug"},
		{"cors.allowed_origins", "https://app.example.com", "https://app.example.com/"},
		{"cors.allowed_methods", "GET", "get"},
		{"cors.max_age", "0s", "-1s"},
		{"auth.default_roles", "a:b", "a b"},
		{"proxy.assertion.header", "X-A", "X-User-Id"},
		{"proxy.assertion.ttl", "5s", "4999ms"},
		{"proxy.assertion.ttl", "10m", "10m1ms"},
		{"proxy.assertion.reload_interval", "1ms", "0s"},
		{"proxy.assertion.cache_size", "0", "-1"},
		{"proxy.max_idle_conns", "0", "-1"},
	}
	for _, tt := range tests {
		env := "GATEWAY_" + strings.ToUpper(strings.ReplaceAll(tt.key, ".", "_"))
		t.Run(tt.key+"="+tt.ok, func(t *testing.T) {
			assertAgree(t, "", map[string]string{env: tt.ok}, true, tt.key)
		})
		t.Run(tt.key+"="+tt.bad, func(t *testing.T) {
			if tt.bad == "" {
				return
			}
			assertAgree(t, "", map[string]string{env: tt.bad}, false, tt.key)
		})
	}
	routes := []struct {
		name, extra string
		ok          bool
		key         string
	}{
		{"timeout 0 (the transport's)", "    timeout: 0s\n", true, ""},
		{"timeout -1ns", "    timeout: -1ns\n", false, "timeout"},
		{"rate_limit 1-S", "    rate_limit: 1-S\n", true, ""},
		{"stream_max_lifetime 0 (never)", "    stream_max_lifetime: 0s\n", true, ""},
		{"stream_max_lifetime -1ns", "    stream_max_lifetime: -1ns\n", false, "routes[0].stream_max_lifetime"},
		{"rate_limit 0-S", "    rate_limit: 0-S\n", false, "routes[0].rate_limit"},
	}
	for _, tt := range routes {
		t.Run("routes "+tt.name, func(t *testing.T) {
			assertAgree(t, routeYAML(tt.extra), nil, tt.ok, tt.key)
		})
	}
}

// The four rules config and their owners used to disagree on (issue 10),
// each named after the rule.

// TestJWTLeewayZeroIsZeroAndCappedByAuthcore: 0s is accepted by both
// (and means zero: TestLeewayZeroMeansZeroFromConfig), 5m1s refused by
// both with authcore's message.
func TestJWTLeewayZeroIsZeroAndCappedByAuthcore(t *testing.T) {
	assertAgree(t, "jwt:\n  leeway: 0s\n", nil, true, "")
	check, _ := checkAndServe(t, "jwt:\n  leeway: 5m1s\n", nil)
	if want := "jwt.leeway: must be between 0s and 5m0s"; !slices.Contains(check.problems, want) {
		t.Errorf("problems %q, want %q", check.problems, want)
	}
	assertAgree(t, "jwt:\n  leeway: 5m1s\n", nil, false, "jwt.leeway")
}

// TestArgon2SaltLengthBoundIsAuthcores: salt_length: 512 used to pass
// config check (bound 1024) and panic in NewHasher (bound 256) after the
// store was migrated.
func TestArgon2SaltLengthBoundIsAuthcores(t *testing.T) {
	for _, key := range []string{"salt_length", "key_length"} {
		yaml := "password:\n  " + key + ": 512\n"
		check, _ := checkAndServe(t, yaml, nil)
		if want := "password." + key + ": must be between"; !slices.ContainsFunc(check.problems, func(p string) bool { return strings.HasPrefix(p, want) }) {
			t.Errorf("problems %q, want one starting %q", check.problems, want)
		}
		assertAgree(t, yaml, nil, false, "password."+key)
	}
}

// TestRedisURLRuleIsParseRedisURL: URLs ratelimit.ParseRedisURL refuses
// used to pass config check and fail after migrations ran.
func TestRedisURLRuleIsParseRedisURL(t *testing.T) {
	for _, u := range []string{"redis://h1,h2/1", "redis://127.0.0.1:6379/0?cluster=yes", "redis://127.0.0.1:6379/0?bogus=1"} {
		t.Run(u, func(t *testing.T) {
			assertAgree(t, "", map[string]string{"REDIS_URL": u}, false, "ratelimit.redis_url (REDIS_URL)")
		})
	}
	assertAgree(t, "", map[string]string{"REDIS_URL": "redis://127.0.0.1:1/0?cluster=true"}, true, "")
}

// TestRouteTimeoutOneRule: the proxy owns a route's timeout. 0 means the
// transport's response_header_timeout and is accepted by both; a negative
// timeout is refused by both, naming the route.
func TestRouteTimeoutOneRule(t *testing.T) {
	assertAgree(t, routeYAML("    timeout: 0s\n"), nil, true, "")
	check, _ := checkAndServe(t, routeYAML("    timeout: -1s\n"), nil)
	if !slices.ContainsFunc(check.problems, func(p string) bool {
		return strings.HasPrefix(p, "routes[0].timeout: -1s is negative")
	}) {
		t.Errorf("problems %q do not name the route and its timeout", check.problems)
	}
	assertAgree(t, routeYAML("    timeout: -1s\n"), nil, false, "timeout")
}
