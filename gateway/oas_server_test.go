package gateway_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/authcore/sqlite"
	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/gatewaytest"
	"github.com/authgate/gatewayd/gateway/proxy"
	"github.com/authgate/gatewayd/ratelimit"
)

// oasEnv is a real gateway over the real authcore.Service and an in-memory
// SQLite store, on a 127.0.0.1 listener, for checking the OpenAPI document
// against what the server actually answers.
type oasEnv struct {
	t      *testing.T
	url    string
	client *http.Client
	store  *sqlite.Store
	srv    *gateway.Server
	// upstream records the requests that reached it (proxied only).
	upstream *gatewaytest.Upstream
	// notReady, when set, is what the required "database" readiness check
	// reports; cacheDown makes the optional "redis" check fail.
	notReady  atomic.Pointer[error]
	cacheDown atomic.Bool
}

type oasEnvConfig struct {
	registrationClosed bool
	docsDisabled       bool
	// limits overrides rate-limit policies (see ratelimit.Options.Policies);
	// by default they are generous, so only RateLimit-* headers show.
	limits map[string]string
	// bodyLimit caps /auth bodies (0: the server default).
	bodyLimit int64
	// proxied adds the oasRoutes table in front of a recording upstream,
	// with 127.0.0.1 as a trusted proxy (for forward-auth).
	proxied bool
}

// oasRoutes is the route table of a proxied oasEnv: one route per policy
// that forward-auth documents, and a public catch-all, so any request that
// leaks past the gateway's own paths is seen by the upstream.
func oasRoutes(upstream *url.URL) []proxy.Route {
	up := []*url.URL{upstream}
	return []proxy.Route{
		{Name: "admin", PathPrefix: "/admin/", Auth: proxy.AuthRequired, Roles: []string{"admin"}, Upstreams: up},
		{Name: "app", PathPrefix: "/app/", Auth: proxy.AuthRequired, Upstreams: up},
		{Name: "metered", PathPrefix: "/metered/", Auth: proxy.AuthPublic, RateLimit: "1-M", Upstreams: up},
		{Name: "site", PathPrefix: "/", Auth: proxy.AuthPublic, Upstreams: up},
	}
}

func newOASEnv(t *testing.T, cfg oasEnvConfig) *oasEnv {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	core := gatewaytest.SQLite(t)
	store, tokens := core.Store, core.Tokens
	limits := map[string]string{
		ratelimit.PolicyLogin: "1000-M", ratelimit.PolicyRegister: "1000-M",
		ratelimit.PolicyRefresh: "1000-M", ratelimit.PolicyLoginAccount: "1000-M",
		// As cmd registers each route's rate_limit (see oasRoutes).
		ratelimit.RoutePolicy("metered"): "1-M",
	}
	maps.Copy(limits, cfg.limits)
	// The real limiter, as serve wires it, over its in-memory store.
	limiter, err := ratelimit.New(ctx, ratelimit.Options{Store: ratelimit.StoreMemory, Policies: limits})
	if err != nil {
		t.Fatalf("rate limiter: %v", err)
	}
	t.Cleanup(func() { _ = limiter.Close() })
	svc := core.Service(authcore.ServiceOptions{
		RegistrationOpen: !cfg.registrationClosed,
		DefaultRoles:     []string{"user"},
		Throttle:         limiter.AccountThrottle(),
	})
	env := &oasEnv{t: t, store: store, client: &http.Client{Timeout: 30 * time.Second}}
	var (
		proxyOpts gateway.ProxyOptions
		trusted   []netip.Prefix
	)
	if cfg.proxied {
		proxyOpts, trusted = env.proxyTable(t)
	}
	srv, err := gateway.NewServer(gateway.Options{
		Assertion:      gateway.AssertionOptions{Signer: oasAssertions(t)},
		Proxy:          proxyOpts,
		TrustedProxies: trusted,
		Logger:         slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Auth:           svc,
		Tokens:         tokens,
		AuthBodyLimit:  cfg.bodyLimit,
		DocsEnabled:    !cfg.docsDisabled,
		Limiter:        limiter,
		ReadyChecks: []gateway.ReadyCheck{
			{Name: "database", Check: func(ctx context.Context) error {
				if err := env.notReady.Load(); err != nil {
					return *err
				}
				return store.Ping(ctx)
			}},
			{Name: "redis", Optional: true, Check: func(context.Context) error {
				if env.cacheDown.Load() {
					return errOASDown
				}
				return nil
			}},
		},
	})
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	env.url, env.srv = ts.URL, srv
	return env
}

// proxyTable starts the recording upstream and builds the routes to it.
func (e *oasEnv) proxyTable(t *testing.T) (gateway.ProxyOptions, []netip.Prefix) {
	t.Helper()
	e.upstream = gatewaytest.NewUpstream(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	u := e.upstream.Target(t)
	routes := oasRoutes(u)
	router, err := proxy.NewRouter(routes)
	if err != nil {
		t.Fatalf("router: %v", err)
	}
	transport := proxy.NewTransport(proxy.TransportOptions{})
	t.Cleanup(transport.CloseIdleConnections)
	// The test client is the front proxy of forward-auth.
	trusted := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	return gateway.ProxyOptions{Router: router, Transport: transport}, trusted
}

// oasRequest describes one call; contentType defaults to application/json
// when body is set.
type oasRequest struct {
	method, path string
	body         string
	contentType  string
	bearer       string
	header       http.Header
}

// do sends r and returns the exchange for operation op.
func (e *oasEnv) do(op oasOperation, r oasRequest) exchange {
	e.t.Helper()
	if r.method == "" {
		r.method = op.method
	}
	if r.path == "" {
		r.path = op.path
	}
	req, err := http.NewRequest(r.method, e.url+r.path, bytes.NewBufferString(r.body))
	if err != nil {
		e.t.Fatal(err)
	}
	if r.body != "" {
		ct := r.contentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	if r.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+r.bearer)
	}
	for k, v := range r.header {
		req.Header[k] = v
	}
	res, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return exchange{op: op, status: res.StatusCode, header: res.Header, body: b}
}

// setNotReady makes the readiness check fail (nil: healthy again).
func (e *oasEnv) setNotReady(err error) {
	if err == nil {
		e.notReady.Store(nil)
		return
	}
	e.notReady.Store(&err)
}

var errOASDown = errors.New("database down")

// oasAssertions signs identity assertions with a fresh key, so the JWKS
// endpoint is served as in a default deployment.
func oasAssertions(t *testing.T) *authcore.Assertions {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := authcore.NewAssertionKeySet(priv, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := authcore.NewAssertions(keys, authcore.AssertionOptions{Issuer: "gatewayd"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}
