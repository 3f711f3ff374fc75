package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/authgate/gatewayd/config"
	"github.com/authgate/gatewayd/gateway"
)

// adminShutdownTimeout bounds stopping the admin listener once the public
// one has drained.
const adminShutdownTimeout = 5 * time.Second

// cutLogWait bounds how long, after the grace period ran out and the
// connections were closed, the cut requests' handlers get to return and
// write their access-log lines.
const cutLogWait = time.Second

// drain is the graceful stop after SIGTERM or SIGINT:
//
//  1. readiness fails at once (gateway.Server.Drain), and every response
//     from now on carries "Connection: close";
//  2. after server.drain_delay (0 by default) — time for load balancers
//     polling /readyz to stop sending traffic — the listener closes, so new
//     connections are refused;
//  3. in-flight requests, proxied ones included, get
//     server.shutdown_timeout to finish; idle keep-alive connections close,
//     and responses to requests that were already in flight carry
//     "Connection: close" too;
//  4. the admin listener stops.
//
// The stores, the rate limiter and the upstream transport close in
// serveConfig's defers after drain returns. A grace period that runs out
// closes the remaining connections and returns an error (exit status 1),
// so a supervisor can tell a clean stop from one that cut requests off;
// each cut request's access-log line says "cut": true.
// Hijacked connections (WebSockets) are not waited for: they end with the
// process.
func drain(srv *gateway.Server, httpSrv *http.Server, admin *adminServer, cfg config.Server, log *slog.Logger) error {
	srv.Drain()
	log.Info("shutting down: readiness now fails",
		"drain_delay", cfg.DrainDelay.String(), "grace", cfg.ShutdownTimeout.String())
	if cfg.DrainDelay > 0 {
		time.Sleep(cfg.DrainDelay)
	}

	ctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	var err error
	if serr := httpSrv.Shutdown(ctx); serr != nil {
		n := srv.CutRequests()
		_ = httpSrv.Close()
		wctx, wcancel := context.WithTimeout(context.Background(), cutLogWait)
		_ = srv.WaitRequests(wctx)
		wcancel()
		err = fmt.Errorf("graceful shutdown: %d requests still running after %s were cut off: %w", n, cfg.ShutdownTimeout, serr)
	}
	actx, acancel := context.WithTimeout(context.Background(), adminShutdownTimeout)
	defer acancel()
	if aerr := admin.shutdown(actx); aerr != nil {
		log.Warn("stop admin listener", "err", aerr)
	}
	if err != nil {
		return err
	}
	log.Info("shutdown complete")
	return nil
}
