package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/authgate/gatewayd/config"
	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// proxyRoutes maps config.Routes onto proxy.Route values, parsing the
// upstream URLs. Config validation has already checked every field, so an
// error here means validation and this mapping disagree.
func proxyRoutes(routes []config.Route) ([]proxy.Route, error) {
	out := make([]proxy.Route, 0, len(routes))
	var errs []error
	for _, r := range routes {
		auth, err := proxy.ParseAuthMode(r.Auth)
		if err != nil {
			errs = append(errs, fmt.Errorf("route %q: %w", r.Name, err))
		}
		upstreams := make([]*url.URL, 0, len(r.Upstream))
		for _, raw := range r.Upstream {
			u, err := url.Parse(raw)
			if err != nil {
				errs = append(errs, fmt.Errorf("route %q: upstream %q: %w", r.Name, raw, err))
				continue
			}
			upstreams = append(upstreams, u)
		}
		out = append(out, proxy.Route{
			Name:              r.Name,
			Host:              r.Match.Host,
			PathPrefix:        r.Match.PathPrefix,
			Methods:           r.Match.Methods,
			Upstreams:         upstreams,
			StripPrefix:       r.StripPrefix,
			Auth:              auth,
			Roles:             r.Roles,
			PassAuthorization: r.PassAuthorization,
			Timeout:           r.Timeout,
			RateLimit:         r.RateLimit,
			AllowPathParams:   r.AllowPathParams,
			CaseInsensitive:   r.CaseInsensitive,
			StreamMaxLifetime: streamLifetime(r.StreamMaxLifetime),
		})
	}
	return out, errors.Join(errs...)
}

// streamLifetime maps the config's stream_max_lifetime (omitted → with the
// token, 0 → never) onto proxy.Route's (0 → with the token, NoStreamLimit
// → never).
func streamLifetime(d *time.Duration) time.Duration {
	switch {
	case d == nil:
		return 0
	case *d == 0:
		return proxy.NoStreamLimit
	default:
		return *d
	}
}

// buildRouter builds the route table exactly as serve does, so `config
// check` and `routes check` fail on the same overlaps (each error names
// both routes).
func buildRouter(cfg *config.Config) (*proxy.Router, error) {
	routes, err := proxyRoutes(cfg.Routes)
	if err != nil {
		return nil, err
	}
	return proxy.NewRouter(routes)
}

// identityHeaders resolves proxy.identity_preset and identity_headers.
func identityHeaders(p config.Proxy) proxy.IdentityHeaders {
	id, email, roles := p.IdentityHeaderNames()
	return proxy.IdentityHeaders{UserID: id, Email: email, Roles: roles, Assertion: p.Assertion.Header}
}

// proxySetup is everything the proxy needs, built once at start-up.
type proxySetup struct {
	options gateway.ProxyOptions
	// transport is shared by every route; serve closes its idle
	// connections after shutdown.
	transport *http.Transport
}

// newProxySetup builds the router, the one shared transport and a
// forwarder per route. The same identity names go to the header policy
// (strip + inject) and to every forwarder (which re-asserts them after
// hop-by-hop removal), so the two can never disagree.
func newProxySetup(cfg *config.Config, log *slog.Logger) (*proxySetup, error) {
	trusted, err := trustedPrefixes(cfg.Server.TrustedProxies)
	if err != nil {
		return nil, err
	}
	router, err := buildRouter(cfg)
	if err != nil {
		return nil, fmt.Errorf("routes: %w", err)
	}
	p := cfg.Proxy
	transport := proxy.NewTransport(proxy.TransportOptions{
		DialTimeout:           p.DialTimeout,
		TLSHandshakeTimeout:   p.TLSHandshakeTimeout,
		ResponseHeaderTimeout: p.ResponseHeaderTimeout,
		IdleConnTimeout:       p.IdleConnTimeout,
		MaxIdleConns:          p.MaxIdleConns,
		MaxIdleConnsPerHost:   p.MaxIdleConnsPerHost,
	})
	names := identityHeaders(p)
	fopts := proxy.ForwarderOptions{
		TrustedProxies:   trusted,
		HideServerHeader: p.HideServerHeader,
		SecurityHeaders:  p.SecurityHeaders,
		MaxBodyBytes:     p.MaxBodyBytes,
		StripHeaders:     p.StripHeaders,
		Identity:         names,
		ErrorLog:         slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	forwarders := make(map[string]*proxy.Forwarder, len(cfg.Routes))
	for _, r := range router.Routes() {
		forwarders[r.Name] = proxy.NewForwarder(r, transport, fopts)
		if r.StreamMaxLifetime == proxy.NoStreamLimit && r.Auth != proxy.AuthPublic {
			// An operator's explicit choice, but one that weakens "logout
			// ends the session": say so once.
			log.Warn("streams on this route outlive the access token that opened them (stream_max_lifetime: 0); they still close when the user is revoked",
				"route", r.Name)
		}
	}
	return &proxySetup{
		options: gateway.ProxyOptions{
			Router:     router,
			Forwarders: forwarders,
			Identity:   proxy.NewHeaderPolicy(names),
		},
		transport: transport,
	}, nil
}
