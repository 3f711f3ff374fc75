package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

const (
	email    = "ada@example.com"
	password = "correct horse battery"
)

func credentials(email, password string) string {
	b, _ := json.Marshal(map[string]string{"email": email, "password": password})
	return string(b)
}

func refreshBody(token string) string {
	b, _ := json.Marshal(map[string]string{"refresh_token": token})
	return string(b)
}

// TestAuthFlowEndToEnd walks the whole session life cycle against the real
// Service and Postgres: register → login → me → refresh → reuse of the old
// refresh token fails and revokes the rest → login → logout → logout-all.
func TestAuthFlowEndToEnd(t *testing.T) {
	e := newE2E(t, e2eConfig{})

	reg := e.tokens(e.do(http.MethodPost, "/auth/register", credentials("  Ada@Example.com ", password), ""), http.StatusCreated)
	if reg.User.Email != email || !slices.Equal(reg.User.Roles, []string{"user"}) || reg.User.ID == "" || reg.User.CreatedAt.IsZero() {
		t.Fatalf("register user = %+v", reg.User)
	}

	login := e.tokens(e.do(http.MethodPost, "/auth/login", credentials(email, password), ""), http.StatusOK)
	if login.User.ID != reg.User.ID {
		t.Fatalf("login user %s != registered %s", login.User.ID, reg.User.ID)
	}

	me := e.do(http.MethodGet, "/auth/me", "", login.AccessToken)
	if me.status != http.StatusOK || me.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("me: %d %v %s", me.status, me.header, me.body)
	}
	var meBody map[string]any
	me.json(t, &meBody)
	if meBody["id"] != reg.User.ID || meBody["email"] != email || len(meBody) != 4 {
		t.Fatalf("me body %s", me.body)
	}
	if bytes.Contains(me.body, []byte("argon2")) || bytes.Contains(me.body, []byte("password")) {
		t.Fatalf("me leaks the password hash: %s", me.body)
	}

	rotated := e.tokens(e.do(http.MethodPost, "/auth/refresh", refreshBody(login.RefreshToken), ""), http.StatusOK)
	if rotated.RefreshToken == login.RefreshToken || rotated.User.ID != reg.User.ID {
		t.Fatalf("refresh did not rotate: %+v", rotated)
	}
	if r := e.do(http.MethodGet, "/auth/me", "", rotated.AccessToken); r.status != http.StatusOK {
		t.Fatalf("me with refreshed access token: %d %s", r.status, r.body)
	}

	// Reusing the consumed token is theft detection: it fails, and the
	// token that replaced it is revoked too.
	e.problem(e.do(http.MethodPost, "/auth/refresh", refreshBody(login.RefreshToken), ""), http.StatusUnauthorized, "invalid_refresh_token")
	e.problem(e.do(http.MethodPost, "/auth/refresh", refreshBody(rotated.RefreshToken), ""), http.StatusUnauthorized, "invalid_refresh_token")
	// The registration session was revoked by the reuse as well.
	e.problem(e.do(http.MethodPost, "/auth/refresh", refreshBody(reg.RefreshToken), ""), http.StatusUnauthorized, "invalid_refresh_token")

	// Logout: 204, idempotent, and 204 for tokens that never existed.
	second := e.tokens(e.do(http.MethodPost, "/auth/login", credentials(email, password), ""), http.StatusOK)
	for _, tok := range []string{second.RefreshToken, second.RefreshToken, "never-issued", strings.Repeat("A", 43)} {
		if r := e.do(http.MethodPost, "/auth/logout", refreshBody(tok), ""); r.status != http.StatusNoContent || len(r.body) != 0 {
			t.Fatalf("logout %q: %d %s", tok, r.status, r.body)
		}
	}
	e.problem(e.do(http.MethodPost, "/auth/refresh", refreshBody(second.RefreshToken), ""), http.StatusUnauthorized, "invalid_refresh_token")

	// Logout-all needs a bearer token and revokes every session.
	third := e.tokens(e.do(http.MethodPost, "/auth/login", credentials(email, password), ""), http.StatusOK)
	fourth := e.tokens(e.do(http.MethodPost, "/auth/login", credentials(email, password), ""), http.StatusOK)
	e.problem(e.do(http.MethodPost, "/auth/logout-all", "", ""), http.StatusUnauthorized, "invalid_token")
	if r := e.do(http.MethodPost, "/auth/logout-all", "", third.AccessToken); r.status != http.StatusNoContent {
		t.Fatalf("logout-all: %d %s", r.status, r.body)
	}
	for _, tok := range []string{third.RefreshToken, fourth.RefreshToken} {
		e.problem(e.do(http.MethodPost, "/auth/refresh", refreshBody(tok), ""), http.StatusUnauthorized, "invalid_refresh_token")
	}
}

// TestBearerChallenges: RFC 6750 challenges on /auth/me.
func TestBearerChallenges(t *testing.T) {
	e := newE2E(t, e2eConfig{})
	s := e.tokens(e.do(http.MethodPost, "/auth/register", credentials(email, password), ""), http.StatusCreated)
	// Change one signature character in the middle: the last one carries
	// unused bits, and a non-zero value there is refused as malformed by
	// strict base64url decoding before the MAC is even computed.
	i := len(s.AccessToken) - 5
	swap := byte('A')
	if s.AccessToken[i] == 'A' {
		swap = 'B'
	}
	tampered := s.AccessToken[:i] + string(swap) + s.AccessToken[i+1:]
	tests := []struct {
		name, auth, challenge string
	}{
		{"missing", "", `Bearer realm="gatewayd"`},
		{"other scheme", "Basic YTpi", `Bearer realm="gatewayd"`},
		{"empty bearer", "Bearer ", `Bearer realm="gatewayd", error="invalid_token", error_description="malformed"`},
		{"garbage", "Bearer abc.def", `Bearer realm="gatewayd", error="invalid_token", error_description="malformed"`},
		{"tampered", "Bearer " + tampered, `Bearer realm="gatewayd", error="invalid_token", error_description="signature"`},
		{"lower-case scheme works", "bearer " + s.AccessToken, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, e.url+"/auth/me", nil)
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			res, err := e.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if tc.challenge == "" {
				if res.StatusCode != http.StatusOK {
					t.Fatalf("status %d", res.StatusCode)
				}
				return
			}
			if res.StatusCode != http.StatusUnauthorized || res.Header.Get("WWW-Authenticate") != tc.challenge {
				t.Fatalf("%d %q, want 401 %q", res.StatusCode, res.Header.Get("WWW-Authenticate"), tc.challenge)
			}
		})
	}
}

// TestMeForDisabledUserIsInvalidToken: an access token outliving its
// account's activation grants nothing on /auth/me.
func TestMeForDisabledUserIsInvalidToken(t *testing.T) {
	e := newE2E(t, e2eConfig{})
	s := e.tokens(e.do(http.MethodPost, "/auth/register", credentials(email, password), ""), http.StatusCreated)
	if err := e.store.SetDisabled(context.Background(), s.User.ID, true); err != nil {
		t.Fatal(err)
	}
	r := e.do(http.MethodGet, "/auth/me", "", s.AccessToken)
	e.problem(r, http.StatusUnauthorized, "invalid_token")
	if got := r.header.Get("WWW-Authenticate"); !strings.Contains(got, `error="invalid_token"`) {
		t.Fatalf("WWW-Authenticate = %q", got)
	}
}

// TestRegisterOutcomes: duplicates, closed registration, validation.
func TestRegisterOutcomes(t *testing.T) {
	t.Run("duplicate email is 409", func(t *testing.T) {
		e := newE2E(t, e2eConfig{})
		e.tokens(e.do(http.MethodPost, "/auth/register", credentials(email, password), ""), http.StatusCreated)
		e.problem(e.do(http.MethodPost, "/auth/register", credentials(" ADA@example.com", "another password"), ""), http.StatusConflict, "email_taken")
	})
	t.Run("registration closed is 403", func(t *testing.T) {
		e := newE2E(t, e2eConfig{registrationClosed: true})
		e.problem(e.do(http.MethodPost, "/auth/register", credentials(email, password), ""), http.StatusForbidden, "registration_closed")
	})
	t.Run("validation lists every field", func(t *testing.T) {
		e := newE2E(t, e2eConfig{})
		p := e.problem(e.do(http.MethodPost, "/auth/register", credentials("not an email", "short"), ""), http.StatusUnprocessableEntity, "validation_failed")
		got := map[string]string{}
		for _, f := range p.Errors {
			if f.Message == "" {
				t.Errorf("field %s has no message", f.Field)
			}
			got[f.Field] = f.Code
		}
		if got["email"] != "invalid_email" || got["password"] != "password_too_short" || len(got) != 2 {
			t.Fatalf("errors = %+v", p.Errors)
		}
	})
}

// TestMalformedBodiesAgainstRealService: the decoder's answers on the real
// endpoints, and nothing reaches the database.
func TestMalformedBodiesAgainstRealService(t *testing.T) {
	e := newE2E(t, e2eConfig{})
	tests := []struct {
		name, path, body, code string
		status                 int
	}{
		{"malformed JSON", "/auth/register", `{"email": "a@example.com",`, "malformed_request", 400},
		{"unknown field", "/auth/register", `{"email":"a@example.com","password":"long enough pw","admin":true}`, "malformed_request", 400},
		{"wrong type", "/auth/login", `{"email":["a@example.com"],"password":"x"}`, "malformed_request", 400},
		{"trailing data", "/auth/refresh", `{"refresh_token":"x"} {}`, "malformed_request", 400},
		{"empty body", "/auth/logout", " ", "malformed_request", 400},
		{"body over the 64 KiB limit", "/auth/register", `{"email":"` + strings.Repeat("a", 100<<10) + `@example.com","password":"long enough pw"}`, "payload_too_large", 413},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.problem(e.do(http.MethodPost, tc.path, tc.body, ""), tc.status, tc.code)
		})
	}
	users, err := e.store.ListUsers(context.Background())
	if err != nil || len(users) != 0 {
		t.Fatalf("users after rejected bodies: %d, %v", len(users), err)
	}
}

// TestLoginSameBodyForUnknownEmailAndWrongPassword: unknown email, wrong
// password, disabled account and malformed email give byte-identical bodies
// (apart from the per-request ID) and the same headers.
func TestLoginSameBodyForUnknownEmailAndWrongPassword(t *testing.T) {
	e := newE2E(t, e2eConfig{})
	e.tokens(e.do(http.MethodPost, "/auth/register", credentials(email, password), ""), http.StatusCreated)
	disabled := e.tokens(e.do(http.MethodPost, "/auth/register", credentials("off@example.com", password), ""), http.StatusCreated)
	if err := e.store.SetDisabled(context.Background(), disabled.User.ID, true); err != nil {
		t.Fatal(err)
	}

	attempts := map[string]string{
		"unknown email":   credentials("nobody@example.com", password),
		"wrong password":  credentials(email, "wrong password!"),
		"disabled user":   credentials("off@example.com", password),
		"malformed email": credentials("not-an-email", password),
	}
	var (
		refBody    string
		refHeaders map[string]string
		refName    string
	)
	for name, body := range attempts {
		r := e.do(http.MethodPost, "/auth/login", body, "")
		e.problem(r, http.StatusUnauthorized, "invalid_credentials")
		normalized := withoutRequestID(t, r.body)
		headers := map[string]string{}
		for k, v := range r.header {
			switch k {
			case "X-Request-Id", "Date":
				headers[k] = "(varies)"
			default:
				headers[k] = strings.Join(v, ", ")
			}
		}
		if refHeaders == nil {
			refBody, refHeaders, refName = normalized, headers, name
			continue
		}
		if normalized != refBody {
			t.Errorf("body for %s differs from %s:\n%s\n%s", name, refName, normalized, refBody)
		}
		keys := func(m map[string]string) []string {
			var out []string
			for k := range m {
				out = append(out, k)
			}
			slices.Sort(out)
			return out
		}
		if !slices.Equal(keys(headers), keys(refHeaders)) {
			t.Errorf("header keys for %s differ from %s: %v vs %v", name, refName, keys(headers), keys(refHeaders))
		}
		for k, v := range headers {
			if refHeaders[k] != v {
				t.Errorf("header %s for %s = %q, %s had %q", k, name, v, refName, refHeaders[k])
			}
		}
	}
}

func withoutRequestID(t *testing.T, body []byte) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	if m["request_id"] == "" {
		t.Fatal("no request_id")
	}
	delete(m, "request_id")
	out, _ := json.Marshal(m) // map keys are sorted: a canonical form
	return string(out)
}

// TestPostgresDownGives503WithoutDetail cuts the database connection for
// real (a TCP relay that is stopped) and checks the answers.
//
// /auth endpoints answer 503 service_unavailable with Retry-After (issue
// 11): the stores classify connection failures and deadlines as
// authcore.ErrUnavailable, so the gateway can tell "database unreachable"
// from a bug without importing a driver. /readyz answers 503 not_ready, so
// the orchestrator stops routing traffic here; liveness stays 200 so the
// process is not restarted for an outage it cannot fix.
// TestPostgresOutageAnswers503AndRecovers stops a real server instead.
func TestPostgresDownGives503WithoutDetail(t *testing.T) {
	var relay *faultProxy
	e := newE2E(t, e2eConfig{dbAddr: func(real string) string {
		relay = startFaultProxy(t, real)
		return relay.Addr()
	}})
	s := e.tokens(e.do(http.MethodPost, "/auth/register", credentials(email, password), ""), http.StatusCreated)
	if r := e.do(http.MethodGet, "/readyz", "", ""); r.status != http.StatusOK {
		t.Fatalf("readyz before outage: %d %s", r.status, r.body)
	}

	relay.Stop()

	leaks := []string{"127.0.0.1", relay.Addr(), "dial", "connect", "refused", "pgx", "postgres", "SQLSTATE", "EOF", "authcore"}
	check := func(r response, status int, code string) {
		t.Helper()
		e.problem(r, status, code)
		for _, leak := range leaks {
			if bytes.Contains(bytes.ToLower(r.body), []byte(strings.ToLower(leak))) {
				t.Errorf("body leaks %q: %s", leak, r.body)
			}
		}
	}
	check(e.do(http.MethodPost, "/auth/login", credentials(email, password), ""), http.StatusServiceUnavailable, "service_unavailable")
	check(e.do(http.MethodPost, "/auth/register", credentials("new@example.com", password), ""), http.StatusServiceUnavailable, "service_unavailable")
	check(e.do(http.MethodPost, "/auth/refresh", refreshBody(s.RefreshToken), ""), http.StatusServiceUnavailable, "service_unavailable")
	check(e.do(http.MethodGet, "/auth/me", "", s.AccessToken), http.StatusServiceUnavailable, "service_unavailable")
	check(e.do(http.MethodGet, "/readyz", "", ""), http.StatusServiceUnavailable, "not_ready")
	if r := e.do(http.MethodGet, "/healthz", "", ""); r.status != http.StatusOK {
		t.Fatalf("healthz during outage: %d", r.status)
	}
	// The operator gets the cause, tied to a request id.
	if log := e.logs.String(); !strings.Contains(log, `"level":"WARN"`) || !strings.Contains(log, "request_id") {
		t.Fatalf("outage not logged:\n%s", log)
	}
}
