package proxy_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// rawUpstream serves canned bytes per request over raw TCP, counting
// connections, for the connection-reuse properties.
func rawUpstream(t *testing.T, respond func(conn net.Conn, n int) bool) (string, *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var conns atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for n := 0; ; n++ {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					_, _ = io.Copy(io.Discard, req.Body)
					if !respond(c, n) {
						return
					}
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String(), &conns
}

// TestFastLegRetriesStaleKeepAlive: an upstream that closes a kept-alive
// connection after answering (as servers with short idle timeouts do)
// costs the next GET nothing — it is sent again on a fresh connection,
// as net/http's Transport does.
func TestFastLegRetriesStaleKeepAlive(t *testing.T) {
	u, conns := rawUpstream(t, func(c net.Conn, _ int) bool {
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		return false // close without announcing it
	})
	route := proxy.Route{Name: "r", PathPrefix: "/", Upstreams: []*url.URL{mustURL(t, u)}}
	fwd := proxy.NewForwarder(&route, newTransport(t, proxy.TransportOptions{}), proxy.ForwarderOptions{})
	for i := range 3 {
		rec := httptest.NewRecorder()
		if err := fwd.Forward(rec, newRequest(t, "GET", "/a")); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if rec.Body.String() != "ok" {
			t.Fatalf("request %d: body %q", i, rec.Body.String())
		}
	}
	if n := conns.Load(); n < 3 {
		t.Errorf("connections = %d, want one per request", n)
	}
}

// TestFastLegDoesNotPoolDesyncedConnection: bytes after a response's
// framing (an upstream that answers twice) must never be read as the
// answer to the next request on that connection.
func TestFastLegDoesNotPoolDesyncedConnection(t *testing.T) {
	u, _ := rawUpstream(t, func(c net.Conn, n int) bool {
		_, _ = fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nr%d"+
			"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nSMUGGLED", n)
		return true
	})
	route := proxy.Route{Name: "r", PathPrefix: "/", Upstreams: []*url.URL{mustURL(t, u)}}
	fwd := proxy.NewForwarder(&route, newTransport(t, proxy.TransportOptions{}), proxy.ForwarderOptions{})
	for i := range 3 {
		rec := httptest.NewRecorder()
		if err := fwd.Forward(rec, newRequest(t, "GET", "/a")); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if got := rec.Body.String(); got != "r0" {
			t.Fatalf("request %d: body %q, want the first answer of a fresh connection", i, got)
		}
	}
}

// TestFastLegDropsConnectionWithUnsolicitedBytes: bytes an upstream sends
// on a connection after its response was complete (here a forged second
// response) are never read as the answer to a later request, which may be
// another user's: the connection is closed, as net/http's Transport does
// ("Unsolicited response received on idle HTTP channel").
func TestFastLegDropsConnectionWithUnsolicitedBytes(t *testing.T) {
	firstDone, junkSent := make(chan struct{}), make(chan struct{})
	var tainted atomic.Bool
	u, conns := rawUpstream(t, func(c net.Conn, n int) bool {
		_, _ = fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nr%d", n)
		if n == 0 && tainted.CompareAndSwap(false, true) {
			select {
			case <-firstDone:
				_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nSMUGGLED")
			case <-time.After(10 * time.Second):
			}
			close(junkSent)
		}
		return true
	})
	route := proxy.Route{Name: "r", PathPrefix: "/", Upstreams: []*url.URL{mustURL(t, u)}}
	fwd := proxy.NewForwarder(&route, newTransport(t, proxy.TransportOptions{}), proxy.ForwarderOptions{})
	for i := range 2 {
		rec := httptest.NewRecorder()
		if err := fwd.Forward(rec, newRequest(t, "GET", "/a")); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if got := rec.Body.String(); got != "r0" {
			t.Fatalf("request %d: body %q, want the first answer of a fresh connection", i, got)
		}
		if i == 0 {
			close(firstDone)
			<-junkSent
		}
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("connections = %d, want 2 (the tainted one dropped)", n)
	}
}
