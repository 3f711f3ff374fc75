package proxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/textproto"
	"net/url"
	"time"

	"github.com/valyala/fasthttp"
	"golang.org/x/net/http/httpguts"
)

// aLongTimeAgo is a deadline in the past: setting it makes a blocked read
// or write on the connection return at once.
var aLongTimeAgo = time.Unix(1, 0)

// forwardFast is Forward for a request fastEligible accepted. It returns
// what Forward returns, with the same sentinels for the same causes.
func (f *Forwarder) forwardFast(w http.ResponseWriter, r *http.Request) error {
	l := f.fast
	c := l.getCall()
	defer l.putCall(c)

	// The body is bounded by its declared length (fastEligible), and read
	// before anything is sent: a client that cannot deliver it is the
	// client's fault (400), and the upstream never sees half a request.
	if r.ContentLength > 0 {
		if cap(c.body) < int(r.ContentLength) {
			c.body = make([]byte, r.ContentLength)
		}
		c.body = c.body[:r.ContentLength]
		if _, err := io.ReadFull(r.Body, c.body); err != nil {
			if r.Context().Err() != nil {
				return fmt.Errorf("%w: %w", ErrClientGone, err)
			}
			return fmt.Errorf("%w: %w", ErrMalformedBody, err)
		}
	}

	out, err := f.shapeFast(c, r)
	if err != nil {
		return err
	}
	hc := l.clients[out.URL.Host]
	if hc == nil { // every target has a client (newFastLeg); defensive
		return fmt.Errorf("%w: no connection pool for %s", ErrUpstreamUnavailable, out.URL.Host)
	}
	if err := c.translate(out); err != nil {
		return fmt.Errorf("%w: %w", ErrUpstreamUnavailable, err)
	}

	d := l.headerTimeout
	if rt := f.route.Timeout; rt > 0 && (d <= 0 || rt < d) {
		d = rt
	}
	replayable := isReplayable(out)
	for attempt := 0; ; attempt++ {
		retry, err := f.exchange(hc, c, w, r, d, replayable && attempt == 0)
		if err == nil {
			return nil
		}
		if retry {
			continue
		}
		return f.fastError(r, out.URL.Host, err)
	}
}

// shapeFast builds the outbound request exactly as httputil.ReverseProxy
// (Rewrite mode) would before calling f.rewrite, then calls it. The
// request, its URL and header map are c's, reused between requests; the
// header values are shared with r and never modified in place (every
// change replaces a slice, and the slices are capped, so an append would
// copy).
func (f *Forwarder) shapeFast(c *fastCall, r *http.Request) (*http.Request, error) {
	out := &c.out
	*out = *r // shallow, as Request.Clone: context, RemoteAddr, TLS
	c.url = *r.URL
	out.URL = &c.url
	for k, v := range r.Header {
		c.header[k] = v[:len(v):len(v)]
	}
	out.Header = c.header
	out.Body = nil
	out.Close = false
	removeHopByHop(out.Header)
	// Rewrite mode drops the client's forwarding headers; setForwarded
	// writes the gateway's own.
	delete(out.Header, "Forwarded")
	delete(out.Header, "X-Forwarded-For")
	delete(out.Header, "X-Forwarded-Host")
	delete(out.Header, "X-Forwarded-Proto")
	c.pr = httputil.ProxyRequest{In: r, Out: out}
	f.rewrite(&c.pr)
	out = c.pr.Out
	if err := out.Context().Err(); err != nil {
		if r.Context().Err() != nil {
			return nil, fmt.Errorf("%w: %w", ErrClientGone, err)
		}
		// The outbound hook failed (outbound.go): never send the request.
		return nil, fmt.Errorf("%w: %w", ErrUpstreamUnavailable, context.Cause(out.Context()))
	}
	return out, nil
}

// translate writes out into c.req as net/http's Request.write would put it
// on the wire: request target from the URL, Host, every header except the
// ones net/http writes itself, User-Agent only if set and non-empty, and
// the body with a Content-Length. Names and values net/http's Transport
// would refuse are refused (errFastHeader), so the upstream can never get
// a header split across lines.
func (c *fastCall) translate(out *http.Request) error {
	h := &c.req.Header
	h.DisableSpecialHeader() // nothing added, nothing reordered or parsed
	h.DisableNormalizing()   // names as net/http would send them
	h.SetNoDefaultContentType(true)
	h.SetMethod(out.Method)
	c.uri = appendRequestURI(c.uri[:0], out.URL)
	h.SetRequestURIBytes(c.uri)
	host := out.Host
	if host == "" {
		host = out.URL.Host
	}
	if !httpguts.ValidHostHeader(host) {
		return fmt.Errorf("%w: host %q", errFastHeader, host)
	}
	h.Set("Host", host)
	for k, vv := range out.Header {
		if !httpguts.ValidHeaderFieldName(k) {
			return fmt.Errorf("%w: name %q", errFastHeader, k)
		}
		for _, v := range vv {
			if !httpguts.ValidHeaderFieldValue(v) {
				return fmt.Errorf("%w: value for %q", errFastHeader, k)
			}
		}
		switch k {
		case "Host", "Content-Length", "Transfer-Encoding", "Trailer":
			continue // net/http writes these itself (reqWriteExcludeHeader)
		case "User-Agent":
			if len(vv) > 0 && vv[0] != "" {
				h.Add(k, textproto.TrimString(vv[0]))
			}
			continue
		}
		for _, v := range vv {
			h.Add(k, textproto.TrimString(v))
		}
	}
	if len(c.body) > 0 {
		c.req.SetBodyRaw(c.body)
	}
	return nil
}

// appendRequestURI appends u.RequestURI() without building a string.
func appendRequestURI(b []byte, u *url.URL) []byte {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	b = append(b, p...)
	if u.ForceQuery || u.RawQuery != "" {
		b = append(b, '?')
		b = append(b, u.RawQuery...)
	}
	return b
}

// isReplayable reports whether a request that failed on a reused
// keep-alive connection before any response byte arrived may be sent again:
// the rule of net/http's Transport (idempotent methods, or an
// Idempotency-Key header).
func isReplayable(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	_, a := r.Header["Idempotency-Key"]
	_, b := r.Header["X-Idempotency-Key"]
	return a || b
}

// fastError maps an exchange error to the package's sentinels, in the
// order classify uses, and marks a dial failure in the upstream's health.
func (f *Forwarder) fastError(r *http.Request, host string, err error) error {
	var netErr net.Error
	switch {
	case r.Context().Err() != nil:
		return fmt.Errorf("%w: %w", ErrClientGone, err)
	case isDialError(err):
		f.observe(host, err)
		return fmt.Errorf("%w: %w", ErrUpstreamUnavailable, err)
	case errors.Is(err, fasthttp.ErrTimeout), errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Errorf("%w: no response headers in time: %w", ErrUpstreamTimeout, err)
	default:
		return fmt.Errorf("%w: %w", ErrUpstreamUnavailable, err)
	}
}

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
	defer func() {
		if keep {
			hc.ReleaseConn(cc)
		} else {
			hc.CloseConn(cc)
		}
	}()
	ctx := r.Context()
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(aLongTimeAgo) })
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
