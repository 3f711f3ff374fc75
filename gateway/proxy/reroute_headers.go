package proxy

// RerouteHeader is one request header that makes some upstream act on a
// different request than the one the gateway authorized: another path,
// another method, another client address, scheme, host or port.
type RerouteHeader struct {
	// Name is the canonical spelling. Every spelling is removed: any case,
	// and '_' for '-' (CGI/PHP and nginx with underscores_in_headers map
	// "X_Original_URL" onto the same variable as "X-Original-URL").
	Name string
	// Why names the upstream family that honours it; SECURITY.md's table
	// "Headers that re-route a request" is written from this list.
	Why string
}

// RerouteHeaders is THE built-in list of headers removed from every
// request the gateway forwards (issue 9, item 3). It cannot be shortened
// by configuration; ForwarderOptions.StripHeaders can only add names.
//
// Security: the gateway authorizes method, path and client as it sees
// them. Each header below makes some upstream family replace one of them
// after the decision, so a client that sets it gets a decision made for
// one request applied to another. The gateway sets its own X-Forwarded-For,
// -Proto, -Host, -Port and Forwarded afterwards (setForwarded); everything
// else here never reaches an upstream, from any peer. Trusted proxies
// (server.trusted_proxies) do not get an exception: an upstream behind the
// gateway must learn its original URL from the gateway's forwarded path,
// and a front proxy's X-Original-URL is only for /auth/verify, which reads
// the inbound request, never the forwarded one.
func RerouteHeaders() []RerouteHeader {
	return []RerouteHeader{
		// The path.
		{"X-Original-URL", "IIS URL Rewrite, Symfony < 3.4.14/4.1.3 (CVE-2018-14773), Zend Framework 1 (ZF2018-01) route on it instead of the request line"},
		{"X-Rewrite-URL", "IIS, Symfony (CVE-2018-14773) and Zend Framework 1 route on it instead of the request line"},
		{"X-Forwarded-Prefix", "Spring (ForwardedHeaderFilter), Symfony, ASP.NET Core prepend it to the path and to generated URLs"},
		// The scheme, host and port an app builds redirects and absolute links from.
		{"X-Forwarded-Port", "Rails/Rack, Spring, Symfony, Django build redirect URLs from it; the gateway sets its own"},
		{"X-Forwarded-Ssl", "Rack and Symfony read \"on\" as HTTPS (secure cookies, scheme checks)"},
		{"X-Forwarded-Scheme", "Rack and nginx setups read it as the scheme"},
		{"X-Forwarded-Server", "Apache mod_proxy convention; Spring and Jetty read it as the server name"},
		{"X-Host", "Symfony (trusted header sets), some PHP apps and Varnish setups read it as the host"},
		// The client address, for upstream allow-lists, audit logs and limits.
		{"True-Client-IP", "Akamai and Cloudflare Enterprise convention; many apps and WAF rules read it as the client IP"},
		{"X-Client-IP", "Express (request-ip), Rack and PHP frameworks read it as the client IP"},
		{"X-Cluster-Client-IP", "Rack (Rack::Request#ip) and some load balancers read it as the client IP"},
		{"CF-Connecting-IP", "apps written for Cloudflare read it as the client IP"},
		{"Fastly-Client-IP", "apps written for Fastly read it as the client IP"},
		// The method: these would defeat a route's methods: list.
		{"X-HTTP-Method-Override", "Express method-override, Symfony (http_method_override), Spring, Google APIs, many PHP frameworks turn the request into that method"},
		{"X-HTTP-Method", "Microsoft OData and ASP.NET Web API, some PHP frameworks turn the request into that method"},
		{"X-Method-Override", "Express method-override and some PHP frameworks turn the request into that method"},
		// Set by the gateway itself (setForwarded): every client spelling goes.
		{"X-Forwarded-For", "every proxy-aware framework; the gateway sets its own (extended only from trusted proxies)"},
		{"X-Forwarded-Host", "Rails/Rack, Spring, Django, Symfony build redirect URLs from it; the gateway sets the host that matched"},
		{"X-Forwarded-Proto", "every proxy-aware framework decides http/https from it; the gateway sets its own"},
		{"Forwarded", "RFC 7239 form of all of the above; the gateway sets its own"},
	}
}

// rerouteNames returns the names of RerouteHeaders plus extra, the
// operator's additions.
func rerouteNames(extra []string) []string {
	builtin := RerouteHeaders()
	names := make([]string, 0, len(builtin)+len(extra))
	for _, h := range builtin {
		names = append(names, h.Name)
	}
	return append(names, extra...)
}
