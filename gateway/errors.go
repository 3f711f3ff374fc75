package gateway

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// HTTP-level outcomes the gateway itself produces. Handlers and the rate
// limiter return these and let classify pick the status, so no handler
// writes an error response on its own. The proxy's outcomes (upstream
// unavailable or timed out, the client gone) are gateway/proxy's own
// sentinels and are not restated here (issue 10).
var (
	// ErrRouteNotFound means no configured route matches the request. The
	// gateway denies by default: an unmatched request is never forwarded.
	ErrRouteNotFound = errors.New("gateway: no route matches the request")
	// ErrRateLimited means a rate limit was exhausted: 429. Return a
	// *RateLimitedError when the numbers are known so clients get
	// Retry-After and RateLimit-* headers.
	ErrRateLimited = errors.New("gateway: rate limited")
	// ErrNotReady means a dependency the readiness probe checks is down: 503.
	ErrNotReady = errors.New("gateway: not ready")
	// ErrMalformedRequest means the request body is not the JSON object the
	// endpoint expects (syntax, unknown field, wrong type, trailing data,
	// empty body): 400.
	ErrMalformedRequest = errors.New("gateway: malformed request")
	// ErrPayloadTooLarge means the request body exceeds the endpoint's
	// limit: 413 (classify gives proxy.ErrBodyTooLarge the same answer).
	ErrPayloadTooLarge = errors.New("gateway: payload too large")
	// ErrUnsupportedMediaType means a JSON endpoint received a body that is
	// not declared as application/json: 415.
	ErrUnsupportedMediaType = errors.New("gateway: unsupported media type")
)

// RateLimitedError is ErrRateLimited with the numbers a client needs to back
// off politely; the problem renderer turns them into Retry-After (RFC 9110
// §10.2.3) and RateLimit-Limit/-Remaining/-Reset headers.
type RateLimitedError struct {
	// Limit is the number of requests the window allows.
	Limit int64
	// Remaining is how many are left in the window (usually 0).
	Remaining int64
	// Reset is when the window starts over.
	Reset time.Time
	// RetryAfter is how long the client should wait before retrying.
	RetryAfter time.Duration
}

// Error describes the limit without any key material (keys may be emails).
func (e *RateLimitedError) Error() string {
	return "gateway: rate limited: limit " + strconv.FormatInt(e.Limit, 10) +
		", retry after " + e.RetryAfter.String()
}

// Is makes errors.Is(err, ErrRateLimited) true, so classify needs one check.
func (e *RateLimitedError) Is(target error) bool { return target == ErrRateLimited }

// malformedError is ErrMalformedRequest plus, when the decoder knows it, the
// offending field, so the client sees which field to fix.
type malformedError struct {
	field string // JSON field name, "" when the whole body is at fault
	code  string // field-level code: fieldUnknown or fieldWrongType
	err   error  // decoder error, for logs only
}

func (e *malformedError) Error() string {
	msg := "gateway: malformed request"
	if e.field != "" {
		msg += ": field " + strconv.Quote(e.field) + ": " + e.code
	}
	if e.err != nil {
		msg += ": " + e.err.Error()
	}
	return msg
}

func (e *malformedError) Is(target error) bool { return target == ErrMalformedRequest }

func (e *malformedError) Unwrap() error { return e.err }

// panicError carries a recovered panic to the error renderer, which logs it
// once together with the stack and answers with a bare 500.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return "gateway: panic: " + describePanic(e.value) }

func describePanic(v any) string {
	switch x := v.(type) {
	case error:
		return x.Error()
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}
