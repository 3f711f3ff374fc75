package proxy

import (
	"net/http"
	"net/netip"
	"strconv"
	"strings"
)

// setForwarded sets X-Forwarded-For, -Proto, -Host, -Port, Forwarded
// (RFC 7239) and X-Real-Ip on out, the same way on every route. rewrite has
// already removed every client spelling of them from out.
//
// Security: inbound forwarding headers are believed only when the socket
// peer is a configured trusted proxy. Otherwise a client could claim any
// address (defeating upstream IP allow-lists and rate limits) or any
// scheme (poisoning redirects and absolute links). The host is never taken
// from a header, not even a trusted proxy's: it is the canonical form of
// the Host the route was matched on (issue 9), so an upstream never builds
// links for a host the gateway did not route.
func (f *Forwarder) setForwarded(in, out *http.Request) {
	var peer netip.Addr
	trusted := false
	if ap, err := netip.ParseAddrPort(in.RemoteAddr); err == nil {
		peer = ap.Addr().Unmap()
		trusted = f.isTrusted(peer)
	}

	// One backing array for the five values this hop sets: one
	// allocation instead of five (issue 14). Each header gets a
	// capacity-1 window, so an append by anyone later copies.
	vals := new([5]string)
	set := func(i int, name, v string) {
		vals[i] = v
		out.Header[name] = vals[i : i+1 : i+1]
	}

	var peerStr string
	if peer.IsValid() {
		peerStr = peerString(in.RemoteAddr, peer)
		xff := peerStr
		if prior := in.Header["X-Forwarded-For"]; trusted && len(prior) > 0 {
			xff = strings.Join(prior, ", ") + ", " + xff
		}
		set(0, "X-Forwarded-For", xff)
	}

	proto := "http"
	if in.TLS != nil {
		proto = "https"
	}
	if v := in.Header.Get("X-Forwarded-Proto"); trusted && (strings.EqualFold(v, "https") || strings.EqualFold(v, "http")) {
		proto = strings.ToLower(v)
	}
	set(1, "X-Forwarded-Proto", proto)

	host, port := forwardedHostPort(in.Host)
	if v := in.Header.Get("X-Forwarded-Port"); trusted && validPort(v) {
		// A TLS front proxy knows the port its client used; the gateway
		// only sees its own listener's.
		port = v
	}
	if port == "" {
		port = "80"
		if proto == "https" {
			port = "443"
		}
	}
	if host != "" {
		set(2, "X-Forwarded-Host", host)
	}
	set(3, "X-Forwarded-Port", port)

	fwd := forwardedElement(peer, peerStr, host, proto)
	if prior := in.Header["Forwarded"]; trusted && len(prior) > 0 {
		// RFC 7239 §4: each proxy appends its element to the list.
		fwd = strings.Join(prior, ", ") + ", " + fwd
	}
	set(4, "Forwarded", fwd)

	if !trusted {
		// Many upstreams (nginx realip, frameworks) treat X-Real-Ip as the
		// client address; from an untrusted peer it is a spoof.
		out.Header.Del("X-Real-Ip")
	}
	// A variant spelling ("X_Real_IP") is never the trusted proxy's own:
	// which of two spellings wins at a CGI-style upstream is undefined.
	for k := range out.Header {
		if k != "X-Real-Ip" && sameNormalized(k, "x-real-ip") {
			delete(out.Header, k)
		}
	}
}

// peerString is peer.String() without allocating in the common case: an
// IPv4 peer's RemoteAddr ("a.b.c.d:port") starts with that very text,
// which is confirmed digit by digit on the stack before it is reused.
func peerString(remoteAddr string, peer netip.Addr) string {
	if i := strings.LastIndexByte(remoteAddr, ':'); peer.Is4() && i > 0 {
		var buf [len("255.255.255.255")]byte
		if s := remoteAddr[:i]; string(peer.AppendTo(buf[:0])) == s {
			return s
		}
	}
	return peer.String()
}

// forwardedElement is this hop's RFC 7239 element. The usual case (IPv4
// peer, host a token) is one string concatenation; otherwise values are
// quoted as §4 and §6 require.
func forwardedElement(peer netip.Addr, peerStr, host, proto string) string {
	if peer.Is4() && host != "" && isToken(host) {
		return "for=" + peerStr + ";host=" + host + ";proto=" + proto
	}
	elem := make([]byte, 0, 64)
	if peer.IsValid() {
		elem = append(elem, "for="...)
		elem = appendForwardedValue(elem, forwardedNode(peer))
		elem = append(elem, ';')
	}
	if host != "" {
		elem = append(elem, "host="...)
		elem = appendForwardedValue(elem, host)
		elem = append(elem, ';')
	}
	elem = append(elem, "proto="...)
	elem = append(elem, proto...)
	return string(elem)
}

// forwardedHostPort splits a Host header into the canonical host the
// router matched (lower case, no trailing dot, IPv6 in brackets) and the
// port the client named, "" if none or not a valid port.
func forwardedHostPort(hostport string) (host, port string) {
	host, ok := hostKey(hostport) // allocates only for upper case
	if !ok || host == "" {
		return "", ""
	}
	if strings.IndexByte(host, ':') >= 0 {
		host = "[" + host + "]"
	}
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 && strings.IndexByte(hostport[i:], ']') < 0 {
		if p := hostport[i+1:]; validPort(p) && (hostport[0] == '[' || strings.Count(hostport, ":") == 1) {
			port = p
		}
	}
	return host, port
}

// validPort reports whether p is a decimal port 1–65535 without sign or
// leading zero.
func validPort(p string) bool {
	if p == "" || p[0] == '0' || len(p) > 5 {
		return false
	}
	n, err := strconv.Atoi(p)
	return err == nil && n >= 1 && n <= 65535 && p[0] != '+' && p[0] != '-'
}

// forwardedNode is an address as an RFC 7239 §6 node: IPv6 in brackets.
func forwardedNode(a netip.Addr) string {
	if a.Is6() {
		return "[" + a.String() + "]"
	}
	return a.String()
}

// appendForwardedValue appends v as an RFC 7239 value: a token if it is
// one, else a quoted-string ("[2001:db8::1]" and "host:8080" must be
// quoted, §4 and §6).
func appendForwardedValue(b []byte, v string) []byte {
	if isToken(v) {
		return append(b, v...)
	}
	b = append(b, '"')
	for i := 0; i < len(v); i++ {
		if v[i] == '"' || v[i] == '\\' {
			b = append(b, '\\')
		}
		b = append(b, v[i])
	}
	return append(b, '"')
}
