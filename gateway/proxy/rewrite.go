package proxy

import (
	"net/http"
	"net/http/httputil"
	"net/netip"
	"strings"
)

// rewrite is the ReverseProxy Rewrite hook. It only shapes the outbound
// request; authentication already happened in the gateway (the
// oathkeeper lesson: no auth decisions inside the proxy's rewrite step).
// ReverseProxy has already dropped hop-by-hop headers, Connection-listed
// headers and the inbound Forwarded/X-Forwarded-* from out.
func (f *Forwarder) rewrite(pr *httputil.ProxyRequest) {
	in, out := pr.In, pr.Out

	// Forward the exact path that was matched: cleaned and decoded. RawPath
	// is dropped so net/url re-escapes it, which turns "%2F" into "/";
	// see the package doc.
	p, _ := CleanPath(in.URL.Path) // Forward rejected unclean-able paths
	if f.route.StripPrefix {
		p = stripPrefix(p, f.route.PathPrefix)
	}
	out.URL.Path, out.URL.RawPath = p, ""
	pr.SetURL(f.pick().url)

	if !f.route.PassAuthorization {
		// The gateway's access token is for the gateway; an upstream that
		// logs or forwards headers must not get a replayable credential.
		out.Header.Del("Authorization")
	}
	for _, name := range f.identity {
		if v, ok := in.Header[name]; ok {
			out.Header[name] = v
		}
	}
	dropForwardingSpellings(out.Header)
	f.setForwarded(in, out)
	pr.Out = runOutboundHook(in, out) // last: sees the request as sent (outbound.go)
}

// dropForwardingSpellings deletes every key that is a variant spelling of
// a forwarding header ("X_Forwarded_For", a lower-case key put into the
// map directly, ...). ReverseProxy only removes the canonical keys, and
// CGI-style upstreams (PHP, nginx with underscores_in_headers) read
// "X_Forwarded_For" as the same variable as "X-Forwarded-For": which one
// wins there is undefined, so a spoofed variant must not arrive at all.
func dropForwardingSpellings(h http.Header) {
	for k := range h {
		if k == "" || (k[0]|0x20 != 'x' && k[0]|0x20 != 'f') {
			continue
		}
		for _, fh := range [...]struct{ normalized, canonical string }{
			{"x-forwarded-for", "X-Forwarded-For"},
			{"x-forwarded-host", "X-Forwarded-Host"},
			{"x-forwarded-proto", "X-Forwarded-Proto"},
			{"x-real-ip", "X-Real-Ip"},
			{"forwarded", "Forwarded"},
		} {
			if k != fh.canonical && sameNormalized(k, fh.normalized) {
				delete(h, k)
				break
			}
		}
	}
}

// sameNormalized reports whether k, lower-cased with '_' as '-', equals
// the already-normalized n.
func sameNormalized(k, n string) bool {
	if len(k) != len(n) {
		return false
	}
	for i := 0; i < len(k); i++ {
		if normalizeByte(k[i]) != n[i] {
			return false
		}
	}
	return true
}

// stripPrefix removes prefix from the cleaned path p, keeping a leading
// "/". It handles the bare match ("/api" for prefix "/api/").
func stripPrefix(p, prefix string) string {
	if !strings.HasPrefix(p, prefix) {
		if len(p)+1 == len(prefix) && strings.HasPrefix(prefix, p) {
			return "/"
		}
		return p
	}
	if strings.HasSuffix(prefix, "/") {
		return p[len(prefix)-1:] // reuse the prefix's slash: no allocation
	}
	rest := p[len(prefix):]
	switch {
	case rest == "":
		return "/"
	case rest[0] == '/':
		return rest
	default:
		return "/" + rest // prefix "/api" on "/apiv2" → "/v2"
	}
}

// setForwarded sets X-Forwarded-For/-Host/-Proto on out.
//
// Security: inbound forwarding headers are believed only when the socket
// peer is a configured trusted proxy. Otherwise a client could claim any
// address (defeating upstream IP allow-lists and rate limits) or any
// scheme/host (poisoning redirects and absolute links).
func (f *Forwarder) setForwarded(in, out *http.Request) {
	var peer string
	trusted := false
	if ap, err := netip.ParseAddrPort(in.RemoteAddr); err == nil {
		addr := ap.Addr().Unmap()
		peer = addr.String()
		trusted = f.isTrusted(addr)
	}

	if peer != "" {
		xff := peer
		if prior := in.Header["X-Forwarded-For"]; trusted && len(prior) > 0 {
			xff = strings.Join(prior, ", ") + ", " + peer
		}
		out.Header["X-Forwarded-For"] = []string{xff}
	}

	host := in.Host
	if v := in.Header.Get("X-Forwarded-Host"); trusted && v != "" {
		host = v
	}
	if host != "" {
		out.Header["X-Forwarded-Host"] = []string{host}
	}

	proto := "http"
	if in.TLS != nil {
		proto = "https"
	}
	if v := in.Header.Get("X-Forwarded-Proto"); trusted && (strings.EqualFold(v, "https") || strings.EqualFold(v, "http")) {
		proto = strings.ToLower(v)
	}
	out.Header["X-Forwarded-Proto"] = []string{proto}

	if !trusted {
		// Many upstreams (nginx realip, frameworks) treat X-Real-Ip as the
		// client address; from an untrusted peer it is a spoof.
		out.Header.Del("X-Real-Ip")
	}
}

// isTrusted reports whether addr is inside a trusted proxy network.
func (f *Forwarder) isTrusted(addr netip.Addr) bool {
	for _, p := range f.trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}
