package proxy

import (
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

	// Forward the exact path that was matched: Forward has checked that
	// in.URL.Path is canonical. RawPath is dropped so net/url re-escapes
	// the decoded path minimally (escape only what must be); see the
	// package doc.
	out.URL.Path, out.URL.RawPath = f.route.ForwardedPath(in.URL.Path), ""
	pr.SetURL(f.pick().url)

	if !f.route.PassAuthorization {
		// The gateway's access token is for the gateway; an upstream that
		// logs or forwards headers must not get a replayable credential.
		out.Header.Del("Authorization")
	}
	// Security: the headers that would make the upstream act on another
	// path, method, client, scheme or host go before anything is
	// re-asserted (RerouteHeaders, plus proxy.strip_headers). in.Header
	// keeps them: forward-auth and setForwarded read the inbound request.
	f.reroute.deleteFrom(out.Header)
	for _, name := range f.identity {
		if v, ok := in.Header[name]; ok {
			out.Header[name] = v
		}
	}
	f.setForwarded(in, out)
	pr.Out = runOutboundHook(in, out) // last: sees the request as sent (outbound.go)
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

// ForwardedPath is the path the upstream receives for the canonical path
// p matched by r: p itself, or p without the prefix when StripPrefix is
// set. `gatewayd routes check` prints it, so it is the one rule.
func (r *Route) ForwardedPath(p string) string {
	if r.StripPrefix {
		return stripPrefix(p, r.PathPrefix, r.CaseInsensitive)
	}
	return p
}

// stripPrefix removes prefix from the canonical path p, keeping a leading
// "/". It handles the bare match ("/api" for prefix "/api/"). fold
// compares in any ASCII case, as a CaseInsensitive route matched.
func stripPrefix(p, prefix string, fold bool) string {
	has := func(s, pre string) bool {
		if fold {
			return len(s) >= len(pre) && strings.EqualFold(s[:len(pre)], pre)
		}
		return strings.HasPrefix(s, pre)
	}
	if !has(p, prefix) {
		if len(p)+1 == len(prefix) && has(prefix, p) {
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

// isTrusted reports whether addr is inside a trusted proxy network.
func (f *Forwarder) isTrusted(addr netip.Addr) bool {
	for _, p := range f.trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}
