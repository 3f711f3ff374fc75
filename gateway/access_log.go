package gateway

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/gateway/metrics"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// maxLoggedPath bounds the path written to the access log; the header
// size limit already bounds it, this keeps one scan from writing megabytes.
const maxLoggedPath = 2048

// observe writes one access-log line and records the request metrics for
// every request, gateway endpoints, proxied requests and errors alike.
//
// It is the outermost middleware, outside recoverPanics, because it must
// see the final status: it renders a returned error itself (through the one
// error handler) before reading the status, and a recovered panic reaches
// it as a returned error. Only http.ErrAbortHandler passes through as a
// panic; the line is still written, marked aborted, and the panic goes on
// so net/http drops the connection.
//
// SECURITY: the line holds the path without its query string (which may
// carry tokens), and never headers, cookies or bodies. The user id comes
// from a verified token only.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		r := c.Request()
		method, path := r.Method, r.URL.Path
		t := traceOf(c)
		s.metrics.RequestStarted()
		s.inflight.Add(1)
		defer s.inflight.Add(-1)

		finished := false
		defer func() {
			if !finished { // a panic (http.ErrAbortHandler) is passing through
				s.record(c, t, start, method, path, c.Response().Status, nil, true)
			}
		}()
		err := next(c)
		status := c.Response().Status
		if err != nil {
			s.handleError(err, c)
			if !c.Response().Committed {
				// Nothing was written (client gone: 499).
				status, _ = classify(err)
			} else {
				status = c.Response().Status
			}
		}
		finished = true
		s.record(c, t, start, method, path, status, err, false)
		return nil
	}
}

// record emits the metrics and the access-log line for one request.
func (s *Server) record(c echo.Context, t *requestTrace, start time.Time, method, path string, status int, err error, aborted bool) {
	elapsed := time.Since(start)
	route := s.routeName(c, t, path)
	s.metrics.RequestFinished(route, method, status, elapsed)
	s.recordUpstream(t, route, err)
	if err != nil {
		var te *authcore.TokenError
		if errors.As(err, &te) {
			s.metrics.TokenRejected(te.Reason)
		}
	}

	ctx := context.Background()
	if !s.log.Enabled(ctx, slog.LevelInfo) {
		return
	}
	r := c.Request()
	if len(path) > maxLoggedPath {
		path = path[:maxLoggedPath]
	}
	userID := t.userID
	if id, ok := identity(c); ok && userID == "" {
		userID = id.UserID
	}
	var buf [12]slog.Attr
	attrs := append(buf[:0],
		slog.String("request_id", requestID(c)),
		slog.String("method", method),
		slog.String("route", route),
		slog.String("path", path),
		slog.Int("status", status),
		slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
		slog.Int64("bytes", c.Response().Size),
		slog.String("client_ip", s.ipOf(r)),
	)
	if userID != "" {
		attrs = append(attrs, slog.String("user_id", userID))
	}
	if t.upstream != "" {
		attrs = append(attrs, slog.String("upstream", t.upstream))
	}
	if aborted {
		attrs = append(attrs, slog.Bool("aborted", true))
	}
	if s.cut.Load() && r.Context().Err() != nil {
		// Its connection was closed because the shutdown grace period ran
		// out: without this mark the line would read like a client that
		// left (issue 11).
		attrs = append(attrs, slog.Bool("cut", true))
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
}

// routeName is the bounded name a request is reported under: the matched
// proxy route, else the gateway endpoint Echo's router chose (or whose
// exact path this is, for answers given before routing such as CORS
// preflights), else metrics.Unmatched. Never the raw path.
func (s *Server) routeName(c echo.Context, t *requestTrace, path string) string {
	if t.route != "" {
		return t.route
	}
	if name, ok := s.endpoints[c.Path()]; ok {
		return name
	}
	if name, ok := s.endpoints[path]; ok {
		return name
	}
	return metrics.Unmatched
}

// recordUpstream reports the upstream's response time, or why there was
// no response, for a request that was forwarded.
func (s *Server) recordUpstream(t *requestTrace, route string, err error) {
	if t.forwardedAt.IsZero() {
		return
	}
	switch {
	case errors.Is(err, proxy.ErrUpstreamTimeout):
		s.metrics.UpstreamFailed(route, metrics.UpstreamTimeout)
	case errors.Is(err, proxy.ErrUpstreamUnavailable):
		s.metrics.UpstreamFailed(route, metrics.UpstreamUnavailable)
	case errors.Is(err, proxy.ErrClientGone):
		s.metrics.UpstreamFailed(route, metrics.UpstreamClientGone)
	case err == nil && !t.headersAt.IsZero():
		s.metrics.UpstreamResponded(route, t.headersAt.Sub(t.forwardedAt))
	}
}
