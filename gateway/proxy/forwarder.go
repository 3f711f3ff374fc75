package proxy

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/netip"
	"sync/atomic"
	"time"
)

// ForwarderOptions configures a Forwarder. The zero value is usable:
// nothing trusted, responses unchanged, no body limit.
type ForwarderOptions struct {
	// TrustedProxies are the peer networks whose X-Forwarded-For,
	// X-Forwarded-Proto, X-Forwarded-Port, Forwarded and X-Real-Ip are
	// believed. From any other peer they are replaced, because a client can
	// put anything in them. X-Forwarded-Host is never believed: it is the
	// host the route matched.
	TrustedProxies []netip.Prefix
	// HideServerHeader deletes Server and X-Powered-By from upstream
	// responses, so the upstream's software and version are not advertised.
	HideServerHeader bool
	// SecurityHeaders adds X-Content-Type-Options: nosniff and
	// X-Frame-Options: DENY to upstream responses that lack them. An
	// upstream's own value (e.g. SAMEORIGIN for an embeddable page) wins.
	SecurityHeaders bool
	// MaxBodyBytes limits request bodies; 0 means no limit.
	MaxBodyBytes int64
	// FlushInterval is httputil.ReverseProxy's: 0 flushes only streaming
	// responses (text/event-stream or unknown length) and does so
	// immediately; a negative value flushes after every write.
	FlushInterval time.Duration
	// Identity names the headers the gateway injects. Forward re-asserts
	// them after hop-by-hop removal, so a client cannot make the proxy drop
	// its identity by listing the names in "Connection". Zero: none.
	Identity IdentityHeaders
	// HealthCooldown is how long an upstream whose dial failed is skipped
	// while another is healthy (5s).
	HealthCooldown time.Duration
	// Now is the clock for health cooldowns (time.Now); tests inject one.
	Now func() time.Time
	// StripHeaders adds names to RerouteHeaders, the headers removed from
	// every forwarded request in any case or '_' spelling
	// (proxy.strip_headers). The built-in list cannot be shortened.
	StripHeaders []string
	// ErrorLog receives httputil.ReverseProxy's own messages (e.g. a read
	// error while copying a body that was already being sent). Nil
	// discards them: every actionable error is returned by Forward.
	ErrorLog *log.Logger
}

// Forwarder sends requests for one route to its upstreams. It is safe for
// concurrent use; build one per route at startup.
type Forwarder struct {
	route     Route
	proxy     *httputil.ReverseProxy
	transport http.RoundTripper
	targets   []target
	health    map[string]*health // upstream host:port → passive health
	next      atomic.Uint64      // round-robin counter
	trusted   []netip.Prefix
	identity  []string // canonical names re-asserted in rewrite
	reroute   nameSet  // RerouteHeaders + StripHeaders, removed in rewrite
	maxBody   int64
	cooldown  time.Duration
	now       func() time.Time
	hide      bool
	secure    bool
	buffers   *bufferPool
	fast      *fastLeg // nil: every request takes httputil (fastleg.go)
}

// NewForwarder builds the reverse proxy for route. transport is normally
// the one NewTransport returned, shared by all routes; nil builds a private
// one with default options (never http.DefaultTransport).
func NewForwarder(route *Route, transport http.RoundTripper, opts ForwarderOptions) *Forwarder {
	if transport == nil {
		transport = NewTransport(TransportOptions{})
	}
	f := &Forwarder{
		route:     *cloneRoute(*route),
		transport: transport,
		health:    make(map[string]*health),
		maxBody:   opts.MaxBodyBytes,
		cooldown:  cmp.Or(opts.HealthCooldown, 5*time.Second),
		now:       opts.Now,
		hide:      opts.HideServerHeader,
		secure:    opts.SecurityHeaders,
		reroute:   newNameSet("", rerouteNames(opts.StripHeaders)),
	}
	if f.now == nil {
		f.now = time.Now
	}
	for _, p := range opts.TrustedProxies {
		f.trusted = append(f.trusted, p.Masked())
	}
	for _, n := range []string{opts.Identity.UserID, opts.Identity.Email, opts.Identity.Roles} {
		if n != "" {
			f.identity = append(f.identity, http.CanonicalHeaderKey(n))
		}
	}
	for _, u := range f.route.Upstreams {
		if u == nil {
			continue
		}
		h := f.health[u.Host]
		if h == nil {
			h = new(health)
			f.health[u.Host] = h
		}
		f.targets = append(f.targets, target{url: u, health: h})
	}
	f.buffers = new(bufferPool)
	f.fast = newFastLeg(f.targets, transport, opts.FlushInterval)
	errorLog := opts.ErrorLog
	if errorLog == nil {
		errorLog = log.New(io.Discard, "", 0)
	}
	f.proxy = &httputil.ReverseProxy{
		Rewrite:       f.rewrite,
		Transport:     upstreamTransport{f},
		FlushInterval: opts.FlushInterval,
		ErrorLog:      errorLog,
		BufferPool:    f.buffers,
		ErrorHandler:  captureError,
	}
	if f.hide || f.secure {
		f.proxy.ModifyResponse = f.modifyResponse
	}
	return f
}

// Forward proxies r to one of the route's upstreams and streams the
// response to w.
//
// The caller has already run HeaderPolicy.Strip and, for an authenticated
// request, HeaderPolicy.Inject on r.Header. Forward removes Authorization
// unless the route has PassAuthorization, forwards r.URL.Path, which must
// already be canonical (see Canonicalize; minus the prefix if StripPrefix),
// and sets the X-Forwarded-* headers. The body is read through a wrapper
// that tells a client body error (ErrMalformedBody) from an upstream
// failure. When a body limit applies to a body of unknown length, Forward
// replaces r.Body with an http.MaxBytesReader.
//
// A nil error means the response was proxied (or the connection was
// upgraded). A non-nil error wraps one of ErrUpstreamUnavailable,
// ErrUpstreamTimeout, ErrClientGone, ErrBodyTooLarge, ErrMalformedBody or
// ErrInvalidPath, and nothing has been written to w: the caller maps it to
// a status once.
// Forward never writes error text itself. If the upstream fails after the
// response has started, there is no status left to choose: under an
// http.Server, Forward panics with http.ErrAbortHandler (as
// httputil.ReverseProxy does) so the server aborts the connection instead
// of ending a truncated body as if it were complete. A recover middleware
// must re-panic http.ErrAbortHandler rather than answer 500.
//
// The upstream sees its own host in Host; the canonical form of the
// client's Host (the one the route matched) is in X-Forwarded-Host.
// Headers that would re-route the request at the upstream
// (RerouteHeaders, plus StripHeaders) are removed in every spelling.
func (f *Forwarder) Forward(w http.ResponseWriter, r *http.Request) error {
	if len(f.targets) == 0 {
		return fmt.Errorf("proxy: route %q: %w: no upstream configured", f.route.Name, ErrUpstreamUnavailable)
	}
	// Forward sends r.URL.Path as it is, so it must be the canonical path
	// the caller decided on (CanonicalRequest.Path). Anything else is
	// refused, never cleaned here: a second cleaning could disagree with
	// the decision (issue 9: one canonical request).
	if c, params, err := canonicalPath(r.URL.EscapedPath()); err != nil || params || c != r.URL.Path {
		return fmt.Errorf("proxy: route %q: %w: path is not canonical", f.route.Name, ErrInvalidPath)
	}
	if f.maxBody > 0 {
		if r.ContentLength > f.maxBody {
			// Rejected before dialing: the upstream never sees any of it.
			return fmt.Errorf("proxy: route %q: %w: content length %d exceeds %d",
				f.route.Name, ErrBodyTooLarge, r.ContentLength, f.maxBody)
		}
		if r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody {
			// Unknown length (chunked): count while streaming. net/http's
			// own writer lets net/http close the connection afterwards,
			// since the rest of the body is never read.
			r.Body = http.MaxBytesReader(ServerWriter(w), r.Body, f.maxBody)
		}
	}
	if f.fastEligible(r) {
		if err := f.forwardFast(w, r); err != nil {
			return fmt.Errorf("proxy: route %q: %w", f.route.Name, err)
		}
		return nil
	}
	r, release := withAbort(w, r)
	defer release()
	var body *clientBody
	if r.Body != nil && r.Body != http.NoBody {
		body = &clientBody{ReadCloser: r.Body}
		r.Body = body
	}
	cw := &captureWriter{ResponseWriter: w}
	f.proxy.ServeHTTP(cw, r)
	if cw.err == nil {
		return nil
	}
	return fmt.Errorf("proxy: route %q: %w", f.route.Name, f.classify(r, cw, body.readErr()))
}

// classify turns the error ReverseProxy reported into one of the package's
// sentinels, keeping the cause for logs. bodyErr is the error reading the
// client's request body failed with, if it did.
func (f *Forwarder) classify(r *http.Request, cw *captureWriter, bodyErr error) error {
	err := cw.err
	var tooLarge *http.MaxBytesError
	var netErr net.Error
	switch {
	case errors.As(err, &tooLarge), errors.As(bodyErr, &tooLarge):
		return fmt.Errorf("%w: %w", ErrBodyTooLarge, err)
	case cw.hijacked || r.Context().Err() != nil:
		// The inbound context ends when the client goes away; after a
		// hijack the connection belongs to the tunnel. Either way there is
		// nobody to send an error page to.
		return fmt.Errorf("%w: %w", ErrClientGone, err)
	case bodyErr != nil:
		// The client's body broke (a bad chunk size, a body shorter than
		// its Content-Length): the client's fault, not the upstream's. The
		// transport reports it as the round trip's error, so without this
		// case it would read as 502 upstream_unavailable.
		return fmt.Errorf("%w: %w", ErrMalformedBody, bodyErr)
	case errors.Is(err, ErrUpstreamTimeout):
		return err
	case isDialError(err):
		return fmt.Errorf("%w: %w", ErrUpstreamUnavailable, err)
	case errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Errorf("%w: %w", ErrUpstreamTimeout, err)
	default:
		return fmt.Errorf("%w: %w", ErrUpstreamUnavailable, err)
	}
}

// ServerWriter returns the writer net/http gave the handler, found by
// following w's Unwrap chain as http.ResponseController does. Only that
// writer lets http.MaxBytesReader tell net/http to close the connection
// (its hook is unexported); through a wrapper, a body just over the limit
// would be drained and the connection kept.
func ServerWriter(w http.ResponseWriter) http.ResponseWriter {
	for {
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return w
		}
		w = u.Unwrap()
	}
}

// isDialError reports whether err happened while connecting (refused,
// unreachable, DNS failure, dial timeout), i.e. the upstream never saw the
// request.
func isDialError(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}
