// Command upstream is the backend of the wrk load benchmark (bench/run.sh):
// it answers every request with the same small 200 response and does no
// other work, so that what the benchmark measures is the proxy in front of
// it, not the backend. (`gatewayd demo-upstream` echoes JSON and would
// dominate the measurement.)
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/authgate/gatewayd/bench/internal/benchcmd"
)

// body is the fixed response: small, like a typical JSON API answer.
const body = `{"ok":true}` + "\n"

func main() { benchcmd.Main(run) }

// run serves until ctx ends. It prints "listening on ADDR" once ready so
// the script can wait for it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("upstream", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:9000", "loopback address to listen on")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(stderr, "upstream:", err)
		return 1
	}
	srv := &http.Server{
		Handler:           handler(),
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	return benchcmd.Serve(ctx, "upstream", ln, srv.Serve, srv.Shutdown, stdout, stderr)
}

// handler answers 200 with body. The headers are set directly in the map
// (already canonical) to keep the backend's own cost near zero.
func handler() http.Handler {
	length := []string{strconv.Itoa(len(body))}
	contentType := []string{"application/json"}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Type"] = contentType
		h["Content-Length"] = length
		_, _ = io.WriteString(w, body)
	})
}
