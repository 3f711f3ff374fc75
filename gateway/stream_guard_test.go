package gateway_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/gatewaytest"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// wsUpstream echoes WebSocket messages and reports when its side of the
// connection ends, so a test can see that the gateway closed it too.
func wsUpstream(t *testing.T) (*gatewaytest.Upstream, <-chan struct{}) {
	t.Helper()
	gone := make(chan struct{}, 4)
	up := gatewaytest.NewUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			t.Errorf("upstream accept: %v", err)
			return
		}
		defer c.CloseNow()
		defer func() { gone <- struct{}{} }()
		for {
			typ, msg, err := c.Read(context.Background())
			if err != nil {
				return
			}
			if err := c.Write(context.Background(), typ, msg); err != nil {
				return
			}
		}
	})
	return up, gone
}

// dialWS opens a WebSocket through the gateway with token and checks the
// tunnel works.
func dialWS(t *testing.T, url, token string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.CloseNow() })
	if err := c.Write(ctx, websocket.MessageText, []byte("ping")); err != nil {
		t.Fatalf("write: %v", err)
	}
	if _, msg, err := c.Read(ctx); err != nil || string(msg) != "ping" {
		t.Fatalf("echo: %q, %v", msg, err)
	}
	return c
}

// readUntilClosed reads until the connection ends (or the deadline) and
// returns when and how it ended.
func readUntilClosed(c *websocket.Conn, deadline time.Duration) (time.Time, error) {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	for {
		if _, _, err := c.Read(ctx); err != nil {
			return time.Now(), err
		}
	}
}

func waitGone(t *testing.T, gone <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-gone:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: the upstream connection was left open", what)
	}
}

// TestWebSocketClosedWithPolicyViolationAtTokenExpiry: a WebSocket opened
// with a 2 s token (no leeway) gets close code 1008 from the gateway no
// earlier than the token's exp and within 1 s after it, and the upstream
// connection is closed as well (issue 13 §3).
func TestWebSocketClosedWithPolicyViolationAtTokenExpiry(t *testing.T) {
	up, gone := wsUpstream(t)
	g := newPXGateway(t, up, pxConfig{
		routes: []proxy.Route{{Name: "ws", PathPrefix: "/ws/"}},
		tokens: func(o *authcore.TokenOptions) { o.TTL = 2 * time.Second; o.Leeway = 0 },
	})
	ts := g.listen(t)
	token := g.token(t)
	id, err := g.tokens.Verify(token)
	if err != nil {
		t.Fatal(err)
	}
	c := dialWS(t, ts.URL+"/ws/echo", token)
	closedAt, err := readUntilClosed(c, 10*time.Second)
	if got := websocket.CloseStatus(err); got != websocket.StatusPolicyViolation {
		t.Fatalf("stream ended with %v (status %d), want close code 1008", err, got)
	}
	if closedAt.Before(id.ExpiresAt) {
		t.Fatalf("closed at %v, before the token's exp %v", closedAt, id.ExpiresAt)
	}
	if late := closedAt.Sub(id.ExpiresAt); late > time.Second {
		t.Fatalf("closed %v after exp, want within leeway (0) + 1s", late)
	}
	waitGone(t, gone, "after expiry")
}

// TestWebSocketClosedWhenUserRevoked: a revocation of the user closes the
// stream with 1008 within a second, long before the token expires.
func TestWebSocketClosedWhenUserRevoked(t *testing.T) {
	up, gone := wsUpstream(t)
	revs := authcore.NewRevocations()
	g := newPXGateway(t, up, pxConfig{
		routes:  []proxy.Route{{Name: "ws", PathPrefix: "/ws/"}},
		tokens:  func(o *authcore.TokenOptions) { o.Revocations = revs },
		streams: gateway.StreamOptions{Revocations: revs},
	})
	ts := g.listen(t)
	c := dialWS(t, ts.URL+"/ws/echo", g.token(t))
	revokedAt := time.Now()
	revs.Apply(authcore.Revocation{UserID: testUserID, Before: authcore.RevocationCutoff(revokedAt)})
	closedAt, err := readUntilClosed(c, 10*time.Second)
	if got := websocket.CloseStatus(err); got != websocket.StatusPolicyViolation {
		t.Fatalf("stream ended with %v (status %d), want close code 1008", err, got)
	}
	if d := closedAt.Sub(revokedAt); d > time.Second {
		t.Fatalf("closed %v after the revocation, want within 1s", d)
	}
	waitGone(t, gone, "after revocation")
}

// TestServerSentEventsClosedAtTokenExpiry: an SSE stream is simply closed
// at the token's exp (plus leeway), and the upstream request is cancelled.
func TestServerSentEventsClosedAtTokenExpiry(t *testing.T) {
	cancelled := make(chan struct{}, 1)
	up := gatewaytest.NewUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			if _, err := io.WriteString(w, "data: tick\n\n"); err != nil {
				cancelled <- struct{}{}
				return
			}
			_ = http.NewResponseController(w).Flush()
			select {
			case <-tick.C:
			case <-r.Context().Done():
				cancelled <- struct{}{}
				return
			}
		}
	})
	g := newPXGateway(t, up, pxConfig{
		routes: []proxy.Route{{Name: "events", PathPrefix: "/events"}},
		tokens: func(o *authcore.TokenOptions) { o.TTL = 2 * time.Second; o.Leeway = 0 },
	})
	ts := g.listen(t)
	token := g.token(t)
	id, err := g.tokens.Verify(token)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodGet, ts.URL+"/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	br := bufio.NewReader(res.Body)
	events := 0
	var closedAt time.Time
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			closedAt = time.Now()
			break
		}
		if strings.HasPrefix(line, "data:") {
			events++
		}
		if time.Since(id.ExpiresAt) > 5*time.Second {
			t.Fatal("the SSE stream outlived its token by 5s")
		}
	}
	if events == 0 {
		t.Fatal("no event arrived before the close")
	}
	if closedAt.Before(id.ExpiresAt) || closedAt.Sub(id.ExpiresAt) > time.Second {
		t.Fatalf("closed at %v, want within [exp, exp+1s] of %v", closedAt, id.ExpiresAt)
	}
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the upstream SSE request was not cancelled")
	}
}

// TestStreamMaxLifetimeZeroOutlivesToken: stream_max_lifetime: 0 opts a
// route out of the expiry close (the operator's choice, logged at
// startup); the stream still works after the token's exp.
func TestStreamMaxLifetimeZeroOutlivesToken(t *testing.T) {
	up, _ := wsUpstream(t)
	g := newPXGateway(t, up, pxConfig{
		routes: []proxy.Route{{Name: "ws", PathPrefix: "/ws/", StreamMaxLifetime: proxy.NoStreamLimit}},
		tokens: func(o *authcore.TokenOptions) { o.TTL = time.Second; o.Leeway = 0 },
	})
	ts := g.listen(t)
	token := g.token(t)
	id, err := g.tokens.Verify(token)
	if err != nil {
		t.Fatal(err)
	}
	c := dialWS(t, ts.URL+"/ws/echo", token)
	time.Sleep(time.Until(id.ExpiresAt.Add(500 * time.Millisecond)))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, []byte("still here")); err != nil {
		t.Fatalf("write after exp: %v", err)
	}
	if _, msg, err := c.Read(ctx); err != nil || string(msg) != "still here" {
		t.Fatalf("echo after exp: %q, %v", msg, err)
	}
}

// TestStreamMaxLifetimeShortensStream: a positive stream_max_lifetime ends
// the stream that long after it opened, before the token expires.
func TestStreamMaxLifetimeShortensStream(t *testing.T) {
	up, gone := wsUpstream(t)
	g := newPXGateway(t, up, pxConfig{
		routes: []proxy.Route{{Name: "ws", PathPrefix: "/ws/", StreamMaxLifetime: 300 * time.Millisecond}},
	})
	ts := g.listen(t)
	opened := time.Now()
	c := dialWS(t, ts.URL+"/ws/echo", g.token(t))
	closedAt, err := readUntilClosed(c, 10*time.Second)
	if got := websocket.CloseStatus(err); got != websocket.StatusPolicyViolation {
		t.Fatalf("stream ended with %v, want close code 1008", err)
	}
	if d := closedAt.Sub(opened); d > 300*time.Millisecond+time.Second {
		t.Fatalf("closed %v after opening, want about 300ms", d)
	}
	waitGone(t, gone, "after stream_max_lifetime")
}
