package proxy

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// CanonicalRequest is the gateway's one reading of a request target (issue
// 9, STYLE.md rule 9). It is computed once per request, by Canonicalize,
// and every decision uses it: which paths the gateway owns, route matching,
// roles, rate-limit keys, forward-auth. Forward then sends Path, so the
// upstream sees exactly the path that was authorized.
type CanonicalRequest struct {
	// Host is the request's host: ASCII lower-cased, port and one trailing
	// dot removed, an IPv6 literal kept in brackets ("[::1]"). Empty when
	// the request had none.
	Host string
	// Path is decoded, with "//" merged (nginx merge_slashes) and dot
	// segments resolved (RFC 3986 §5.2.4, never above "/"). When Params is
	// set, every segment's ";…" was removed before the dots were resolved.
	Path string
	// Params reports that the path carried ';' parameters (literal or
	// %3B). Path is then the Tomcat/Jetty reading, and only a route with
	// AllowPathParams accepts the request (Router.Resolve).
	Params bool
}

// Canonicalize reads host and the ESCAPED request path (r.URL.EscapedPath(),
// never the decoded r.URL.Path: decoding already lost the difference
// between "%2F" and "/", and between "%3B" and ";").
//
// It refuses, wrapping ErrInvalidPath, every spelling that server families
// read differently (/work/shared/UPSTREAMS.md): a path that is not
// absolute, "%2F" or "%5C" inside a segment, a raw backslash, double
// encoding ("%25" followed by two hex digits), a malformed escape, a NUL or
// any other control character, and bytes that do not decode to valid UTF-8
// (overlong forms and surrogates included). An escaped unreserved character
// is decoded before the dots are resolved, so "/%2e%2e/" is "/../".
//
// A path that is already canonical (the usual case) costs one scan and no
// allocation.
func Canonicalize(host, escapedPath string) (CanonicalRequest, error) {
	p, params, err := canonicalPath(escapedPath)
	if err != nil {
		return CanonicalRequest{}, err
	}
	return CanonicalRequest{Host: CanonicalHost(host), Path: p, Params: params}, nil
}

// pathError wraps ErrInvalidPath with the rule that refused the path (for
// logs; a client only ever sees the code invalid_path).
func pathError(rule string) error {
	return fmt.Errorf("proxy: %w: %s", ErrInvalidPath, rule)
}

// canonicalPath is Canonicalize for the path alone.
func canonicalPath(p string) (string, bool, error) {
	if p == "" || p[0] != '/' {
		return "", false, pathError("not an absolute path")
	}
	if isPlainClean(p) {
		return p, false, nil
	}
	// Decode, strip ';' parameters and validate, keeping literal '/' as the
	// only separator ("%2F" is refused, so no decoded byte is a '/').
	var stack [512]byte // most paths decode without a heap buffer
	buf := stack[:0]
	params := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch c {
		case '%':
			if i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2]) {
				return "", false, pathError("malformed percent escape")
			}
			c = unhex(p[i+1])<<4 | unhex(p[i+2])
			i += 2
			switch {
			case c == '/':
				return "", false, pathError("encoded slash (%2F) in a segment")
			case c == '\\':
				return "", false, pathError("encoded backslash (%5C)")
			case c == ';':
				params = true
				i = skipParams(p, i)
				continue
			}
		case '\\':
			return "", false, pathError("backslash")
		case ';':
			params = true
			i = skipParams(p, i)
			continue
		}
		if c < 0x20 || c == 0x7f {
			return "", false, pathError("control character")
		}
		buf = append(buf, c)
	}
	// Double encoding is judged on the decoded path: a '%' in it followed
	// by two hex digits would be re-escaped as "%25XX" on the way out and
	// decoded into another byte by an upstream that decodes twice, however
	// the client spelled it ("%252e", or "%250%41" whose "%41" supplies the
	// second digit; FuzzStripAndMatch found the latter).
	if hasEscape(buf) {
		return "", false, pathError("double encoding (a decoded '%' followed by two hex digits)")
	}
	if !utf8.Valid(buf) {
		return "", false, pathError("invalid or overlong UTF-8")
	}
	return string(resolveDots(buf)), params, nil
}

// skipParams returns the index of the last byte of the ';' parameters
// that start at i: everything up to, not including, the next literal '/'.
// Tomcat and Jetty drop a segment's parameters before mapping (RFC 2396
// §3.3), so "/public/..;x/admin" is /public/../admin there.
func skipParams(p string, i int) int {
	if j := strings.IndexByte(p[i:], '/'); j >= 0 {
		return i + j - 1
	}
	return len(p) - 1
}

// resolveDots merges empty segments and resolves "." and ".." in the
// absolute decoded path b (RFC 3986 §5.2.4; ".." at the root stays at the
// root), in place. A trailing slash is kept, and added after a final "."
// or "..", as §5.2.4 does ("/a/b/.." is "/a/").
func resolveDots(b []byte) []byte {
	// out always ends in '/' and never gets ahead of the input being read,
	// so writing into b itself is safe.
	out := b[:1]
	trailing := false
	for i := 1; i <= len(b); {
		j := i
		for j < len(b) && b[j] != '/' {
			j++
		}
		seg := b[i:j]
		switch {
		case len(seg) == 0, len(seg) == 1 && seg[0] == '.':
			trailing = true
		case len(seg) == 2 && seg[0] == '.' && seg[1] == '.':
			if len(out) > 1 {
				out = out[:len(out)-1]
				out = out[:bytes.LastIndexByte(out, '/')+1]
			}
			trailing = true
		default:
			out = append(out, seg...)
			out = append(out, '/')
			trailing = false
		}
		i = j + 1
	}
	if !trailing && len(out) > 1 {
		out = out[:len(out)-1]
	}
	return out
}

// isPlainClean reports whether p needs neither decoding nor cleaning: no
// escape, parameter, backslash, control or non-ASCII byte, no empty
// segment but a trailing one, no "." or ".." segment. Canonicalize returns
// such a path unchanged without allocating.
func isPlainClean(p string) bool {
	segStart := 1
	for i := 1; i <= len(p); i++ {
		if i < len(p) {
			c := p[i]
			if c != '/' {
				if c == '%' || c == ';' || c == '\\' || c < 0x20 || c >= 0x7f {
					return false
				}
				continue
			}
		}
		seg := p[segStart:i]
		if (seg == "" && i < len(p)) || seg == "." || seg == ".." {
			return false
		}
		segStart = i + 1
	}
	return true
}

// hasEscape reports whether b holds '%' followed by two hex digits.
func hasEscape(b []byte) bool {
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' && isHex(b[i+1]) && isHex(b[i+2]) {
			return true
		}
	}
	return false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// CanonicalHost is host as the gateway matches it: ASCII lower-cased (RFC
// 4343), port removed, trailing dots removed (an FQDN names the same
// host). An IPv6 literal keeps its brackets. An already canonical host is
// returned without allocating.
func CanonicalHost(host string) string {
	h := host
	if strings.HasPrefix(h, "[") {
		if end := strings.IndexByte(h, ']'); end >= 0 {
			h = h[:end+1]
		}
	} else if i := strings.LastIndexByte(h, ':'); i >= 0 && strings.IndexByte(h[:i], ':') < 0 {
		h = h[:i] // "name:port"; a bare IPv6 literal has several colons
	}
	// Every trailing dot, not just one: "a.." → "a." → "a" would make a
	// second pass change the result, and the canonical host must be a
	// fixed point (FuzzStripAndMatch found ".." → "." → "").
	h = strings.TrimRight(h, ".")
	for i := 0; i < len(h); i++ {
		if 'A' <= h[i] && h[i] <= 'Z' {
			return strings.ToLower(h)
		}
	}
	return h
}
