package gateway

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/gateway/proxy"
	"github.com/authgate/gatewayd/ratelimit"
)

// Problem codes: the stable, documented "code" member of every problem+json
// body. Clients branch on these, never on the translated title or detail.
const (
	codeInvalidCredentials   = "invalid_credentials"
	codeEmailTaken           = "email_taken"
	codeRegistrationClosed   = "registration_closed"
	codeInvalidRefreshToken  = "invalid_refresh_token"
	codeValidationFailed     = "validation_failed"
	codeMalformedRequest     = "malformed_request"
	codePayloadTooLarge      = "payload_too_large"
	codeUnsupportedMediaType = "unsupported_media_type"
	codeInvalidToken         = "invalid_token"
	codeInsufficientRole     = "insufficient_role"
	codeServerBusy           = "server_busy"
	codeServiceUnavailable   = "service_unavailable"
	codeRateLimited          = "rate_limited"
	codeNotFound             = "not_found"
	codeMethodNotAllowed     = "method_not_allowed"
	codeRouteNotFound        = "route_not_found"
	codeInvalidPath          = "invalid_path"
	// Forward-auth (/auth/verify) without a usable description of the
	// original request.
	codeForwardAuthDescriptionMissing  = "forward_auth_description_missing"
	codeForwardAuthDescriptionConflict = "forward_auth_description_conflict"
	codeUpstreamUnavailable            = "upstream_unavailable"
	codeUpstreamTimeout                = "upstream_timeout"
	codeNotReady                       = "not_ready"
	codeInternalError                  = "internal_error"
	// codeClientClosed is logged, never written: the client is gone.
	codeClientClosed = "client_closed"
)

// statusClientClosed is nginx's non-standard 499, used only in logs.
const statusClientClosed = 499

// problemCodes lists every code that can appear in a response body, so the
// translation test can prove each one exists in every language.
func problemCodes() []string {
	return []string{
		codeInvalidCredentials, codeEmailTaken, codeRegistrationClosed,
		codeInvalidRefreshToken, codeValidationFailed, codeMalformedRequest,
		codePayloadTooLarge, codeUnsupportedMediaType, codeInvalidToken,
		codeInsufficientRole, codeServerBusy, codeServiceUnavailable, codeRateLimited, codeNotFound,
		codeMethodNotAllowed, codeRouteNotFound, codeUpstreamUnavailable,
		codeUpstreamTimeout, codeNotReady, codeInternalError, codeInvalidPath,
		codeForwardAuthDescriptionMissing, codeForwardAuthDescriptionConflict,
	}
}

// classify is THE mapping from an error to an HTTP status and problem code;
// nothing else in the gateway chooses an error status. Anything it does not
// recognise is a 500 whose body says nothing about the cause.
func classify(err error) (status int, code string) {
	var (
		validation *authcore.ValidationError
		httpErr    *echo.HTTPError
	)
	switch {
	// The reverse proxy's outcomes come first: an upstream that timed out
	// also wraps context.Canceled (its round trip was canceled), which
	// must not read as a client that left.
	case errors.Is(err, proxy.ErrClientGone):
		return statusClientClosed, codeClientClosed
	case errors.Is(err, proxy.ErrUpstreamTimeout):
		return http.StatusGatewayTimeout, codeUpstreamTimeout
	case errors.Is(err, proxy.ErrUpstreamUnavailable):
		return http.StatusBadGateway, codeUpstreamUnavailable
	case errors.Is(err, proxy.ErrBodyTooLarge):
		return http.StatusRequestEntityTooLarge, codePayloadTooLarge
	case errors.Is(err, proxy.ErrInvalidPath):
		return http.StatusBadRequest, codeInvalidPath
	// The client's own body was unreadable (a bad chunk size): its fault,
	// so 400, never 502 upstream_unavailable (issue 9, item 7b).
	case errors.Is(err, proxy.ErrMalformedBody):
		return http.StatusBadRequest, codeMalformedRequest
	// Forward-auth without a route: 403, because nginx auth_request turns
	// anything but 2xx, 401 and 403 into a 500 (forward_auth.go); a
	// missing description is a 403 for the same reason, with its own code.
	// Descriptions that contradict each other are a 400, which nginx makes
	// a loud 500 (deploy/nginx/README.md).
	case errors.Is(err, errNoRouteToVerify):
		return http.StatusForbidden, codeRouteNotFound
	case errors.Is(err, errDescriptionMissing):
		return http.StatusForbidden, codeForwardAuthDescriptionMissing
	case errors.Is(err, errDescriptionConflict):
		return http.StatusBadRequest, codeForwardAuthDescriptionConflict

	// A canceled request context means the client disconnected (or the
	// server is shutting down): there is nobody to answer.
	case errors.Is(err, context.Canceled):
		return statusClientClosed, codeClientClosed

	// Domain outcomes from authcore.
	case errors.Is(err, authcore.ErrInvalidCredentials):
		return http.StatusUnauthorized, codeInvalidCredentials
	case errors.Is(err, authcore.ErrEmailTaken):
		return http.StatusConflict, codeEmailTaken
	case errors.Is(err, authcore.ErrRegistrationClosed):
		return http.StatusForbidden, codeRegistrationClosed
	case errors.Is(err, authcore.ErrInvalidRefreshToken):
		return http.StatusUnauthorized, codeInvalidRefreshToken
	case errors.As(err, &validation):
		return http.StatusUnprocessableEntity, codeValidationFailed
	case errors.Is(err, authcore.ErrInvalidToken):
		return http.StatusUnauthorized, codeInvalidToken
	case errors.Is(err, authcore.ErrInsufficientRole):
		return http.StatusForbidden, codeInsufficientRole
	case errors.Is(err, authcore.ErrServerBusy):
		return http.StatusServiceUnavailable, codeServerBusy
	// The store is unreachable or too slow (issue 11): temporary and not a
	// bug, so 503 with Retry-After rather than 500.
	case errors.Is(err, authcore.ErrUnavailable):
		return http.StatusServiceUnavailable, codeServiceUnavailable

	// Request-shape problems found by decodeJSON.
	case errors.Is(err, ErrMalformedRequest):
		return http.StatusBadRequest, codeMalformedRequest
	case errors.Is(err, ErrPayloadTooLarge):
		return http.StatusRequestEntityTooLarge, codePayloadTooLarge
	case errors.Is(err, ErrUnsupportedMediaType):
		return http.StatusUnsupportedMediaType, codeUnsupportedMediaType

	// Gateway and proxy conditions.
	// ratelimit.ErrLimited comes from the /auth and per-route limits and,
	// unchanged through authcore.Service.Login, from the per-account throttle.
	case errors.Is(err, ErrRateLimited), errors.Is(err, ratelimit.ErrLimited):
		return http.StatusTooManyRequests, codeRateLimited
	case errors.Is(err, ErrRouteNotFound):
		return http.StatusNotFound, codeRouteNotFound
	case errors.Is(err, ErrNotReady):
		return http.StatusServiceUnavailable, codeNotReady

	// Echo's router answers unknown gateway paths and wrong methods with
	// *echo.HTTPError; only these statuses are expected from it.
	case errors.As(err, &httpErr):
		switch httpErr.Code {
		case http.StatusNotFound:
			return http.StatusNotFound, codeNotFound
		case http.StatusMethodNotAllowed:
			return http.StatusMethodNotAllowed, codeMethodNotAllowed
		case http.StatusRequestEntityTooLarge:
			return http.StatusRequestEntityTooLarge, codePayloadTooLarge
		case http.StatusUnsupportedMediaType:
			return http.StatusUnsupportedMediaType, codeUnsupportedMediaType
		case http.StatusBadRequest:
			return http.StatusBadRequest, codeMalformedRequest
		}
	}
	return http.StatusInternalServerError, codeInternalError
}
