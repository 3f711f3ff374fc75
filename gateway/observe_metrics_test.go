package gateway_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

func TestMetricsRouteLabelsAreBounded(t *testing.T) {
	e := newOpsEnv(t, opsConfig{})
	requests := []struct {
		method, path string
		header       http.Header
		want         int
	}{
		{http.MethodGet, "/random/0b7f4c1e-7c33-4a0e-9a55-3f1f6a8b2c10", nil, 404},
		{http.MethodGet, "/random/5d2c9a1b-1111-4a0e-9a55-000000000000", nil, 404},
		{http.MethodGet, "/random/5d2c9a1b-2222-4a0e-9a55-000000000000?x=1", nil, 404},
		{http.MethodGet, "/auth/unknown-endpoint", nil, 404},
		{http.MethodGet, "/%61uth/x", nil, 404},
		{http.MethodGet, "/auth/login", nil, 405},
		{http.MethodGet, "/api/things/42", nil, 200},
		{"PROPFIND", "/api/things/43", nil, 200},
		{http.MethodGet, "/healthz", nil, 200},
		{http.MethodHead, "/readyz", nil, 200},
		{http.MethodOptions, "/auth/login", http.Header{"Origin": {"https://evil.example"}, "Access-Control-Request-Method": {"POST"}}, 0},
	}
	for _, r := range requests {
		status, body, _ := e.call(r.method, r.path, "", r.header)
		if r.want != 0 && status != r.want {
			t.Fatalf("%s %s = %d, want %d: %s", r.method, r.path, status, r.want, body)
		}
	}

	text := e.scrape()
	allowed := map[string]bool{
		"api": true, "slow": true, "dead": true, "unmatched": true, "healthz": true, "readyz": true,
		"auth_register": true, "auth_login": true, "auth_refresh": true, "auth_logout": true,
		"auth_logout_all": true, "auth_me": true, "auth_verify": true,
	}
	series := samples(text, "gateway_http_requests_total")
	if len(series) == 0 {
		t.Fatalf("no gateway_http_requests_total series:\n%s", text)
	}
	methods := map[string]bool{"GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "HEAD": true, "OPTIONS": true, "other": true}
	for _, s := range series {
		if !allowed[s.labels["route"]] {
			t.Errorf("route label %q is not a route or endpoint name", s.labels["route"])
		}
		if !methods[s.labels["method"]] {
			t.Errorf("method label %q is not a method class", s.labels["method"])
		}
	}
	tests := []struct {
		labels map[string]string
		want   string
	}{
		{map[string]string{"route": "unmatched", "method": "GET", "code": "404"}, "5"},
		{map[string]string{"route": "auth_login", "method": "GET", "code": "405"}, "1"},
		{map[string]string{"route": "api", "method": "GET", "code": "200"}, "1"},
		{map[string]string{"route": "api", "method": "other", "code": "200"}, "1"},
		{map[string]string{"route": "healthz", "method": "GET", "code": "200"}, "1"},
		{map[string]string{"route": "readyz", "method": "HEAD", "code": "200"}, "1"},
	}
	for _, tt := range tests {
		if got := metricValue(text, "gateway_http_requests_total", tt.labels); got != tt.want {
			t.Errorf("gateway_http_requests_total%v = %q, want %s", tt.labels, got, tt.want)
		}
	}
	if got := metricValue(text, "gateway_http_requests_in_flight", map[string]string{}); got != "0" {
		t.Errorf("in flight after all requests = %q, want 0", got)
	}
	for _, forbidden := range []string{"random", "0b7f4c1e", "127.0.0.1", "evil.example"} {
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, "gateway_") && strings.Contains(line, forbidden) {
				t.Errorf("a label holds request data %q: %s", forbidden, line)
			}
		}
	}
}

func TestMetricsCountAuthEventsAndJWTRejections(t *testing.T) {
	e := newOpsEnv(t, opsConfig{})
	creds := `{"email":"lin@example.com","password":"Correct-Horse-42"}`
	e.session(e.call(http.MethodPost, "/auth/register", creds, nil))
	e.call(http.MethodPost, "/auth/login", `{"email":"lin@example.com","password":"wrong-password-1"}`, nil)
	login := e.session(e.call(http.MethodPost, "/auth/login", creds, nil))
	e.session(e.call(http.MethodPost, "/auth/refresh", `{"refresh_token":"`+login.RefreshToken+`"}`, nil))
	e.call(http.MethodPost, "/auth/refresh", `{"refresh_token":"`+login.RefreshToken+`"}`, nil) // reuse

	expired := mintToken(t, testSecret, time.Now().Add(-time.Hour))
	foreign := mintToken(t, "another-secret-0123456789-abcdefghijklmnopqrs", time.Now())
	bearer := func(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }
	rejections := []struct {
		path   string
		header http.Header
	}{
		{"/auth/me", nil},                   // missing
		{"/auth/me", bearer(expired)},       // expired
		{"/api/x", bearer(expired)},         // expired, on a proxied route
		{"/api/x", bearer(foreign)},         // signature
		{"/auth/me", bearer("not.a.token")}, // malformed
	}
	for _, r := range rejections {
		if status, body, _ := e.call(http.MethodGet, r.path, "", r.header); status != http.StatusUnauthorized {
			t.Fatalf("%s: %d %s", r.path, status, body)
		}
	}

	text := e.scrape()
	tests := []struct {
		family, label, value, want string
	}{
		{"gateway_auth_events_total", "event", "register", "1"},
		{"gateway_auth_events_total", "event", "login_success", "1"},
		{"gateway_auth_events_total", "event", "login_failure", "1"},
		{"gateway_auth_events_total", "event", "refresh", "1"},
		{"gateway_auth_events_total", "event", "refresh_reuse", "1"},
		{"gateway_auth_events_total", "event", "logout", "0"},
		{"gateway_jwt_rejections_total", "reason", "missing", "1"},
		{"gateway_jwt_rejections_total", "reason", "expired", "2"},
		{"gateway_jwt_rejections_total", "reason", "signature", "1"},
		{"gateway_jwt_rejections_total", "reason", "malformed", "1"},
		{"gateway_jwt_rejections_total", "reason", "issuer", "0"},
	}
	for _, tt := range tests {
		t.Run(tt.family+"/"+tt.value, func(t *testing.T) {
			if got := metricValue(text, tt.family, map[string]string{tt.label: tt.value}); got != tt.want {
				t.Errorf("%s{%s=%q} = %q, want %s", tt.family, tt.label, tt.value, got, tt.want)
			}
		})
	}
	if e.upstream.Count() != 0 {
		t.Errorf("rejected requests reached the upstream %d times", e.upstream.Count())
	}
}

// mintToken signs an access token for a made-up user as of now.
func mintToken(t *testing.T, secret string, now time.Time) string {
	t.Helper()
	tokens, err := authcore.NewAccessTokens(authcore.TokenOptions{Secret: secret, TTL: time.Minute, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := tokens.Issue(&authcore.User{ID: "0b7f4c1e-7c33-4a0e-9a55-3f1f6a8b2c10", Email: "x@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestUpstreamMetrics(t *testing.T) {
	e := newOpsEnv(t, opsConfig{})
	for _, r := range []struct {
		path string
		want int
	}{
		{"/api/a", 200},
		{"/api/b", 200},
		{"/slow/never-answers", 504},
		{"/dead/x", 502},
	} {
		if status, body, _ := e.call(http.MethodGet, r.path, "", nil); status != r.want {
			t.Fatalf("%s = %d, want %d: %s", r.path, status, r.want, body)
		}
	}
	text := e.scrape()
	tests := []struct {
		family string
		labels map[string]string
		want   string
	}{
		{"gateway_upstream_response_duration_seconds_count", map[string]string{"route": "api"}, "2"},
		{"gateway_upstream_errors_total", map[string]string{"route": "slow", "kind": "timeout"}, "1"},
		{"gateway_upstream_errors_total", map[string]string{"route": "dead", "kind": "unavailable"}, "1"},
		{"gateway_http_requests_total", map[string]string{"route": "slow", "method": "GET", "code": "504"}, "1"},
		{"gateway_http_requests_total", map[string]string{"route": "dead", "method": "GET", "code": "502"}, "1"},
	}
	for _, tt := range tests {
		if got := metricValue(text, tt.family, tt.labels); got != tt.want {
			t.Errorf("%s%v = %q, want %s", tt.family, tt.labels, got, tt.want)
		}
	}
	// Failed forwards have no upstream response time.
	if got := metricValue(text, "gateway_upstream_response_duration_seconds_count", map[string]string{"route": "slow"}); got != "" {
		t.Errorf("a timed-out upstream got a response time sample: %s", got)
	}
}
