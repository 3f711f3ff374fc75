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

// newProxySetup builds the router, the one shared transport and a
// forwarder per route. The same identity names go to the header policy
// (strip + inject) and to every forwarder (which re-asserts them after
// hop-by-hop removal), so the two can never disagree.
func newProxySetup(pl *Plan, log *slog.Logger) *proxySetup {
	cfg, router, trusted := pl.cfg, pl.router, pl.trusted
	p := cfg.Proxy
	transport := proxy.NewTransport(p.TransportOptions())
	names := p.IdentityOptions().Names()
	fopts := p.ForwarderOptions()
	fopts.TrustedProxies = trusted
	fopts.Identity = names
	fopts.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	forwarders := make(map[string]*proxy.Forwarder, len(cfg.Routes))
	for _, r := range router.Routes() {
		forwarders[r.Name] = proxy.NewForwarder(r, transport, fopts)
	}
	return &proxySetup{
		options: gateway.ProxyOptions{
			Router:     router,
			Forwarders: forwarders,
			Identity:   proxy.NewHeaderPolicy(names),
		},
		transport: transport,
		trusted:   trusted,
	}
}
