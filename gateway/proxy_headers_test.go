package gateway_test

import (
	"io"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/gateway/gatewaytest"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// spoofedIdentity is every spelling a client might use to smuggle an
// identity past a framework that normalizes header names, for every preset
// and the reserved names of other auth proxies.
var spoofedIdentity = []string{
	"X-User-Id", "x-user-id", "X_User_Id", "x_user_id", "X-USER-EMAIL", "X-User-Roles",
	"X-User-Admin", "x-user-anything", "X_USER_ROLES",
	"Remote-User", "remote_user", "REMOTE-GROUPS", "Remote-Email", "Remote_Groups",
	"X-Forwarded-User", "X_Forwarded_Email", "x-forwarded-groups", "X-Auth-Request-User",
}

// identityNamespace is every normalized name an upstream could take as an
// identity (see proxy's reserved list); "x-user-*" is checked by prefix.
var identityNamespace = []string{
	"remote-user", "remote-email", "remote-groups", "remote-name",
	"x-forwarded-user", "x-forwarded-email", "x-forwarded-groups",
	"x-forwarded-preferred-username", "x-forwarded-access-token",
	"x-auth-request-user", "x-auth-request-email", "x-auth-request-groups",
	"x-auth-request-preferred-username", "x-auth-request-access-token", "x-remote-user",
}

func inIdentityNamespace(k string) bool {
	n := normalizedHeaderName(k)
	return strings.HasPrefix(n, "x-user-") || slices.Contains(identityNamespace, n)
}

// TestSpoofedIdentityHeadersNeverReachUpstream: whatever identity headers
// a client sends, in any case or '_' spelling, the upstream sees exactly
// the gateway's verified identity (or none), on required, optional and
// public routes, with every preset, in-process and over a real connection.
func TestSpoofedIdentityHeadersNeverReachUpstream(t *testing.T) {
	presets := map[string]proxy.IdentityHeaders{
		"default":      proxy.DefaultIdentityHeaders(),
		"authelia":     proxy.AutheliaIdentityHeaders(),
		"oauth2-proxy": proxy.OAuth2ProxyIdentityHeaders(),
	}
	cases := []struct {
		name         string
		path         string
		withToken    bool
		wantIdentity bool
	}{
		{"required route with token", "/required/x", true, true},
		{"optional route with token", "/optional/x", true, true},
		{"optional route anonymous", "/optional/x", false, false},
		{"public route with token", "/public/x", true, false},
		{"public route anonymous", "/public/x", false, false},
	}
	for presetName, names := range presets {
		up := gatewaytest.NewUpstream(t, nil)
		g := newPXGateway(t, up, pxConfig{names: names, routes: []proxy.Route{
			{Name: "required", PathPrefix: "/required/", Auth: proxy.AuthRequired},
			{Name: "optional", PathPrefix: "/optional/", Auth: proxy.AuthOptional},
			{Name: "public", PathPrefix: "/public/", Auth: proxy.AuthPublic},
		}})
		ts := g.listen(t)
		token := g.token(t, "user")
		want := map[string]string{names.UserID: testUserID, names.Email: "ada@example.com", names.Roles: "user"}

		for _, tc := range cases {
			for _, via := range []string{"in-process", "network"} {
				t.Run(presetName+"/"+tc.name+"/"+via, func(t *testing.T) {
					var r *http.Request
					if via == "network" {
						var err error
						r, err = http.NewRequest(http.MethodGet, ts.URL+tc.path, nil)
						if err != nil {
							t.Fatal(err)
						}
					} else {
						r = pxRequest(http.MethodGet, tc.path, "")
					}
					if tc.withToken {
						r.Header.Set("Authorization", "Bearer "+token)
					}
					for _, k := range spoofedIdentity {
						r.Header[k] = []string{"admin", "root"} // raw keys, as written
					}
					status := 0
					if via == "network" {
						res, err := ts.Client().Do(r)
						if err != nil {
							t.Fatal(err)
						}
						_, _ = io.Copy(io.Discard, res.Body)
						res.Body.Close()
						status = res.StatusCode
					} else {
						status = g.serve(r).Code
					}
					if status != http.StatusOK {
						t.Fatalf("status %d, want 200", status)
					}
					got := up.Last(t).Header
					for k, v := range got {
						if !inIdentityNamespace(k) {
							continue
						}
						wantV, ok := want[k]
						if !tc.wantIdentity || !ok || len(v) != 1 || v[0] != wantV {
							t.Errorf("upstream received %s: %q", k, v)
						}
					}
					if tc.wantIdentity {
						for k, v := range want {
							if g := got.Values(k); len(g) != 1 || g[0] != v {
								t.Errorf("upstream %s = %q, want %q", k, g, v)
							}
						}
					}
				})
			}
		}
	}
}

// TestStripIdentityOnGatewayEndpointsToo: the namespace is stripped before
// anything else runs, so even the gateway's own handlers never see a
// client's identity header.
func TestStripIdentityOnGatewayEndpointsToo(t *testing.T) {
	g := newPXGateway(t, nil, pxConfig{})
	r := pxRequest(http.MethodGet, "/healthz", "")
	r.Header["x_user_id"] = []string{"admin"}
	r.Header.Set("X-User-Id", "admin")
	if w := g.serve(r); w.Code != http.StatusOK {
		t.Fatalf("healthz: %d", w.Code)
	}
	for k := range r.Header {
		if inIdentityNamespace(k) {
			t.Errorf("request still carries %s after the gateway handled it", k)
		}
	}
}

// TestAuthorizationForwardedOnlyWithPassAuthorization: the gateway's token
// never reaches an upstream unless the route says so, whatever the policy.
func TestAuthorizationForwardedOnlyWithPassAuthorization(t *testing.T) {
	up := gatewaytest.NewUpstream(t, nil)
	g := newPXGateway(t, up, pxConfig{routes: []proxy.Route{
		{Name: "required", PathPrefix: "/required/"},
		{Name: "optional", PathPrefix: "/optional/", Auth: proxy.AuthOptional},
		{Name: "public", PathPrefix: "/public/", Auth: proxy.AuthPublic},
		{Name: "pass", PathPrefix: "/pass/", PassAuthorization: true},
		{Name: "public-pass", PathPrefix: "/public-pass/", Auth: proxy.AuthPublic, PassAuthorization: true},
	}})
	token := g.token(t)
	for _, tc := range []struct {
		path, auth string
		forwarded  bool
	}{
		{"/required/x", "Bearer " + token, false},
		{"/optional/x", "Bearer " + token, false},
		{"/public/x", "Bearer " + token, false},
		{"/public/x", "Basic dXNlcjpwYXNz", false},
		{"/pass/x", "Bearer " + token, true},
		{"/public-pass/x", "Basic dXNlcjpwYXNz", true},
	} {
		t.Run(tc.path+" "+strings.Fields(tc.auth)[0], func(t *testing.T) {
			r := pxRequest(http.MethodGet, tc.path, "")
			r.Header.Set("Authorization", tc.auth)
			if w := g.serve(r); w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			got := up.Last(t).Header.Values("Authorization")
			if tc.forwarded && (len(got) != 1 || got[0] != tc.auth) {
				t.Fatalf("Authorization = %q, want it forwarded", got)
			}
			if !tc.forwarded && len(got) != 0 {
				t.Fatalf("Authorization forwarded: %q", got)
			}
		})
	}
}

// TestNoAuthRequestIsEverForwarded: with a public catch-all route, every
// spelling of a gateway path still stays in the gateway.
func TestNoAuthRequestIsEverForwarded(t *testing.T) {
	up := gatewaytest.NewUpstream(t, nil)
	g := newPXGateway(t, up, pxConfig{routes: []proxy.Route{
		{Name: "all", PathPrefix: "/", Auth: proxy.AuthPublic},
	}})
	for _, target := range []string{
		"/auth", "/auth/", "/auth/unknown", "/auth/me", "/auth/verify/x", "/%61uth/x", "/%61uth/me",
		"//auth/me", "/x/../auth/me", "/./auth/login", "/auth/../auth/me", "/healthz", "/readyz/",
		"/docs", "/docs/x", "/openapi.json",
	} {
		for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
			g.serve(pxRequest(method, target, ""))
		}
	}
	if n := up.Count(); n != 0 {
		t.Fatalf("upstream received %d gateway requests; first %s %s", n, up.Requests()[0].Method, up.Requests()[0].Path)
	}
	// The catch-all itself works, so the zero above is not a dead upstream.
	if w := g.serve(pxRequest(http.MethodGet, "/authz", "")); w.Code != http.StatusOK || up.Count() != 1 {
		t.Fatalf("/authz: %d, upstream count %d", w.Code, up.Count())
	}
}

// TestForwardedHeadersFromTrustedVersusUntrustedPeers: X-Forwarded-For
// and -Proto are extended from a trusted proxy and replaced from anyone
// else; -Host is the host that matched, from either (issue 9).
func TestForwardedHeadersFromTrustedVersusUntrustedPeers(t *testing.T) {
	up := gatewaytest.NewUpstream(t, nil)
	g := newPXGateway(t, up, pxConfig{
		trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
		routes:  []proxy.Route{{Name: "pub", PathPrefix: "/", Auth: proxy.AuthPublic}},
	})
	for _, tc := range []struct {
		name, peer                   string
		wantXFF, wantProto, wantHost string
	}{
		{"trusted", "10.1.2.3:4000", "198.51.100.1, 10.1.2.3", "https", "gw.internal"},
		{"untrusted", "203.0.113.9:4000", "203.0.113.9", "http", "gw.internal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := pxRequest(http.MethodGet, "http://gw.internal/page", "")
			r.RemoteAddr = tc.peer
			r.Header.Set("X-Forwarded-For", "198.51.100.1")
			r.Header.Set("X-Forwarded-Proto", "https")
			r.Header.Set("X-Forwarded-Host", "app.example.com")
			r.Header.Set("X-Real-Ip", "198.51.100.1")
			r.Header["X_Forwarded_For"] = []string{"6.6.6.6"}
			if w := g.serve(r); w.Code != http.StatusOK {
				t.Fatalf("status %d", w.Code)
			}
			h := up.Last(t).Header
			if got := h.Values("X-Forwarded-For"); len(got) != 1 || got[0] != tc.wantXFF {
				t.Errorf("X-Forwarded-For = %q, want %q", got, tc.wantXFF)
			}
			if got := h.Get("X-Forwarded-Proto"); got != tc.wantProto {
				t.Errorf("X-Forwarded-Proto = %q, want %q", got, tc.wantProto)
			}
			if got := h.Get("X-Forwarded-Host"); got != tc.wantHost {
				t.Errorf("X-Forwarded-Host = %q, want %q", got, tc.wantHost)
			}
			if tc.name == "untrusted" && h.Get("X-Real-Ip") != "" {
				t.Errorf("X-Real-Ip from an untrusted peer forwarded: %q", h.Get("X-Real-Ip"))
			}
			//lint:ignore SA1008 the non-canonical key is the point: a spoofed variant spelling
			if v, ok := h["X_Forwarded_For"]; ok {
				t.Errorf("variant spelling X_Forwarded_For forwarded: %q", v)
			}
		})
	}
}
