// Command floorproxy is configurations (g) and (h) of the wrk load
// benchmark (bench/run.sh): the cheapest proxy with the gateway's
// architecture, and the same proxy with the client side off net/http.
//
//   - -server nethttp (g): an http.Server whose handler forwards each
//     request with a pooled fasthttp.HostClient, synchronously on the
//     handler goroutine. No authentication, no middleware, no header
//     policy beyond dropping hop-by-hop headers and adding
//     X-Forwarded-For. This is the floor of "net/http server + fasthttp
//     upstream leg", which is what gatewayd is built from.
//   - -server fasthttp (h): a fasthttp.Server whose handler passes its own
//     request and response through the same HostClient.
//
// The gateway's overhead over its architecture is then (e) against (g),
// and what the net/http client side costs is (g) against (h). It is a
// measuring stick, not an example: it trusts every inbound header and
// ignores headers named in Connection.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/authgate/gatewayd/bench/internal/benchcmd"
	"github.com/valyala/fasthttp"
)

func main() { benchcmd.Main(run) }

// run proxies every request to -upstream until ctx ends. It prints
// "listening on ADDR" once ready.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("floorproxy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "loopback address to listen on")
	upstream := fs.String("upstream", "", "upstream base URL, e.g. http://127.0.0.1:9000")
	server := fs.String("server", "nethttp", "client-side server: nethttp (g) or fasthttp (h)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "floorproxy: unexpected arguments %q\n", fs.Args())
		return 2
	}
	target, err := url.Parse(*upstream)
	if err != nil || target.Scheme != "http" || target.Host == "" {
		fmt.Fprintf(stderr, "floorproxy: -upstream must be an http:// URL, got %q\n", *upstream)
		return 2
	}
	if *server != "nethttp" && *server != "fasthttp" {
		fmt.Fprintf(stderr, "floorproxy: -server must be nethttp or fasthttp, got %q\n", *server)
		return 2
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(stderr, "floorproxy:", err)
		return 1
	}
	client := newClient(target)
	var serve func(net.Listener) error
	var shutdown func(context.Context) error
	if *server == "nethttp" {
		srv := newNetHTTPServer(client, target.Host)
		serve, shutdown = srv.Serve, srv.Shutdown
	} else {
		srv := newFastHTTPServer(client, target.Host)
		serve, shutdown = srv.Serve, srv.ShutdownWithContext
	}
	return benchcmd.Serve(ctx, "floorproxy", ln, serve, shutdown, stdout, stderr)
}

// newClient is the upstream leg: one keep-alive pool to the target, sized
// and configured like the gateway's fast leg (gateway/proxy/fastleg.go).
func newClient(target *url.URL) *fasthttp.HostClient {
	addr := target.Host
	if target.Port() == "" {
		addr = net.JoinHostPort(target.Hostname(), "80")
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return &fasthttp.HostClient{
		Addr:                          addr,
		Dial:                          func(addr string) (net.Conn, error) { return dialer.Dial("tcp", addr) },
		MaxConns:                      1 << 16,
		MaxIdleConnDuration:           90 * time.Second,
		ReadTimeout:                   30 * time.Second,
		ReadBufferSize:                16 << 10,
		WriteBufferSize:               16 << 10,
		NoDefaultUserAgentHeader:      true,
		DisableHeaderNamesNormalizing: true,
		DisablePathNormalizing:        true,
		ConnPoolStrategy:              fasthttp.LIFO,
	}
}

// hopByHop are the headers a proxy must not forward (RFC 9110 7.6.1), in
// canonical form.
var hopByHop = [...]string{
	"Connection", "Keep-Alive", "Proxy-Connection", "Te",
	"Trailer", "Transfer-Encoding", "Upgrade",
}

func isHopByHop(name string) bool {
	for _, h := range hopByHop {
		if strings.EqualFold(name, h) {
			return true
		}
	}
	return false
}
