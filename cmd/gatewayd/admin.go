package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/authgate/gatewayd/config"
)

// adminServer is the operations listener (admin.listen): /metrics and,
// when admin.pprof is on, /debug/pprof. It is a separate listener, bound to
// loopback by default, because metrics describe traffic and pprof can dump
// memory: neither may ever be reachable through the public port, whatever
// routes the operator configures there.
type adminServer struct {
	srv  *http.Server
	ln   net.Listener
	done chan error
}

// adminHandler is the admin listener's mux. It is built here, never on
// http.DefaultServeMux: importing net/http/pprof registers its handlers on
// the default mux as a side effect, and nothing in the gateway serves that
// mux, so those registrations stay unreachable.
func adminHandler(metrics http.Handler, withPProf bool) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics)
	if withPProf {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	return mux
}

// startAdmin listens on cfg.Listen and serves in the background. It returns
// nil, nil when the admin listener is disabled (admin.listen: "").
func startAdmin(cfg config.Admin, metrics http.Handler, log *slog.Logger) (*adminServer, error) {
	if cfg.Listen == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("admin listener on %s: %w", cfg.Listen, err)
	}
	a := &adminServer{
		ln:   ln,
		done: make(chan error, 1),
		srv: &http.Server{
			Handler:           adminHandler(metrics, cfg.PProf),
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			// pprof's CPU profile and trace stream for ?seconds=N (30 by
			// default), so only a generous write bound fits them.
			WriteTimeout: 2 * time.Minute,
			IdleTimeout:  time.Minute,
			ErrorLog:     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
	}
	go func() {
		err := a.srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		if err != nil {
			log.Error("admin listener stopped", "err", err)
		}
		a.done <- err
	}()
	log.Info("admin listening", "addr", ln.Addr().String(), "pprof", cfg.PProf)
	return a, nil
}

// Addr is the bound address ("127.0.0.1:9091", or the port chosen for :0).
func (a *adminServer) Addr() string { return a.ln.Addr().String() }

// shutdown stops the admin listener after the public one has drained, so
// metrics stay scrapeable while requests finish. A scrape is short; whatever
// is still running after ctx ends is cut.
func (a *adminServer) shutdown(ctx context.Context) error {
	if a == nil {
		return nil
	}
	err := a.srv.Shutdown(ctx)
	if err != nil {
		_ = a.srv.Close()
	}
	<-a.done
	if err != nil {
		return fmt.Errorf("admin listener shutdown: %w", err)
	}
	return nil
}
