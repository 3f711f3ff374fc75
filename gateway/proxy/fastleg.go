package proxy

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// The fast leg (issue 14) sends plain HTTP/1.1 requests with small, known
// bodies over fasthttp's connection pool, synchronously on the handler's
// goroutine. net/http's Transport runs two goroutines per upstream
// connection and hands every request and response between them and the
// handler over channels; on a 2-core machine those hand-offs, their
// wake-ups and their allocations were a third of the gateway's CPU.
//
// What stays the same, by construction: the outbound request is shaped by
// the very same code as on the httputil path (hop-by-hop removal as
// httputil does it, then f.rewrite: canonical path, Authorization,
// re-route headers, identity, X-Forwarded-*/Forwarded, the outbound hook),
// and only then translated to fasthttp's types. The client side stays
// net/http: fasthttp never parses what a client sent, and what the client
// receives is written through net/http's ResponseWriter, which frames it
// and sanitizes header values itself.
//
// Everything else takes the httputil path, decided before anything is
// sent (fastEligible): upgrades (WebSocket), Expect, "TE", chunked or
// large request bodies, queries httputil would rewrite, https upstreams
// and transports that are not the *http.Transport NewTransport built.
// Streaming responses (SSE, chunked without a length) do go through the
// fast leg, but streamed and flushed as httputil flushes them: fasthttp
// exposes every response body as a stream here, and the copy decides from
// the response headers, before reading the body, whether to flush.
//
// Of fasthttp, the fast leg uses the HostClient's connection pool and its
// pooled buffers, Request.Write, ResponseHeader.Read and the response body
// stream (chunked decoding included). The round trip itself (exchange) is
// the gateway's, not HostClient.Do: Do's timeout would stay armed while a
// stream is read, cutting SSE, and Do would neither forward 1xx responses
// nor check a pooled connection before reuse (idleConnClean).

// fastBodyLimit is the largest request body the fast leg buffers. Larger
// (or chunked) bodies are streamed by the httputil path instead, so the
// gateway never holds more than this per request.
const fastBodyLimit = 64 << 10

// fastReadBufferSize is the read buffer of a request in flight, which also bounds
// the response header block: fasthttp fails a response whose headers do
// not fit (502). net/http allows up to 10 MB; 64 KiB is 8–16× nginx's
// default proxy_buffer_size, which fails the same way.
const fastReadBufferSize = 64 << 10

// fastWriteBufferSize is the write buffer of a request in flight: a typical
// request head plus a small body in one write.
const fastWriteBufferSize = 16 << 10

// max1xxResponses bounds interim responses, as net/http does.
const max1xxResponses = 5

// fastLeg holds one fasthttp connection pool per upstream address.
type fastLeg struct {
	clients       map[string]*fasthttp.HostClient // by URL.Host
	headerTimeout time.Duration                   // transport-wide ResponseHeaderTimeout
	calls         sync.Pool                       // *fastCall
}

// newFastLeg returns the fast leg for targets, or nil if it cannot keep
// the guarantees of the httputil path: a transport other than the one
// NewTransport builds (tests inject failing ones; its dialer and timeouts
// would not apply), an https upstream (TLS stays with net/http), or a
// periodic FlushInterval.
func newFastLeg(targets []target, transport http.RoundTripper, flush time.Duration) *fastLeg {
	t, ok := transport.(*http.Transport)
	if !fastLegSupported || !ok || t.DialContext == nil || t.Proxy != nil || flush > 0 || len(targets) == 0 {
		return nil
	}
	l := &fastLeg{clients: make(map[string]*fasthttp.HostClient), headerTimeout: t.ResponseHeaderTimeout}
	for _, tg := range targets {
		if tg.url.Scheme != "http" || tg.url.User != nil || tg.url.Host == "" {
			return nil
		}
		if l.clients[tg.url.Host] != nil {
			continue
		}
		addr := tg.url.Host
		if tg.url.Port() == "" {
			addr = net.JoinHostPort(tg.url.Hostname(), "80")
		}
		dial := t.DialContext
		l.clients[tg.url.Host] = &fasthttp.HostClient{
			Addr: addr,
			// The shared transport's dialer: same timeout, keep-alive and
			// error type (*net.OpError "dial"), so health marking and the
			// 502 mapping do not change.
			Dial: func(addr string) (net.Conn, error) {
				c, err := dial(context.Background(), "tcp", addr)
				if err != nil {
					return nil, err
				}
				return newPeekConn(c), nil
			},
			// net/http has no per-host cap either; the limit that matters
			// is the listener's and the upstream's.
			MaxConns:                      1 << 16,
			MaxIdleConnDuration:           max(t.IdleConnTimeout, time.Second),
			ReadBufferSize:                fastReadBufferSize,
			WriteBufferSize:               fastWriteBufferSize,
			NoDefaultUserAgentHeader:      true,
			DisableHeaderNamesNormalizing: true,
			DisablePathNormalizing:        true,
			// LIFO keeps the hottest connections busy and lets the rest
			// age out under the idle timeout.
			ConnPoolStrategy: fasthttp.LIFO,
		}
	}
	return l
}

// fastCall is the per-request state of the fast leg, pooled so that a
// request allocates next to nothing for it.
type fastCall struct {
	out    http.Request
	url    url.URL
	header http.Header
	pr     httputil.ProxyRequest
	req    fasthttp.Request
	resp   fasthttp.Response
	body   []byte
	uri    []byte
	conn   []string // Connection-listed names of the response
}

func (l *fastLeg) getCall() *fastCall {
	if c, ok := l.calls.Get().(*fastCall); ok {
		return c
	}
	c := &fastCall{header: make(http.Header, 16)}
	return c
}

func (l *fastLeg) putCall(c *fastCall) {
	c.out = http.Request{}
	c.url = url.URL{}
	clear(c.header)
	c.pr = httputil.ProxyRequest{}
	c.req.Reset()
	c.resp.Reset()
	c.body = c.body[:0]
	c.uri = c.uri[:0]
	clear(c.conn)
	c.conn = c.conn[:0]
	l.calls.Put(c)
}

// fastEligible reports whether r can take the fast leg. Everything it
// refuses goes to httputil.ReverseProxy, unchanged.
func (f *Forwarder) fastEligible(r *http.Request) bool {
	if f.fast == nil || r.Method == http.MethodConnect || r.URL.Opaque != "" {
		return false
	}
	h := r.Header
	if _, ok := h["Upgrade"]; ok {
		return false // WebSocket and h2c: the tunnel needs httputil
	}
	if _, ok := h["Expect"]; ok {
		return false // 100-continue is the Transport's to negotiate
	}
	if _, ok := h["Te"]; ok {
		return false // "TE: trailers" is forwarded by httputil (issue 21096)
	}
	if r.ContentLength < 0 || r.ContentLength > fastBodyLimit {
		return false // chunked or large: streamed by httputil
	}
	if r.ContentLength == 0 {
		if r.Body != nil && r.Body != http.NoBody && r.ProtoMajor > 1 {
			return false // an HTTP/2 body without a declared length
		}
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch:
		default:
			// fasthttp would send "Content-Length: 0" where net/http
			// sends none (DELETE, OPTIONS, ...); such requests are rare
			// enough to leave to httputil rather than differ.
			return false
		}
	}
	return cleanQuery(r.URL.RawQuery)
}

// cleanQuery reports whether httputil would forward q unchanged: it
// re-encodes a query with ';' or a malformed '%' escape
// (ReverseProxy's cleanQueryParams), and the fast leg does not imitate
// that rewriting.
func cleanQuery(q string) bool {
	for i := 0; i < len(q); i++ {
		switch q[i] {
		case ';':
			return false
		case '%':
			if i+2 >= len(q) || !isHex(q[i+1]) || !isHex(q[i+2]) {
				return false
			}
			i += 2
		}
	}
	return true
}

// errFastHeader is a request header net/http's Transport would refuse to
// send (it answers with an error, so httputil with a 502).
var errFastHeader = errors.New("invalid header field")
