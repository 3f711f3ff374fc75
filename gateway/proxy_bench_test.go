package gateway_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// benchWriter is a reusable ResponseWriter that discards the body, so the
// benchmarks measure the gateway and not a recorder's buffer.
type benchWriter struct {
	h      http.Header
	status int
}

func (w *benchWriter) Header() http.Header         { return w.h }
func (w *benchWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *benchWriter) WriteHeader(code int)        { w.status = code }

// newBenchGateway puts the gateway in front of a plain (non-recording)
// upstream on real loopback TCP; the shared transport keeps connections
// alive, as in production.
func newBenchGateway(b *testing.B, assertion gateway.AssertionOptions) *pxGateway {
	b.Helper()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	b.Cleanup(up.Close)
	return newBenchGatewayFor(b, up.URL, assertion)
}

// newBenchGatewayFor is newBenchGateway in front of the upstream at rawURL.
func newBenchGatewayFor(b *testing.B, rawURL string, assertion gateway.AssertionOptions) *pxGateway {
	b.Helper()
	target, err := url.Parse(rawURL)
	if err != nil {
		b.Fatal(err)
	}
	return newPXGateway(b, nil, pxConfig{quiet: true, assertion: assertion, routes: []proxy.Route{
		{Name: "private", PathPrefix: "/private/", Upstreams: []*url.URL{target}},
		{Name: "public", PathPrefix: "/public/", Auth: proxy.AuthPublic, Upstreams: []*url.URL{target}},
	}})
}

// benchHop runs the whole gateway handler for one GET per iteration: every
// middleware, the token check when the route needs one (a token seen
// before, so from the verified-token cache), header strip and inject, and
// ReverseProxy to the upstream. The request is reused; the per-iteration
// reset gives it what a fresh request from net/http would have (no request
// ID, no injected identity).
func benchHop(b *testing.B, path string, authenticated bool) {
	benchHopWith(b, path, authenticated, gateway.AssertionOptions{})
}

// benchHopWith is benchHop with identity assertions configured (issue 13;
// assertion_bench_test.go). Besides ns/op it reports cpu-ns/op, the
// process's user+system CPU time per request (gateway and upstream), which
// other load on a shared machine disturbs less than wall time.
func benchHopWith(b *testing.B, path string, authenticated bool, assertion gateway.AssertionOptions) {
	benchHopOn(b, newBenchGateway(b, assertion), path, authenticated)
}

// benchHopOn runs the hop benchmark on gateway g.
func benchHopOn(b *testing.B, g *pxGateway, path string, authenticated bool) {
	h := g.srv.Handler()
	r := httptest.NewRequest(http.MethodGet, "http://gw.test"+path, nil)
	r.RemoteAddr = untrustedPeer
	r.Header.Set("User-Agent", "bench")
	r.Header.Set("Accept", "application/json")
	if authenticated {
		r.Header.Set("Authorization", "Bearer "+g.token(b, "user"))
	}
	w := &benchWriter{h: http.Header{}}
	run := func() {
		r.Header.Del("X-Request-Id")
		clear(w.h)
		w.status = 0
		h.ServeHTTP(w, r)
	}
	run() // dial and warm the token cache outside the measurement
	if w.status != http.StatusOK {
		b.Fatalf("status %d", w.status)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU(b)
	for b.Loop() {
		run()
	}
	b.StopTimer()
	b.ReportMetric(float64(processCPU(b)-cpu0)/float64(b.N), "cpu-ns/op")
	if w.status != http.StatusOK {
		b.Fatalf("status %d", w.status)
	}
}

// BenchmarkProxyHopAuthenticated is the target path: a required
// route with a valid bearer token.
func BenchmarkProxyHopAuthenticated(b *testing.B) { benchHop(b, "/private/orders", true) }

// BenchmarkProxyHop is BenchmarkProxyHopAuthenticated against an upstream
// that allocates nothing (a canned response over raw TCP), so allocs/op
// and B/op are the gateway's alone; with the net/http test upstream about
// 30 of them are the upstream server's. Issue 14's target is ≤ 40.
func BenchmarkProxyHop(b *testing.B) {
	benchHopOn(b, newBenchGatewayFor(b, cannedUpstream(b), gateway.AssertionOptions{}), "/private/orders", true)
}

// cannedUpstream answers every request on a kept-alive connection with the
// same 200 response, reading only up to the blank line that ends the
// request head (the benchmark sends no bodies). It allocates nothing per
// request. It returns the upstream's URL.
func cannedUpstream(b *testing.B) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = ln.Close() })
	res := []byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}")
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					line, err := br.ReadSlice('\n')
					if err != nil {
						return
					}
					if len(line) <= 2 { // "\r\n": the end of a request head
						if _, err := c.Write(res); err != nil {
							return
						}
					}
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// BenchmarkProxyHopPublic is the same hop without a token check; the
// difference to BenchmarkProxyHopAuthenticated is the cost of auth.
func BenchmarkProxyHopPublic(b *testing.B) { benchHop(b, "/public/orders", false) }

// BenchmarkProxyHopBareForwarder is the floor: the route's Forwarder alone
// (ReverseProxy plus header hygiene), without the gateway's middleware,
// matching or auth.
func BenchmarkProxyHopBareForwarder(b *testing.B) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	b.Cleanup(up.Close)
	target, err := url.Parse(up.URL)
	if err != nil {
		b.Fatal(err)
	}
	transport := proxy.NewTransport(proxy.TransportOptions{})
	b.Cleanup(transport.CloseIdleConnections)
	fwd := proxy.NewForwarder(&proxy.Route{Name: "bare", PathPrefix: "/", Upstreams: []*url.URL{target}}, transport, proxy.ForwarderOptions{})
	r := httptest.NewRequest(http.MethodGet, "http://gw.test/public/orders", nil)
	r.RemoteAddr = untrustedPeer
	w := &benchWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		if err := fwd.Forward(w, r); err != nil {
			b.Fatal(err)
		}
	}
}
