package gateway_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/authcore/postgres/pgtest"
	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/gatewaytest"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// TestProxyEndToEndWithRealUsers: a user registered and logged in through
// /auth on Postgres reaches a required route, whose upstream sees the
// user's real id, email and roles (and no Authorization); a route whose
// role the user lacks is refused, and a forged signature never passes.
func TestProxyEndToEndWithRealUsers(t *testing.T) {
	core := gatewaytest.Postgres(t, pgtest.NewDatabase(t))
	store, tokens := core.Store, core.Tokens
	svc := core.Service(authcore.ServiceOptions{RegistrationOpen: true, DefaultRoles: []string{"user"}})

	up := gatewaytest.NewUpstream(t, nil)
	target := up.Target(t)
	router, err := proxy.NewRouter([]proxy.Route{
		{Name: "app", PathPrefix: "/app/", Upstreams: []*url.URL{target}, StripPrefix: true, Timeout: 5 * time.Second},
		{Name: "admin", PathPrefix: "/admin/", Upstreams: []*url.URL{target}, Roles: []string{"admin"}, Timeout: 5 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	transport := proxy.NewTransport(proxy.TransportOptions{})
	t.Cleanup(transport.CloseIdleConnections)
	srv, err := gateway.NewServer(gateway.Options{
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Auth:   svc, Tokens: tokens, Ready: store.Ping,
		Proxy: gateway.ProxyOptions{Router: router, Transport: transport},
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e := &e2e{t: t, url: ts.URL, client: &http.Client{Timeout: 30 * time.Second}, store: store}

	pair := e.tokens(e.do(http.MethodPost, "/auth/register", `{"email":"Grace@Example.com","password":"correct horse battery"}`, ""), http.StatusCreated)
	if r := e.do(http.MethodGet, "/app/profile?tab=1", "", pair.AccessToken); r.status != http.StatusOK {
		t.Fatalf("proxied call: %d %s", r.status, r.body)
	}
	got := up.Last(t)
	if got.Path != "/profile" || got.RawQuery != "tab=1" {
		t.Errorf("upstream path %q query %q, want /profile tab=1", got.Path, got.RawQuery)
	}
	if got.Header.Get("X-User-Id") != pair.User.ID || got.Header.Get("X-User-Email") != "grace@example.com" ||
		got.Header.Get("X-User-Roles") != "user" || got.Header.Get("Authorization") != "" {
		t.Errorf("upstream headers: %v", got.Header)
	}

	e.problem(e.do(http.MethodGet, "/admin/x", "", pair.AccessToken), http.StatusForbidden, "insufficient_role")
	forged := pair.AccessToken[:strings.LastIndexByte(pair.AccessToken, '.')+1] + "AAAA"
	e.problem(e.do(http.MethodGet, "/app/x", "", forged), http.StatusUnauthorized, "invalid_token")
	if up.Count() != 1 {
		t.Fatalf("upstream saw %d requests, want only the authorized one", up.Count())
	}
}
