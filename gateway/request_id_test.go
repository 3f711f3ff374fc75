package gateway_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/authcore"
)

// TestXRequestIdSaneKeptOtherwiseReplaced: a short token of safe characters
// is kept; anything else is replaced by a fresh random ID, on the response,
// in problem bodies, and on the request that handlers (and upstreams) see.
func TestXRequestIdSaneKeptOtherwiseReplaced(t *testing.T) {
	generated := regexp.MustCompile(`^[0-9a-f]{32}$`)
	tests := []struct {
		name    string
		inbound []string // nil: header absent
		keep    bool
	}{
		{"absent", nil, false},
		{"uuid", []string{"3f2c1d9e-8b7a-4c6d-9e0f-1a2b3c4d5e6f"}, true},
		{"safe punctuation", []string{"trace.ABC_123-x"}, true},
		{"one char", []string{"a"}, true},
		{"128 chars", []string{strings.Repeat("a", 128)}, true},
		{"empty", []string{""}, false},
		{"129 chars", []string{strings.Repeat("a", 129)}, false},
		{"space", []string{"abc def"}, false},
		{"log injection", []string{"abc\ninjected=1"}, false},
		{"markup", []string{"<script>"}, false},
		{"quote", []string{`a"b`}, false},
		{"unicode", []string{"idé"}, false},
	}
	var seenIDs []string
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var handlerSaw string
			auth := &stubAuth{login: func(ctx context.Context, _, _ string) (*authcore.Session, error) {
				return nil, authcore.ErrInvalidCredentials
			}}
			srv, _ := newStubServer(t, auth, nil)
			probe := func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					next.ServeHTTP(w, r)
					handlerSaw = r.Header.Get("X-Request-Id")
				})
			}
			r := jsonRequest("/auth/login", `{"email":"a@example.com","password":"pw"}`)
			if tc.inbound != nil {
				r.Header["X-Request-Id"] = tc.inbound
			}
			w := serve(probe(srv.Handler()), r)
			p := decodeProblem(t, w, 401, "invalid_credentials")
			got := w.Header().Get("X-Request-Id")
			if tc.keep {
				if got != tc.inbound[0] {
					t.Fatalf("X-Request-Id = %q, want inbound %q kept", got, tc.inbound[0])
				}
			} else if !generated.MatchString(got) {
				t.Fatalf("X-Request-Id = %q, want a generated 32-hex id", got)
			}
			if p.RequestID != got || handlerSaw != got {
				t.Fatalf("body %q / request header %q / response %q disagree", p.RequestID, handlerSaw, got)
			}
			if !tc.keep {
				for _, prev := range seenIDs {
					if prev == got {
						t.Fatalf("generated id %q repeated", got)
					}
				}
				seenIDs = append(seenIDs, got)
			}
		})
	}
	t.Run("healthz too", func(t *testing.T) {
		srv, _ := newStubServer(t, &stubAuth{}, nil)
		w := serve(srv.Handler(), httptest.NewRequest(http.MethodGet, "/healthz", nil))
		if !generated.MatchString(w.Header().Get("X-Request-Id")) {
			t.Fatalf("X-Request-Id = %q", w.Header().Get("X-Request-Id"))
		}
	})
}
