// Package benchcmd is the scaffolding shared by the small servers that
// bench/run.sh and bench/profile.sh start (bench/upstream, bench/bareproxy,
// bench/floorproxy): run until a signal, print "listening on ADDR" once
// ready so the scripts can wait for it, and shut down gracefully.
//
// Each command keeps its own flags and server; this package only holds the
// lifecycle they would otherwise each repeat, so that the commands exit and
// report alike: 1 with "NAME: error" on stderr when serving fails, 0 after
// a clean shutdown.
package benchcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// ShutdownTimeout bounds the graceful shutdown after the context ends. It
// exists so that a stuck connection cannot keep a benchmark script waiting:
// past it, Serve gives up on the remaining connections and still returns 0.
const ShutdownTimeout = 5 * time.Second

// Run is the signature of a command's testable entry point: it parses
// args, serves until ctx ends, writes to stdout and stderr and returns the
// process exit code. It is named so that Main and the tests of the
// commands (package benchcmdtest) can take any command's run function.
type Run func(ctx context.Context, args []string, stdout, stderr io.Writer) int

// Main is a command's main function: it calls run with the process's
// arguments and standard streams and a context that ends on SIGTERM or
// interrupt, then exits with run's code. It exists so that every command
// stops the same way when a benchmark script kills it.
func Main(run Run) {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Serve runs serve(ln) in the background, prints "listening on ADDR" to
// stdout, and waits until ctx ends or serve fails. On a serve error it
// prints "NAME: error" to stderr and returns 1. Once ctx ends it calls
// shutdown with a context bounded by ShutdownTimeout and returns 0, or 1
// with "NAME: error" on stderr if shutdown fails for another reason than
// that timeout.
//
// serve and shutdown are functions rather than a server type because the
// commands serve with either an *http.Server (Serve, Shutdown) or a
// *fasthttp.Server (Serve, ShutdownWithContext).
func Serve(ctx context.Context, name string, ln net.Listener, serve func(net.Listener) error,
	shutdown func(context.Context) error, stdout, stderr io.Writer) int {
	errc := make(chan error, 1)
	go func() { errc <- serve(ln) }()
	fmt.Fprintln(stdout, "listening on", ln.Addr())
	select {
	case err := <-errc:
		fmt.Fprintln(stderr, name+":", err)
		return 1
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	if err := shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintln(stderr, name+":", err)
		return 1
	}
	return 0
}
