package nginx_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// spoofValue marks every identity header a client forges; it must not
// reach the upstream under any header name.
const spoofValue = "spoofed-by-client"

// spoofedIdentity is a hostile client's attempt to pick its identity: the
// gateway's header names in several spellings (nginx compares names
// case-insensitively; "_" spellings are what CGI-style backends confuse
// with "-") and the names other auth proxies use.
func spoofedIdentity() map[string]string {
	h := map[string]string{}
	for _, name := range []string{
		"X-User-Id", "x-user-id", "X-USER-ID", "X_User_Id", "x_user_id",
		"X-User-Email", "x_user_email", "X-User-Roles", "x-user-roles", "X_USER_ROLES",
		"X-User", "X-User-Name", "X-User-Groups",
		"X-Forwarded-User", "X-Forwarded-Email", "X-Forwarded-Groups",
		"X-Auth-Request-User", "X-Auth-Request-Email", "X-Remote-User",
		"Remote-User", "Remote-Email", "Remote-Groups",
	} {
		h[name] = spoofValue
	}
	return h
}

// redirectCheck tries to have gatewayd judge the request as if it were for
// the public route, using both forward-auth header conventions.
func redirectCheck() map[string]string {
	return map[string]string{
		"X-Original-URL":     "http://localhost/public/",
		"X-Original-Method":  "GET",
		"X-Forwarded-Uri":    "/public/",
		"X-Forwarded-Method": "GET",
		"X-Forwarded-Prefix": "/public/",
	}
}

// spoofedReroute sets every header of gatewayd's re-route table that
// nginx does not set itself (proxy.RerouteHeaders, the one list) to the
// forged value: a backend must never see one.
func spoofedReroute() map[string]string {
	h := map[string]string{}
	for _, rh := range proxy.RerouteHeaders() {
		switch rh.Name {
		case "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "Forwarded":
			continue // replaced by nginx; see spoofedForwarding
		}
		h[rh.Name] = spoofValue
	}
	return h
}

// spoofedIP is an address a client claims to have.
const spoofedIP = "203.0.113.66"

// spoofedForwarding is a client choosing its own address, which backends
// log and may use for access decisions.
func spoofedForwarding() map[string]string {
	return map[string]string{
		"X-Forwarded-For": spoofedIP,
		"X-Real-IP":       spoofedIP,
		"Forwarded":       "for=" + spoofedIP,
	}
}

// TestAuthRequestExample runs deploy/nginx/gateway-auth-request.conf in a
// real nginx, in front of the real gatewayd binary and a recording upstream.
func TestAuthRequestExample(t *testing.T) {
	s := startStack(t)
	user := s.authenticate(t, "/auth/register", "alice@example.com", "alice-password-1", http.StatusCreated)
	admin := s.authenticate(t, "/auth/login", adminEmail, adminPassword, http.StatusOK)

	// Each case sends one request through nginx and checks nginx's status,
	// then what (if anything) the upstream received.
	cases := []struct {
		name     string
		req      request
		status   int
		upstream func(t *testing.T, got []seen)
	}{
		{"valid token reaches upstream with identity", request{path: "/app/orders?id=7", token: user.AccessToken}, 200,
			identityIs(user)},
		{"spoofed identity never reaches upstream with token", request{path: "/app/", token: user.AccessToken, header: spoofedIdentity()}, 200,
			identityIs(user)},
		{"spoofed identity never reaches upstream on public route", request{path: "/public/page", header: spoofedIdentity()}, 200,
			anonymous},
		{"role holder passes role check", request{path: "/admin/panel", token: admin.AccessToken}, 200,
			identityIs(admin)},
		{"request body still reaches upstream", request{method: http.MethodPost, path: "/app/items", token: user.AccessToken, body: `{"n":1}`}, 200,
			func(t *testing.T, got []seen) {
				identityIs(user)(t, got)
				if got[0].method != http.MethodPost || got[0].body != `{"n":1}` {
					t.Errorf("upstream got %s with body %q, want POST with the client's body", got[0].method, got[0].body)
				}
			}},
		{"client forwarding headers are replaced, not trusted", request{path: "/app/", token: user.AccessToken, header: spoofedForwarding()}, 200,
			func(t *testing.T, got []seen) {
				identityIs(user)(t, got)
				if xff := got[0].header.Values("X-Forwarded-For"); !slices.Equal(xff, []string{"127.0.0.1"}) {
					t.Errorf("upstream X-Forwarded-For = %q, want nginx's peer only", xff)
				}
				if names := got[0].headersWithValue(spoofedIP); len(names) > 0 {
					t.Errorf("client-chosen address reached the upstream in %v", names)
				}
			}},
		{"re-route headers never reach upstream", request{path: "/public/page", header: spoofedReroute()}, 200,
			anonymous},
		{"re-route headers never reach upstream with token", request{path: "/app/", token: user.AccessToken, header: spoofedReroute()}, 200,
			identityIs(user)},
		{"no token is 401 and nothing forwarded", request{path: "/app/"}, 401, nothing},
		{"bad token is 401 and nothing forwarded", request{path: "/app/", token: "not-a-jwt"}, 401, nothing},
		{"tampered token is 401 and nothing forwarded", request{path: "/app/", token: tamper(user.AccessToken)}, 401, nothing},
		{"spoofed identity without token is 401", request{path: "/app/", header: spoofedIdentity()}, 401, nothing},
		{"missing role is 403 and nothing forwarded", request{path: "/admin/panel", token: user.AccessToken}, 403, nothing},
		{"client cannot redirect the check to a public path", request{path: "/admin/panel", header: redirectCheck()}, 401, nothing},
		{"client cannot redirect the role check", request{path: "/admin/panel", token: user.AccessToken, header: redirectCheck()}, 403, nothing},
		{"verify subrequest location is internal", request{path: "/_gatewayd_verify", token: user.AccessToken}, 404, nothing},
		{"verify endpoint is not reachable through nginx", request{path: "/auth/verify", token: user.AccessToken, header: redirectCheck()}, 404, nothing},
		{"verify endpoint is not reachable in another spelling", request{path: "/auth//%76erify", token: user.AccessToken}, 404, nothing},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s.upstream.reset()
			got := s.do(t, tc.req)
			if got.status != tc.status {
				t.Fatalf("status %d, want %d; body: %.300s", got.status, tc.status, got.body)
			}
			if tc.status == http.StatusOK && got.body != upstreamBody {
				t.Errorf("body %q, want the upstream's %q", got.body, upstreamBody)
			}
			if tc.status == http.StatusUnauthorized {
				// nginx copies gatewayd's challenge from the subrequest on 401.
				if c := got.header.Get("WWW-Authenticate"); !strings.HasPrefix(c, "Bearer") {
					t.Errorf("WWW-Authenticate %q, want a Bearer challenge", c)
				}
			}
			tc.upstream(t, s.upstream.requests())
		})
	}
}

// identityIs checks that exactly one request arrived, carrying exactly the
// verified identity of sess and nothing the client forged or sent as a
// credential.
func identityIs(sess session) func(t *testing.T, got []seen) {
	return func(t *testing.T, got []seen) {
		t.Helper()
		if len(got) != 1 {
			t.Fatalf("upstream received %d requests, want 1", len(got))
		}
		h := got[0].header
		want := map[string][]string{
			"X-User-Id":    {sess.User.ID},
			"X-User-Email": {sess.User.Email},
			"X-User-Roles": {strings.Join(sess.User.Roles, ",")},
		}
		for name, v := range want {
			if !slices.Equal(h.Values(name), v) {
				t.Errorf("upstream %s = %q, want %q", name, h.Values(name), v)
			}
		}
		noForgery(t, got[0])
	}
}

// anonymous checks that one request arrived with no identity at all.
func anonymous(t *testing.T, got []seen) {
	t.Helper()
	if len(got) != 1 {
		t.Fatalf("upstream received %d requests, want 1", len(got))
	}
	for name := range got[0].header {
		if n := strings.ToLower(strings.ReplaceAll(name, "_", "-")); strings.HasPrefix(n, "x-user") || strings.HasPrefix(n, "remote-") {
			t.Errorf("anonymous request reached the upstream with %s: %q", name, got[0].header[name])
		}
	}
	noForgery(t, got[0])
}

// noForgery fails if any forged value or the gateway token arrived.
func noForgery(t *testing.T, got seen) {
	t.Helper()
	if names := got.headersWithValue(spoofValue); len(names) > 0 {
		t.Errorf("client-forged headers reached the upstream: %v", names)
	}
	if a := got.header.Get("Authorization"); a != "" {
		t.Errorf("upstream received the client's Authorization header %q", a)
	}
}

// nothing checks that the upstream received no request.
func nothing(t *testing.T, got []seen) {
	t.Helper()
	if len(got) != 0 {
		t.Errorf("upstream received %d requests, want none: %+v", len(got), got)
	}
}
