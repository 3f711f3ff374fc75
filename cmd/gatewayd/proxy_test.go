package main

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/config"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// TestStreamMaxLifetimeZeroIsLoggedAtStartup: the config's three spellings
// reach proxy.Route, and only the explicit opt-out (0) on a route that
// can carry an identity is announced at startup (issue 13 §3).
func TestStreamMaxLifetimeZeroIsLoggedAtStartup(t *testing.T) {
	zero, hour := time.Duration(0), time.Hour
	route := func(name string, d *time.Duration, auth string) config.Route {
		return config.Route{
			Name: name, Match: config.RouteMatch{PathPrefix: "/" + name + "/"},
			Upstream: []string{"http://127.0.0.1:1"}, Auth: auth, Timeout: time.Second,
			StreamMaxLifetime: d,
		}
	}
	cfg := config.Defaults()
	cfg.JWT.Secret = testSecret
	cfg.Routes = []config.Route{
		route("withtoken", nil, config.AuthRequired),
		route("optout", &zero, config.AuthRequired),
		route("hour", &hour, config.AuthOptional),
		route("public", &zero, config.AuthPublic),
	}
	logs := &syncBuffer{}
	p, err := plan(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	px := newProxySetup(p, slog.New(slog.NewTextHandler(logs, nil)))
	want := map[string]time.Duration{"withtoken": 0, "optout": proxy.NoStreamLimit, "hour": time.Hour, "public": proxy.NoStreamLimit}
	for _, r := range px.options.Router.Routes() {
		if r.StreamMaxLifetime != want[r.Name] {
			t.Errorf("route %s: StreamMaxLifetime %v, want %v", r.Name, r.StreamMaxLifetime, want[r.Name])
		}
	}
	out := logs.String()
	if strings.Count(out, "outlive the access token") != 1 || !strings.Contains(out, "route=optout") {
		t.Fatalf("startup log should name exactly the opted-out route:\n%s", out)
	}
}
