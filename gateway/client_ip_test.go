package gateway_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/gateway"
)

// TestClientIPIgnoresXFFFromUntrustedPeer: forwarding headers count only
// when the socket peer is a configured proxy, and loopback/private peers are
// not trusted implicitly.
func TestClientIPIgnoresXFFFromUntrustedPeer(t *testing.T) {
	tests := []struct {
		name    string
		trusted []string
		peer    string
		xff     []string
		realIP  string
		want    string
	}{
		{"no proxies configured: XFF ignored", nil, "203.0.113.7:5555", []string{"198.51.100.1"}, "", "203.0.113.7"},
		{"no proxies configured: X-Real-IP ignored", nil, "203.0.113.7:5555", nil, "198.51.100.1", "203.0.113.7"},
		{"untrusted peer: XFF ignored", []string{"10.0.0.0/8"}, "203.0.113.7:5555", []string{"198.51.100.1"}, "", "203.0.113.7"},
		{"loopback peer not trusted implicitly", []string{"10.0.0.0/8"}, "127.0.0.1:5555", []string{"198.51.100.1"}, "", "127.0.0.1"},
		{"private peer not trusted implicitly", []string{"10.0.0.0/8"}, "192.168.1.2:5555", []string{"198.51.100.1"}, "", "192.168.1.2"},
		{"link-local peer not trusted implicitly", []string{"10.0.0.0/8"}, "[fe80::1]:5555", []string{"198.51.100.1"}, "", "fe80::1"},
		{"trusted peer: last hop used", []string{"10.0.0.0/8"}, "10.1.2.3:5555", []string{"198.51.100.1"}, "", "198.51.100.1"},
		{"trusted peer: spoofed left part ignored", []string{"10.0.0.0/8"}, "10.1.2.3:5555", []string{"6.6.6.6, 198.51.100.1"}, "", "198.51.100.1"},
		{"trusted chain skipped from the right", []string{"10.0.0.0/8", "172.16.0.0/12"}, "10.1.2.3:5555", []string{"6.6.6.6, 198.51.100.1, 172.16.0.9"}, "", "198.51.100.1"},
		{"multiple XFF headers joined", []string{"10.0.0.0/8"}, "10.1.2.3:5555", []string{"6.6.6.6", "198.51.100.1"}, "", "198.51.100.1"},
		{"garbage in XFF falls back to peer", []string{"10.0.0.0/8"}, "10.1.2.3:5555", []string{"not-an-ip"}, "", "10.1.2.3"},
		{"trusted peer without XFF", []string{"10.0.0.0/8"}, "10.1.2.3:5555", nil, "", "10.1.2.3"},
		{"ipv6 trusted proxy", []string{"2001:db8::/32"}, "[2001:db8::1]:443", []string{"2001:db8:ffff::1, 2a00::5"}, "", "2a00::5"},
		{"ipv4-mapped prefix", []string{"::ffff:10.0.0.0/104"}, "10.1.2.3:5555", []string{"198.51.100.1"}, "", "198.51.100.1"},
		{"single trusted host", []string{"10.9.9.9/32"}, "10.9.9.8:1", []string{"198.51.100.1"}, "", "10.9.9.8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var prefixes []netip.Prefix
			for _, p := range tc.trusted {
				prefixes = append(prefixes, netip.MustParsePrefix(p))
			}
			auth := &stubAuth{login: func(context.Context, string, string) (*authcore.Session, error) { return testSession(), nil }}
			srv, _ := newStubServer(t, auth, func(o *gateway.Options) { o.TrustedProxies = prefixes })

			r := jsonRequest("/auth/login", `{"email":"a@example.com","password":"pw"}`)
			r.RemoteAddr = tc.peer
			r.Header.Set("User-Agent", "test-agent/1.0")
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if tc.realIP != "" {
				r.Header.Set("X-Real-IP", tc.realIP)
			}
			if got := srv.ClientIP(r); got != tc.want {
				t.Errorf("ClientIP = %q, want %q", got, tc.want)
			}
			if w := serve(srv.Handler(), r); w.Code != 200 {
				t.Fatalf("login: %d %s", w.Code, w.Body)
			}
			if meta := auth.meta(); meta.IP != tc.want || meta.UserAgent != "test-agent/1.0" {
				t.Errorf("ClientMeta = %+v, want IP %q", meta, tc.want)
			}
		})
	}
}

// TestUserAgentIsBounded: a huge User-Agent is cut before it is stored.
func TestUserAgentIsBounded(t *testing.T) {
	auth := &stubAuth{login: func(context.Context, string, string) (*authcore.Session, error) { return testSession(), nil }}
	srv, _ := newStubServer(t, auth, nil)
	r := jsonRequest("/auth/login", `{"email":"a@example.com","password":"pw"}`)
	r.Header.Set("User-Agent", strings.Repeat("é", 1000))
	serve(srv.Handler(), r)
	if ua := auth.meta().UserAgent; len(ua) > 512 || len(ua) < 500 {
		t.Fatalf("stored User-Agent has %d bytes", len(ua))
	}
}

func TestInvalidTrustedProxyRejected(t *testing.T) {
	_, err := gateway.NewServer(gateway.Options{
		Logger: nil, Auth: &stubAuth{}, Tokens: stubTokens{},
		TrustedProxies: []netip.Prefix{{}},
	})
	if err == nil {
		t.Fatal("NewServer accepted an invalid prefix")
	}
}
