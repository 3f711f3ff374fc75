package gateway_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// TestErrorMapping drives each domain and gateway error through /auth/login
// and checks the one classification: status, code and required headers.
func TestErrorMapping(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		status  int
		code    string
		headers map[string]string
	}{
		{"invalid credentials", authcore.ErrInvalidCredentials, 401, "invalid_credentials", nil},
		{"wrapped invalid credentials", fmt.Errorf("authcore: login: %w", authcore.ErrInvalidCredentials), 401, "invalid_credentials", nil},
		{"email taken", authcore.ErrEmailTaken, 409, "email_taken", nil},
		{"registration closed", authcore.ErrRegistrationClosed, 403, "registration_closed", nil},
		{"invalid refresh token", authcore.ErrInvalidRefreshToken, 401, "invalid_refresh_token", nil},
		{"refresh reuse", fmt.Errorf("%w: %w", authcore.ErrInvalidRefreshToken, authcore.ErrRefreshTokenReused), 401, "invalid_refresh_token", nil},
		{"validation", &authcore.ValidationError{Fields: []authcore.FieldError{{Field: "email", Code: "invalid_email"}}}, 422, "validation_failed", nil},
		{"invalid token", &authcore.TokenError{Reason: authcore.TokenExpired}, 401, "invalid_token",
			map[string]string{"WWW-Authenticate": `Bearer realm="gatewayd", error="invalid_token", error_description="expired"`}},
		{"missing token", &authcore.TokenError{Reason: authcore.TokenMissing}, 401, "invalid_token",
			map[string]string{"WWW-Authenticate": `Bearer realm="gatewayd"`}},
		{"insufficient role", authcore.ErrInsufficientRole, 403, "insufficient_role",
			map[string]string{"WWW-Authenticate": `Bearer realm="gatewayd", error="insufficient_scope"`}},
		{"server busy", fmt.Errorf("authcore: hash: %w", authcore.ErrServerBusy), 503, "server_busy", map[string]string{"Retry-After": "1"}},
		{"store unavailable", fmt.Errorf("authcore: login: postgres: user by email: %w: %w", authcore.ErrUnavailable, errors.New("dial tcp: connection refused")), 503, "service_unavailable", map[string]string{"Retry-After": "5"}},
		{"rate limited", &gateway.RateLimitedError{Limit: 10, Remaining: 0, Reset: testNow.Add(90 * time.Second), RetryAfter: 1500 * time.Millisecond}, 429, "rate_limited",
			map[string]string{"Retry-After": "2", "RateLimit-Limit": "10", "RateLimit-Remaining": "0", "RateLimit-Reset": "90"}},
		{"bare rate limited", gateway.ErrRateLimited, 429, "rate_limited", map[string]string{"Retry-After": "1"}},
		{"route not found", gateway.ErrRouteNotFound, 404, "route_not_found", nil},
		{"upstream unavailable", proxy.ErrUpstreamUnavailable, 502, "upstream_unavailable", nil},
		{"upstream timeout", proxy.ErrUpstreamTimeout, 504, "upstream_timeout", nil},
		{"malformed proxied body", fmt.Errorf("proxy: route %q: %w: %w", "r", proxy.ErrMalformedBody, errors.New("invalid byte in chunk length")), 400, "malformed_request", nil},
		{"not ready", gateway.ErrNotReady, 503, "not_ready", nil},
		{"store not found elsewhere", authcore.ErrNotFound, 500, "internal_error", nil},
		{"unknown", errors.New("boom"), 500, "internal_error", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			auth := &stubAuth{login: func(context.Context, string, string) (*authcore.Session, error) { return nil, tc.err }}
			srv, _ := newStubServer(t, auth, nil)
			w := serve(srv.Handler(), jsonRequest("/auth/login", `{"email":"a@example.com","password":"pw"}`))
			decodeProblem(t, w, tc.status, tc.code)
			for k, v := range tc.headers {
				if got := w.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if tc.code != "invalid_token" && tc.code != "insufficient_role" && w.Header().Get("WWW-Authenticate") != "" {
				t.Errorf("unexpected WWW-Authenticate %q", w.Header().Get("WWW-Authenticate"))
			}
		})
	}
}

// TestValidationErrorListsEveryField checks the 422 body names each field
// with its code and a translated message.
func TestValidationErrorListsEveryField(t *testing.T) {
	auth := &stubAuth{register: func(context.Context, string, string) (*authcore.Session, error) {
		return nil, &authcore.ValidationError{Fields: []authcore.FieldError{
			{Field: "email", Code: "invalid_email"},
			{Field: "password", Code: "password_too_short"},
			{Field: "password", Code: "some_future_code"},
		}}
	}}
	srv, _ := newStubServer(t, auth, nil)
	r := jsonRequest("/auth/register", `{"email":"x","password":"y"}`)
	r.Header.Set("Accept-Language", "de")
	p := decodeProblem(t, serve(srv.Handler(), r), 422, "validation_failed")
	want := []struct{ field, code, message string }{
		{"email", "invalid_email", "Geben Sie eine gültige E-Mail-Adresse ein."},
		{"password", "password_too_short", "Das Passwort ist zu kurz."},
		{"password", "some_future_code", "Dieser Wert ist ungültig."},
	}
	if len(p.Errors) != len(want) {
		t.Fatalf("errors = %+v, want %d entries", p.Errors, len(want))
	}
	for i, w := range want {
		if got := p.Errors[i]; got.Field != w.field || got.Code != w.code || got.Message != w.message {
			t.Errorf("errors[%d] = %+v, want %+v", i, got, w)
		}
	}
}

// Test500BodiesCarryNoInternalText injects failures whose text looks like a
// leaked secret and asserts the body is the generic problem while the log
// has the cause, tied to the request ID.
func Test500BodiesCarryNoInternalText(t *testing.T) {
	const secret = "postgres://admin:hunter2@db.internal:5432/users"
	tests := []struct {
		name string
		auth *stubAuth
		req  func() *http.Request
	}{
		{"service error", &stubAuth{login: func(context.Context, string, string) (*authcore.Session, error) {
			return nil, fmt.Errorf("authcore: login: dial %s: connection refused", secret)
		}}, func() *http.Request { return jsonRequest("/auth/login", `{"email":"a@example.com","password":"pw"}`) }},
		{"panic", &stubAuth{login: func(context.Context, string, string) (*authcore.Session, error) {
			panic("cannot reach " + secret)
		}}, func() *http.Request { return jsonRequest("/auth/login", `{"email":"a@example.com","password":"pw"}`) }},
		{"panic with error value", &stubAuth{me: func(context.Context, string) (*authcore.User, error) {
			panic(errors.New(secret))
		}}, func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, "/auth/me", nil)
			r.Header.Set("Authorization", "Bearer "+validToken)
			return r
		}},
		{"readiness failure", &stubAuth{}, func() *http.Request { return httptest.NewRequest(http.MethodGet, "/readyz", nil) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, logs := newStubServer(t, tc.auth, func(o *gateway.Options) {
				o.Ready = func(context.Context) error { return errors.New("ping " + secret) }
			})
			w := serve(srv.Handler(), tc.req())
			status, code := http.StatusInternalServerError, "internal_error"
			if tc.name == "readiness failure" {
				status, code = http.StatusServiceUnavailable, "not_ready"
			}
			p := decodeProblem(t, w, status, code)
			for _, leak := range []string{secret, "hunter2", "db.internal", "goroutine", ".go:"} {
				if strings.Contains(w.Body.String(), leak) {
					t.Errorf("body leaks %q: %s", leak, w.Body)
				}
			}
			for k, vs := range w.Header() {
				if strings.Contains(strings.Join(vs, " "), "hunter2") {
					t.Errorf("header %s leaks the secret", k)
				}
			}
			log := logs.String()
			if !strings.Contains(log, "hunter2") || !strings.Contains(log, p.RequestID) {
				t.Errorf("log lacks the cause or the request id %q:\n%s", p.RequestID, log)
			}
			if n := strings.Count(log, `"msg":"request failed"`); n != 1 {
				t.Errorf("failure logged %d times, want exactly once:\n%s", n, log)
			}
			if strings.HasPrefix(tc.name, "panic") && !strings.Contains(log, `"stack":`) {
				t.Errorf("panic log lacks the stack:\n%s", log)
			}
		})
	}
}

// TestClientClosedWritesNothing: when the client has gone, nothing is
// written and nothing is logged above debug.
func TestClientClosedWritesNothing(t *testing.T) {
	for _, err := range []error{proxy.ErrClientGone, fmt.Errorf("authcore: login: %w", context.Canceled)} {
		t.Run(err.Error(), func(t *testing.T) {
			auth := &stubAuth{login: func(context.Context, string, string) (*authcore.Session, error) { return nil, err }}
			srv, logs := newStubServer(t, auth, nil)
			w := serve(srv.Handler(), jsonRequest("/auth/login", `{"email":"a@example.com","password":"pw"}`))
			if w.Body.Len() != 0 || w.Header().Get("Content-Type") != "" {
				t.Fatalf("wrote %d %q %s, want nothing", w.Code, w.Header().Get("Content-Type"), w.Body)
			}
			if log := logs.String(); !strings.Contains(log, `"level":"DEBUG"`) || !strings.Contains(log, `"status":499`) {
				t.Fatalf("want one debug line with status 499, got:\n%s", log)
			}
		})
	}
}

// TestClientErrorsAreNotLoggedAsErrors: client mistakes are not server
// errors; they get their access-log line and nothing else.
func TestClientErrorsAreNotLoggedAsErrors(t *testing.T) {
	srv, logs := newStubServer(t, &stubAuth{}, nil)
	serve(srv.Handler(), jsonRequest("/auth/login", `{`))
	serve(srv.Handler(), httptest.NewRequest(http.MethodGet, "/nowhere", nil))
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if !strings.Contains(line, `"level":"INFO","msg":"request"`) {
			t.Errorf("4xx produced a log line other than the access log:\n%s", line)
		}
	}
}
