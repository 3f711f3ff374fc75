package proxy_test

import (
	"crypto/tls"
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/gateway/proxy"
)

func forwarderFor(t testing.TB, route proxy.Route, opts proxy.ForwarderOptions, ups ...*upstream) *proxy.Forwarder {
	t.Helper()
	for _, u := range ups {
		route.Upstreams = append(route.Upstreams, u.url(t))
	}
	if route.Name == "" {
		route.Name = "test"
	}
	if route.PathPrefix == "" {
		route.PathPrefix = "/"
	}
	return proxy.NewForwarder(&route, newTransport(t, proxy.TransportOptions{}), opts)
}

func TestAuthorizationRemovedUnlessPassAuthorization(t *testing.T) {
	tests := []struct {
		name string
		pass bool
		want string
	}{
		{"removed by default", false, ""},
		{"kept with pass_authorization", true, "Bearer secret-token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := newUpstream(t, nil)
			fwd := forwarderFor(t, proxy.Route{PassAuthorization: tt.pass}, proxy.ForwarderOptions{}, up)
			req := newRequest(t, "GET", "/x")
			req.Header.Set("Authorization", "Bearer secret-token")
			if err := fwd.Forward(newDiscard(), req); err != nil {
				t.Fatalf("Forward: %v", err)
			}
			if got := up.last(t).Header.Get("Authorization"); got != tt.want {
				t.Errorf("upstream Authorization = %q, want %q", got, tt.want)
			}
			if req.Header.Get("Authorization") == "" {
				t.Error("Forward modified the inbound request's headers")
			}
		})
	}
}

// TestForwardedHeadersSetByGateway: X-Forwarded-For, -Proto, -Host,
// -Port and Forwarded are the gateway's own on every request. The chain,
// scheme and port are extended from a trusted proxy only; the host is
// always the one the route matched, canonical, never a header's.
func TestForwardedHeadersSetByGateway(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::/32")}
	spoof := func(r *http.Request) {
		r.Header["X-Forwarded-For"] = []string{"198.51.100.1", "198.51.100.2"}
		r.Header.Set("X-Forwarded-Host", "evil.example")
		r.Header.Set("X-Forwarded-Proto", "https")
		r.Header.Set("X-Forwarded-Port", "8443")
		r.Header.Set("X-Real-Ip", "198.51.100.9")
		r.Header.Set("Forwarded", "for=198.51.100.3;proto=https")
		r.Header["X_Forwarded_Host"] = []string{"evil.example"}
		r.Header["x_forwarded_port"] = []string{"1"}
	}
	tests := []struct {
		name                  string
		remote, host          string
		tls                   bool
		prepare               func(*http.Request)
		wantXFF, wantHost     string
		wantProto, wantRealIP string
		wantPort, wantFwd     string
	}{
		{"untrusted peer: spoofs replaced", "203.0.113.7:5000", "app.example.com", false, spoof,
			"203.0.113.7", "app.example.com", "http", "", "80",
			"for=203.0.113.7;host=app.example.com;proto=http"},
		{"untrusted peer over TLS", "203.0.113.7:5000", "app.example.com", true, spoof,
			"203.0.113.7", "app.example.com", "https", "", "443",
			"for=203.0.113.7;host=app.example.com;proto=https"},
		{"trusted peer: chain appended, host still the matched one", "10.1.2.3:5000", "app.example.com", false, spoof,
			"198.51.100.1, 198.51.100.2, 10.1.2.3", "app.example.com", "https", "198.51.100.9", "8443",
			"for=198.51.100.3;proto=https, for=10.1.2.3;host=app.example.com;proto=https"},
		{"trusted IPv4-mapped peer", "[::ffff:10.1.2.3]:5000", "app.example.com", false, spoof,
			"198.51.100.1, 198.51.100.2, 10.1.2.3", "app.example.com", "https", "198.51.100.9", "8443",
			"for=198.51.100.3;proto=https, for=10.1.2.3;host=app.example.com;proto=https"},
		{"trusted IPv6 peer without inbound headers", "[2001:db8::1]:5000", "app.example.com", false, func(*http.Request) {},
			"2001:db8::1", "app.example.com", "http", "", "80",
			`for="[2001:db8::1]";host=app.example.com;proto=http`},
		{"trusted peer with bogus proto and port", "10.1.2.3:5000", "app.example.com", false, func(r *http.Request) {
			r.Header.Set("X-Forwarded-Proto", "javascript")
			r.Header.Set("X-Forwarded-Port", "0x50")
		}, "10.1.2.3", "app.example.com", "http", "", "80",
			"for=10.1.2.3;host=app.example.com;proto=http"},
		{"loopback is not implicitly trusted", "127.0.0.1:5000", "app.example.com", false, spoof,
			"127.0.0.1", "app.example.com", "http", "", "80",
			"for=127.0.0.1;host=app.example.com;proto=http"},
		{"host canonical: case, trailing dot, port", "203.0.113.7:5000", "App.Example.COM.:8080", false, spoof,
			"203.0.113.7", "app.example.com", "http", "", "8080",
			"for=203.0.113.7;host=app.example.com;proto=http"},
		{"IPv6 host literal is bracketed and quoted", "203.0.113.7:5000", "[2001:DB8::5]:8080", false, spoof,
			"203.0.113.7", "[2001:db8::5]", "http", "", "8080",
			`for=203.0.113.7;host="[2001:db8::5]";proto=http`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := newUpstream(t, nil)
			fwd := forwarderFor(t, proxy.Route{}, proxy.ForwarderOptions{TrustedProxies: trusted}, up)
			req := newRequest(t, "GET", "http://app.example.com/x")
			req.Host = tt.host
			req.RemoteAddr = tt.remote
			if tt.tls {
				req.TLS = &tls.ConnectionState{}
			}
			tt.prepare(req)
			if err := fwd.Forward(newDiscard(), req); err != nil {
				t.Fatalf("Forward: %v", err)
			}
			h := up.last(t).Header
			for name, want := range map[string]string{
				"X-Forwarded-For": tt.wantXFF, "X-Forwarded-Host": tt.wantHost,
				"X-Forwarded-Proto": tt.wantProto, "X-Forwarded-Port": tt.wantPort,
				"Forwarded": tt.wantFwd, "X-Real-Ip": tt.wantRealIP,
			} {
				got := h.Values(name)
				if want == "" && len(got) != 0 || want != "" && (len(got) != 1 || got[0] != want) {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			for k := range h {
				if http.CanonicalHeaderKey(k) != k {
					t.Errorf("variant spelling %q reached the upstream", k)
				}
			}
		})
	}
}

func TestForwardRewritesPath(t *testing.T) {
	tests := []struct {
		name                 string
		prefix, base, target string
		strip                bool
		wantPath, wantQuery  string
	}{
		{"no strip", "/api/", "", "/api/users?id=1", false, "/api/users", "id=1"},
		{"strip keeps leading slash", "/api/", "", "/api/users", true, "/users", ""},
		{"strip bare prefix", "/api/", "", "/api", true, "/", ""},
		{"strip exact prefix", "/api/", "", "/api/", true, "/", ""},
		{"strip prefix without slash", "/api", "", "/apiv2/x", true, "/v2/x", ""},
		{"strip prefix without slash at boundary", "/api", "", "/api/x", true, "/x", ""},
		{"upstream base path joined", "/api/", "/base/", "/api/users", true, "/base/users", ""},
		{"upstream query merged", "/", "/?from=gw", "/x?id=1", false, "/x", "from=gw&id=1"},
		{"escaped canonical path re-escaped minimally", "/files/", "", "/files/a%20b%3F", false, "/files/a b?", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := newUpstream(t, nil)
			u := up.url(t)
			if tt.base != "" {
				u = mustURL(t, up.URL+tt.base)
			}
			route := proxy.Route{Name: "r", PathPrefix: tt.prefix, StripPrefix: tt.strip, Upstreams: []*url.URL{u}}
			fwd := proxy.NewForwarder(&route, newTransport(t, proxy.TransportOptions{}), proxy.ForwarderOptions{})
			if err := fwd.Forward(newDiscard(), newRequest(t, "GET", tt.target)); err != nil {
				t.Fatalf("Forward: %v", err)
			}
			got := up.last(t)
			if got.Path != tt.wantPath || got.RawPath != "" || got.RawQuery != tt.wantQuery {
				t.Errorf("upstream got path %q (raw %q) query %q; want %q query %q",
					got.Path, got.RawPath, got.RawQuery, tt.wantPath, tt.wantQuery)
			}
			if got.Host != u.Host {
				t.Errorf("upstream Host = %q, want %q", got.Host, u.Host)
			}
		})
	}
}

// TestForwardRefusesNonCanonicalPath: Forward sends the path it is given
// and never cleans it again, so a path that is not already canonical (the
// caller skipped Canonicalize) is refused instead of forwarded.
func TestForwardRefusesNonCanonicalPath(t *testing.T) {
	for _, target := range []string{
		"/public/../admin/secret", "//x//y", "/files/a%2Fb", "/public/%2e%2e/admin", "/public/..;/admin", "/a;x/b",
	} {
		t.Run(target, func(t *testing.T) {
			up := newUpstream(t, nil)
			fwd := forwarderFor(t, proxy.Route{}, proxy.ForwarderOptions{}, up)
			if err := fwd.Forward(newDiscard(), newRequest(t, "GET", target)); !errors.Is(err, proxy.ErrInvalidPath) {
				t.Errorf("Forward(%q) error = %v, want ErrInvalidPath", target, err)
			}
			if up.count() != 0 {
				t.Error("upstream was contacted")
			}
		})
	}
}

// TestStripPrefixFoldsCaseOnCaseInsensitiveRoutes: a case-insensitive
// route strips its prefix in whatever case it matched.
func TestStripPrefixFoldsCaseOnCaseInsensitiveRoutes(t *testing.T) {
	for target, want := range map[string]string{"/LEGACY/x": "/x", "/legacy": "/", "/Legacy/": "/"} {
		up := newUpstream(t, nil)
		route := proxy.Route{Name: "r", PathPrefix: "/Legacy/", StripPrefix: true, CaseInsensitive: true, Upstreams: []*url.URL{up.url(t)}}
		fwd := proxy.NewForwarder(&route, newTransport(t, proxy.TransportOptions{}), proxy.ForwarderOptions{})
		if err := fwd.Forward(newDiscard(), newRequest(t, "GET", target)); err != nil {
			t.Fatalf("Forward(%q): %v", target, err)
		}
		if got := up.last(t).Path; got != want {
			t.Errorf("%s forwarded as %q, want %q", target, got, want)
		}
	}
}

func TestForwardRejectsInvalidPath(t *testing.T) {
	up := newUpstream(t, nil)
	fwd := forwarderFor(t, proxy.Route{}, proxy.ForwarderOptions{}, up)
	req := newRequest(t, "GET", "/x")
	req.URL.Path = `/public/..\admin`
	if err := fwd.Forward(newDiscard(), req); !errors.Is(err, proxy.ErrInvalidPath) {
		t.Errorf("Forward error = %v, want ErrInvalidPath", err)
	}
	if up.count() != 0 {
		t.Error("upstream was contacted")
	}
}

func TestHopByHopHeadersDropped(t *testing.T) {
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "X-Upstream-Private")
		w.Header().Set("X-Upstream-Private", "1")
		w.Header().Set("Keep-Alive", "timeout=5")
		w.Header().Set("X-Upstream-Public", "1")
	})
	fwd := forwarderFor(t, proxy.Route{}, proxy.ForwarderOptions{}, up)
	req := newRequest(t, "GET", "/x")
	req.Header.Set("Connection", "X-Client-Private, Keep-Alive")
	req.Header.Set("X-Client-Private", "1")
	req.Header.Set("Keep-Alive", "timeout=5")
	req.Header.Set("Proxy-Authorization", "Basic Zm9vOmJhcg==")
	req.Header.Set("X-Client-Public", "1")
	w := newDiscard()
	if err := fwd.Forward(w, req); err != nil {
		t.Fatalf("Forward: %v", err)
	}
	h := up.last(t).Header
	for _, k := range []string{"X-Client-Private", "Keep-Alive", "Proxy-Authorization"} {
		if _, ok := h[k]; ok {
			t.Errorf("upstream received hop-by-hop header %s", k)
		}
	}
	if h.Get("X-Client-Public") != "1" {
		t.Error("upstream lost an end-to-end header")
	}
	for _, k := range []string{"X-Upstream-Private", "Keep-Alive"} {
		if _, ok := w.h[k]; ok {
			t.Errorf("client received hop-by-hop header %s", k)
		}
	}
	if w.h.Get("X-Upstream-Public") != "1" {
		t.Error("client lost an end-to-end response header")
	}
}

func TestConnectionHeaderCannotDropIdentity(t *testing.T) {
	up := newUpstream(t, nil)
	names := proxy.DefaultIdentityHeaders()
	policy := proxy.NewHeaderPolicy(names)
	fwd := forwarderFor(t, proxy.Route{}, proxy.ForwarderOptions{Identity: names}, up)
	req := newRequest(t, "GET", "/x")
	req.Header.Set("Connection", "X-User-Id, X-User-Email, X-User-Roles")
	policy.Strip(req.Header)
	policy.Inject(req.Header, "user-1", "a@example.com", []string{"admin"})
	if err := fwd.Forward(newDiscard(), req); err != nil {
		t.Fatalf("Forward: %v", err)
	}
	h := up.last(t).Header
	if h.Get("X-User-Id") != "user-1" || h.Get("X-User-Email") != "a@example.com" || h.Get("X-User-Roles") != "admin" {
		t.Errorf("identity headers lost to a Connection listing: %v", h)
	}
}

func TestForwardingHeaderVariantSpellingsDropped(t *testing.T) {
	up := newUpstream(t, nil)
	fwd := forwarderFor(t, proxy.Route{}, proxy.ForwarderOptions{}, up)
	req := newRequest(t, "GET", "http://app.example.com/x")
	for _, k := range []string{"X_Forwarded_For", "x-forwarded-for", "X_REAL_IP", "x_forwarded_host", "X-Forwarded_Proto", "FORWARDED"} {
		req.Header[k] = []string{"spoofed"}
	}
	if err := fwd.Forward(newDiscard(), req); err != nil {
		t.Fatalf("Forward: %v", err)
	}
	for k, v := range up.last(t).Header {
		for _, s := range v {
			if strings.Contains(s, "spoofed") {
				t.Errorf("upstream received %s: %q", k, v)
			}
		}
	}
	if got := up.last(t).Header.Get("X-Forwarded-For"); got != "203.0.113.7" {
		t.Errorf("X-Forwarded-For = %q, want the peer", got)
	}
}
