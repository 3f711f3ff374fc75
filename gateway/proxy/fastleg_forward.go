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

	"github.com/valyala/fasthttp"
	"golang.org/x/net/http/httpguts"
)

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
