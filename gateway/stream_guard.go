package gateway

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// StreamOptions end long-lived streams with the session (issue 13 §3;
// oauth2-proxy #2996, Pomerium #1327 ask for the same): a WebSocket or
// SSE stream opened through the gateway with an identity is closed when
// the access token that opened it expires (plus Leeway), or when the user
// is revoked.
type StreamOptions struct {
	// Leeway is the verifier's allowance past exp (jwt.leeway): a stream
	// lives exactly as long as its token would still be accepted.
	Leeway time.Duration
	// Revocations wakes the streams of a revoked user
	// (*authcore.Revocations). Nil: streams end at expiry only.
	Revocations RevocationWatcher
}

// RevocationWatcher is what a stream needs from authcore.Revocations.
type RevocationWatcher interface {
	// Watch returns a channel closed once a token of userID issued at iat
	// is revoked, and a function to stop watching.
	Watch(userID string, iat time.Time) (<-chan struct{}, func())
}

// Close reasons sent in the WebSocket close frame (at most 123 bytes).
const (
	closeReasonExpired = "access token expired"
	closeReasonRevoked = "session revoked"
)

// wsPolicyViolation is close code 1008 (RFC 6455 §7.4.1): "an endpoint is
// terminating the connection because it has received a message that
// violates its policy", the code the issue asks for.
const wsPolicyViolation = 1008

// streamGuard watches one proxied request that may turn into a stream.
// It is armed only when the response actually is one (a 101 upgrade or
// text/event-stream), so an ordinary request costs nothing: no context,
// no timer, no goroutine. It ends the upstream leg with the function the
// forwarder lends it (proxy.UpstreamAborter), not with a cancelable
// context per request (issue 14).
type streamGuard struct {
	id       *authcore.Identity
	lifetime time.Duration // proxy.Route.StreamMaxLifetime
	leeway   time.Duration
	watcher  RevocationWatcher
	now      func() time.Time

	mu      sync.Mutex
	abort   func()       // ends the upstream leg; nil when not lent
	conn    *guardedConn // the hijacked client connection (WebSocket)
	armed   bool
	ended   bool
	timer   *time.Timer
	unwatch func()
	done    chan struct{} // made by arm; closed by stop
}

// guardStream prepares w, the writer of a request with identity id on
// route, so that a stream the request opens can be ended. The caller
// calls w.guard.stop when forwarding is over.
func (s *Server) guardStream(w *proxyWriter, id *authcore.Identity, route *proxy.Route) {
	// The guard lives inside the writer: no allocation on an
	// authenticated request, almost none of which become streams.
	g := &w.guard
	g.id = id
	g.lifetime = route.StreamMaxLifetime
	g.leeway = s.streams.Leeway
	g.watcher = s.streams.Revocations
	g.now = s.now
	w.stream = g
}

// setAbort takes (or, with nil, takes back) the function that ends the
// upstream leg (proxy.UpstreamAborter).
func (g *streamGuard) setAbort(abort func()) {
	g.mu.Lock()
	g.abort = abort
	g.mu.Unlock()
}

// arm starts the expiry timer and the revocation watch, once the response
// is known to be a stream.
func (g *streamGuard) arm() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.armed || g.ended {
		return
	}
	g.armed = true
	g.done = make(chan struct{})
	var d time.Duration
	switch {
	case g.lifetime == proxy.NoStreamLimit:
		d = -1
	case g.lifetime > 0:
		d = g.lifetime
	default:
		d = max(g.id.ExpiresAt.Add(g.leeway).Sub(g.now()), 0)
	}
	if d >= 0 {
		g.timer = time.AfterFunc(d, func() { g.end(closeReasonExpired) })
	}
	if g.watcher != nil {
		revoked, unwatch := g.watcher.Watch(g.id.UserID, g.id.IssuedAt)
		g.unwatch = unwatch
		go func() {
			select {
			case <-revoked:
				g.end(closeReasonRevoked)
			case <-g.done:
			}
		}()
	}
}

// wasArmed reports whether arm ran: its timer and revocation watch may
// still refer to g after the request, so g's memory must not be reused.
func (g *streamGuard) wasArmed() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.armed
}

// end closes the stream: a WebSocket client first gets a close frame with
// 1008; then the context is cancelled, which makes the forwarder close the
// upstream connection (and, for SSE, abort the response, which closes the
// client connection).
func (g *streamGuard) end(reason string) {
	g.mu.Lock()
	if g.ended {
		g.mu.Unlock()
		return
	}
	g.ended = true
	conn := g.conn
	g.mu.Unlock()
	if conn != nil {
		conn.closeWithPolicy(reason)
	}
	// Under the lock: once the forwarder has taken the function back, no
	// call can be in flight (proxy.UpstreamAborter).
	g.mu.Lock()
	if g.abort != nil {
		g.abort()
	}
	g.mu.Unlock()
}

// stop releases the timer and the watch when forwarding returns (normally, or by the http.ErrAbortHandler panic of an aborted
// stream).
func (g *streamGuard) stop() {
	g.mu.Lock()
	g.ended = true
	if g.timer != nil {
		g.timer.Stop()
	}
	if g.unwatch != nil {
		g.unwatch()
	}
	if g.armed {
		close(g.done)
	}
	g.mu.Unlock()
}

// hijacked wraps the client connection of an upgrade and arms the guard.
// The returned ReadWriter writes through the wrapper too, so that even the
// 101 response cannot interleave with a close frame.
func (g *streamGuard) hijacked(conn net.Conn, brw *bufio.ReadWriter) (net.Conn, *bufio.ReadWriter) {
	gc := &guardedConn{Conn: conn}
	g.mu.Lock()
	g.conn = gc
	g.mu.Unlock()
	g.arm()
	return gc, bufio.NewReadWriter(brw.Reader, bufio.NewWriter(gc))
}

// isEventStream reports whether a response Content-Type is SSE
// (text/event-stream, WHATWG HTML §9.2), parameters and case aside.
func isEventStream(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.EqualFold(strings.TrimSpace(mt), "text/event-stream")
}

// guardedConn is a hijacked client connection whose writes are serialized
// with the close frame: ReverseProxy copies upstream bytes to it from its
// own goroutine, and a close frame written in the middle of one of those
// writes would corrupt the stream.
type guardedConn struct {
	net.Conn
	mu     sync.Mutex
	closed bool
}

// Write forwards p unless the guard has closed the connection.
func (c *guardedConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, net.ErrClosed
	}
	return c.Conn.Write(p)
}

// closeWriteTimeout bounds the wait for a write in flight and for the
// close frame itself, so a client that stopped reading cannot keep its
// stream alive past the end of its session.
const closeWriteTimeout = 2 * time.Second

// closeWithPolicy sends the WebSocket close frame (code 1008, reason) and
// closes the connection. A server-to-client frame is unmasked (RFC 6455
// §5.1): FIN+opcode 0x8, a 7-bit length, the 2-byte code, the reason.
// Bytes of an upstream frame still being copied are not reassembled: if
// the upstream was mid-frame, the client sees a truncated frame first,
// which it must treat as a failed connection anyway.
func (c *guardedConn) closeWithPolicy(reason string) {
	_ = c.Conn.SetWriteDeadline(time.Now().Add(closeWriteTimeout))
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	frame := make([]byte, 0, 4+len(reason))
	frame = append(frame, 0x88, byte(2+len(reason)), wsPolicyViolation>>8, wsPolicyViolation&0xff)
	frame = append(frame, reason...)
	_, _ = c.Conn.Write(frame)
	c.mu.Unlock()
	_ = c.Conn.Close()
}
