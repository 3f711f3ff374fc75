// Command bareproxy is configuration (f) of the wrk load benchmark
// (bench/run.sh): a bare httputil.ReverseProxy with no authentication, no
// middleware and no header policy, on a transport tuned like the gateway's.
//
// It is the floor any Go net/http proxy starts from on the machine at hand,
// so the gateway's own overhead can be read as the difference between (d)
// or (e) and (f) instead of against nginx alone. It is a measuring stick,
// not an example: it trusts every inbound header.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"time"

	"github.com/authgate/gatewayd/bench/internal/benchcmd"
)

func main() { benchcmd.Main(run) }

// run proxies every request to -upstream until ctx ends. It prints
// "listening on ADDR" once ready.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bareproxy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "loopback address to listen on")
	upstream := fs.String("upstream", "", "upstream base URL, e.g. http://127.0.0.1:9000")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	target, err := url.Parse(*upstream)
	if err != nil || target.Scheme != "http" || target.Host == "" {
		fmt.Fprintf(stderr, "bareproxy: -upstream must be an http:// URL, got %q\n", *upstream)
		return 2
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(stderr, "bareproxy:", err)
		return 1
	}
	srv := &http.Server{
		Handler:           newProxy(target),
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	return benchcmd.Serve(ctx, "bareproxy", ln, srv.Serve, srv.Shutdown, stdout, stderr)
}

// newProxy is the minimum a Go reverse proxy does: Rewrite to the target
// and set X-Forwarded-*. The transport matches the gateway's pool sizes and
// compression setting so that the comparison is like for like.
func newProxy(target *url.URL) *httputil.ReverseProxy {
	transport := &http.Transport{
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ResponseHeaderTimeout: 30 * time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          512,
		MaxIdleConnsPerHost:   128,
		DisableCompression:    true,
	}
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.SetXForwarded()
		},
		Transport: transport,
		// Errors are counted by wrk (non-2xx); logging each would cost
		// more than the proxying being measured.
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, _ error) {
			w.WriteHeader(http.StatusBadGateway)
		},
	}
}
