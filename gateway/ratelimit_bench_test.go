package gateway_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/ratelimit"
	"github.com/authgate/gatewayd/ratelimit/redistest"
)

// The three benchmarks below send the same /auth/login request to a server
// whose Service answers at once (no argon2, no database), so the difference
// between them is what the per-IP limit costs a request: nothing (None), a
// map update (Memory), or one Redis round trip (Redis, a single EVALSHA
// against TEST_REDIS_URL). Compare ns/op:
//
//	go test -run '^$' -bench LoginRateLimitMiddleware ./gateway/

func BenchmarkLoginRateLimitMiddlewareNone(b *testing.B) {
	benchLogin(b, nil)
}

func BenchmarkLoginRateLimitMiddlewareMemory(b *testing.B) {
	benchLogin(b, &ratelimit.Options{Store: ratelimit.StoreMemory})
}

func BenchmarkLoginRateLimitMiddlewareRedis(b *testing.B) {
	benchLogin(b, &ratelimit.Options{RedisURL: redistest.URL(b), Prefix: uniquePrefix()})
}

func benchLogin(b *testing.B, opts *ratelimit.Options) {
	auth := &stubAuth{login: func(context.Context, string, string) (*authcore.Session, error) {
		return nil, authcore.ErrInvalidCredentials
	}}
	gopts := gateway.Options{
		Logger: slog.New(slog.DiscardHandler),
		Auth:   auth,
		Tokens: stubTokens{},
	}
	if opts != nil {
		// A budget no benchmark run can spend: every request is counted and
		// answered, none is refused.
		opts.Policies = map[string]string{ratelimit.PolicyLogin: "1000000000-M"}
		l, err := ratelimit.New(context.Background(), *opts)
		if err != nil {
			b.Fatalf("ratelimit.New: %v", err)
		}
		b.Cleanup(func() { _ = l.Close() })
		if l.Degraded() {
			b.Fatal("Redis unreachable: the benchmark would measure the fallback")
		}
		gopts.Limiter = l
	}
	srv, err := gateway.NewServer(gopts)
	if err != nil {
		b.Fatalf("NewServer: %v", err)
	}
	h := srv.Handler()
	body := credentials("bench@example.com", "wrong password!")
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/auth/login", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.RemoteAddr = "203.0.113.1:40000"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusUnauthorized {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
