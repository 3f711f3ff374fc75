package gateway

// White-box tests: the code lists and tables are unexported by design, and
// these tests exist to keep them complete.

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// TestEveryCodeTranslated: every problem and field code has a real,
// non-empty, non-English text in every supported language, and no table
// holds a code the gateway does not know (a typo would otherwise hide).
func TestEveryCodeTranslated(t *testing.T) {
	l := newLocalizer()
	en := l.tables[defaultLocale]
	for _, locale := range l.locales {
		t.Run(locale, func(t *testing.T) {
			table, ok := l.tables[locale]
			if !ok {
				t.Fatalf("no table for %s", locale)
			}
			for _, code := range problemCodes() {
				text, ok := table.problems[code]
				if !ok || text.title == "" || text.detail == "" {
					t.Errorf("%s: problem %q missing or empty", locale, code)
					continue
				}
				if locale != defaultLocale && (text.title == en.problems[code].title || text.detail == en.problems[code].detail) {
					t.Errorf("%s: problem %q is not translated", locale, code)
				}
			}
			for _, code := range fieldCodes() {
				msg, ok := table.fields[code]
				if !ok || msg == "" {
					t.Errorf("%s: field %q missing or empty", locale, code)
					continue
				}
				if locale != defaultLocale && msg == en.fields[code] {
					t.Errorf("%s: field %q is not translated", locale, code)
				}
			}
			if len(table.problems) != len(problemCodes()) || len(table.fields) != len(fieldCodes()) {
				t.Errorf("%s: table has %d problems and %d fields, want %d and %d (unknown code?)",
					locale, len(table.problems), len(table.fields), len(problemCodes()), len(fieldCodes()))
			}
		})
	}
}

// TestClassifyOnlyProducesKnownCodes: whatever classify returns is in the
// translated list (client_closed is never written, so it is exempt).
func TestClassifyOnlyProducesKnownCodes(t *testing.T) {
	errs := []error{
		authcore.ErrInvalidCredentials, authcore.ErrEmailTaken, authcore.ErrRegistrationClosed,
		authcore.ErrInvalidRefreshToken, &authcore.ValidationError{}, ErrMalformedRequest,
		ErrPayloadTooLarge, ErrUnsupportedMediaType, &authcore.TokenError{}, authcore.ErrInsufficientRole,
		authcore.ErrServerBusy, &RateLimitedError{}, ErrRouteNotFound, proxy.ErrUpstreamUnavailable,
		proxy.ErrUpstreamTimeout, ErrNotReady, echo.ErrNotFound, echo.ErrMethodNotAllowed,
		echo.ErrStatusRequestEntityTooLarge, echo.ErrUnsupportedMediaType, echo.ErrBadRequest,
		echo.ErrTeapot, errors.New("x"), &panicError{value: 1},
	}
	for _, err := range errs {
		status, code := classify(err)
		if !slices.Contains(problemCodes(), code) {
			t.Errorf("classify(%v) = %d %q: code not in problemCodes", err, status, code)
		}
		if http.StatusText(status) == "" {
			t.Errorf("classify(%v) = %d: not a standard status", err, status)
		}
	}
	if status, code := classify(proxy.ErrClientGone); status != statusClientClosed || code != codeClientClosed {
		t.Errorf("client closed = %d %q", status, code)
	}
}

// TestWithCSPOverridesDefault: a docs route can replace the strict policy
// while the other security headers stay.
func TestWithCSPOverridesDefault(t *testing.T) {
	const docsCSP = "default-src 'self'; frame-ancestors 'none'"
	e := echo.New()
	e.GET("/docs", func(c echo.Context) error { return c.String(200, "docs") }, withCSP(docsCSP))
	e.GET("/other", func(c echo.Context) error { return c.String(200, "other") })
	s := &Server{echo: e}
	s.chain = s.route // the headers are decided by the exchange (ServeHTTP)

	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/docs", nil))
	if got := w.Header().Values("Content-Security-Policy"); len(got) != 1 || got[0] != docsCSP {
		t.Fatalf("docs CSP = %q", got)
	}
	if w.Header().Get("X-Frame-Options") != "DENY" {
		t.Fatal("docs lost X-Frame-Options")
	}
	w = httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/other", nil))
	if got := w.Header().Get("Content-Security-Policy"); got != defaultCSP {
		t.Fatalf("default CSP = %q", got)
	}
}
