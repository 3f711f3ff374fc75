package proxy

import (
	"bytes"
	"net/http"
	"net/textproto"
	"strings"
)

// hopHeaders are removed from both directions, as httputil.ReverseProxy
// removes them (RFC 9110 §7.6.1), together with every name the
// Connection header lists.
var hopHeaders = []string{
	"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade",
}

// removeHopByHop is httputil's removeHopByHopHeaders for the fast leg's
// outbound request.
func removeHopByHop(h http.Header) {
	for _, f := range h["Connection"] {
		for sf := range strings.SplitSeq(f, ",") {
			if sf = textproto.TrimString(sf); sf != "" {
				h.Del(sf)
			}
		}
	}
	for _, f := range hopHeaders {
		delete(h, f)
	}
}

// commonResponseHeaders are interned: looking one up by its bytes does not
// allocate, so the usual response costs no string per header name.
var commonResponseHeaders = func() map[string]string {
	m := make(map[string]string)
	for _, k := range []string{
		"Accept-Ranges", "Access-Control-Allow-Credentials", "Access-Control-Allow-Headers",
		"Access-Control-Allow-Methods", "Access-Control-Allow-Origin", "Access-Control-Expose-Headers",
		"Access-Control-Max-Age", "Age", "Allow", "Cache-Control", "Content-Disposition",
		"Content-Encoding", "Content-Language", "Content-Length", "Content-Location", "Content-Range",
		"Content-Security-Policy", "Content-Type", "Date", "Etag", "Expires", "Last-Modified", "Link",
		"Location", "Pragma", "Referrer-Policy", "Retry-After", "Server", "Set-Cookie",
		"Strict-Transport-Security", "Vary", "Www-Authenticate", "X-Content-Type-Options",
		"X-Frame-Options", "X-Powered-By", "X-Request-Id", "X-Xss-Protection",
	} {
		m[k] = k
	}
	return m
}()

// headerKey is the net/http form of a response header name: canonical
// (textproto.CanonicalMIMEHeaderKey, which leaves invalid names as they
// are), interned when common.
func headerKey(k []byte) string {
	if s, ok := commonResponseHeaders[string(k)]; ok {
		return s
	}
	return http.CanonicalHeaderKey(string(k))
}

// isHopOrListed reports whether response header k is hop-by-hop or named
// in the response's Connection header (c.conn).
func (c *fastCall) isHopOrListed(k []byte) bool {
	for _, h := range hopHeaders {
		if len(h) == len(k) && bytes.EqualFold(k, []byte(h)) {
			return true
		}
	}
	for _, h := range c.conn {
		if len(h) == len(k) && bytes.EqualFold(k, []byte(h)) {
			return true
		}
	}
	return false
}

// copyResponseHeader adds the upstream's response header to dst the way
// httputil.ReverseProxy does: hop-by-hop and Connection-listed fields
// removed, names canonical, values appended to what dst already holds.
// Content-Length passes only when it frames the body (a chunked response
// has none). All values share one string and one slice: three allocations
// for a whole header, whatever its size.
func (c *fastCall) copyResponseHeader(dst http.Header) {
	h := &c.resp.Header
	c.conn = c.conn[:0]
	for k, v := range h.All() {
		if !bytes.EqualFold(k, []byte("Connection")) {
			continue
		}
		for tok := range bytes.SplitSeq(v, []byte(",")) {
			tok = bytes.TrimSpace(tok)
			if len(tok) > 0 && !bytes.EqualFold(tok, []byte("close")) && !bytes.EqualFold(tok, []byte("keep-alive")) {
				c.conn = append(c.conn, string(tok))
			}
		}
	}
	framed := h.ContentLength() >= 0
	keepField := func(k []byte) bool {
		if bytes.EqualFold(k, []byte("Content-Length")) {
			return framed
		}
		return !c.isHopOrListed(k)
	}
	n, size := 0, 0
	for k, v := range h.All() {
		if keepField(k) {
			n++
			size += len(v)
		}
	}
	if n == 0 {
		return
	}
	var all strings.Builder
	all.Grow(size)
	for k, v := range h.All() {
		if keepField(k) {
			all.Write(v)
		}
	}
	s := all.String()
	vals := make([]string, n)
	i, off := 0, 0
	for k, v := range h.All() {
		if !keepField(k) {
			continue
		}
		vals[i] = s[off : off+len(v)]
		key := headerKey(k)
		if prev := dst[key]; len(prev) > 0 {
			dst[key] = append(prev, vals[i])
		} else {
			dst[key] = vals[i : i+1 : i+1]
		}
		i++
		off += len(v)
	}
}

// announceTrailers sets the response's Trailer field from the names the
// upstream announced (httputil builds it from res.Trailer the same way),
// and reports whether there were any.
func (c *fastCall) announceTrailers(dst http.Header) bool {
	keys := c.resp.Header.PeekTrailerKeys()
	if len(keys) == 0 {
		return false
	}
	names := make([]string, 0, len(keys))
	for _, k := range keys {
		names = append(names, headerKey(k))
	}
	dst.Add("Trailer", strings.Join(names, ", "))
	return true
}

// copyTrailers sends the trailer values that arrived after the body.
// Flushing first forces chunked encoding, as httputil does, so net/http
// does not compute a Content-Length for a short body and drop them.
func (c *fastCall) copyTrailers(w http.ResponseWriter) {
	_ = http.NewResponseController(w).Flush()
	dst := w.Header()
	for _, k := range c.resp.Header.PeekTrailerKeys() {
		if v := c.resp.Header.PeekBytes(k); len(v) > 0 {
			dst[headerKey(k)] = []string{string(v)}
		}
	}
}
