package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/config"
)

// loadConfig loads and validates the configuration, printing every problem
// (and any warnings) to stderr. ok is false when the gateway must not start.
func loadConfig(path string, e env) (*config.Config, bool) {
	cfg, err := config.Load(path, e.getenv)
	if err != nil {
		printProblems(e.stderr, err)
		return nil, false
	}
	for _, w := range cfg.Warnings() {
		fmt.Fprintln(e.stderr, "gatewayd: warning:", w)
	}
	return cfg, true
}

// newLogger builds the process logger from config; it is passed down,
// never stored globally.
func newLogger(cfg config.Log, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Level)) // validated by config
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// core holds the domain objects built from config.
type core struct {
	store   store
	hasher  *authcore.Hasher
	tokens  *authcore.AccessTokens
	service *authcore.Service
	// revocations is this process's copy of the users' revoked_before,
	// shared by the token verifier, the Service and the stream guards.
	revocations *authcore.Revocations
}

// newCore builds the hasher, the token key ring and the Service over an
// opened store. throttle, onEvent and publisher (the Redis revocation bus,
// when configured) may be nil.
func newCore(cfg *config.Config, st store, throttle authcore.LoginThrottle, onEvent func(authcore.Event), publisher authcore.RevocationPublisher) (*core, error) {
	revs := authcore.NewRevocations()
	hopts, _ := cfg.HasherOptions() // conversion problems stop Load
	hasher := authcore.NewHasher(hopts)
	topts := cfg.TokenOptions()
	topts.Revocations = revs
	tokens, err := authcore.NewAccessTokens(topts)
	if err != nil {
		return nil, fmt.Errorf("access tokens: %w", err)
	}
	sopts := cfg.ServiceOptions()
	sopts.Throttle, sopts.OnEvent = throttle, onEvent
	sopts.Revocations, sopts.Publisher = revs, publisher
	service := authcore.NewService(st, hasher, tokens, sopts)
	return &core{store: st, hasher: hasher, tokens: tokens, service: service, revocations: revs}, nil
}

// openCore loads the store for commands that need the domain but no server
// (users, migrate). The caller closes core.store.
//
// When Redis is configured, revocations the command makes (users disable,
// revoke-sessions, set-roles) are published to the running replicas;
// publisher is nil otherwise, and they learn of them by polling.
func openCore(ctx context.Context, cfg *config.Config, publisher authcore.RevocationPublisher, onEvent func(authcore.Event)) (*core, error) {
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	c, err := newCore(cfg, st, nil, onEvent, publisher)
	if err != nil {
		st.Close()
		return nil, err
	}
	return c, nil
}
