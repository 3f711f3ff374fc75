package gateway_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/authgate/gatewayd/gateway/gatewaytest"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// TestWebSocketEchoThroughAuthenticatedRoute: the upgrade is authorized
// like any request (401 without a token), carries the identity upstream,
// and the tunnel then echoes in both directions.
func TestWebSocketEchoThroughAuthenticatedRoute(t *testing.T) {
	up := gatewaytest.NewUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			t.Errorf("upstream accept: %v", err)
			return
		}
		defer c.CloseNow()
		c.SetReadLimit(1 << 20)
		for {
			typ, msg, err := c.Read(r.Context())
			if err != nil {
				return
			}
			if err := c.Write(r.Context(), typ, msg); err != nil {
				return
			}
		}
	})
	g := newPXGateway(t, up, pxConfig{routes: []proxy.Route{{Name: "ws", PathPrefix: "/ws/", Timeout: time.Second}}})
	ts := g.listen(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	_, res, err := websocket.Dial(ctx, ts.URL+"/ws/echo", nil)
	if err == nil || res == nil || res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("dial without token: err %v, response %v; want 401", err, res)
	}
	if up.Count() != 0 {
		t.Fatal("an unauthenticated upgrade reached the upstream")
	}

	c, res, err := websocket.Dial(ctx, ts.URL+"/ws/echo", &websocket.DialOptions{HTTPHeader: http.Header{
		"Authorization": {"Bearer " + g.token(t, "user")},
		"X-User-Id":     {"spoofed"},
	}})
	if err != nil {
		t.Fatalf("dial through the gateway: %v", err)
	}
	defer c.CloseNow()
	c.SetReadLimit(1 << 20)
	if res.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("status %d, want 101", res.StatusCode)
	}
	for _, msg := range []string{"hello", strings.Repeat("x", 70_000)} {
		if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
			t.Fatalf("write: %v", err)
		}
		_, got, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if string(got) != msg {
			t.Fatalf("echo of %d bytes came back as %d bytes", len(msg), len(got))
		}
	}
	if err := c.Close(websocket.StatusNormalClosure, ""); err != nil {
		t.Errorf("close: %v", err)
	}
	h := up.Last(t).Header
	if h.Get("X-User-Id") != testUserID || h.Get("Authorization") != "" {
		t.Fatalf("upgrade request upstream: X-User-Id %q, Authorization %q", h.Get("X-User-Id"), h.Get("Authorization"))
	}
}

// TestServerSentEventsAreNotBuffered: the first event reaches the client
// while the upstream is still running (it blocks until the test has read
// it), through an authenticated route.
func TestServerSentEventsAreNotBuffered(t *testing.T) {
	release := make(chan struct{})
	up := gatewaytest.NewUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, "data: first\n\n")
		_ = http.NewResponseController(w).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		_, _ = io.WriteString(w, "data: last\n\n")
	})
	g := newPXGateway(t, up, pxConfig{routes: []proxy.Route{{Name: "events", PathPrefix: "/events"}}})
	ts := g.listen(t)
	req, err := http.NewRequest(http.MethodGet, ts.URL+"/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+g.token(t))
	res, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	br := bufio.NewReader(res.Body)
	var first strings.Builder
	for !strings.HasSuffix(first.String(), "\n\n") {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the first event: %v (got %q)", err, first.String())
		}
		first.WriteString(line)
	}
	if first.String() != "data: first\n\n" {
		t.Fatalf("first event %q", first.String())
	}
	close(release) // only now may the upstream finish
	rest, err := io.ReadAll(br)
	if err != nil || string(rest) != "data: last\n\n" {
		t.Fatalf("rest %q, err %v", rest, err)
	}
}

// patternReader produces n bytes of a repeating pattern without holding
// them in memory.
type patternReader struct{ left int64 }

func (p *patternReader) Read(b []byte) (int, error) {
	if p.left <= 0 {
		return 0, io.EOF
	}
	n := int64(len(b))
	if n > p.left {
		n = p.left
	}
	for i := range b[:n] {
		b[i] = byte('a' + (p.left-int64(i))%26)
	}
	p.left -= n
	return int(n), nil
}

// TestLargeBodyStreamsToUpstream: a 32 MiB body of unknown length arrives
// intact (the upstream hashes it while reading).
func TestLargeBodyStreamsToUpstream(t *testing.T) {
	const size = 32 << 20
	up := gatewaytest.NewUpstream(t, nil)
	g := newPXGateway(t, up, pxConfig{
		fwd:    proxy.ForwarderOptions{MaxBodyBytes: 64 << 20},
		routes: []proxy.Route{{Name: "upload", PathPrefix: "/upload", Auth: proxy.AuthPublic}},
	})
	ts := g.listen(t)
	sum := sha256.New()
	if _, err := io.Copy(sum, &patternReader{left: size}); err != nil {
		t.Fatal(err)
	}
	want := hex.EncodeToString(sum.Sum(nil))

	// io.NopCloser hides the length, so the client sends it chunked.
	res, err := ts.Client().Post(ts.URL+"/upload", "application/octet-stream", io.NopCloser(&patternReader{left: size}))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if got := up.Last(t); got.BodyLen != size || got.BodySHA != want {
		t.Fatalf("upstream got %d bytes %s, want %d bytes %s", got.BodyLen, got.BodySHA, size, want)
	}
}

// TestBodyOverTheLimitIs413: a declared length over proxy.max_body_bytes
// is refused before dialing; a chunked body is cut off at the limit.
func TestBodyOverTheLimitIs413(t *testing.T) {
	up := gatewaytest.NewUpstream(t, nil)
	g := newPXGateway(t, up, pxConfig{
		fwd:    proxy.ForwarderOptions{MaxBodyBytes: 1 << 20},
		routes: []proxy.Route{{Name: "upload", PathPrefix: "/upload", Auth: proxy.AuthPublic}},
	})
	r := pxRequest(http.MethodPost, "/upload", "")
	r.Body = io.NopCloser(&patternReader{left: 2 << 20})
	r.ContentLength = 2 << 20
	decodeProblem(t, g.serve(r), http.StatusRequestEntityTooLarge, "payload_too_large")
	if up.Count() != 0 {
		t.Fatal("an oversized declared body reached the upstream")
	}

	ts := g.listen(t)
	// Just over the limit: net/http would drain a remainder this small
	// and keep the connection, unless told the body was too large.
	res, err := ts.Client().Post(ts.URL+"/upload", "application/octet-stream", io.NopCloser(&patternReader{left: 1<<20 + 10<<10}))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("chunked body over the limit: status %d", res.StatusCode)
	}
	if !res.Close {
		// The rest of the body is never read: keeping the connection
		// would leave net/http to drain it, or misread it as requests.
		t.Error("the connection stays open after a chunked body over the limit; want Connection: close")
	}
}
