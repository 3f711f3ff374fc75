package gateway_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/gatewaytest"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// pxConfig shapes a proxy gateway for one test.
type pxConfig struct {
	// routes default their Upstreams to the test's upstream.
	routes []proxy.Route
	// names are the identity header names (zero: defaults).
	names   proxy.IdentityHeaders
	fwd     proxy.ForwarderOptions
	trusted []netip.Prefix
	cors    gateway.CORSOptions
	// assertion turns the signed identity assertion on (zero: off).
	assertion gateway.AssertionOptions
	// quiet logs at info level to nowhere, as a production access log
	// costs, instead of collecting debug logs (benchmarks).
	quiet bool
	// now is the gateway's clock (nil: time.Now).
	now func() time.Time
	// tokens adjusts the token options (TTL, leeway, revocations).
	tokens func(*authcore.TokenOptions)
	// streams ends streams with the session (stream_guard.go).
	streams gateway.StreamOptions
}

// pxGateway is a gateway.Server with real token verification (no database:
// tokens are minted directly) in front of recording upstreams.
type pxGateway struct {
	srv    *gateway.Server
	tokens *authcore.AccessTokens
	logs   *logBuffer
}

func newPXGateway(t testing.TB, up *gatewaytest.Upstream, cfg pxConfig) *pxGateway {
	t.Helper()
	topts := authcore.TokenOptions{Secret: testSecret}
	if cfg.tokens != nil {
		cfg.tokens(&topts)
	}
	tokens, err := authcore.NewAccessTokens(topts)
	if err != nil {
		t.Fatalf("tokens: %v", err)
	}
	names := cfg.names
	if names == (proxy.IdentityHeaders{}) {
		names = proxy.DefaultIdentityHeaders()
	}
	for i := range cfg.routes {
		if cfg.routes[i].Upstreams == nil && up != nil {
			cfg.routes[i].Upstreams = []*url.URL{up.Target(t)}
		}
		if cfg.routes[i].Timeout == 0 {
			cfg.routes[i].Timeout = 30 * time.Second
		}
	}
	router, err := proxy.NewRouter(cfg.routes)
	if err != nil {
		t.Fatalf("NewRouter: %v", err)
	}
	transport := proxy.NewTransport(proxy.TransportOptions{})
	t.Cleanup(transport.CloseIdleConnections)
	logs := &logBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if cfg.quiet {
		logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	}
	srv, err := gateway.NewServer(gateway.Options{
		Logger:         logger,
		Auth:           &stubAuth{},
		Tokens:         tokens,
		TrustedProxies: cfg.trusted,
		CORS:           cfg.cors,
		Now:            cfg.now,
		Assertion:      cfg.assertion,
		Streams:        cfg.streams,
		Proxy: gateway.ProxyOptions{
			Router:    router,
			Transport: transport,
			Forward:   cfg.fwd,
			Identity:  names,
		},
	})
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	return &pxGateway{srv: srv, tokens: tokens, logs: logs}
}

// token mints an access token for the test user with roles.
func (g *pxGateway) token(t testing.TB, roles ...string) string {
	t.Helper()
	tok, _, err := g.tokens.Issue(&authcore.User{ID: testUserID, Email: "ada@example.com", Roles: roles})
	if err != nil {
		t.Fatalf("issue token: %v", err)
	}
	return tok
}

// serve runs r through the gateway in-process.
func (g *pxGateway) serve(r *http.Request) *httptest.ResponseRecorder {
	return serve(g.srv.Handler(), r)
}

// listen serves the gateway on a real loopback listener, for tests that
// need a network connection to the client (streams, upgrades, aborts).
func (g *pxGateway) listen(t testing.TB) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(g.srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

// untrustedPeer is a documentation address (RFC 5737) no test trusts.
const untrustedPeer = "203.0.113.7:50000"

// pxRequest is an inbound request from an untrusted peer, with a bearer
// token when token is not empty.
func pxRequest(method, target, token string) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	r.RemoteAddr = untrustedPeer
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	return r
}

// normalizedHeaderName is k as a spelling-insensitive upstream (CGI, PHP,
// nginx with underscores_in_headers) reads it: lower case, '_' as '-'.
func normalizedHeaderName(k string) string {
	b := []byte(k)
	for i, c := range b {
		switch {
		case 'A' <= c && c <= 'Z':
			b[i] = c + 'a' - 'A'
		case c == '_':
			b[i] = '-'
		}
	}
	return string(b)
}
