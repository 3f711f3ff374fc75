package nginx_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// requestTimeout bounds every call the tests make.
const requestTimeout = 10 * time.Second

// session is what /auth/register and /auth/login answer, reduced to the
// fields the tests use.
type session struct {
	AccessToken string `json:"access_token"`
	User        struct {
		ID    string   `json:"id"`
		Email string   `json:"email"`
		Roles []string `json:"roles"`
	} `json:"user"`
}

// authenticate posts credentials to an /auth endpoint (through nginx, as a
// browser would) and returns the session.
func (s *stack) authenticate(t *testing.T, path, email, password string, want int) session {
	t.Helper()
	url := s.nginxURL + path
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	resp, err := s.client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("POST %s: status %d, want %d: %s", url, resp.StatusCode, want, raw)
	}
	var sess session
	if err := json.Unmarshal(raw, &sess); err != nil || sess.AccessToken == "" || sess.User.ID == "" {
		t.Fatalf("POST %s: no session in %s (%v)", url, raw, err)
	}
	return sess
}

// request describes one call through nginx. Header keys are sent exactly
// as written (no canonicalization), so tests can send "x_user_id" or
// "x-user-id" as a hostile client would.
type request struct {
	method string
	path   string
	token  string
	header map[string]string
	body   string
}

// reply is nginx's answer.
type reply struct {
	status int
	header http.Header
	body   string
}

func (s *stack) do(t *testing.T, r request) reply {
	t.Helper()
	method := r.method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	req, err := http.NewRequest(method, s.nginxURL+r.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		req.Header[k] = append(req.Header[k], v) // raw key on purpose
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, r.path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: string(raw)}
}

// tamper returns token with one character of its signature changed, so it
// is well-formed but no longer verifies.
func tamper(token string) string {
	i := len(token) - 10
	c := byte('A')
	if token[i] == 'A' {
		c = 'B'
	}
	return token[:i] + string(c) + token[i+1:]
}
