package authcore

import (
	"errors"
	"strings"
)

// Domain outcomes. Callers compare with errors.Is; the HTTP layer maps each
// to exactly one status in one function (gateway.errorStatus).
var (
	// ErrInvalidCredentials is the single answer for unknown email, wrong
	// password and disabled user, so a caller cannot tell them apart.
	ErrInvalidCredentials = errors.New("invalid credentials")
	// ErrEmailTaken means registration hit an existing (normalized) email.
	ErrEmailTaken = errors.New("email already registered")
	// ErrRegistrationClosed means the operator turned self-service sign-up off.
	ErrRegistrationClosed = errors.New("registration is closed")
	// ErrInvalidRefreshToken covers every unusable refresh token: unknown,
	// expired, malformed, revoked, reused, or owned by a disabled user.
	ErrInvalidRefreshToken = errors.New("invalid refresh token")
	// ErrRefreshTokenReused is returned by Store.RotateRefreshToken when the
	// presented token was already rotated (outside the reuse grace). The
	// store has revoked
	// all of the user's tokens by then. The Service wraps it so that callers
	// see ErrInvalidRefreshToken too (errors.Is matches both).
	ErrRefreshTokenReused = errors.New("refresh token reused")
	// ErrRefreshTokenRevoked is returned by Store.RotateRefreshToken for a
	// token that is dead but whose presentation is no evidence of theft: it
	// was revoked by a logout (or a family revocation), or it was rotated
	// less than the reuse grace ago (issue 11). Nothing else is revoked. The
	// Service answers ErrInvalidRefreshToken.
	ErrRefreshTokenRevoked = errors.New("refresh token revoked")
	// ErrNotFound is a Store's answer for a missing row. Stores never return
	// (nil, nil).
	ErrNotFound = errors.New("not found")
	// ErrServerBusy means the password-hashing capacity stayed full for the
	// whole wait; the HTTP layer answers 503 with Retry-After.
	ErrServerBusy = errors.New("server busy")
	// ErrInsufficientRole means a valid identity lacks every role a resource
	// accepts.
	ErrInsufficientRole = errors.New("insufficient role")
	// ErrUnavailable means the store could not be reached or answered too
	// late: connection refused, pool exhausted past its wait, a deadline,
	// SQLITE_BUSY past busy_timeout (issue 11). The condition is temporary
	// and not the client's fault, so the HTTP layer answers 503 with
	// Retry-After instead of a 500 that reads like a bug. Stores wrap it
	// around the driver error with %w, so the cause is still logged.
	ErrUnavailable = errors.New("store unavailable")
	// ErrInvalidHash means a stored password hash is not an argon2id PHC
	// string this package accepts, or carries absurd parameters. It signals
	// a corrupt or foreign row, never a wrong password, so it is a 500.
	ErrInvalidHash = errors.New("invalid password hash")
)

// FieldError is one invalid input field, reported with a stable code that
// the HTTP layer localizes.
type FieldError struct {
	Field string `json:"field"`
	Code  string `json:"code"` // e.g. "invalid_email", "password_too_short"
}

// ValidationError lists every invalid field of one request, so a client can
// fix them all in one round trip.
type ValidationError struct {
	Fields []FieldError
}

// Error lists every field and code, e.g. "validation failed: email:
// invalid_email, password: password_too_short".
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Code
	}
	return "validation failed: " + strings.Join(parts, ", ")
}

// TokenReason says why an access token was rejected. It feeds the RFC 6750
// error description and a bounded metrics label.
type TokenReason string

// Reasons an access token is rejected.
const (
	TokenMissing   TokenReason = "missing"
	TokenMalformed TokenReason = "malformed"
	TokenSignature TokenReason = "signature" // bad signature, unknown kid, or wrong alg
	TokenExpired   TokenReason = "expired"
	TokenNotYet    TokenReason = "not_yet_valid"
	TokenIssuer    TokenReason = "issuer"
	TokenAudience  TokenReason = "audience"
	// TokenRevoked: the user's sessions were revoked (logout-all, disable,
	// role change, refresh-token reuse) after the token was issued.
	TokenRevoked TokenReason = "revoked"
)

// ErrInvalidToken is the sentinel every TokenError matches, so the HTTP
// layer needs one errors.Is check for "401 invalid_token".
var ErrInvalidToken = errors.New("invalid access token")

// TokenError is a rejected access token together with the reason.
type TokenError struct {
	Reason TokenReason
	Err    error // underlying library error, never shown to clients
}

// Error names the reason and, for logs, the library's message. It never
// contains the token or key material.
func (e *TokenError) Error() string {
	if e.Err != nil {
		return "access token " + string(e.Reason) + ": " + e.Err.Error()
	}
	return "access token " + string(e.Reason)
}

// Is makes errors.Is(err, ErrInvalidToken) true for every TokenError.
func (e *TokenError) Is(target error) bool { return target == ErrInvalidToken }

// Unwrap exposes the library error for logging.
func (e *TokenError) Unwrap() error { return e.Err }
