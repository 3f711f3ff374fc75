package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/gateway"
)

// stubAuth is a hand-written AuthService for tests of the HTTP layer alone
// (decoding, errors, headers). End-to-end tests use the real Service over
// Postgres instead. Unset functions fail the call loudly.
type stubAuth struct {
	mu       sync.Mutex
	lastMeta authcore.ClientMeta

	register  func(ctx context.Context, email, password string) (*authcore.Session, error)
	login     func(ctx context.Context, email, password string) (*authcore.Session, error)
	refresh   func(ctx context.Context, token string) (*authcore.Session, error)
	logout    func(ctx context.Context, token string) error
	logoutAll func(ctx context.Context, userID string) error
	me        func(ctx context.Context, userID string) (*authcore.User, error)
}

func (s *stubAuth) record(meta authcore.ClientMeta) {
	s.mu.Lock()
	s.lastMeta = meta
	s.mu.Unlock()
}

func (s *stubAuth) meta() authcore.ClientMeta {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastMeta
}

var errNotStubbed = stubError("stubAuth: method not stubbed")

type stubError string

func (e stubError) Error() string { return string(e) }

func (s *stubAuth) Register(ctx context.Context, email, password string, meta authcore.ClientMeta) (*authcore.Session, error) {
	s.record(meta)
	if s.register == nil {
		return nil, errNotStubbed
	}
	return s.register(ctx, email, password)
}

func (s *stubAuth) Login(ctx context.Context, email, password string, meta authcore.ClientMeta) (*authcore.Session, error) {
	s.record(meta)
	if s.login == nil {
		return nil, errNotStubbed
	}
	return s.login(ctx, email, password)
}

func (s *stubAuth) Refresh(ctx context.Context, token string, meta authcore.ClientMeta) (*authcore.Session, error) {
	s.record(meta)
	if s.refresh == nil {
		return nil, errNotStubbed
	}
	return s.refresh(ctx, token)
}

func (s *stubAuth) Logout(ctx context.Context, token string) error {
	if s.logout == nil {
		return errNotStubbed
	}
	return s.logout(ctx, token)
}

func (s *stubAuth) LogoutAll(ctx context.Context, userID string) error {
	if s.logoutAll == nil {
		return errNotStubbed
	}
	return s.logoutAll(ctx, userID)
}

func (s *stubAuth) Me(ctx context.Context, userID string) (*authcore.User, error) {
	if s.me == nil {
		return nil, errNotStubbed
	}
	return s.me(ctx, userID)
}

// stubTokens accepts exactly one token string.
type stubTokens struct {
	valid string
	id    *authcore.Identity
}

func (t stubTokens) Verify(token string) (*authcore.Identity, error) {
	if token == "" {
		return nil, &authcore.TokenError{Reason: authcore.TokenMissing}
	}
	if token != t.valid {
		return nil, &authcore.TokenError{Reason: authcore.TokenExpired}
	}
	return t.id, nil
}

const (
	validToken = "valid-token"
	testUserID = "0b7f4c1e-7c33-4a0e-9a55-3f1f6a8b2c10"
)

var testNow = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func testUser() *authcore.User {
	return &authcore.User{ID: testUserID, Email: "ada@example.com", Roles: []string{"user"}, CreatedAt: testNow.Add(-time.Hour)}
}

func testSession() *authcore.Session {
	return &authcore.Session{
		AccessToken:      "access",
		AccessExpiresAt:  testNow.Add(15 * time.Minute),
		RefreshToken:     "refresh",
		RefreshExpiresAt: testNow.Add(14 * 24 * time.Hour),
		User:             testUser(),
	}
}

// logBuffer collects log output for assertions; safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newStubServer builds a Server over stubs; edit adjusts the options.
func newStubServer(t *testing.T, auth *stubAuth, edit func(*gateway.Options)) (*gateway.Server, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	opts := gateway.Options{
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Auth:   auth,
		Tokens: stubTokens{valid: validToken, id: &authcore.Identity{UserID: testUserID, Email: "ada@example.com", Roles: []string{"user"}}},
		Now:    func() time.Time { return testNow },
	}
	if edit != nil {
		edit(&opts)
	}
	srv, err := gateway.NewServer(opts)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	return srv, logs
}

// serve runs one request through h and returns the recorded response.
func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// jsonRequest builds a POST with a JSON body.
func jsonRequest(target, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}

// problemBody is the decoded RFC 9457 body.
type problemBody struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Code      string `json:"code"`
	Locale    string `json:"locale"`
	RequestID string `json:"request_id"`
	Errors    []struct {
		Field   string `json:"field"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"errors"`
}

// decodeProblem asserts the response is problem+json with the given status
// and code, and returns the body.
func decodeProblem(t *testing.T, w *httptest.ResponseRecorder, status int, code string) problemBody {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status = %d, want %d; body %s", w.Code, status, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json", ct)
	}
	var p problemBody
	dec := json.NewDecoder(bytes.NewReader(w.Body.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("decode problem %s: %v", w.Body, err)
	}
	if p.Code != code || p.Status != status || p.Type != "urn:gatewayd:problem:"+code {
		t.Fatalf("problem = %+v, want status %d code %s", p, status, code)
	}
	if p.Title == "" || p.Detail == "" || p.Locale == "" || p.RequestID == "" {
		t.Fatalf("problem has empty members: %+v", p)
	}
	if p.RequestID != w.Header().Get("X-Request-Id") {
		t.Fatalf("request_id %q differs from X-Request-Id %q", p.RequestID, w.Header().Get("X-Request-Id"))
	}
	return p
}

func readAll(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
