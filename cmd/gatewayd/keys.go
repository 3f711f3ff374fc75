package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

const keysUsage = `usage: gatewayd keys rotate|list

Manages the identity-assertion signing keys stored in the database (used
when proxy.assertion.private_key is not set).
  rotate   make a new signing key; the old one stays in the JWKS
           (/.well-known/jwks.json). Replicas switch within
           proxy.assertion.reload_interval.
  list     show every stored key: kid, created, retired`

// keys runs `gatewayd keys`.
func keys(ctx context.Context, configPath string, args []string, e env) int {
	if len(args) != 1 || (args[0] != "rotate" && args[0] != "list") {
		fmt.Fprintln(e.stderr, keysUsage)
		return exitUsage
	}
	cfg, ok := loadConfig(configPath, e)
	if !ok {
		return exitFailure
	}
	if args[0] == "rotate" && cfg.Proxy.Assertion.PrivateKey != "" {
		// Rotating the stored key would change nothing: the configured key
		// signs. Say so rather than appear to succeed.
		fmt.Fprintln(e.stderr, "gatewayd keys rotate: proxy.assertion.private_key is set, so the configured key signs; "+
			"to rotate, move its public key to proxy.assertion.previous_public_keys and configure a new private key")
		return exitFailure
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		fmt.Fprintln(e.stderr, "gatewayd: open database:", err)
		return exitFailure
	}
	defer st.Close()
	if err := prepareSchema(ctx, st, cfg.Database.MigrateOnStartup); err != nil {
		fmt.Fprintln(e.stderr, "gatewayd:", err)
		return exitFailure
	}
	if args[0] == "rotate" {
		k, err := authcore.RotateAssertionKey(ctx, st, time.Now())
		if err != nil {
			fmt.Fprintln(e.stderr, "gatewayd keys rotate:", err)
			return exitFailure
		}
		fmt.Fprintf(e.stdout, "new signing key %s; replicas switch within %s\n", k.KID, cfg.Proxy.Assertion.ReloadInterval)
		return exitOK
	}
	list, err := st.SigningKeys(ctx)
	if err != nil {
		fmt.Fprintln(e.stderr, "gatewayd keys list:", err)
		return exitFailure
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "KID\tSTATE\tCREATED\tRETIRED")
	for i, k := range list {
		state, retired := "current", "-"
		if k.RetiredAt != nil {
			state, retired = "retired", k.RetiredAt.UTC().Format(time.RFC3339)
			if i > authcore.MaxPreviousAssertionKeys {
				state = "retired (no longer in JWKS)"
			}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", k.KID, state, k.CreatedAt.UTC().Format(time.RFC3339), retired)
	}
	_ = w.Flush()
	return exitOK
}
