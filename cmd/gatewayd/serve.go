package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/authgate/gatewayd/config"
	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/metrics"
	"github.com/authgate/gatewayd/ratelimit"
)

// serve runs the gateway until ctx is cancelled (SIGTERM/SIGINT), then
// drains: readiness fails at once, the listener closes, in-flight requests
// get server.shutdown_timeout to finish, and the stores close.
func serve(ctx context.Context, configPath string, e env) int {
	// Plan first: every refusal happens here, before a file, socket or
	// database is opened, and prints what `config check` prints.
	p, ok := loadPlan(configPath, e)
	if !ok {
		return 1
	}
	log := newLogger(p.cfg.Log, e.stderr)
	// go-redis logs through a process-wide logger with no per-client
	// option; this is the one place it is set (see RouteRedisLogs).
	ratelimit.RouteRedisLogs(log)
	// Process-wide like the above, so set here and not in servePlan,
	// which tests and the demo run inside other processes.
	setMemoryLimit(p.cfg.Password, e.getenv, log)
	setProxyGCPercent(e.getenv, log) // gc.go (issue 14)
	if err := servePlan(ctx, p, log, nil); err != nil {
		log.Error("gatewayd stopped", "err", err)
		return 1
	}
	return 0
}

// serveConfig plans cfg and serves it; tests and the demo use it.
// started, when non-nil, receives the bound public address.
func serveConfig(ctx context.Context, cfg *config.Config, log *slog.Logger, started func(addr string)) error {
	p, err := plan(cfg)
	if err != nil {
		return err
	}
	return servePlan(ctx, p, log, started)
}

// servePlan is serve after planning: nothing below may refuse the
// configuration, only the outside world (a taken port, a database down).
func servePlan(ctx context.Context, p *Plan, log *slog.Logger, started func(addr string)) error {
	cfg := p.cfg
	px := newProxySetup(p, log)
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
	bus, err := newRevocationBus(cfg, log)
	if err != nil {
		return fmt.Errorf("revocation bus: %w", err)
	}
	if bus != nil {
		defer bus.Close()
	}
	c, err := newCore(cfg, st, countedThrottle{limiter.AccountThrottle(), m}, m.AuthEvent, publisherOf(bus))
	if err != nil {
		return err
	}
	// Revocations made while this replica was down still count: load the
	// recent ones before the first request is verified.
	if _, err := c.revocations.Sync(ctx, st, time.Now(), revocationWindow(cfg)); err != nil {
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

	srv, err := gateway.NewServer(gateway.Options{
		Logger:         log,
		Auth:           c.service,
		Tokens:         c.tokens,
		TrustedProxies: px.trusted,
		CORS:           cfg.CORS.Options(),
		AuthBodyLimit:  cfg.Auth.BodyLimit,
		DocsEnabled:    cfg.Docs.Enabled,
		Limiter:        countedLimiter{limiter, m},
		Proxy:          px.options,
		Assertion:      assertionOptions(cfg, signer),
		Streams:        gateway.StreamOptions{Leeway: c.tokens.Leeway(), Revocations: c.revocations},
		ReadyChecks:    readyChecks(cfg, st, limiter),
		Metrics:        m,
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
	go syncRevocations(ctx, c, bus, cfg, log)

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
