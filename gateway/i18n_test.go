package gateway_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/authcore"
)

// TestLocalizedErrors: Accept-Language picks de/fr/es (with regions and
// quality values), anything else gets English; Content-Language and the
// body's locale agree, and the code never changes.
func TestLocalizedErrors(t *testing.T) {
	tests := []struct {
		accept, locale, title string
	}{
		{"", "en", "Invalid credentials"},
		{"en-US,en;q=0.9", "en", "Invalid credentials"},
		{"de", "de", "Ungültige Anmeldedaten"},
		{"de-CH", "de", "Ungültige Anmeldedaten"},
		{"fr-FR,fr;q=0.9,en;q=0.8", "fr", "Identifiants invalides"},
		{"fr-CA", "fr", "Identifiants invalides"},
		{"es-419", "es", "Credenciales no válidas"},
		{"es-MX,es;q=0.9", "es", "Credenciales no válidas"},
		{"ja, de;q=0.5", "de", "Ungültige Anmeldedaten"},
		{"en;q=0.1, es;q=0.9", "es", "Credenciales no válidas"},
		{"ja", "en", "Invalid credentials"},
		{"zh-Hant-TW", "en", "Invalid credentials"},
		{"*", "en", "Invalid credentials"},
		{"de;q=0", "en", "Invalid credentials"},
		{"%%%garbage;;q=x", "en", "Invalid credentials"},
		{strings.Repeat("de-DE,", 500), "en", "Invalid credentials"},
	}
	auth := &stubAuth{login: func(context.Context, string, string) (*authcore.Session, error) {
		return nil, authcore.ErrInvalidCredentials
	}}
	srv, _ := newStubServer(t, auth, nil)
	for _, tc := range tests {
		name := tc.accept
		if len(name) > 40 {
			name = name[:40] + "..."
		}
		t.Run(name, func(t *testing.T) {
			r := jsonRequest("/auth/login", `{"email":"a@example.com","password":"pw"}`)
			if tc.accept != "" {
				r.Header.Set("Accept-Language", tc.accept)
			}
			w := serve(srv.Handler(), r)
			p := decodeProblem(t, w, 401, "invalid_credentials")
			if p.Locale != tc.locale || w.Header().Get("Content-Language") != tc.locale || p.Title != tc.title {
				t.Fatalf("locale %q / Content-Language %q / title %q, want %s %q",
					p.Locale, w.Header().Get("Content-Language"), p.Title, tc.locale, tc.title)
			}
			if !strings.Contains(strings.Join(w.Header().Values("Vary"), ","), "Accept-Language") {
				t.Errorf("Vary lacks Accept-Language: %v", w.Header().Values("Vary"))
			}
		})
	}

	// 404/405/500 from outside the handlers are localized too.
	for _, target := range []string{"/auth/missing", "/api/x"} {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		r.Header.Set("Accept-Language", "fr")
		w := serve(srv.Handler(), r)
		if w.Header().Get("Content-Language") != "fr" || !strings.Contains(w.Body.String(), `"locale":"fr"`) {
			t.Errorf("%s not localized: %s", target, w.Body)
		}
	}
}
