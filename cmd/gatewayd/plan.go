package main

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/config"
	"github.com/authgate/gatewayd/gateway/proxy"
	"github.com/authgate/gatewayd/ratelimit"
)

// Plan is every package's options, built from the configuration and
// validated by the package that owns them, before serve opens a file, a
// socket or a database (issue 10). serve, `config check` and `routes
// check` all run plan, so `config check` refuses exactly what serve
// refuses, with the same lines.
type Plan struct {
	cfg     *config.Config
	hasher  authcore.HasherOptions
	tokens  authcore.TokenOptions
	limiter ratelimit.Options
	router  *proxy.Router
	trusted proxy.TrustedProxies
	// assertionKey is the configured signing key; nil means the key
	// stored in the database (read after the store opens).
	assertionKey          ed25519.PrivateKey
	previousAssertionKeys []ed25519.PublicKey
}

// plan builds and validates every package's options from cfg. It is pure:
// it reads no file and opens nothing, so it can run first everywhere. On
// failure the error lists every problem, one per line.
func plan(cfg *config.Config) (*Plan, error) {
	p := &Plan{cfg: cfg, tokens: cfg.TokenOptions(), limiter: cfg.LimiterOptions()}
	var errs []error
	hasher, conv := cfg.HasherOptions()
	if len(conv) > 0 {
		errs = append(errs, conv)
	}
	p.hasher = hasher
	// Load already ran these through config.Validate (with YAML keys in
	// the messages); they run again here because plan is what serve
	// trusts, and a config built in code (tests, the demo) skips Load.
	errs = append(errs, ownerErr("password", hasher.Validate()), ownerErr("jwt", p.tokens.Validate()),
		ownerErr("ratelimit", p.limiter.Validate()))
	trusted, err := proxy.ParseTrustedProxies(cfg.Server.TrustedProxies)
	errs = append(errs, ownerErr("server.trusted_proxies", err))
	p.trusted = trusted
	// The route table: overlaps, non-canonical prefixes and a negative
	// timeout are the router's rules (each error names the routes).
	if p.router, err = buildRouter(cfg); err != nil {
		errs = append(errs, fmt.Errorf("routes: %w", err))
	}
	// The assertion keys are parsed exactly as serve parses them.
	p.assertionKey, p.previousAssertionKeys, err = assertionKeys(cfg.Proxy.Assertion)
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return p, nil
}

// ownerErr prefixes an owner's Validate error with the config section.
func ownerErr(section string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", section, err)
}

// printProblems lists every configuration problem, one per line, the same
// way for Load's problems and plan's, in every command.
func printProblems(w io.Writer, err error) {
	fmt.Fprintln(w, "gatewayd: invalid configuration:")
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintln(w, "  -", line)
	}
}

// loadPlan loads the configuration and plans it, printing every problem
// to stderr. ok is false when the command must stop.
func loadPlan(path string, e env) (*Plan, bool) {
	cfg, ok := loadConfig(path, e)
	if !ok {
		return nil, false
	}
	p, err := plan(cfg)
	if err != nil {
		printProblems(e.stderr, err)
		return nil, false
	}
	return p, true
}
