package proxy

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/authgate/gatewayd/internal/fielderr"
)

// TrustedProxies are the networks whose forwarding headers
// (X-Forwarded-For, X-Forwarded-Proto) are believed. It is the ONE
// parser and the one membership test for server.trusted_proxies (issue
// 10: three copies used to disagree on IPv4-mapped addresses).
//
// The rule: every address is unmapped before it is compared, and every
// prefix is stored unmapped, so "::ffff:10.0.0.1" and "10.0.0.1" are the
// same peer whether they appear in the configuration or on the socket.
// net/http reports an IPv4 client on a dual-stack listener as
// "[::ffff:a.b.c.d]:port" on some platforms, so without this a proxy
// would be trusted on one listener and not on another.
type TrustedProxies []netip.Prefix

// ParseTrustedProxies accepts CIDR networks ("10.0.0.0/8", host bits are
// masked off) and bare addresses (a single-address network). Errors name
// the entry by index ("[2]") and are joined, so every bad entry is
// reported at once.
func ParseTrustedProxies(list []string) (TrustedProxies, error) {
	out := make(TrustedProxies, 0, len(list))
	var errs []error
	for i, s := range list {
		p, err := parseTrusted(s)
		if err != nil {
			errs = append(errs, fielderr.Wrap(fmt.Sprintf("[%d]", i), err))
			continue
		}
		out = append(out, p)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

func parseTrusted(s string) (netip.Prefix, error) {
	if addr, err := netip.ParseAddr(s); err == nil {
		if addr.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("%q: a zone is not allowed", s)
		}
		addr = addr.Unmap()
		return netip.PrefixFrom(addr, addr.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR network", s)
	}
	// "::ffff:10.0.0.0/104" becomes "10.0.0.0/8". A mapped prefix
	// shorter than /96 is not mapped any more once masked: it is plain
	// IPv6 space and stays so.
	p = p.Masked()
	if p.Addr().Is4In6() {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p, nil
}

// Contains reports whether addr, unmapped, is inside one of the networks.
func (t TrustedProxies) Contains(addr netip.Addr) bool {
	addr = addr.WithZone("").Unmap()
	for _, p := range t {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// ContainsRemote is Contains for a socket peer as net/http reports it in
// Request.RemoteAddr ("ip:port"); an unparsable peer is never trusted.
func (t TrustedProxies) ContainsRemote(remoteAddr string) bool {
	if len(t) == 0 {
		return false
	}
	ap, err := netip.ParseAddrPort(remoteAddr)
	return err == nil && t.Contains(ap.Addr())
}
