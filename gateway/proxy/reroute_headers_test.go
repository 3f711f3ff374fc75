package proxy_test

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// gatewaySet are the RerouteHeaders the gateway writes itself after
// removing the client's; every other one must not arrive at all.
var gatewaySet = map[string]bool{
	"X-Forwarded-For": true, "X-Forwarded-Host": true, "X-Forwarded-Proto": true,
	"X-Forwarded-Port": true, "Forwarded": true,
}

// TestRerouteHeadersNeverReachUpstream walks the built-in table header by
// header: sent by an untrusted client in any spelling, none arrives, and
// the ones the gateway sets carry the gateway's value, not the client's.
func TestRerouteHeadersNeverReachUpstream(t *testing.T) {
	up := newUpstream(t, nil)
	fwd := forwarderFor(t, proxy.Route{}, proxy.ForwarderOptions{}, up)
	table := proxy.RerouteHeaders()
	if len(table) < 20 {
		t.Fatalf("RerouteHeaders has %d entries; the issue 9 list alone has 16 plus the forwarding headers", len(table))
	}
	for _, rh := range table {
		t.Run(rh.Name, func(t *testing.T) {
			if rh.Why == "" {
				t.Error("entry has no reason: SECURITY.md's table is written from it")
			}
			for _, spelling := range spoofSpellings(rh.Name) {
				req := newRequest(t, "GET", "/x")
				req.Header[spelling] = []string{"/admin/spoofed"}
				if err := fwd.Forward(newDiscard(), req); err != nil {
					t.Fatalf("Forward: %v", err)
				}
				assertNoSpoof(t, up.last(t).Header, rh.Name, spelling)
			}
		})
	}
}

// assertNoSpoof fails if the client's value for name arrived under any
// spelling, or if a name the gateway does not set arrived at all.
func assertNoSpoof(t *testing.T, h http.Header, name, sentAs string) {
	t.Helper()
	norm := strings.ReplaceAll(strings.ToLower(name), "_", "-")
	for k, v := range h {
		if strings.ReplaceAll(strings.ToLower(k), "_", "-") != norm {
			continue
		}
		if !gatewaySet[name] || k != name {
			t.Errorf("sent as %q, upstream received %q: %q", sentAs, k, v)
			continue
		}
		for _, x := range v {
			if strings.Contains(x, "spoofed") {
				t.Errorf("sent as %q, upstream received the client's value %s: %q", sentAs, k, x)
			}
		}
	}
}

// TestStripHeadersConfigOnlyAdds: proxy.strip_headers adds names, in every
// spelling, and the built-in ones stay removed whatever it holds.
func TestStripHeadersConfigOnlyAdds(t *testing.T) {
	up := newUpstream(t, nil)
	fwd := forwarderFor(t, proxy.Route{}, proxy.ForwarderOptions{StripHeaders: []string{"X-Legacy-Route"}}, up)
	req := newRequest(t, "GET", "/x")
	req.Header["x_legacy_route"] = []string{"/admin/spoofed"}
	req.Header.Set("X-Legacy-Route", "/admin/spoofed")
	req.Header.Set("X-Original-URL", "/admin/spoofed")
	req.Header.Set("X-Unrelated", "kept")
	if err := fwd.Forward(newDiscard(), req); err != nil {
		t.Fatalf("Forward: %v", err)
	}
	h := up.last(t).Header
	assertNoSpoof(t, h, "X-Legacy-Route", "X-Legacy-Route and x_legacy_route")
	assertNoSpoof(t, h, "X-Original-URL", "X-Original-URL")
	if h.Get("X-Unrelated") != "kept" {
		t.Error("an unrelated header was removed")
	}
}

// TestRerouteHeadersStrippedFromTrustedProxiesToo: a trusted front proxy
// gets no exception for the path, method and client-IP headers; only the
// forwarding chain and scheme are extended from it.
func TestRerouteHeadersStrippedFromTrustedProxiesToo(t *testing.T) {
	up := newUpstream(t, nil)
	fwd := forwarderFor(t, proxy.Route{}, proxy.ForwarderOptions{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}, up)
	req := newRequest(t, "GET", "/x")
	req.RemoteAddr = "127.0.0.1:4000"
	for _, rh := range proxy.RerouteHeaders() {
		if !gatewaySet[rh.Name] {
			req.Header.Set(rh.Name, "/admin/spoofed")
		}
	}
	if err := fwd.Forward(newDiscard(), req); err != nil {
		t.Fatalf("Forward: %v", err)
	}
	h := up.last(t).Header
	for _, rh := range proxy.RerouteHeaders() {
		if !gatewaySet[rh.Name] {
			assertNoSpoof(t, h, rh.Name, rh.Name)
		}
	}
}
