package main

import (
	"log/slog"
	"net/http"

	"github.com/authgate/gatewayd/config"
	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// buildRouter builds the route table from config's proxy.Routes (config
// validation already asked proxy.Route.Validate and NewRouter; plan
// builds the table serve uses).
func buildRouter(cfg *config.Config) (*proxy.Router, error) {
	routes, err := cfg.ProxyRoutes()
	if err != nil {
		return nil, err
	}
	return proxy.NewRouter(routes)
}

// proxySetup is everything the proxy needs, built once at start-up.
type proxySetup struct {
	options gateway.ProxyOptions
	// transport is shared by every route; serve closes its idle
	// connections after shutdown.
	transport *http.Transport
	// trusted is server.trusted_proxies, parsed once for the gateway and
	// every forwarder.
	trusted proxy.TrustedProxies
}

// newProxySetup builds the one shared transport and the forwarding
// options; gateway.NewServer builds a forwarder per route from them, with
// the same identity names as its header policy.
func newProxySetup(pl *Plan, log *slog.Logger) *proxySetup {
	p := pl.cfg.Proxy
	transport := proxy.NewTransport(p.TransportOptions())
	fopts := p.ForwarderOptions()
	fopts.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	for _, r := range pl.router.Routes() {
		if r.StreamMaxLifetime == proxy.NoStreamLimit && r.Auth != proxy.AuthPublic {
			// An operator's explicit choice, but one that weakens "logout
			// ends the session": say so once.
			log.Warn("streams on this route outlive the access token that opened them (stream_max_lifetime: 0); they still close when the user is revoked",
				"route", r.Name)
		}
	}
	return &proxySetup{
		options: gateway.ProxyOptions{
			Router:    pl.router,
			Transport: transport,
			Forward:   fopts,
			Identity:  p.IdentityOptions().Names(),
		},
		transport: transport,
		trusted:   pl.trusted,
	}
}
