package proxy

import "errors"

// Outcomes of Forward and NewRouter. The gateway compares them with
// errors.Is and maps each to one HTTP status in its single error→status
// function; the wrapped cause is for logs only and must never reach a
// client.
var (
	// ErrUpstreamUnavailable means no usable response came from the
	// upstream: the dial was refused or timed out, DNS failed, the
	// connection was reset, the response was malformed, or the route has no
	// upstream at all. The gateway answers 502.
	ErrUpstreamUnavailable = errors.New("upstream unavailable")
	// ErrUpstreamTimeout means the upstream accepted the request but its
	// response headers did not arrive within the route's Timeout (or the
	// transport's ResponseHeaderTimeout). The gateway answers 504.
	ErrUpstreamTimeout = errors.New("upstream timeout")
	// ErrClientGone means the client disconnected (its request context
	// ended) before a response could be written. There is nobody to answer;
	// the gateway logs it (as 499) and writes nothing.
	ErrClientGone = errors.New("client gone")
	// ErrBodyTooLarge means the request body exceeds ForwarderOptions.
	// MaxBodyBytes. A declared Content-Length is rejected before dialing; a
	// chunked body is cut off when it crosses the limit. The gateway answers
	// 413.
	ErrBodyTooLarge = errors.New("request body too large")
	// ErrMalformedBody means the client's request body could not be read
	// while it was being forwarded: a malformed chunked encoding (a bad
	// chunk size) or a body that ended before its Content-Length. It is
	// the client's error, so the gateway answers 400 and the upstream is
	// not marked unhealthy (issue 9, item 7b).
	ErrMalformedBody = errors.New("malformed request body")
	// ErrInvalidPath means the request path is one the gateway refuses to
	// interpret (see Canonicalize and Router.Resolve for the rules). The
	// gateway answers 400 invalid_path.
	ErrInvalidPath = errors.New("invalid request path")
	// ErrNoRoute means no route matches the request (Router.Resolve). The
	// gateway answers 404: default deny.
	ErrNoRoute = errors.New("no route matches")
	// ErrRouteOverlap means two routes could match the same request with
	// equal precedence, so which one wins would be arbitrary. NewRouter
	// wraps it once per conflicting pair.
	ErrRouteOverlap = errors.New("routes overlap")
	// ErrInvalidRoute means a route's own fields are unusable (bad host
	// pattern, missing or unclean path prefix, ...). NewRouter wraps it once
	// per problem.
	ErrInvalidRoute = errors.New("invalid route")
)
