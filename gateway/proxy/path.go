package proxy

import (
	"path"
	"strings"
)

// CleanPath returns the canonical form of a request path, the one the
// gateway both matches and forwards: "//" collapsed, "." and ".." resolved
// (".." never climbs above "/", as in RFC 3986 §5.2.4), and a trailing
// slash kept. It reports false for a path that is not absolute or that
// contains a NUL or a backslash.
//
// Why reject backslashes: some upstream stacks (IIS, some Windows and Java
// servers) treat "\" as "/", so "/public/..\admin" would be matched here as
// a /public path and resolved there as /admin. Refusing the request is the
// only way to keep both sides agreeing on the path.
//
// A path that is already clean is returned as is, without allocating.
func CleanPath(p string) (string, bool) {
	if p == "" || p[0] != '/' {
		return "", false
	}
	if strings.IndexByte(p, 0) >= 0 || strings.IndexByte(p, '\\') >= 0 {
		return "", false
	}
	if isClean(p) {
		return p, true
	}
	c := path.Clean(p)
	// path.Clean drops the trailing slash; put it back, as net/http's
	// ServeMux does, because "/api/" and "/api" can be different resources.
	if c != "/" && p[len(p)-1] == '/' {
		c += "/"
	}
	return c, true
}

// isClean reports whether the absolute path p has no empty segment (other
// than a trailing slash) and no "." or ".." segment, i.e. whether
// CleanPath would return it unchanged.
func isClean(p string) bool {
	for i := 1; i <= len(p); {
		end := len(p)
		if j := strings.IndexByte(p[i:], '/'); j >= 0 {
			end = i + j
		}
		seg := p[i:end]
		if seg == "" && end < len(p) {
			return false
		}
		if seg == "." || seg == ".." {
			return false
		}
		i = end + 1
	}
	return true
}
