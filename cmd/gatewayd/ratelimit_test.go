package main

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authgate/gatewayd/config"
	"github.com/authgate/gatewayd/ratelimit"
	"github.com/authgate/gatewayd/ratelimit/redistest"
)

// TestLimiterOptionsFromConfig: every configured rate reaches the limiter,
// and each route with a rate_limit gets its own route policy.
func TestLimiterOptionsFromConfig(t *testing.T) {
	cfg := config.Defaults()
	cfg.RateLimit.Login = "7-M"
	cfg.RateLimit.LoginAccount = "3-H"
	cfg.RateLimit.RedisURL = "redis://127.0.0.1:1/0"
	cfg.Routes = []config.Route{
		{Name: "api", RateLimit: "100-S"},
		{Name: "static"},
	}
	opts := limiterOptions(&cfg, slog.New(slog.DiscardHandler))
	want := map[string]string{
		ratelimit.PolicyLogin:        "7-M",
		ratelimit.PolicyRegister:     "5-H",
		ratelimit.PolicyRefresh:      "60-M",
		ratelimit.PolicyLogout:       "60-M",
		ratelimit.PolicyLoginAccount: "3-H",
		ratelimit.RoutePolicy("api"): "100-S",
	}
	if len(opts.Policies) != len(want) {
		t.Fatalf("policies %v, want %v", opts.Policies, want)
	}
	for name, rate := range want {
		if opts.Policies[name] != rate {
			t.Errorf("policy %s = %q, want %q", name, opts.Policies[name], rate)
		}
	}
	if opts.ResolvedStore() != ratelimit.StoreRedis || opts.RedisURL != "redis://127.0.0.1:1/0" ||
		opts.Prefix != "gatewayd" || opts.OnStoreError != ratelimit.OnErrorFallback ||
		opts.StoreTimeout != 50*time.Millisecond || opts.DegradeAfter != ratelimit.DefaultDegradeAfter {
		t.Errorf("options %+v do not follow the config", opts)
	}
}

// TestDegradeAfterBoundsAgree: config check refuses exactly what
// ratelimit.New refuses for ratelimit.degrade_after.
func TestDegradeAfterBoundsAgree(t *testing.T) {
	for _, n := range []time.Duration{-1, 0, 1, ratelimit.MaxDegradeAfter, ratelimit.MaxDegradeAfter + 1} {
		cfg := config.Defaults()
		cfg.RateLimit.DegradeAfter = n
		err := cfg.Validate()
		configOK := err == nil || !strings.Contains(err.Error(), "ratelimit.degrade_after")
		// One owner (issue 10): zero is ratelimit's default for both.
		var l *ratelimit.Limiter
		l, err = ratelimit.New(context.Background(), ratelimit.Options{DegradeAfter: n})
		if err == nil {
			_ = l.Close()
		}
		libraryOK := err == nil
		if configOK != libraryOK {
			t.Errorf("degrade_after %d: config ok=%v, ratelimit ok=%v", n, configOK, libraryOK)
		}
	}
}

// TestServeEnforcesRateLimits runs serveConfig on Redis and checks the
// wiring end to end: the per-IP login limit, the per-account throttle
// (through authcore.Service) and a route's rate_limit all answer 429, and
// the limiter closes after the server has drained.
func TestServeEnforcesRateLimits(t *testing.T) {
	env := map[string]string{
		"JWT_SECRET":                      testSecret,
		"DATABASE_URL":                    "sqlite:" + filepath.Join(t.TempDir(), "gw.db"),
		"REDIS_URL":                       redistest.URL(t),
		"GATEWAY_SERVER_LISTEN":           "127.0.0.1:0",
		"GATEWAY_ADMIN_LISTEN":            "off",
		"GATEWAY_RATELIMIT_PREFIX":        "gwcmd-" + rand.Text()[:12],
		"GATEWAY_RATELIMIT_LOGIN":         "5-M",
		"GATEWAY_RATELIMIT_LOGIN_ACCOUNT": "2-H",
		"GATEWAY_PASSWORD_MEMORY_KIB":     "1024",
		"GATEWAY_PASSWORD_ITERATIONS":     "1",
	}
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	defer upstream.Close()
	cfgPath := filepath.Join(t.TempDir(), "gateway.yaml")
	routes := "routes:\n" +
		"  - name: limited\n    match: {path_prefix: /limited/}\n    upstream: " + upstream.URL + "\n    auth: public\n    rate_limit: 1-M\n"
	if err := os.WriteFile(cfgPath, []byte(routes), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgPath, func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	ctx, stop := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serveConfig(ctx, cfg, log, func(a string) { addr <- a }) }()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("serveConfig: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start within 30s")
	}

	client := &http.Client{Timeout: 10 * time.Second}
	post := func(path, body string) *http.Response {
		t.Helper()
		res, err := client.Post(base+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
		return res
	}
	expect := func(res *http.Response, status int, limit string) {
		t.Helper()
		if res.StatusCode != status || res.Header.Get("RateLimit-Limit") != limit {
			t.Fatalf("got %d with RateLimit-Limit %q, want %d and %q", res.StatusCode, res.Header.Get("RateLimit-Limit"), status, limit)
		}
		if status == http.StatusTooManyRequests && res.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	}
	const good = `{"email":"ada@example.com","password":"correct horse battery"}`
	const bad = `{"email":"ada@example.com","password":"wrong horse battery"}`
	if res := post("/auth/register", good); res.StatusCode != http.StatusCreated {
		t.Fatalf("register: %d", res.StatusCode)
	}
	expect(post("/auth/login", bad), http.StatusUnauthorized, "5")
	expect(post("/auth/login", bad), http.StatusUnauthorized, "5")
	// The account's two failures are spent: even the right password is
	// refused, by the account policy.
	expect(post("/auth/login", good), http.StatusTooManyRequests, "2")
	expect(post("/auth/login", good), http.StatusTooManyRequests, "2")
	expect(post("/auth/login", good), http.StatusTooManyRequests, "2")
	// Sixth request from this IP: the per-IP policy refuses first.
	expect(post("/auth/login", good), http.StatusTooManyRequests, "5")

	// The route's rate_limit was registered as its own policy.
	get := func() *http.Response {
		t.Helper()
		res, err := client.Get(base + "/limited/x")
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		return res
	}
	expect(get(), http.StatusNoContent, "1")
	expect(get(), http.StatusTooManyRequests, "1")

	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serveConfig: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not stop within 30s")
	}
	out := logs.String()
	if !strings.Contains(out, "store=redis") || !strings.Contains(out, "degraded=false") {
		t.Fatalf("start-up log does not show a healthy Redis limiter:\n%s", out)
	}
	if strings.Contains(out, "close rate limiter") {
		t.Fatalf("limiter failed to close:\n%s", out)
	}
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
