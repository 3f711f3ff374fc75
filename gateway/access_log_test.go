package gateway_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// opsSession is the token response of register/login/refresh.
type opsSession struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	User         struct {
		ID string `json:"id"`
	} `json:"user"`
}

// session decodes a successful (200 or 201) token response.
func (e *opsEnv) session(status int, body string, _ http.Header) opsSession {
	e.t.Helper()
	if status != http.StatusOK && status != http.StatusCreated {
		e.t.Fatalf("status %d, want a token response: %s", status, body)
	}
	var s opsSession
	if err := json.Unmarshal([]byte(body), &s); err != nil || s.AccessToken == "" || s.RefreshToken == "" {
		e.t.Fatalf("token response %q: %v", body, err)
	}
	return s
}

// accessLines returns the decoded access-log lines.
func (e *opsEnv) accessLines() []map[string]any {
	e.t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(e.logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			e.t.Fatalf("log line is not JSON: %q", line)
		}
		if m["msg"] == "request" {
			out = append(out, m)
		}
	}
	return out
}

// lineFor returns the single access-log line for method and path.
func (e *opsEnv) lineFor(method, path string) map[string]any {
	e.t.Helper()
	var found []map[string]any
	for _, l := range e.accessLines() {
		if l["method"] == method && l["path"] == path {
			found = append(found, l)
		}
	}
	if len(found) != 1 {
		e.t.Fatalf("%d access-log lines for %s %s, want 1:\n%s", len(found), method, path, e.logs.String())
	}
	return found[0]
}

func TestAccessLogNeverContainsSecrets(t *testing.T) {
	e := newOpsEnv(t, opsConfig{})
	const (
		email       = "grace@example.com"
		password    = "Corr3ct-Horse-Battery"
		wrong       = "Wr0ng-Password-Guess"
		cookieValue = "sess-7f3a9c1e5b2d4f60"
		querySecret = "q-secret-1f2e3d4c"
		bodySecret  = "body-secret-9a8b7c6d"
	)
	creds := `{"email":"` + email + `","password":"` + password + `"}`
	e.session(e.call(http.MethodPost, "/auth/register", creds, nil))
	if status, body, _ := e.call(http.MethodPost, "/auth/login", `{"email":"`+email+`","password":"`+wrong+`"}`, nil); status != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d %s", status, body)
	}
	login := e.session(e.call(http.MethodPost, "/auth/login", creds, nil))
	refreshed := e.session(e.call(http.MethodPost, "/auth/refresh", `{"refresh_token":"`+login.RefreshToken+`"}`, nil))
	// Reusing the rotated token is refused: its 401 must not echo it either.
	if status, _, _ := e.call(http.MethodPost, "/auth/refresh", `{"refresh_token":"`+login.RefreshToken+`"}`, nil); status != http.StatusUnauthorized {
		t.Fatalf("refresh reuse: %d", status)
	}

	authz := "Bearer " + refreshed.AccessToken
	withSecrets := http.Header{
		"Authorization": {authz},
		"Cookie":        {"session=" + cookieValue},
	}
	if status, body, _ := e.call(http.MethodGet, "/auth/me", "", withSecrets); status != http.StatusOK {
		t.Fatalf("/auth/me: %d %s", status, body)
	}
	if status, body, _ := e.call(http.MethodPost, "/api/orders?token="+querySecret, `{"card":"`+bodySecret+`"}`, withSecrets); status != http.StatusOK {
		t.Fatalf("proxied request: %d %s", status, body)
	}
	if e.upstream.Count() != 1 {
		t.Fatalf("upstream saw %d requests, want 1", e.upstream.Count())
	}
	// An invalid token on a proxied route: 401, and the token stays out of
	// the log even on the error path.
	if status, _, _ := e.call(http.MethodGet, "/api/orders", "", http.Header{"Authorization": {"Bearer " + login.AccessToken + "x"}}); status != http.StatusUnauthorized {
		t.Fatalf("tampered token: %d", status)
	}
	if status, _, _ := e.call(http.MethodPost, "/auth/logout", `{"refresh_token":"`+refreshed.RefreshToken+`"}`, nil); status != http.StatusNoContent {
		t.Fatalf("logout: %d", status)
	}

	log := e.logs.String()
	secrets := map[string]string{
		"password":              password,
		"wrong password":        wrong,
		"access token":          login.AccessToken,
		"second access token":   refreshed.AccessToken,
		"refresh token":         login.RefreshToken,
		"rotated refresh token": refreshed.RefreshToken,
		"Authorization value":   authz,
		"cookie value":          cookieValue,
		"query string":          querySecret,
		"request body":          bodySecret,
		"email address":         email,
	}
	for what, secret := range secrets {
		t.Run(what, func(t *testing.T) {
			if strings.Contains(log, secret) {
				t.Errorf("the log contains the %s:\n%s", what, log)
			}
		})
	}
	// The log is not empty for want of lines: every request got one.
	if n := len(e.accessLines()); n != 9 {
		t.Errorf("%d access-log lines for 9 requests:\n%s", n, log)
	}
}

func TestAccessLogLineFields(t *testing.T) {
	e := newOpsEnv(t, opsConfig{})
	s := e.session(e.call(http.MethodPost, "/auth/register", `{"email":"ada@example.com","password":"Analytical-Engine-1843"}`, nil))
	bearer := http.Header{"Authorization": {"Bearer " + s.AccessToken}}

	_, _, meHeaders := e.call(http.MethodGet, "/auth/me?x=1", "", bearer)
	_, body, apiHeaders := e.call(http.MethodGet, "/api/items?page=2&token=abc", "", bearer)
	e.call(http.MethodGet, "/random/9d7c8e2a-2f4b-4d7e-8a55-0c1b2d3e4f50", "", nil)

	t.Run("token response names its user", func(t *testing.T) {
		l := e.lineFor(http.MethodPost, "/auth/register")
		if l["route"] != "auth_register" || l["status"] != float64(201) || l["user_id"] != s.User.ID {
			t.Errorf("line = %v, want route auth_register, 201, user %s", l, s.User.ID)
		}
	})
	t.Run("authenticated gateway endpoint", func(t *testing.T) {
		l := e.lineFor(http.MethodGet, "/auth/me")
		want := map[string]any{
			"route": "auth_me", "status": float64(200), "user_id": s.User.ID,
			"request_id": meHeaders.Get("X-Request-Id"), "client_ip": "127.0.0.1",
		}
		for k, v := range want {
			if l[k] != v {
				t.Errorf("%s = %v, want %v (line %v)", k, l[k], v, l)
			}
		}
		if _, ok := l["upstream"]; ok {
			t.Errorf("a gateway endpoint logged an upstream: %v", l)
		}
	})
	t.Run("proxied request", func(t *testing.T) {
		l := e.lineFor(http.MethodGet, "/api/items")
		want := map[string]any{
			"route": "api", "status": float64(200), "user_id": s.User.ID,
			"request_id": apiHeaders.Get("X-Request-Id"), "bytes": float64(len(body)),
			"upstream": e.upstreamHost(),
		}
		for k, v := range want {
			if l[k] != v {
				t.Errorf("%s = %v, want %v (line %v)", k, l[k], v, l)
			}
		}
		for _, k := range []string{"time", "level", "duration_ms", "client_ip"} {
			if _, ok := l[k]; !ok {
				t.Errorf("line lacks %s: %v", k, l)
			}
		}
	})
	t.Run("unmatched path", func(t *testing.T) {
		l := e.lineFor(http.MethodGet, "/random/9d7c8e2a-2f4b-4d7e-8a55-0c1b2d3e4f50")
		if l["route"] != "unmatched" || l["status"] != float64(404) {
			t.Errorf("line = %v", l)
		}
		if _, ok := l["user_id"]; ok {
			t.Errorf("anonymous request has a user id: %v", l)
		}
	})
	t.Run("no query strings anywhere", func(t *testing.T) {
		for _, l := range e.accessLines() {
			if p, _ := l["path"].(string); strings.Contains(p, "?") {
				t.Errorf("path with query logged: %v", l)
			}
		}
	})
}

// upstreamHost is host:port of the "api" route's upstream.
func (e *opsEnv) upstreamHost() string {
	reqs := e.upstream.Requests()
	if len(reqs) == 0 {
		e.t.Fatal("upstream received nothing")
	}
	return reqs[0].Host
}
