package gateway_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/authgate/gatewayd/authcore"
)

// TestMeAndLogoutAllUseTheBearerIdentity: handlers behind requireBearer act
// for the token's subject only, and a deleted account is an invalid token.
func TestMeAndLogoutAllUseTheBearerIdentity(t *testing.T) {
	var gotMe, gotLogoutAll string
	tests := []struct {
		name      string
		me        func(context.Context, string) (*authcore.User, error)
		status    int
		code      string
		challenge string
	}{
		{"found", func(_ context.Context, id string) (*authcore.User, error) { gotMe = id; return testUser(), nil }, 200, "", ""},
		{"deleted user", func(context.Context, string) (*authcore.User, error) {
			return nil, fmt.Errorf("authcore: me: %w", authcore.ErrNotFound)
		}, 401, "invalid_token", `Bearer realm="gatewayd", error="invalid_token", error_description="user_unavailable"`},
		{"insufficient role", func(context.Context, string) (*authcore.User, error) {
			return nil, authcore.ErrInsufficientRole
		}, 403, "insufficient_role", `Bearer realm="gatewayd", error="insufficient_scope"`},
		{"store failure", func(context.Context, string) (*authcore.User, error) {
			return nil, errors.New("authcore: me: connection reset")
		}, 500, "internal_error", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			auth := &stubAuth{me: tc.me, logoutAll: func(_ context.Context, id string) error { gotLogoutAll = id; return nil }}
			srv, _ := newStubServer(t, auth, nil)
			r := httptest.NewRequest(http.MethodGet, "/auth/me", nil)
			r.Header.Set("Authorization", "Bearer "+validToken)
			w := serve(srv.Handler(), r)
			if tc.status == 200 {
				want := `{"id":"` + testUserID + `","email":"ada@example.com","roles":["user"],"created_at":"2025-01-02T02:04:05Z"}`
				if w.Code != 200 || w.Body.String() != want || gotMe != testUserID {
					t.Fatalf("%d %s (service saw %q)", w.Code, w.Body, gotMe)
				}
			} else {
				decodeProblem(t, w, tc.status, tc.code)
				if got := w.Header().Get("WWW-Authenticate"); got != tc.challenge {
					t.Fatalf("WWW-Authenticate = %q, want %q", got, tc.challenge)
				}
			}

			r = httptest.NewRequest(http.MethodPost, "/auth/logout-all", nil)
			r.Header.Set("Authorization", "Bearer "+validToken)
			if w := serve(srv.Handler(), r); w.Code != http.StatusNoContent || gotLogoutAll != testUserID {
				t.Fatalf("logout-all: %d, service saw %q", w.Code, gotLogoutAll)
			}
		})
	}
}

// TestBearerRequiredBeforeService: without a valid token the service is
// never called.
func TestBearerRequiredBeforeService(t *testing.T) {
	called := false
	auth := &stubAuth{
		me:        func(context.Context, string) (*authcore.User, error) { called = true; return testUser(), nil },
		logoutAll: func(context.Context, string) error { called = true; return nil },
	}
	srv, _ := newStubServer(t, auth, nil)
	for _, header := range [][]string{nil, {"Bearer expired"}, {"Bearer " + validToken, "Bearer " + validToken}, {"Token " + validToken}} {
		for _, target := range []struct{ method, path string }{{http.MethodGet, "/auth/me"}, {http.MethodPost, "/auth/logout-all"}} {
			r := httptest.NewRequest(target.method, target.path, nil)
			r.Header["Authorization"] = header
			decodeProblem(t, serve(srv.Handler(), r), 401, "invalid_token")
		}
	}
	if called {
		t.Fatal("service called without a valid bearer token")
	}
}

// TestProblemReplacesHandlerContentType: a handler that set a content type
// and then failed still produces a problem+json response.
func TestProblemReplacesHandlerContentType(t *testing.T) {
	auth := &stubAuth{logout: func(context.Context, string) error { return errors.New("store down") }}
	srv, _ := newStubServer(t, auth, nil)
	decodeProblem(t, serve(srv.Handler(), jsonRequest("/auth/logout", `{"refresh_token":"x"}`)), 500, "internal_error")
}
