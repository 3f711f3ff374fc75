package gateway_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/authcore/postgres"
	"github.com/authgate/gatewayd/authcore/postgres/pgtest"
	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/gatewaytest"
	"github.com/authgate/gatewayd/gateway/proxy"
)

const testSecret = gatewaytest.Secret

// e2e is a gateway over the real authcore.Service and a fresh Postgres
// database, served on a real 127.0.0.1 listener.
type e2e struct {
	t      *testing.T
	url    string
	client *http.Client
	store  *postgres.Store
	logs   *logBuffer
	srv    *gateway.Server
}

type e2eConfig struct {
	registrationClosed bool
	// dbAddr replaces host:port of the database URL (e.g. a faultProxy).
	dbAddr func(real string) string
	// dbURL, when set, is used instead of a fresh database on the shared
	// server (e.g. a throwaway pgtest.Server an outage test stops).
	dbURL string
	// upstream, when set, is proxied under /api/ for any valid token.
	upstream *url.URL
}

func newE2E(t *testing.T, cfg e2eConfig) *e2e {
	t.Helper()
	dbURL := cfg.dbURL
	if dbURL == "" {
		dbURL = pgtest.NewDatabase(t)
	}
	if cfg.dbAddr != nil {
		dbURL = replaceHost(t, dbURL, cfg.dbAddr)
	}
	core := gatewaytest.Postgres(t, dbURL)
	store, tokens := core.Store, core.Tokens
	svc := core.Service(authcore.ServiceOptions{
		RegistrationOpen: !cfg.registrationClosed,
		DefaultRoles:     []string{"user"},
	})
	logs := &logBuffer{}
	srv, err := gateway.NewServer(gateway.Options{
		Logger: slog.New(slog.NewJSONHandler(logs, nil)),
		Auth:   svc,
		Tokens: tokens,
		Ready:  store.Ping,
		Proxy:  e2eProxy(t, cfg.upstream),
	})
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	// The client timeout only bounds a hang; no test asserts on timing.
	client := &http.Client{Timeout: 30 * time.Second}
	return &e2e{t: t, url: ts.URL, client: client, store: store, logs: logs, srv: srv}
}

// response is a finished exchange.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// do sends one request; body is sent as JSON when non-empty.
func (e *e2e) do(method, path, body, bearer string) response {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = bytes.NewBufferString(body)
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
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
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// tokenPair is the decoded token response.
type tokenPair struct {
	AccessToken      string `json:"access_token"`
	TokenType        string `json:"token_type"`
	ExpiresIn        int64  `json:"expires_in"`
	RefreshToken     string `json:"refresh_token"`
	RefreshExpiresIn int64  `json:"refresh_expires_in"`
	User             struct {
		ID        string    `json:"id"`
		Email     string    `json:"email"`
		Roles     []string  `json:"roles"`
		CreatedAt time.Time `json:"created_at"`
	} `json:"user"`
}

func (e *e2e) tokens(r response, status int) tokenPair {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	var p tokenPair
	r.json(e.t, &p)
	if p.AccessToken == "" || p.RefreshToken == "" || p.TokenType != "Bearer" || p.ExpiresIn <= 0 || p.RefreshExpiresIn <= p.ExpiresIn {
		e.t.Fatalf("incomplete token response %s", r.body)
	}
	if r.header.Get("Cache-Control") != "no-store" || r.header.Get("Pragma") != "no-cache" {
		e.t.Fatalf("token response cacheable: %v", r.header)
	}
	return p
}

// problem asserts a problem response and returns it.
func (e *e2e) problem(r response, status int, code string) problemBody {
	e.t.Helper()
	if r.status != status || r.header.Get("Content-Type") != "application/problem+json" {
		e.t.Fatalf("got %d %s %s, want %d %s", r.status, r.header.Get("Content-Type"), r.body, status, code)
	}
	var p problemBody
	r.json(e.t, &p)
	if p.Code != code || p.Status != status || p.RequestID != r.header.Get("X-Request-Id") {
		e.t.Fatalf("problem %s, want %d %s", r.body, status, code)
	}
	return p
}

// faultProxy forwards TCP connections to a real server until Stop, which
// closes the listener and every open connection: a real network failure
// for the code under test, with nothing mocked.
type faultProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	wg     sync.WaitGroup
}

func startFaultProxy(t *testing.T, target string) *faultProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{ln: ln, target: target}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.Stop)
	return p
}

func (p *faultProxy) Addr() string { return p.ln.Addr().String() }

func (p *faultProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		u, err := net.DialTimeout("tcp", p.target, 5*time.Second)
		if err != nil {
			_ = c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, u)
		p.mu.Unlock()
		p.wg.Add(2)
		go func() { defer p.wg.Done(); _, _ = io.Copy(u, c); _ = u.Close() }()
		go func() { defer p.wg.Done(); _, _ = io.Copy(c, u); _ = c.Close() }()
	}
}

// Stop makes the database unreachable: new dials are refused and open
// connections are cut.
func (p *faultProxy) Stop() {
	_ = p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
	p.mu.Unlock()
	p.wg.Wait()
}

// replaceHost swaps the host:port of a database URL.
func replaceHost(t *testing.T, raw string, swap func(string) string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = swap(u.Host)
	return u.String()
}

// e2eProxy routes /api/ to upstream for any valid access token; no
// upstream, no routes.
func e2eProxy(t *testing.T, upstream *url.URL) gateway.ProxyOptions {
	t.Helper()
	if upstream == nil {
		return gateway.ProxyOptions{}
	}
	router, err := proxy.NewRouter([]proxy.Route{{
		Name: "api", PathPrefix: "/api/", Upstreams: []*url.URL{upstream}, Timeout: 30 * time.Second,
	}})
	if err != nil {
		t.Fatalf("NewRouter: %v", err)
	}
	transport := proxy.NewTransport(proxy.TransportOptions{})
	t.Cleanup(transport.CloseIdleConnections)
	return gateway.ProxyOptions{Router: router, Transport: transport}
}
