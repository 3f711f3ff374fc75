package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/config"
)

// loadConfig loads and validates the configuration, printing every problem
// (and any warnings) to stderr. ok is false when the gateway must not start.
func loadConfig(path string, e env) (*config.Config, bool) {
	cfg, err := config.Load(path, e.getenv)
	if err != nil {
		fmt.Fprintln(e.stderr, "gatewayd: invalid configuration:")
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintln(e.stderr, "  -", line)
		}
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
	hasher := authcore.NewHasher(authcore.HasherOptions{
		Params: authcore.Argon2Params{
			Memory:      uint32(cfg.Password.MemoryKiB),
			Iterations:  uint32(cfg.Password.Iterations),
			Parallelism: uint8(cfg.Password.Parallelism),
			SaltLength:  uint32(cfg.Password.SaltLength),
			KeyLength:   uint32(cfg.Password.KeyLength),
		},
		MaxConcurrent: cfg.Password.MaxConcurrent,
		QueueWait:     cfg.Password.QueueWait,
	})
	topts := tokenOptions(cfg)
	topts.Revocations = revs
	tokens, err := authcore.NewAccessTokens(topts)
	if err != nil {
		return nil, fmt.Errorf("access tokens: %w", err)
	}
	service := authcore.NewService(st, hasher, tokens, authcore.ServiceOptions{
		RefreshTTL:        cfg.Auth.RefreshTTL,
		RefreshReuseGrace: cfg.Auth.RefreshReuseGrace,
		RegistrationOpen:  cfg.Auth.RegistrationOpen,
		DefaultRoles:      cfg.Auth.DefaultRoles,
		PasswordMinLength: cfg.Auth.PasswordMinLength,
		Throttle:          throttle,
		OnEvent:           onEvent,
		Revocations:       revs,
		Publisher:         publisher,
	})
	return &core{store: st, hasher: hasher, tokens: tokens, service: service, revocations: revs}, nil
}

// tokenOptions maps the jwt section onto authcore. Leeway is passed as is:
// config owns its default, and authcore takes 0 to mean no leeway.
func tokenOptions(cfg *config.Config) authcore.TokenOptions {
	return authcore.TokenOptions{
		Secret:          cfg.JWT.Secret.Reveal(),
		PreviousSecrets: config.RevealAll(cfg.JWT.PreviousSecrets),
		Issuer:          cfg.JWT.Issuer,
		Audience:        cfg.JWT.Audience,
		TTL:             cfg.JWT.AccessTTL,
		Leeway:          cfg.JWT.Leeway,
		CacheSize:       cacheSize(cfg.JWT.CacheSize),
	}
}

// cacheSize maps the config's "0 disables" onto authcore's "negative
// disables, 0 means default".
func cacheSize(n int) int {
	if n == 0 {
		return -1
	}
	return n
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
