package gateway_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authgate/gatewayd/gateway"
)

// errDBDown carries the kind of detail that must never reach a client.
var errDBDown = errors.New("dial tcp 10.1.2.3:5432: connect: connection refused (postgres://app:hunter2@db)")

func okCheck(context.Context) error { return nil }

func failCheck(context.Context) error { return errDBDown }

func TestReadinessReportsEveryCheck(t *testing.T) {
	// blocked never answers by itself: it ignores its context, so only the
	// gateway's own timeout can end the probe.
	blocked := make(chan struct{})
	t.Cleanup(func() { close(blocked) })
	tests := []struct {
		name   string
		checks []gateway.ReadyCheck
		status int
		want   map[string]string
	}{
		{"all ok", []gateway.ReadyCheck{
			{Name: "database", Check: okCheck},
			{Name: "redis", Check: okCheck, Optional: true},
		}, 200, map[string]string{"database": "ok", "redis": "ok"}},
		{"redis down in fallback mode stays in rotation", []gateway.ReadyCheck{
			{Name: "database", Check: okCheck},
			{Name: "redis", Check: failCheck, Optional: true},
		}, 200, map[string]string{"database": "ok", "redis": "degraded"}},
		{"database down", []gateway.ReadyCheck{
			{Name: "database", Check: failCheck},
			{Name: "redis", Check: okCheck, Optional: true},
		}, 503, map[string]string{"database": "failed", "redis": "ok"}},
		{"database hangs past its timeout", []gateway.ReadyCheck{
			{Name: "database", Timeout: 50 * time.Millisecond, Check: func(ctx context.Context) error {
				<-ctx.Done()
				return ctx.Err()
			}},
		}, 503, map[string]string{"database": "failed"}},
		{"a check that ignores its context is abandoned", []gateway.ReadyCheck{
			{Name: "database", Timeout: 50 * time.Millisecond, Check: func(context.Context) error {
				<-blocked
				return nil
			}},
		}, 503, map[string]string{"database": "failed"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, logs := newStubServer(t, &stubAuth{}, func(o *gateway.Options) { o.ReadyChecks = tc.checks })
			w := serve(srv.Handler(), httptest.NewRequest(http.MethodGet, "/readyz", nil))
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			var body struct {
				Status any               `json:"status"` // "ready", or 503 in a problem
				Code   string            `json:"code"`
				Checks map[string]string `json:"checks"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %s: %v", w.Body, err)
			}
			if len(body.Checks) != len(tc.want) {
				t.Errorf("checks = %v, want %v", body.Checks, tc.want)
			}
			for k, v := range tc.want {
				if body.Checks[k] != v {
					t.Errorf("checks[%s] = %q, want %q", k, body.Checks[k], v)
				}
			}
			if tc.status == 200 && body.Status != "ready" {
				t.Errorf("status member = %q", body.Status)
			}
			if tc.status == 503 {
				if body.Code != "not_ready" || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/problem+json") {
					t.Errorf("503 is not a not_ready problem: %v %s", w.Header(), w.Body)
				}
				if strings.Contains(w.Body.String(), "10.1.2.3") || strings.Contains(w.Body.String(), "hunter2") {
					t.Errorf("the answer leaks the check's error: %s", w.Body)
				}
				if !strings.Contains(logs.String(), "connection refused") && strings.Contains(tc.name, "down") {
					t.Errorf("the cause was not logged for the operator:\n%s", logs)
				}
			}
			if w.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control = %q", w.Header().Get("Cache-Control"))
			}
		})
	}
}

func TestReadinessDrainAnswers503AtOnce(t *testing.T) {
	var calls atomic.Int32
	srv, _ := newStubServer(t, &stubAuth{}, func(o *gateway.Options) {
		o.ReadyChecks = []gateway.ReadyCheck{{Name: "database", Check: func(context.Context) error {
			calls.Add(1)
			return nil
		}}}
	})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	get := func(path string) *http.Response {
		t.Helper()
		resp, err := ts.Client().Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := get("/readyz"); resp.StatusCode != 200 || resp.Close {
		t.Fatalf("before drain: %d close=%v", resp.StatusCode, resp.Close)
	}
	before := calls.Load()

	srv.Drain()
	if !srv.Draining() {
		t.Fatal("Draining() = false after Drain")
	}
	resp, err := ts.Client().Get(ts.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Code   string            `json:"code"`
		Checks map[string]string `json:"checks"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&p)
	resp.Body.Close()
	if resp.StatusCode != 503 || p.Code != "not_ready" || p.Checks["shutdown"] != "draining" {
		t.Errorf("readyz while draining: %d %+v", resp.StatusCode, p)
	}
	if calls.Load() != before {
		t.Error("a check ran while draining; the 503 must not wait for dependencies")
	}
	// Liveness is unaffected, and every answer now asks the client to
	// reconnect (elsewhere) rather than keep this connection alive.
	if resp := get("/healthz"); resp.StatusCode != 200 || !resp.Close {
		t.Errorf("healthz while draining: %d close=%v", resp.StatusCode, resp.Close)
	}
}

func TestNewServerRejectsBadReadyChecks(t *testing.T) {
	tests := []struct {
		name   string
		checks []gateway.ReadyCheck
		want   string
	}{
		{"unnamed", []gateway.ReadyCheck{{Check: okCheck}}, "no Name"},
		{"no func", []gateway.ReadyCheck{{Name: "database"}}, "no Check"},
		{"duplicate", []gateway.ReadyCheck{{Name: "database", Check: okCheck}, {Name: "database", Check: okCheck}}, "duplicate"},
		{"reserved", []gateway.ReadyCheck{{Name: "shutdown", Check: okCheck}}, "reserved"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := gateway.NewServer(gateway.Options{
				Logger: nil, Auth: &stubAuth{}, Tokens: stubTokens{}, ReadyChecks: tc.checks,
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}
