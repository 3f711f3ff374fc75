package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authgate/gatewayd/authcore"
)

// problemContentType is the RFC 9457 media type of every error body.
const problemContentType = "application/problem+json"

// problemTypePrefix makes each code a stable URI for the RFC 9457 "type".
const problemTypePrefix = "urn:gatewayd:problem:"

// retryAfterUnavailable is the Retry-After of a service_unavailable answer,
// in seconds.
const retryAfterUnavailable = "5"

// realm names the protection space in WWW-Authenticate challenges.
const realm = "gatewayd"

// problem is an RFC 9457 body with the gateway's extension members.
type problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail"`
	Code      string         `json:"code"`
	Locale    string         `json:"locale"`
	RequestID string         `json:"request_id"`
	Errors    []fieldProblem `json:"errors,omitempty"`
	// Checks names each readiness check's outcome on a not_ready answer
	// ("database": "failed"), never its error text.
	Checks map[string]string `json:"checks,omitempty"`
}

// fieldProblem is one entry of the validation list.
type fieldProblem struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// handleError is Echo's HTTPErrorHandler: every error any handler or
// middleware returns ends here, is classified once, logged if it is the
// server's fault, and written as a translated problem.
func (s *Server) handleError(err error, c echo.Context) {
	status, code := classify(err)
	res := c.Response()
	s.logError(c, err, status, code)
	if code == codeClientClosed || res.Committed {
		return
	}

	h := res.Header()
	// The security headers are decided when this is written (exchange.WriteHeader).
	h.Set("Cache-Control", "no-store")
	s.challengeHeaders(h, err, code)

	locale := s.i18n.negotiate(c.Request().Header.Get("Accept-Language"))
	text := s.i18n.problem(locale, code)
	body := problem{
		Type:      problemTypePrefix + code,
		Title:     text.title,
		Status:    status,
		Detail:    text.detail, // SECURITY: never err.Error(); see logError
		Code:      code,
		Locale:    locale,
		RequestID: requestID(c),
		Errors:    s.fieldProblems(err, locale),
		Checks:    readinessChecks(err),
	}
	h.Set("Content-Language", locale)
	h.Add("Vary", "Accept-Language")
	if werr := writeJSON(c, status, problemContentType, body); werr != nil {
		s.log.LogAttrs(c.Request().Context(), slog.LevelDebug, "write problem response",
			slog.String("request_id", requestID(c)), slog.Any("error", werr))
	}
}

// logError records server-side failures exactly once, with the request ID
// the client was given, so an operator can find the cause of a bare 500.
// Client errors (4xx) are the access log's business, not an error log's.
func (s *Server) logError(c echo.Context, err error, status int, code string) {
	var level slog.Level
	switch {
	case code == codeClientClosed:
		level = slog.LevelDebug
	case status == http.StatusServiceUnavailable || status == http.StatusBadGateway || status == http.StatusGatewayTimeout:
		// Overload and upstream trouble are operational, not bugs.
		level = slog.LevelWarn
	case status >= 500:
		level = slog.LevelError
	case c.Response().Committed:
		// Failed after the response started: the client saw a truncated
		// answer, which no access log line would explain.
		level = slog.LevelWarn
	default:
		return
	}
	r := c.Request()
	attrs := []slog.Attr{
		slog.String("request_id", requestID(c)),
		slog.Int("status", status),
		slog.String("code", code),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Any("error", err),
	}
	if c.Response().Committed {
		attrs = append(attrs, slog.Bool("response_committed", true))
	}
	var p *panicError
	if errors.As(err, &p) {
		attrs = append(attrs, slog.String("stack", string(p.stack)))
	}
	s.log.LogAttrs(r.Context(), level, "request failed", attrs...)
}

// challengeHeaders adds the headers some problems require: RFC 6750
// challenges for bearer failures and back-off hints for overload.
func (s *Server) challengeHeaders(h http.Header, err error, code string) {
	switch code {
	case codeInvalidToken:
		var te *authcore.TokenError
		reason := "invalid"
		if errors.As(err, &te) {
			reason = string(te.Reason)
		}
		if reason == string(authcore.TokenMissing) {
			// RFC 6750 §3.1: no credentials → no error code, just the challenge.
			h.Set("WWW-Authenticate", `Bearer realm="`+realm+`"`)
			return
		}
		h.Set("WWW-Authenticate", `Bearer realm="`+realm+`", error="invalid_token", error_description="`+safeQuoted(reason)+`"`)
	case codeInsufficientRole:
		h.Set("WWW-Authenticate", `Bearer realm="`+realm+`", error="insufficient_scope"`)
	case codeServerBusy:
		h.Set("Retry-After", "1")
	case codeServiceUnavailable:
		// A database outage lasts longer than a hashing queue; a few
		// seconds keeps well-behaved clients from hammering a restarting
		// server (RFC 9110 §10.2.3).
		h.Set("Retry-After", retryAfterUnavailable)
	case codeRateLimited:
		rl, ok := rateLimitDetails(err)
		if !ok {
			h.Set("Retry-After", "1")
			return
		}
		// The policy that refused wins: a per-account 429 on /auth/login
		// replaces the per-IP numbers the middleware wrote earlier.
		h.Set("Retry-After", strconv.FormatInt(ceilSeconds(rl.RetryAfter, 1), 10))
		s.setRateLimitHeaders(h, rl.Limit, rl.Remaining, rl.Reset)
	}
}

// fieldProblems lists per-field details for validation and decoding errors.
func (s *Server) fieldProblems(err error, locale string) []fieldProblem {
	var ve *authcore.ValidationError
	if errors.As(err, &ve) {
		out := make([]fieldProblem, 0, len(ve.Fields))
		for _, f := range ve.Fields {
			out = append(out, fieldProblem{Field: f.Field, Code: f.Code, Message: s.i18n.field(locale, f.Code)})
		}
		return out
	}
	var me *malformedError
	if errors.As(err, &me) && me.field != "" {
		return []fieldProblem{{Field: me.field, Code: me.code, Message: s.i18n.field(locale, me.code)}}
	}
	return nil
}

// ceilSeconds rounds d up to whole seconds, never below floor, because
// Retry-After and RateLimit-Reset are integers and rounding down would
// invite a retry that is still refused.
func ceilSeconds(d time.Duration, floor int64) int64 {
	secs := int64(math.Ceil(d.Seconds()))
	return max(secs, floor)
}

// safeQuoted keeps a quoted-string parameter free of characters that would
// end it or the header early.
func safeQuoted(s string) string {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b > 0x7e || b == '"' || b == '\\' {
			return "invalid"
		}
	}
	return s
}

// writeJSON is the single JSON writer for gateway responses. It sets
// Content-Type itself because Echo keeps one a failed handler left behind.
func writeJSON(c echo.Context, status int, contentType string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("gateway: encode response: %w", err)
	}
	c.Response().Header().Set(echo.HeaderContentType, contentType)
	return c.Blob(status, contentType, b)
}
