// Command gatewayd is the authenticating reverse proxy: it serves /auth,
// checks access tokens and forwards everything else to configured upstreams
// with trusted identity headers. Subcommands cover migrations, config checks,
// user administration and a demo upstream.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	// SIGTERM (orchestrators) and SIGINT (Ctrl-C) both start the graceful
	// drain in serve. The first signal also unregisters the handler: while
	// it stays registered, later signals are swallowed, and a second
	// Ctrl-C must kill at once instead of waiting out the drain.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	context.AfterFunc(ctx, stop)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
