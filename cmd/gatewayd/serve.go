package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/authgate/gatewayd/config"
	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/metrics"
)

// serve runs the gateway until ctx is cancelled (SIGTERM/SIGINT), then
// drains: readiness fails at once, the listener closes, in-flight requests
// get server.shutdown_timeout to finish, and the stores close.
func serve(ctx context.Context, configPath string, e env) int {
	cfg, ok := loadConfig(configPath, e)
	if !ok {
		return 1
	}
	log := newLogger(cfg.Log, e.stderr)
	setProxyGCPercent(e.getenv, log) // gc.go (issue 14)
	if err := serveConfig(ctx, cfg, log, nil); err != nil {
		log.Error("gatewayd stopped", "err", err)
		return 1
	}
	return 0
}

// serveConfig is serve after configuration. started, when non-nil, receives
// the bound public address (tests and the demo use it).
func serveConfig(ctx context.Context, cfg *config.Config, log *slog.Logger, started func(addr string)) error {
	// The route table comes first: overlapping routes refuse start-up
	// before any connection opens (proxy.go).
	px, err := newProxySetup(cfg, log)
	if err != nil {
		return err
	}
	defer px.transport.CloseIdleConnections()
	m := metrics.New(metrics.Options{Version: version, Logger: log})
	// Both listeners bind before the database opens: a taken port is the
	// most common first-start failure, and it must be reported as itself,
	// not as a database error (issue 12: a busy demo port used to surface
	// as "open database: context canceled"). The admin listener binds
	// first so a taken admin port fails before the public one exists.
	admin, err := startAdmin(cfg.Admin, m.Handler(), log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Server.Listen)
	if err != nil {
		_ = admin.shutdown(context.Background())
		return fmt.Errorf("listen on %s: %w", cfg.Server.Listen, err)
	}
	serving := false
	defer func() {
		if !serving {
			_ = ln.Close()
			_ = admin.shutdown(context.Background())
		}
	}()
	st, err := openStore(ctx, cfg)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer st.Close()
	if err := prepareSchema(ctx, st, cfg.Database.MigrateOnStartup); err != nil {
		return err
	}
	limiter, err := newLimiter(ctx, cfg, log)
	if err != nil {
		return err
	}
	// Deferred here, so it runs after httpSrv.Shutdown has drained the
	// requests that may still be counting.
	defer func() {
		if err := limiter.Close(); err != nil {
			log.Warn("close rate limiter", "err", err)
		}
	}()
	// Metrics (ops.go): auth events, counted rate-limit decisions, and
	// gauges read from the hasher, the limiter and the pool at scrape time.
	c, err := newCore(cfg, st, countedThrottle{limiter.AccountThrottle(), m}, m.AuthEvent)
	if err != nil {
		return err
	}
	if err := watchComponents(m, c, limiter); err != nil {
		return err
	}
	// Identity assertions (assertion.go): the key is configured, or read
	// from (and on first start created in) the database.
	signer, err := newAssertions(ctx, cfg, st)
	if err != nil {
		return err
	}
	if signer != nil {
		source := "database"
		if cfg.Proxy.Assertion.PrivateKey != "" {
			source = "configured"
		}
		log.Info("identity assertions on", "header", cfg.Proxy.Assertion.Header, "kid", signer.Keys().SigningKID(), "key", source)
	}

	trusted, err := trustedPrefixes(cfg.Server.TrustedProxies)
	if err != nil {
		return err
	}
	srv, err := gateway.NewServer(gateway.Options{
		Logger:         log,
		Auth:           c.service,
		Tokens:         c.tokens,
		TrustedProxies: trusted,
		CORS: gateway.CORSOptions{
			AllowedOrigins:   cfg.CORS.AllowedOrigins,
			AllowedMethods:   cfg.CORS.AllowedMethods,
			AllowedHeaders:   cfg.CORS.AllowedHeaders,
			ExposedHeaders:   cfg.CORS.ExposedHeaders,
			AllowCredentials: cfg.CORS.AllowCredentials,
			MaxAge:           cfg.CORS.MaxAge,
		},
		AuthBodyLimit: cfg.Auth.BodyLimit,
		DocsEnabled:   cfg.Docs.Enabled,
		Limiter:       countedLimiter{limiter, m},
		Proxy:         px.options,
		Assertion:     assertionOptions(cfg, signer),
		ReadyChecks:   readyChecks(cfg, st, limiter),
		Metrics:       m,
	})
	if err != nil {
		return err
	}

	httpSrv := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: cfg.Server.ReadHeaderTimeout,
		ReadTimeout:       cfg.Server.ReadTimeout,
		WriteTimeout:      cfg.Server.WriteTimeout,
		IdleTimeout:       cfg.Server.IdleTimeout,
		MaxHeaderBytes:    cfg.Server.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	serving = true
	log.Info("gatewayd listening", "addr", ln.Addr().String(), "version", version,
		"database", cfg.DatabaseKind(), "routes", len(cfg.Routes))
	// started runs before the first request is served, so whatever it
	// prints (the demo's instructions) is out before /healthz answers.
	if started != nil {
		started(ln.Addr().String())
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- httpSrv.Serve(ln) }()
	go purgeLoop(ctx, c, cfg.Auth.PurgeInterval, log)
	go reloadAssertionKeys(ctx, cfg, st, signer, log)

	select {
	case err := <-serveErr:
		_ = admin.shutdown(context.Background())
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// Readiness fails first, the listener closes after drain_delay, and
	// in-flight requests get the grace period (shutdown.go).
	return drain(srv, httpSrv, admin, cfg.Server, log)
}

// purgeLoop deletes expired refresh tokens every interval. On Postgres the
// store takes an advisory lock, so with several replicas only one purges.
func purgeLoop(ctx context.Context, c *core, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := c.service.PurgeExpired(ctx)
			if err != nil {
				log.Warn("purge expired refresh tokens", "err", err)
				continue
			}
			log.Debug("purged expired refresh tokens", "count", n)
		}
	}
}

// trustedPrefixes turns validated CIDRs or bare IPs into prefixes.
func trustedPrefixes(list []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(list))
	for _, s := range list {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("server.trusted_proxies: %q is not an IP or CIDR", s)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
