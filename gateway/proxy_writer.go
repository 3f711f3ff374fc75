package gateway

import (
	"bufio"
	"net"
	"net/http"

	"github.com/labstack/echo/v4"
)

// accessControlPrefix starts every CORS response header (Fetch standard).
const accessControlPrefix = "Access-Control-"

// proxyWriter is the ResponseWriter a proxied request is forwarded with. It
// sits between ReverseProxy and Echo's Response for two reasons:
//
//   - Informational responses (103 Early Hints) go straight to the
//     connection. Echo's Response would record a 1xx as the committed
//     status and swallow the final WriteHeader, so the client would get
//     200 instead of, say, 201 or 404.
//   - The final status line is the moment the upstream's headers have been
//     added to the gateway's: settle then removes what only the gateway
//     may say.
//
// Unwrap exposes Echo's Response to http.ResponseController, so flushing
// (SSE) works as before; Hijack is its own method, so a stream can be
// ended with the session (stream_guard.go).
type proxyWriter struct {
	s   *Server
	c   echo.Context
	res *echo.Response
	// informational is set once a 1xx was passed on: ReverseProxy clears
	// the header map after each, taking the gateway's headers with it.
	informational bool
	// stream, when set, ends a WebSocket or SSE response with the session
	// (stream_guard.go); nil for anonymous requests. It points at guard.
	stream *streamGuard
	guard  streamGuard
}

// Header returns the response headers (Echo's, shared with net/http).
func (w *proxyWriter) Header() http.Header { return w.res.Header() }

// Write writes body bytes through Echo's Response, which counts them.
func (w *proxyWriter) Write(b []byte) (int, error) { return w.res.Write(b) }

// Unwrap lets http.ResponseController reach Flush and Hijack.
func (w *proxyWriter) Unwrap() http.ResponseWriter { return w.res }

// WriteHeader passes 1xx responses on as they are and settles the
// headers before the final status.
func (w *proxyWriter) WriteHeader(code int) {
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols && !w.res.Committed {
		w.informational = true
		w.res.Writer.WriteHeader(code)
		return
	}
	w.settle()
	if x := exchangeOf(w.c); x != nil {
		x.upstreamAuthored = true // the gateway's own headers stay off (exchange.go)
	}
	if w.stream != nil && isEventStream(w.res.Header().Get("Content-Type")) {
		w.stream.arm()
	}
	w.res.WriteHeader(code)
}

// SetUpstreamAbort lends the stream guard the function that ends the
// upstream leg (proxy.UpstreamAborter); without a guard (an anonymous
// request) there is nothing to end.
func (w *proxyWriter) SetUpstreamAbort(abort func()) {
	if w.stream != nil {
		w.stream.setAbort(abort)
	}
}

// Hijack hands ReverseProxy the client connection of an upgrade; with a
// stream guard, wrapped so the gateway can close it with a 1008 frame when
// the session ends.
func (w *proxyWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(w.res).Hijack()
	if err != nil || w.stream == nil {
		return conn, brw, err
	}
	conn, brw = w.stream.hijacked(conn, brw)
	return conn, brw, nil
}

// settle runs when ReverseProxy has added the upstream's headers to the
// ones the gateway set earlier. Two kinds of header belong to the gateway
// alone, so the upstream's copies go:
//
//   - X-Request-Id: the client must see the ID the gateway logged and put
//     in its problem bodies. The upstream received it and may echo it (or
//     send its own); either would break the trail.
//   - Access-Control-*: the gateway's CORS policy is the only one. It
//     answers every preflight itself, so an upstream can never widen the
//     policy for a browser; letting an upstream's Access-Control-Allow-
//     Origin through on actual requests would widen it halfway (and a
//     second value makes browsers reject the response anyway).
//
// The gateway's values were set with Header.Set before forwarding and
// ReverseProxy appends with Add, so the gateway's value is always the
// first: keeping v[:1] restores it without allocating. After an
// informational response the gateway's values are gone and are written
// again instead.
func (w *proxyWriter) settle() {
	h := w.res.Header()
	r := w.c.Request()
	if w.informational {
		// assignRequestID put the ID on the request; the outbound copy
		// was cloned from it, so sharing the slice is safe.
		h[echo.HeaderXRequestID] = r.Header[echo.HeaderXRequestID]
		h.Add("Vary", "Origin")
	} else if v := h[echo.HeaderXRequestID]; len(v) > 1 {
		h[echo.HeaderXRequestID] = v[:1]
	}
	origin := r.Header.Get("Origin")
	allowed := w.s.cors.allows(origin)
	for k, v := range h {
		if len(k) <= len(accessControlPrefix) || k[:len(accessControlPrefix)] != accessControlPrefix {
			continue
		}
		if allowed && !w.informational && w.s.cors.setsOnActual(k) {
			h[k] = v[:1] // ours (Set before forwarding) comes first
			continue
		}
		delete(h, k)
	}
	if allowed && w.informational {
		w.s.cors.decorateActual(h, origin)
	}
}
