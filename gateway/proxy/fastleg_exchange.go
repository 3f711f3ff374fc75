package proxy

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/valyala/fasthttp"
)

// aLongTimeAgo is a deadline in the past: setting it makes a blocked read
// or write on the connection return at once.
var aLongTimeAgo = time.Unix(1, 0)

// exchange sends c.req on a pooled connection of hc and streams the
// response to w. retry is true when the request may be sent again: it
// failed on a reused keep-alive connection the upstream had closed, before
// any byte of a response (the race every HTTP/1.1 client has; net/http
// retries the same way), and mayRetry allows it.
//
// Only the wait for the response head is bounded (d): by a deadline on
// the connection, cleared once the head has arrived, so a streaming body
// runs as long as it runs (see upstreamTransport.RoundTrip). No timer and
// no goroutine per request: the client going away is noticed through
// context.AfterFunc, which unblocks the read by the same deadline.
func (f *Forwarder) exchange(hc *fasthttp.HostClient, c *fastCall, w http.ResponseWriter, r *http.Request, d time.Duration, mayRetry bool) (retry bool, err error) {
	cc, err := hc.AcquireConn(0, false)
	if err != nil {
		return false, err
	}
	conn := cc.Conn()
	reused := !cc.LastUseTime().IsZero()
	for reused && !idleConnClean(conn) {
		// Closed by the upstream, or holding bytes nobody asked for:
		// never used again (idleConnClean).
		hc.CloseConn(cc)
		if cc, err = hc.AcquireConn(0, false); err != nil {
			return false, err
		}
		conn = cc.Conn()
		reused = !cc.LastUseTime().IsZero()
	}
	keep := false
	aborter, _ := w.(UpstreamAborter)
	aborting := false
	defer func() {
		if aborting {
			// Taken back before the connection can serve another
			// exchange (UpstreamAborter).
			aborter.SetUpstreamAbort(nil)
		}
		if keep {
			hc.ReleaseConn(cc)
		} else {
			hc.CloseConn(cc)
		}
	}()
	ctx := r.Context()
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, abortFunc(conn))
		defer func() {
			if !stop() {
				// The client left: the deadline may be poisoned, or be
				// about to be; such a connection is never pooled.
				keep = false
			}
		}()
	}

	var deadline time.Time
	if d > 0 {
		deadline = time.Now().Add(d)
	}
	// A write deadline too: an upstream that stops reading must not hold
	// the handler forever.
	if err := conn.SetDeadline(deadline); err != nil {
		return false, err
	}
	bw := hc.AcquireWriter(conn)
	err = c.req.Write(bw)
	if err == nil {
		err = bw.Flush()
	}
	hc.ReleaseWriter(bw)
	if err != nil {
		// Nothing of a response was read: a stale connection can take
		// the request again on a fresh one.
		return reused && mayRetry && ctx.Err() == nil, err
	}

	br := hc.AcquireReader(conn)
	defer hc.ReleaseReader(br)
	resp := &c.resp
	resp.Header.DisableNormalizing()
	resp.Header.SetNoDefaultContentType(true)
	n1xx := 0
	for {
		if err := resp.Header.Read(br); err != nil {
			stale := errors.Is(err, io.EOF) && n1xx == 0
			return stale && reused && mayRetry && ctx.Err() == nil, err
		}
		code := resp.StatusCode()
		if code < 100 || code > 199 {
			break
		}
		if code == http.StatusSwitchingProtocols {
			// Only an Upgrade request (never on this leg) may switch.
			return false, errors.New("proxy: upstream switched protocols without an Upgrade request")
		}
		if n1xx++; n1xx > max1xxResponses {
			return false, errors.New("proxy: too many 1xx informational responses")
		}
		// Interim responses (103 Early Hints) go to the client as
		// httputil forwards them (its Got1xxResponse hook).
		wh := w.Header()
		c.copyResponseHeader(wh)
		w.WriteHeader(code)
		clear(wh)
		resp.Header.Reset()
		resp.Header.DisableNormalizing()
		resp.Header.SetNoDefaultContentType(true)
	}
	// The head is in: the timeout covered only the wait for it.
	if err := conn.SetDeadline(time.Time{}); err != nil {
		return false, err
	}

	if aborter != nil {
		aborter.SetUpstreamAbort(abortFunc(conn))
		aborting = true
	}
	code := resp.StatusCode()
	noBody := r.Method == http.MethodHead || code == http.StatusNoContent || code == http.StatusNotModified
	c.copyResponseHeader(w.Header())
	f.applyResponseOptions(w.Header())
	if noBody {
		w.WriteHeader(code)
		// Not pooled: an upstream that sends a body anyway (a HEAD
		// handler writing one, a 204 with content) would have it read as
		// the next request's response, possibly another user's. net/http
		// notices such bytes on an idle connection; fasthttp's pool does
		// not, so these rare responses cost a new connection instead.
		return false, nil
	}
	resp.StreamBody = true
	if err := resp.ReadBody(br, 0); err != nil {
		return false, err
	}
	body := resp.BodyStream()
	trailers := c.announceTrailers(w.Header())
	w.WriteHeader(code)
	copyErr := f.copyFastBody(w, body, c.flushAlways())
	_ = resp.CloseBodyStream()
	if copyErr != nil {
		// The status is sent: all that is left is to drop the client's
		// connection, as httputil does (ErrAbortHandler), so a truncated
		// body is never taken for a complete one.
		if r.Context().Value(http.ServerContextKey) != nil {
			panic(http.ErrAbortHandler)
		}
		return false, nil
	}
	if trailers {
		c.copyTrailers(w)
	}
	// A connection is pooled only if the response ended exactly where its
	// framing said: bytes after it would be read as the next response.
	keep = !resp.ConnectionClose() && resp.Header.ContentLength() != -2 && br.Buffered() == 0
	return false, nil
}

// copyFastBody copies the response body to w, flushing after every write
// when flush is set (SSE, unknown length), as httputil.ReverseProxy's
// copyResponse does with a negative flush interval.
func (f *Forwarder) copyFastBody(w http.ResponseWriter, body io.Reader, flush bool) error {
	bufp := f.buffers.Get()
	defer f.buffers.Put(bufp)
	var rc *http.ResponseController
	if flush {
		rc = http.NewResponseController(w)
	}
	for {
		n, err := body.Read(bufp)
		if n > 0 {
			if _, werr := w.Write(bufp[:n]); werr != nil {
				return werr
			}
			if rc != nil {
				if ferr := rc.Flush(); ferr != nil && !errors.Is(ferr, http.ErrNotSupported) {
					return ferr
				}
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// flushAlways mirrors ReverseProxy.flushInterval: text/event-stream and
// responses of unknown length are flushed after every write.
func (c *fastCall) flushAlways() bool {
	if c.resp.Header.ContentLength() < 0 {
		return true
	}
	ct := c.resp.Header.ContentType()
	const sse = "text/event-stream"
	if len(ct) < len(sse) || !asciiEqualFold(ct[:len(sse)], sse) {
		return false
	}
	rest := ct[len(sse):]
	return len(rest) == 0 || rest[0] == ';' || rest[0] == ' ' || rest[0] == '\t'
}

func asciiEqualFold(b []byte, s string) bool {
	for i := range len(s) {
		x := b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if x != s[i] {
			return false
		}
	}
	return true
}
