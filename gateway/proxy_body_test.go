package gateway_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/gateway/gatewaytest"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// rawExchange writes req to addr over a fresh TCP connection, exactly as
// given (no client library normalizes it), and reads one response.
func rawExchange(t testing.TB, addr, req string) (*http.Response, string) {
	t.Helper()
	res, body, err := rawRoundTrip(addr, req)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

// rawRoundTrip is rawExchange for goroutines, which must not call
// t.Fatal: it returns the error instead.
func rawRoundTrip(addr, req string) (*http.Response, string, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, "", fmt.Errorf("dial: %w", err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, req); err != nil {
		return nil, "", fmt.Errorf("write: %w", err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return nil, "", fmt.Errorf("read response to %q: %w", strings.SplitN(req, "\r\n", 2)[0], err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body), nil
}

// TestBadChunkSizeIs400NotUpstreamFailure: a request whose chunked body is
// malformed is the client's error. It is answered 400 malformed_request
// (localized like every problem), not 502 upstream_unavailable, and the
// upstream it was being streamed to stays in rotation: with two upstreams
// round-robin, the good requests that follow still alternate between both.
func TestBadChunkSizeIs400NotUpstreamFailure(t *testing.T) {
	a, b := gatewaytest.NewUpstream(t, nil), gatewaytest.NewUpstream(t, nil)
	g := newPXGateway(t, nil, pxConfig{routes: []proxy.Route{{
		Name: "upload", PathPrefix: "/upload/", Auth: proxy.AuthPublic,
		Upstreams: []*url.URL{a.Target(t), b.Target(t)},
	}}})
	addr := g.listen(t).Listener.Addr().String()
	const head = "POST /upload/x HTTP/1.1\r\nHost: app.test\r\nAccept-Language: de\r\nTransfer-Encoding: chunked\r\n\r\n"
	for _, tc := range []struct{ name, body string }{
		{"non-hex size", "5\r\nhello\r\nZZ\r\nxx\r\n0\r\n\r\n"},
		{"size overflows 64 bits", "5\r\nhello\r\n1ffffffffffffffff\r\nxx\r\n0\r\n\r\n"},
		{"negative size", "-5\r\nhello\r\n0\r\n\r\n"},
		{"missing CRLF after data", "5\r\nhelloXX3\r\nabc\r\n0\r\n\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := rawExchange(t, addr, head+tc.body)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `"malformed_request"`) {
				t.Fatalf("status %d, body %s; want 400 malformed_request", res.StatusCode, body)
			}
			if res.Header.Get("Content-Language") != "de" {
				t.Errorf("Content-Language = %q, want the localized problem (de)", res.Header.Get("Content-Language"))
			}
			// Four good requests after it: round-robin over two healthy
			// upstreams gives each two. A marked-down upstream would get
			// none of them.
			good := "/upload/good-after-" + strings.ReplaceAll(tc.name, " ", "-")
			for i := 0; i < 4; i++ {
				res, body := rawExchange(t, addr, "POST "+good+" HTTP/1.1\r\nHost: app.test\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
				if res.StatusCode != http.StatusOK {
					t.Fatalf("good request %d after the bad chunk: %d %s", i, res.StatusCode, body)
				}
			}
			if da, db := countPath(a, good), countPath(b, good); da != 2 || db != 2 {
				t.Errorf("good requests split %d/%d over the two upstreams, want 2/2 (one was marked unhealthy)", da, db)
			}
		})
	}
}

// countPath is how many requests for path u received.
func countPath(u *gatewaytest.Upstream, path string) int {
	n := 0
	for _, r := range u.Requests() {
		if r.Path == path {
			n++
		}
	}
	return n
}
