package proxy_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// TestTrustedProxyIPv4MappedIsTheSamePeer: "::ffff:10.0.0.1" and
// "10.0.0.1" are one peer, in the configuration and on the socket (issue
// 10: the three parsers used to disagree).
func TestTrustedProxyIPv4MappedIsTheSamePeer(t *testing.T) {
	for _, entry := range []string{"10.0.0.1", "::ffff:10.0.0.1", "10.0.0.0/24", "::ffff:10.0.0.0/120"} {
		trusted, err := proxy.ParseTrustedProxies([]string{entry})
		if err != nil {
			t.Fatalf("%s: %v", entry, err)
		}
		for _, peer := range []string{"10.0.0.1:1234", "[::ffff:10.0.0.1]:1234"} {
			if !trusted.ContainsRemote(peer) {
				t.Errorf("trusted_proxies %s does not trust peer %s", entry, peer)
			}
		}
		if trusted.ContainsRemote("10.0.1.1:1") || trusted.ContainsRemote("[::1]:1") || trusted.ContainsRemote("nonsense") {
			t.Errorf("trusted_proxies %s trusts a stranger", entry)
		}
		if !trusted.Contains(netip.MustParseAddr("::ffff:10.0.0.1")) {
			t.Errorf("%s: Contains does not unmap", entry)
		}
	}
}

func TestParseTrustedProxiesReportsEveryBadEntry(t *testing.T) {
	_, err := proxy.ParseTrustedProxies([]string{"10.0.0.0/8", "nope", "10.0.0.0/33", "fe80::1%eth0"})
	if err == nil {
		t.Fatal("accepted bad entries")
	}
	for _, want := range []string{"[1]:", "[2]:", "[3]:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	got, err := proxy.ParseTrustedProxies([]string{"10.1.2.3/8", "2001:db8::1"})
	if err != nil || got[0].String() != "10.0.0.0/8" || got[1].String() != "2001:db8::1/128" {
		t.Errorf("got %v, %v", got, err)
	}
}
