package gateway

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/labstack/echo/v4"
)

// newIPExtractor decides how the client address is found. It is the only
// place that interprets X-Forwarded-For.
func newIPExtractor(trusted []netip.Prefix) (echo.IPExtractor, error) {
	if len(trusted) == 0 {
		// No proxy in front: every forwarding header is client-controlled,
		// so only the socket peer counts.
		return echo.ExtractIPDirect(), nil
	}
	// SECURITY: Echo's XFF extractor trusts loopback, link-local and private
	// networks unless told otherwise. On a shared network that would let any
	// neighbour spoof its address, so only the configured prefixes are
	// trusted. The walk goes from the right (the hop closest to us) and
	// stops at the first untrusted address; an unparsable entry makes it
	// fall back to the socket peer.
	opts := []echo.TrustOption{
		echo.TrustLoopback(false),
		echo.TrustLinkLocal(false),
		echo.TrustPrivateNet(false),
	}
	for _, p := range trusted {
		n, err := ipNet(p)
		if err != nil {
			return nil, err
		}
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...), nil
}

// ipNet converts a prefix to the *net.IPNet Echo wants. IPv4-mapped IPv6
// prefixes become plain IPv4 ones, because net.IP treats mapped addresses
// as IPv4 when matching.
func ipNet(p netip.Prefix) (*net.IPNet, error) {
	if !p.IsValid() {
		return nil, fmt.Errorf("invalid trusted proxy prefix %q", p.String())
	}
	p = p.Masked()
	addr, bits := p.Addr(), p.Bits()
	if addr.Is4In6() {
		if bits < 96 {
			return nil, fmt.Errorf("trusted proxy prefix %s mixes IPv4-mapped and IPv6 space", p)
		}
		addr, bits = addr.Unmap(), bits-96
	}
	return &net.IPNet{IP: net.IP(addr.AsSlice()), Mask: net.CIDRMask(bits, addr.BitLen())}, nil
}
