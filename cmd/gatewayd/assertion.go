package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/config"
	"github.com/authgate/gatewayd/gateway"
)

// assertionKeys parses the configured assertion keys with authcore's
// parsers, so `config check` refuses exactly the keys `serve` refuses.
// A nil private key means "use the key stored in the database".
func assertionKeys(a config.Assertion) (ed25519.PrivateKey, []ed25519.PublicKey, error) {
	var errs []error
	var priv ed25519.PrivateKey
	if pem := a.PrivateKey.Reveal(); pem != "" {
		k, err := authcore.ParseEd25519PrivateKeyPEM(pem)
		if err != nil {
			errs = append(errs, fmt.Errorf("proxy.assertion.private_key: %w", err))
		}
		priv = k
	}
	prev, err := authcore.ParseEd25519PublicKeysPEM(a.PreviousPublicKeys)
	if err != nil {
		errs = append(errs, fmt.Errorf("proxy.assertion.previous_public_keys: %w", err))
	}
	return priv, prev, errors.Join(errs...)
}

// newAssertions builds the assertion signer, or nil when
// proxy.assertion.enabled is false. Without a configured key it loads (or
// creates, once for all replicas) the key stored in st.
func newAssertions(ctx context.Context, cfg *config.Config, st authcore.SigningKeyStore) (*authcore.Assertions, error) {
	a := cfg.Proxy.Assertion
	if !a.Enabled {
		return nil, nil
	}
	priv, prev, err := assertionKeys(a)
	if err != nil {
		return nil, err
	}
	keys, err := authcore.LoadAssertionKeys(ctx, st, priv, prev, time.Now())
	if err != nil {
		return nil, fmt.Errorf("assertion keys: %w", err)
	}
	return authcore.NewAssertions(keys, authcore.AssertionOptions{
		Issuer:    cfg.AssertionIssuer(),
		TTL:       a.TTL,
		CacheSize: a.CacheEntries(),
	})
}

// assertionOptions maps the per-route settings for the gateway.
func assertionOptions(cfg *config.Config, signer *authcore.Assertions) gateway.AssertionOptions {
	if signer == nil {
		return gateway.AssertionOptions{}
	}
	routes := make(map[string]gateway.RouteAssertion, len(cfg.Routes))
	for _, r := range cfg.Routes {
		routes[r.Name] = gateway.RouteAssertion{Off: !cfg.AssertionOn(r), Audience: r.AssertionAudience}
	}
	return gateway.AssertionOptions{Signer: signer, Routes: routes}
}

// reloadAssertionKeys re-reads the stored keys every interval, so a
// `gatewayd keys rotate` run against the shared database reaches this
// replica within proxy.assertion.reload_interval. With a configured key
// there is nothing to reload (a new key needs a restart).
func reloadAssertionKeys(ctx context.Context, cfg *config.Config, st authcore.SigningKeyStore, signer *authcore.Assertions, log *slog.Logger) {
	if signer == nil || cfg.Proxy.Assertion.PrivateKey != "" {
		return
	}
	_, prev, _ := assertionKeys(cfg.Proxy.Assertion) // validated at start-up
	t := time.NewTicker(cfg.Proxy.Assertion.ReloadInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			keys, err := authcore.LoadAssertionKeys(ctx, st, nil, prev, time.Now())
			if err != nil {
				log.Warn("reload assertion keys", "err", err)
				continue
			}
			if old := signer.Keys().SigningKID(); old != keys.SigningKID() {
				log.Info("assertion signing key changed", "kid", keys.SigningKID(), "previous_kid", old)
			}
			signer.SetKeys(keys)
		}
	}
}
