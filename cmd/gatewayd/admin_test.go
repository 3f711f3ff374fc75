package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore/postgres/pgtest"
	"github.com/authgate/gatewayd/config"
	"github.com/authgate/gatewayd/gateway/metrics"
	"github.com/authgate/gatewayd/ratelimit/redistest"
)

func TestAdminHandlerServesPProfOnlyWhenEnabled(t *testing.T) {
	m := metrics.New(metrics.Options{})
	tests := []struct {
		name   string
		pprof  bool
		path   string
		status int
	}{
		{"metrics", false, "/metrics", 200},
		{"pprof off", false, "/debug/pprof/", 404},
		{"pprof off, cmdline", false, "/debug/pprof/cmdline", 404},
		{"pprof on", true, "/debug/pprof/", 200},
		{"pprof on, cmdline", true, "/debug/pprof/cmdline", 200},
		{"metrics with pprof on", true, "/metrics", 200},
		{"nothing else", true, "/", 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			adminHandler(m.Handler(), tc.pprof).ServeHTTP(w, httptest.NewRequest(http.MethodGet, tc.path, nil))
			if w.Code != tc.status {
				t.Errorf("GET %s = %d, want %d", tc.path, w.Code, tc.status)
			}
		})
	}
}

// lockedBuffer is a log sink safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// freeLoopback returns a 127.0.0.1 address nobody listens on right now.
func freeLoopback(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestServeOperations runs serveConfig on each backend and checks the
// operations surface end to end: metrics only on the admin listener, with
// bounded labels and the component gauges; readiness per dependency,
// including Redis going down (degraded, still 200); and a clean stop.
func TestServeOperations(t *testing.T) {
	tests := []struct {
		name      string
		database  func(t *testing.T) string
		withRedis bool
	}{
		{"postgres and redis", func(t *testing.T) string { return pgtest.NewDatabase(t) }, true},
		{"sqlite and memory limits", func(t *testing.T) string {
			return "sqlite:" + filepath.Join(t.TempDir(), "gw.db")
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			adminAddr := freeLoopback(t)
			env := map[string]string{
				"JWT_SECRET":                  testSecret,
				"DATABASE_URL":                tc.database(t),
				"GATEWAY_SERVER_LISTEN":       "127.0.0.1:0",
				"GATEWAY_ADMIN_LISTEN":        adminAddr,
				"GATEWAY_PASSWORD_MEMORY_KIB": "1024",
				"GATEWAY_PASSWORD_ITERATIONS": "1",
			}
			var redis *redistest.Server
			if tc.withRedis {
				redis = redistest.Start(t)
				env["REDIS_URL"] = redis.URL
			}
			cfg, err := config.Load("", func(k string) string { return env[k] })
			if err != nil {
				t.Fatalf("config: %v", err)
			}
			logs := &lockedBuffer{}
			ctx, stop := context.WithCancel(context.Background())
			defer stop()
			addr := make(chan string, 1)
			done := make(chan error, 1)
			go func() {
				done <- serveConfig(ctx, cfg, slog.New(slog.NewJSONHandler(logs, nil)), func(a string) { addr <- a })
			}()
			var base string
			select {
			case a := <-addr:
				base = "http://" + a
			case err := <-done:
				t.Fatalf("serveConfig: %v\n%s", err, logs)
			case <-time.After(30 * time.Second):
				t.Fatal("server did not start within 30s")
			}
			client := &http.Client{Timeout: 10 * time.Second}
			do := func(method, url, body string) (int, string) {
				t.Helper()
				req, _ := http.NewRequest(method, url, strings.NewReader(body))
				if body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatalf("%s %s: %v", method, url, err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}

			creds := `{"email":"ops@example.com","password":"correct horse battery"}`
			if status, body := do(http.MethodPost, base+"/auth/register", creds); status != http.StatusCreated {
				t.Fatalf("register: %d %s", status, body)
			}
			if status, _ := do(http.MethodPost, base+"/auth/login", creds); status != http.StatusOK {
				t.Fatalf("login: %d", status)
			}
			do(http.MethodGet, base+"/random/1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d", "")
			// The public port never serves metrics: /metrics is just an
			// unrouted path there.
			if status, body := do(http.MethodGet, base+"/metrics", ""); status != http.StatusNotFound || strings.Contains(body, "gateway_") {
				t.Fatalf("public /metrics = %d %s", status, body)
			}

			status, text := do(http.MethodGet, "http://"+adminAddr+"/metrics", "")
			if status != http.StatusOK {
				t.Fatalf("admin /metrics = %d", status)
			}
			wantLines := []string{
				`gateway_http_requests_total{code="404",method="GET",route="unmatched"} 2`,
				`gateway_http_requests_total{code="201",method="POST",route="auth_register"} 1`,
				`gateway_auth_events_total{event="register"} 1`,
				`gateway_auth_events_total{event="login_success"} 1`,
				`gateway_ratelimit_decisions_total{outcome="allowed",policy="login"} 1`,
				`gateway_ratelimit_decisions_total{outcome="allowed",policy="login_account"} 1`,
				`gateway_ratelimit_store_degraded 0`,
				`gateway_argon2_hashes_in_flight 0`,
				`gateway_argon2_hashes_refused_total 0`,
				`gateway_db_pool_connections{state="open"}`,
				`gateway_db_pool_max_connections`,
				`gateway_build_info{goversion=`,
				`go_goroutines`,
			}
			for _, want := range wantLines {
				if !strings.Contains(text, want) {
					t.Errorf("admin /metrics lacks %s", want)
				}
			}
			if strings.Contains(text, "1b2c3d4e") || strings.Contains(text, "ops@example.com") || strings.Contains(text, "127.0.0.1") {
				t.Error("a metrics label holds request data")
			}

			readyz := func() (int, map[string]string) {
				status, body := do(http.MethodGet, base+"/readyz", "")
				var r struct {
					Checks map[string]string `json:"checks"`
				}
				_ = json.Unmarshal([]byte(body), &r)
				return status, r.Checks
			}
			wantChecks := map[string]string{"database": "ok"}
			if tc.withRedis {
				wantChecks["redis"] = "ok"
			}
			if status, checks := readyz(); status != 200 || !sameChecks(checks, wantChecks) {
				t.Fatalf("readyz = %d %v, want 200 %v", status, checks, wantChecks)
			}
			if tc.withRedis {
				if err := redis.Stop(); err != nil {
					t.Fatal(err)
				}
				// Redis is down: reported, but the instance stays in
				// rotation, because rate limits fall back to memory.
				status, checks := readyz()
				if status != 200 || checks["redis"] != "degraded" || checks["database"] != "ok" {
					t.Fatalf("readyz with Redis down = %d %v, want 200 with redis degraded", status, checks)
				}
			}

			stop()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("serveConfig: %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("server did not stop within 30s")
			}
			if conn, err := net.DialTimeout("tcp", adminAddr, time.Second); err == nil {
				conn.Close()
				t.Error("the admin listener still accepts after shutdown")
			}
		})
	}
}

func sameChecks(got, want map[string]string) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}
