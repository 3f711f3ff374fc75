package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authgate/gatewayd/gateway/proxy"
	"github.com/authgate/gatewayd/ratelimit"
)

// RateLimiter counts requests under named policies (*ratelimit.Limiter
// implements it). Declaring the behaviour here keeps the gateway free of
// store details: it never learns whether counting happens in Redis, in
// memory, or in the fallback while Redis is down.
//
// Take reports the counter after counting one request. When the request is
// over the limit it returns the Decision together with an error matching
// ratelimit.ErrLimited (a *ratelimit.LimitedError).
type RateLimiter interface {
	Take(ctx context.Context, policy, key string) (ratelimit.Decision, error)
}

// userKeyPrefix marks per-route keys that identify an authenticated user.
// The limiter hashes every key that is not an IP address, so the prefix
// guarantees a user id can never share a counter with a client IP, whatever
// the id looks like.
const userKeyPrefix = "user:"

// limitByIP is the middleware for the /auth endpoints: one Take per request
// under policy, keyed by the client IP. The key is s.ClientIP, which believes
// X-Forwarded-For only from trusted proxies, so a client cannot pick a fresh
// budget by sending a made-up header. With no limiter configured it is a
// no-op.
func (s *Server) limitByIP(policy string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if s.limiter == nil {
			return next
		}
		return func(c echo.Context) error {
			if err := s.takeLimit(c, policy, s.ClientIP(c.Request())); err != nil {
				return err
			}
			return next(c)
		}
	}
}

// limitRoute is the per-route step of the admission pipeline (admit),
// after authentication and the role check and before anything is
// forwarded; it is called only for routes with a rate_limit. It counts one
// request under the route's ratelimit.RoutePolicy (named once, in
// newProxyTable) and returns nil when the request may go on, or the
// refusal (a 429). cmd registers each route's rate under that policy; a
// route whose policy is missing fails with a 500 rather than going
// unlimited. userID is "" for anonymous requests.
func (s *Server) limitRoute(c echo.Context, route *proxy.Route, userID string) error {
	if s.limiter == nil {
		return nil
	}
	return s.takeLimit(c, s.routing.policies[route], s.routeLimitKey(c.Request(), userID))
}

// routeLimitKey is the per-route counter key: the user id when the request
// is authenticated (so users behind one NAT do not share a budget, and one
// user cannot multiply theirs by changing address), the client IP otherwise.
func (s *Server) routeLimitKey(r *http.Request, userID string) string {
	if userID != "" {
		return userKeyPrefix + userID
	}
	return s.ClientIP(r)
}

// takeLimit counts one request and writes the RateLimit-* headers, which
// every response of a limited endpoint carries (successes included) so
// well-behaved clients can slow down before they are refused. A refusal is
// returned as is; classify maps ratelimit.ErrLimited to 429 and the error
// renderer adds Retry-After.
//
// Redis trouble never surfaces here: the limiter answers it with its
// on_store_error policy. What remains are wiring bugs (an unknown policy, a
// closed limiter) and the client leaving, which are returned as errors
// rather than waved through, because a limit that silently stops counting
// is an open door.
func (s *Server) takeLimit(c echo.Context, policy, key string) error {
	d, err := s.limiter.Take(c.Request().Context(), policy, key)
	if err != nil && !errors.Is(err, ratelimit.ErrLimited) {
		return fmt.Errorf("gateway: rate limit %s: %w", policy, err)
	}
	s.setRateLimitHeaders(c.Response().Header(), d.Limit, d.Remaining, d.Reset)
	return err
}

// setRateLimitHeaders writes the draft-ietf-httpapi-ratelimit-headers
// fields. RateLimit-Reset is delta-seconds (not a timestamp, which would
// depend on the client's clock), rounded up so a client that waits that
// long is not refused by the same window.
func (s *Server) setRateLimitHeaders(h http.Header, limit, remaining int64, reset time.Time) {
	h.Set("RateLimit-Limit", strconv.FormatInt(limit, 10))
	h.Set("RateLimit-Remaining", strconv.FormatInt(max(remaining, 0), 10))
	h.Set("RateLimit-Reset", strconv.FormatInt(ceilSeconds(reset.Sub(s.now()), 0), 10))
}

// rateLimitDetails extracts the numbers for a 429's headers from either
// form of refusal: the gateway's own *RateLimitedError, or a
// *ratelimit.LimitedError from the adapter or from the per-account login
// throttle, which authcore.Service returns unchanged.
func rateLimitDetails(err error) (*RateLimitedError, bool) {
	var rl *RateLimitedError
	if errors.As(err, &rl) {
		return rl, true
	}
	var le *ratelimit.LimitedError
	if errors.As(err, &le) {
		return &RateLimitedError{
			Limit:      le.Decision.Limit,
			Remaining:  le.Decision.Remaining,
			Reset:      le.Decision.Reset,
			RetryAfter: le.RetryAfter,
		}, true
	}
	return nil, false
}
