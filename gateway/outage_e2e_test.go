package gateway_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore/postgres/pgtest"
	"github.com/authgate/gatewayd/gateway/gatewaytest"
)

// TestPostgresOutageAnswers503AndRecovers stops a throwaway PostgreSQL in
// the middle of the test (issue 11). While it is down every /auth endpoint
// answers 503 service_unavailable with Retry-After and no driver detail;
// the proxy path keeps answering 200, because checking an access token needs
// no database; and once the server is back the same gateway serves logins
// again without a restart.
func TestPostgresOutageAnswers503AndRecovers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pg, err := pgtest.Start(ctx)
	if err != nil {
		t.Fatalf("start throwaway PostgreSQL: %v", err)
	}
	t.Cleanup(func() { _ = pg.Stop() })

	up := gatewaytest.NewUpstream(t, nil)
	target, _ := url.Parse(up.URL)
	e := newE2E(t, e2eConfig{dbURL: pg.URL, upstream: target})
	s := e.tokens(e.do(http.MethodPost, "/auth/register", credentials(email, password), ""), http.StatusCreated)
	if r := e.do(http.MethodGet, "/api/orders", "", s.AccessToken); r.status != http.StatusOK {
		t.Fatalf("proxy before outage: %d %s", r.status, r.body)
	}

	if err := pg.Pause(); err != nil {
		t.Fatalf("stop PostgreSQL: %v", err)
	}

	leaks := []string{"127.0.0.1", "dial", "connect", "refused", "pgx", "postgres", "SQLSTATE", "EOF", "authcore", "unavailable:"}
	for _, c := range []struct {
		method, path, body, bearer string
	}{
		{http.MethodPost, "/auth/register", credentials("new@example.com", password), ""},
		{http.MethodPost, "/auth/login", credentials(email, password), ""},
		{http.MethodPost, "/auth/refresh", refreshBody(s.RefreshToken), ""},
		{http.MethodPost, "/auth/logout", refreshBody(s.RefreshToken), ""},
		{http.MethodPost, "/auth/logout-all", "", s.AccessToken},
		{http.MethodGet, "/auth/me", "", s.AccessToken},
	} {
		r := e.do(c.method, c.path, c.body, c.bearer)
		e.problem(r, http.StatusServiceUnavailable, "service_unavailable")
		if r.header.Get("Retry-After") == "" {
			t.Errorf("%s: 503 without Retry-After", c.path)
		}
		for _, leak := range leaks {
			if bytes.Contains(bytes.ToLower(r.body), []byte(strings.ToLower(leak))) {
				t.Errorf("%s: body leaks %q: %s", c.path, leak, r.body)
			}
		}
	}
	if r := e.do(http.MethodGet, "/api/orders", "", s.AccessToken); r.status != http.StatusOK {
		t.Errorf("proxy during outage: %d %s", r.status, r.body)
	}
	e.problem(e.do(http.MethodGet, "/readyz", "", ""), http.StatusServiceUnavailable, "not_ready")
	// The operator gets the cause, tied to a request id.
	if log := e.logs.String(); !strings.Contains(log, `"code":"service_unavailable"`) || !strings.Contains(log, "request_id") {
		t.Errorf("outage not logged:\n%s", log)
	}

	if err := pg.Resume(ctx); err != nil {
		t.Fatalf("restart PostgreSQL: %v", err)
	}
	// The pool reconnects on its own; poll with a deadline rather than
	// guessing how long that takes.
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := e.do(http.MethodPost, "/auth/login", credentials(email, password), "")
		if r.status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("login after PostgreSQL came back: %d %s\n%s", r.status, r.body, e.logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	e.tokens(e.do(http.MethodPost, "/auth/refresh", refreshBody(s.RefreshToken), ""), http.StatusOK)
	if r := e.do(http.MethodGet, "/auth/me", "", s.AccessToken); r.status != http.StatusOK {
		t.Errorf("me after recovery: %d %s", r.status, r.body)
	}
	if r := e.do(http.MethodGet, "/readyz", "", ""); r.status != http.StatusOK {
		t.Errorf("readyz after recovery: %d %s", r.status, r.body)
	}
}
