package gateway_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/gateway/gatewaytest"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// TestUpstreamFailuresMapTo502And504: a dead upstream is 502
// upstream_unavailable, one slower than the route timeout 504
// upstream_timeout, and neither body says where the upstream is or why.
func TestUpstreamFailuresMapTo502And504(t *testing.T) {
	dead := gatewaytest.NewUpstream(t, nil)
	deadURL := dead.Target(t)
	dead.Close() // the port is now refused

	unblock := make(chan struct{})
	t.Cleanup(func() { close(unblock) })
	slow := gatewaytest.NewUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		select { // answers only after the gateway gave up
		case <-r.Context().Done():
		case <-unblock:
		}
	})
	g := newPXGateway(t, nil, pxConfig{routes: []proxy.Route{
		{Name: "dead", PathPrefix: "/dead/", Auth: proxy.AuthPublic, Upstreams: []*url.URL{deadURL}},
		{Name: "slow", PathPrefix: "/slow/", Auth: proxy.AuthPublic, Upstreams: []*url.URL{slow.Target(t)}, Timeout: 100 * time.Millisecond},
	}})
	for _, tc := range []struct {
		path   string
		status int
		code   string
		host   string
	}{
		{"/dead/x", http.StatusBadGateway, "upstream_unavailable", deadURL.Host},
		{"/slow/x", http.StatusGatewayTimeout, "upstream_timeout", slow.Target(t).Host},
	} {
		t.Run(tc.code, func(t *testing.T) {
			w := g.serve(pxRequest(http.MethodGet, tc.path, ""))
			decodeProblem(t, w, tc.status, tc.code)
			body := w.Body.String()
			for _, leak := range []string{"127.0.0.1", tc.host, "refused", "dial", "timeout awaiting", "context"} {
				if strings.Contains(body, leak) {
					t.Fatalf("body leaks %q: %s", leak, body)
				}
			}
		})
	}
}

// TestUpstreamFailureMidBodyAbortsTheConnection: once the status line is
// out, an upstream that dies mid-body must not produce a response that
// looks complete. The recover middleware lets http.ErrAbortHandler through
// so net/http drops the connection and the client sees the truncation; the
// chunked case is the one where swallowing the panic would end the stream
// cleanly.
func TestUpstreamFailureMidBodyAbortsTheConnection(t *testing.T) {
	for _, framing := range []string{"chunked", "content-length"} {
		t.Run(framing, func(t *testing.T) {
			up := gatewaytest.NewUpstream(t, func(w http.ResponseWriter, _ *http.Request) {
				if framing == "content-length" {
					w.Header().Set("Content-Length", "100000")
				}
				w.WriteHeader(http.StatusOK)
				// Enough that the gateway has sent the status line and
				// part of the body before the upstream dies.
				_, _ = io.WriteString(w, strings.Repeat("p", 50_000))
				_ = http.NewResponseController(w).Flush()
				if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
					conn.Close() // die mid-body
				}
			})
			g := newPXGateway(t, up, pxConfig{routes: []proxy.Route{{Name: "pub", PathPrefix: "/", Auth: proxy.AuthPublic}}})
			ts := g.listen(t)
			res, err := ts.Client().Get(ts.URL + "/file")
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("read %d bytes, err %v; want io.ErrUnexpectedEOF (a truncated body must not look complete)", len(body), err)
			}
			if logs := g.logs.String(); strings.Contains(logs, `"internal_error"`) || strings.Contains(logs, "panic") {
				t.Fatalf("the abort was handled as a panic/500: %s", logs)
			}
		})
	}
}

// TestClientGoneIsLoggedNotAnswered: a client that disconnects while the
// upstream works is a 499 in the log at debug level; nothing is written.
func TestClientGoneIsLoggedNotAnswered(t *testing.T) {
	started := make(chan struct{})
	up := gatewaytest.NewUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done() // until the gateway cancels the upstream call
	})
	g := newPXGateway(t, up, pxConfig{routes: []proxy.Route{{Name: "pub", PathPrefix: "/", Auth: proxy.AuthPublic}}})
	ts := g.listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/slow", nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		res, err := ts.Client().Do(req)
		if err == nil {
			res.Body.Close()
		}
		done <- err
	}()
	<-started
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("client: %v", err)
	}
	eventually(t, 10*time.Second, "499 logged", func() bool {
		return strings.Contains(g.logs.String(), `"code":"client_closed"`)
	})
	if logs := g.logs.String(); strings.Contains(logs, `"level":"ERROR"`) {
		t.Fatalf("a client that left was logged as an error: %s", logs)
	}
}
