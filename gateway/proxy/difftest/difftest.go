// Package difftest models how the server families behind the gateway read
// a request they receive, for the differential test suite of issue 9: the
// gateway authorizes one reading of a request, and each interpreter here
// returns the method and path a real upstream family would act on. Any
// difference that lands on a route with a stricter policy is an
// authentication bypass.
//
// The interpreters are deliberately the most permissive reading of their
// family that a default or common configuration produces (see
// /work/shared/UPSTREAMS.md and the sources cited on each); a test built on
// them errs towards reporting a bypass that some version would not have.
// They are test support, never used to serve traffic.
package difftest

import (
	"net/http"
	"strings"
)

// Family is one upstream server family's reading of a request.
type Family struct {
	// Name is short and stable: "servlet", "iis", "symfony", "nginx",
	// "method-override".
	Name string
	// Serve returns the method and path the family acts on for a request
	// received with method, raw request-target and header. ok is false
	// when the family would refuse the request itself (a 400 there is not
	// a bypass).
	Serve func(method, target string, h http.Header) (servedMethod, servedPath string, ok bool)
}

// Families returns every modelled family.
func Families() []Family {
	return []Family{
		{"servlet", func(m, target string, _ http.Header) (string, string, bool) {
			p, ok := Servlet(target)
			return m, p, ok
		}},
		{"iis", func(m, target string, h http.Header) (string, string, bool) {
			p, ok := IIS(target, h)
			return m, p, ok
		}},
		{"symfony", func(m, target string, h http.Header) (string, string, bool) {
			p, ok := Symfony(target, h)
			return SymfonyMethod(m, h), p, ok
		}},
		{"nginx", func(m, target string, _ http.Header) (string, string, bool) {
			p, ok := Nginx(target)
			return m, p, ok
		}},
		{"method-override", func(m, target string, h http.Header) (string, string, bool) {
			p, ok := Nginx(target)
			return MethodOverride(m, h), p, ok
		}},
	}
}

// Servlet is how Tomcat and Jetty map a request-target: the path
// parameters after ';' are removed from each segment (RFC 2396 §3.3;
// Tomcat CoyoteAdapter.parsePathParameters), the segment is percent-decoded
// and, as Jetty does for a decoded "%3B", stripped of parameters again;
// empty segments are merged and "." / ".." resolved (Tomcat
// CoyoteAdapter.normalize). So "/public/..;/admin" is "/admin".
func Servlet(target string) (string, bool) {
	raw, ok := pathOf(target)
	if !ok {
		return "", false
	}
	var segs []string
	for _, seg := range strings.Split(raw, "/") {
		seg, _, _ = strings.Cut(seg, ";")
		seg = decode(seg)
		seg, _, _ = strings.Cut(seg, ";")
		segs = append(segs, strings.Split(seg, "/")...) // a decoded "%2F" (Jetty)
	}
	return resolve(segs), true
}

// IIS is how IIS with the URL Rewrite module reads a request: the URL in
// X-Original-URL or X-Rewrite-URL replaces the request-target, the path is
// decoded, "\" is a separator like "/", dots are resolved, and matching
// folds case (returned lower-cased).
func IIS(target string, h http.Header) (string, bool) {
	if v, ok := headerAnySpelling(h, "X-Original-URL", "X-Rewrite-URL"); ok {
		target = v
	}
	raw, ok := pathOf(target)
	if !ok {
		return "", false
	}
	p := strings.ReplaceAll(decode(raw), `\`, "/")
	return strings.ToLower(resolve(strings.Split(p, "/"))), true
}

// Symfony is how Symfony before CVE-2018-14773 (and Zend Framework 1,
// ZF2018-01) reads the path: X-Original-URL, then X-Rewrite-URL, override
// the request-target (Request::prepareRequestUri), and the router matches
// the raw-url-decoded path info without resolving dots.
func Symfony(target string, h http.Header) (string, bool) {
	if v, ok := headerAnySpelling(h, "X-Original-URL"); ok {
		target = v
	} else if v, ok := headerAnySpelling(h, "X-Rewrite-URL"); ok {
		target = v
	}
	raw, ok := pathOf(target)
	if !ok {
		return "", false
	}
	return decode(raw), true
}

// SymfonyMethod is Request::getMethod with http_method_override enabled: a
// POST with X-HTTP-Method-Override becomes that method.
func SymfonyMethod(method string, h http.Header) string {
	if method != http.MethodPost {
		return method
	}
	if v, ok := headerAnySpelling(h, "X-HTTP-Method-Override"); ok && v != "" {
		return strings.ToUpper(v)
	}
	return method
}

// MethodOverride is Express's method-override middleware configured for
// all three common headers, and the many PHP frameworks that do the same
// on any method: the header's method replaces the request's.
func MethodOverride(method string, h http.Header) string {
	if v, ok := headerAnySpelling(h, "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"); ok && v != "" {
		return strings.ToUpper(v)
	}
	return method
}

// Nginx is how nginx matches a location: the URI is decoded (so "%2F" is
// a separator), slashes are merged (merge_slashes on, the default) and
// dots resolved (ngx_http_parse_complex_uri).
func Nginx(target string) (string, bool) {
	raw, ok := pathOf(target)
	if !ok {
		return "", false
	}
	return resolve(strings.Split(decode(raw), "/")), true
}
