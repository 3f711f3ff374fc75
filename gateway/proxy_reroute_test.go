package gateway_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/gateway/gatewaytest"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// rerouteSpellings are the ways a client writes name on the wire that a
// CGI/PHP-style upstream reads as the same variable.
func rerouteSpellings(name string) []string {
	under := strings.ReplaceAll(name, "-", "_")
	return []string{name, strings.ToLower(name), strings.ToUpper(name), under, strings.ToLower(under)}
}

// sendWithHeader sends GET target raw (so non-canonical header names stay
// as written) with one extra header and returns the status.
func sendWithHeader(t *testing.T, addr, method, target, token, name, value string) int {
	t.Helper()
	req := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: app.test\r\n%s: %s\r\nConnection: close\r\n", method, target, name, value)
	if token != "" {
		req += "Authorization: Bearer " + token + "\r\n"
	}
	res, _ := rawExchange(t, addr, req+"\r\n")
	return res.StatusCode
}

// upstreamSawName reports whether h carries name in any spelling.
func upstreamSawName(h http.Header, name string) (string, bool) {
	for k := range h {
		if normalizedHeaderName(k) == normalizedHeaderName(name) {
			return k, true
		}
	}
	return "", false
}

// TestXOriginalURLNeverReachesUpstream: IIS URL Rewrite and Symfony/Zend
// route on X-Original-URL and X-Rewrite-URL, so a request authorized as
// /public/x would be served as /admin. No spelling of either, nor of the
// other path/host/client headers of the table, arrives, on public and
// authenticated routes alike.
func TestXOriginalURLNeverReachesUpstream(t *testing.T) {
	up := gatewaytest.NewUpstream(t, nil)
	g := newPXGateway(t, up, pxConfig{routes: []proxy.Route{
		{Name: "public", PathPrefix: "/public/", Auth: proxy.AuthPublic},
		{Name: "account", PathPrefix: "/account/"},
	}})
	addr := g.listen(t).Listener.Addr().String()
	token := g.token(t, "user")
	for _, rh := range proxy.RerouteHeaders() {
		switch rh.Name {
		case "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port", "Forwarded":
			continue // set by the gateway: TestForwardedHeadersSetByGateway
		}
		for _, spelling := range rerouteSpellings(rh.Name) {
			for _, tc := range []struct{ target, token string }{{"/public/x", ""}, {"/account/x", token}} {
				if st := sendWithHeader(t, addr, "GET", tc.target, tc.token, spelling, "/admin/secret"); st != http.StatusOK {
					t.Fatalf("%s %s: status %d", tc.target, spelling, st)
				}
				if k, ok := upstreamSawName(up.Last(t).Header, rh.Name); ok {
					t.Errorf("%s sent as %q reached the upstream as %q", rh.Name, spelling, k)
				}
			}
		}
	}
}

// TestMethodOverrideHeadersStripped: X-HTTP-Method-Override, X-HTTP-Method
// and X-Method-Override turn a request into another method at many
// frameworks, which would make a route's methods: list meaningless. They
// are removed always, from every peer, in every spelling.
func TestMethodOverrideHeadersStripped(t *testing.T) {
	up := gatewaytest.NewUpstream(t, nil)
	g := newPXGateway(t, up, pxConfig{routes: []proxy.Route{
		{Name: "read", PathPrefix: "/reports/", Methods: []string{"GET", "HEAD"}, Auth: proxy.AuthPublic},
		{Name: "write", PathPrefix: "/reports/", Roles: []string{"admin"}},
	}})
	addr := g.listen(t).Listener.Addr().String()
	for _, name := range []string{"X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"} {
		for _, spelling := range rerouteSpellings(name) {
			for _, method := range []string{"GET", "HEAD"} {
				if st := sendWithHeader(t, addr, method, "/reports/q1", "", spelling, "DELETE"); st != http.StatusOK {
					t.Fatalf("%s with %s: status %d", method, spelling, st)
				}
				got := up.Last(t)
				if k, ok := upstreamSawName(got.Header, name); ok {
					t.Errorf("%s %s sent as %q reached the upstream as %q", method, name, spelling, k)
				}
			}
		}
	}
	// The write route still refuses the real method without a token.
	if st := sendWithHeader(t, addr, "DELETE", "/reports/q1", "", "X-Unrelated", "1"); st != http.StatusUnauthorized {
		t.Fatalf("DELETE without a token: %d, want 401", st)
	}
}

// TestForwardedHeadersSameOnEveryRoute: the gateway's forwarding headers
// do not depend on the route's policy; public, optional and required
// routes all get the same set, and a client's values are never among them.
func TestForwardedHeadersSameOnEveryRoute(t *testing.T) {
	up := gatewaytest.NewUpstream(t, nil)
	g := newPXGateway(t, up, pxConfig{routes: []proxy.Route{
		{Name: "public", PathPrefix: "/public/", Auth: proxy.AuthPublic},
		{Name: "optional", PathPrefix: "/optional/", Auth: proxy.AuthOptional},
		{Name: "required", PathPrefix: "/required/"},
	}})
	token := g.token(t, "user")
	want := map[string]string{
		"X-Forwarded-For":   "203.0.113.7",
		"X-Forwarded-Proto": "http",
		"X-Forwarded-Host":  "app.example.com",
		"X-Forwarded-Port":  "8080",
		"Forwarded":         "for=203.0.113.7;host=app.example.com;proto=http",
	}
	for _, target := range []string{"/public/x", "/optional/x", "/required/x"} {
		r := pxRequest(http.MethodGet, target, token)
		r.Host = "App.Example.com.:8080"
		for _, k := range []string{"X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Port", "Forwarded", "X-Forwarded-Proto"} {
			r.Header.Set(k, "https://evil.example:1")
		}
		if w := g.serve(r); w.Code != http.StatusOK {
			t.Fatalf("%s: status %d", target, w.Code)
		}
		h := up.Last(t).Header
		for k, v := range want {
			if got := h.Values(k); len(got) != 1 || got[0] != v {
				t.Errorf("%s: %s = %q, want %q", target, k, got, v)
			}
		}
	}
}
