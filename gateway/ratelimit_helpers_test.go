package gateway_test

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/authcore/sqlite"
	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/gatewaytest"
	"github.com/authgate/gatewayd/ratelimit"
)

// rlPassword is the password of rlBackend's user.
const rlPassword = "correct horse battery staple"

// rlBackend is the state several gateway instances share: one user store
// (in-memory SQLite) and one token key. Rate-limit state is NOT shared here;
// it is shared only when the instances' limiters use the same Redis.
type rlBackend struct {
	store  *sqlite.Store
	hasher *authcore.Hasher
	tokens *authcore.AccessTokens
}

func newRLBackend(t testing.TB) *rlBackend {
	t.Helper()
	core := gatewaytest.SQLite(t)
	return &rlBackend{store: core.Store, hasher: core.Hasher, tokens: core.Tokens}
}

// rlOptions configure one gateway instance of a rate-limit test.
type rlOptions struct {
	// limiter is the ratelimit configuration; Logger is filled in.
	limiter ratelimit.Options
	trusted []netip.Prefix
	// now is the gateway's clock (nil → time.Now).
	now func() time.Time
	// proxy is the route table for per-route limits (zero: no routes).
	proxy gateway.ProxyOptions
}

// rlInstance is one gateway replica: its own Limiter and Service (with the
// per-account throttle) over the shared backend.
type rlInstance struct {
	t       testing.TB
	srv     *gateway.Server
	svc     *authcore.Service
	limiter *ratelimit.Limiter
	events  *eventLog
}

func (b *rlBackend) instance(t testing.TB, o rlOptions) *rlInstance {
	t.Helper()
	o.limiter.Logger = slog.New(slog.NewTextHandler(&logBuffer{}, nil))
	l, err := ratelimit.New(context.Background(), o.limiter)
	if err != nil {
		t.Fatalf("ratelimit.New: %v", err)
	}
	t.Cleanup(func() { _ = l.Close() })
	events := &eventLog{}
	svc := authcore.NewService(b.store, b.hasher, b.tokens, authcore.ServiceOptions{
		RegistrationOpen: true,
		DefaultRoles:     []string{"user"},
		Throttle:         l.AccountThrottle(),
		OnEvent:          events.add,
	})
	srv, err := gateway.NewServer(gateway.Options{
		Logger:         slog.New(slog.NewTextHandler(&logBuffer{}, nil)),
		Auth:           svc,
		Tokens:         b.tokens,
		TrustedProxies: o.trusted,
		Limiter:        l,
		Now:            o.now,
		Proxy:          o.proxy,
	})
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	return &rlInstance{t: t, srv: srv, svc: svc, limiter: l, events: events}
}

// register creates an account through the Service, bypassing the HTTP
// register limit so setup never spends a test's budget.
func (in *rlInstance) register(email string) *authcore.Session {
	in.t.Helper()
	sess, err := in.svc.Register(context.Background(), email, rlPassword, authcore.ClientMeta{})
	if err != nil {
		in.t.Fatalf("register %s: %v", email, err)
	}
	return sess
}

// post sends a JSON POST from the socket peer ip (port added) with optional
// extra headers, straight into the handler.
func (in *rlInstance) post(path, body, ip string, header http.Header) *httptest.ResponseRecorder {
	in.t.Helper()
	r := jsonRequest(path, body)
	r.RemoteAddr = ip + ":40000"
	for k, v := range header {
		r.Header[k] = v
	}
	return serve(in.srv.Handler(), r)
}

func (in *rlInstance) login(email, password, ip string) *httptest.ResponseRecorder {
	in.t.Helper()
	return in.post("/auth/login", credentials(email, password), ip, nil)
}

// uniquePrefix namespaces a test's Redis keys, so tests sharing the
// machine's Redis never see each other's counters.
func uniquePrefix() string { return "gwtest-" + rand.Text()[:12] }

// rlHeaders are the RateLimit-* values of a response; -1 means absent.
type rlHeaders struct {
	limit, remaining, reset, retryAfter int64
}

func readRLHeaders(t testing.TB, h http.Header) rlHeaders {
	t.Helper()
	num := func(name string) int64 {
		v := h.Get(name)
		if v == "" {
			return -1
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("%s = %q: not an integer", name, v)
		}
		return n
	}
	return rlHeaders{
		limit:      num("RateLimit-Limit"),
		remaining:  num("RateLimit-Remaining"),
		reset:      num("RateLimit-Reset"),
		retryAfter: num("Retry-After"),
	}
}

// assertAnswered checks a response that the limit let through: the
// endpoint's own status, the RateLimit-* headers, and no Retry-After.
func assertAnswered(t *testing.T, w *httptest.ResponseRecorder, status int, limit, remaining, window int64) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d: %s", w.Code, status, w.Body)
	}
	h := readRLHeaders(t, w.Header())
	if h.limit != limit || h.remaining != remaining {
		t.Fatalf("RateLimit-Limit/Remaining = %d/%d, want %d/%d", h.limit, h.remaining, limit, remaining)
	}
	if h.reset < 0 || h.reset > window+1 {
		t.Fatalf("RateLimit-Reset = %d, want 0..%d seconds", h.reset, window+1)
	}
	if h.retryAfter != -1 {
		t.Fatalf("Retry-After %d on an answered request", h.retryAfter)
	}
}

// assertLimited checks a 429 rate_limited problem with every back-off
// header a client needs.
func assertLimited(t *testing.T, w *httptest.ResponseRecorder, limit, window int64) {
	t.Helper()
	decodeProblem(t, w, http.StatusTooManyRequests, "rate_limited")
	h := readRLHeaders(t, w.Header())
	if h.limit != limit || h.remaining != 0 {
		t.Fatalf("RateLimit-Limit/Remaining = %d/%d, want %d/0", h.limit, h.remaining, limit)
	}
	if h.retryAfter < 1 || h.retryAfter > window+1 {
		t.Fatalf("Retry-After = %d, want 1..%d", h.retryAfter, window+1)
	}
	if h.reset < 0 || h.reset > window+1 {
		t.Fatalf("RateLimit-Reset = %d, want 0..%d", h.reset, window+1)
	}
}

// eventually polls cond until it holds or the deadline passes. It is for
// conditions that depend on wall time we do not control (a Redis window
// expiring, a recovery probe), never for timing assertions.
func eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, within)
		}
		<-tick.C
	}
}

// eventLog records authcore events, to show which login path ran.
type eventLog struct {
	mu     sync.Mutex
	events []authcore.Event
}

func (l *eventLog) add(e authcore.Event) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
}

func (l *eventLog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.events)
}
