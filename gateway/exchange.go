package gateway

import (
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authgate/gatewayd/authcore"
)

// exchange is the gateway's state for one request, from the moment the
// root handler (ServeHTTP) takes the request until it has been answered:
// what the access log and the metrics report (trace), the request ID, the
// verified identity, whether the response head came from an upstream, and
// the writer a proxied response goes through.
//
// It is also the http.ResponseWriter beneath Echo's Response, because the
// decisions that belong to the moment the status line goes out are made
// there, once: the security headers (security_headers.go), the drain's
// "Connection: close" (access_log.go) and the end of the upstream wait
// (request_trace.go).
//
// Issue 14: it replaces a context store map, three Response.Before
// closures and two separate allocations per request. Exchanges are pooled;
// one whose stream guard was armed is never reused, because the guard's
// timer and revocation watch may still hold it (stream_guard.go).
type exchange struct {
	http.ResponseWriter // net/http's, for this request

	s     *Server
	c     echo.Context
	trace requestTrace
	// requestID is what assignRequestID decided ("" before it ran).
	requestID string
	// id is the verified identity, set by admit or requireBearer.
	id *authcore.Identity
	// upstreamAuthored marks a response whose status line and headers
	// come from an upstream (proxyWriter.WriteHeader): the gateway's own
	// security headers are not added to it.
	upstreamAuthored bool
	// proxy is the writer of a proxied response (proxy_writer.go).
	proxy proxyWriter
	// wroteHeader is set once the final status line was passed on.
	wroteHeader bool
}

// exchangePool recycles exchanges between requests (issue 14: no map and
// no closure per request).
type exchangePool struct{ pool sync.Pool }

func (p *exchangePool) get(s *Server, w http.ResponseWriter) *exchange {
	x, _ := p.pool.Get().(*exchange)
	if x == nil {
		x = new(exchange)
	}
	x.s, x.ResponseWriter = s, w
	return x
}

// put returns x to the pool, unless a stream guard was armed on it.
func (p *exchangePool) put(x *exchange) {
	if x.proxy.guard.wasArmed() {
		return
	}
	*x = exchange{}
	p.pool.Put(x)
}

// exchangeOf returns the exchange of the request c serves, or nil when c
// was not started by Server.ServeHTTP (a handler tested on its own).
func exchangeOf(c echo.Context) *exchange {
	x, _ := c.Response().Writer.(*exchange)
	return x
}

// WriteHeader makes the decisions that belong to the response head, then
// passes the status on. Informational responses (103 Early Hints, passed
// on by proxyWriter) go straight through: the final head comes later.
func (x *exchange) WriteHeader(code int) {
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		x.ResponseWriter.WriteHeader(code)
		return
	}
	h := x.ResponseWriter.Header()
	if !x.upstreamAuthored {
		setGatewayHeaders(h, x.c.Request().URL.Path)
	}
	// Decided when the headers go out, not when the request came in: a
	// request already in flight when the drain began must also tell its
	// keep-alive client to reconnect elsewhere (issue 11). net/http closes
	// the connection after a response carrying it. A 101 keeps its
	// "Connection: Upgrade": the connection is hijacked and never returns
	// to keep-alive anyway.
	if x.s.draining.Load() && code != http.StatusSwitchingProtocols {
		h.Set("Connection", "close")
	}
	if t := &x.trace; !t.forwardedAt.IsZero() && t.headersAt.IsZero() {
		t.headersAt = time.Now() // the upstream's response time ends here
	}
	x.wroteHeader = true
	x.ResponseWriter.WriteHeader(code)
}

// Write passes body bytes on; a write before any status line makes it 200
// here, as net/http would, so the head's decisions are never skipped.
func (x *exchange) Write(p []byte) (int, error) {
	if !x.wroteHeader {
		x.WriteHeader(http.StatusOK)
	}
	return x.ResponseWriter.Write(p)
}

// FlushError flushes net/http's writer (http.ResponseController finds it
// before Unwrap); a flush before any status line sends a 200 head, so it
// goes through WriteHeader first, like Write.
func (x *exchange) FlushError() error {
	if !x.wroteHeader {
		x.WriteHeader(http.StatusOK)
	}
	return http.NewResponseController(x.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController (Echo's Hijack among its users)
// reach net/http's writer.
func (x *exchange) Unwrap() http.ResponseWriter { return x.ResponseWriter }

// ServeHTTP is the gateway's root handler: it takes an exchange and one of
// Echo's pooled contexts and runs the middleware chain composed once in
// NewServer (routes.go). Echo's own ServeHTTP would compose its Pre chain
// again on every request, eight closures each time (issue 14).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x := s.exchanges.get(s, w)
	c := s.echo.AcquireContext()
	c.Reset(r, x)
	x.c = c
	if err := s.chain(c); err != nil {
		s.echo.HTTPErrorHandler(err, c)
	}
	s.echo.ReleaseContext(c)
	s.exchanges.put(x)
}

// route is the end of the chain for the gateway's own paths: Echo's router
// picks the handler (404 and 405 included) and runs it with the route's
// middleware.
func (s *Server) route(c echo.Context) error {
	r := c.Request()
	s.echo.Router().Find(r.Method, echo.GetPath(r), c)
	return c.Handler()(c)
}
