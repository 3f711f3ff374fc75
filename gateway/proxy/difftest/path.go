package difftest

import (
	"net/http"
	"strings"
)

// pathOf returns the path of a request-target: origin-form as is,
// absolute-form ("http://host/p") without scheme and authority, query and
// fragment removed. ok is false for a target with no path.
func pathOf(target string) (string, bool) {
	if i := strings.Index(target, "://"); i > 0 && !strings.Contains(target[:i], "/") {
		rest := target[i+3:]
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			return "/", true
		}
		target = rest[j:]
	}
	if i := strings.IndexAny(target, "?#"); i >= 0 {
		target = target[:i]
	}
	if target == "" || target[0] != '/' {
		return "", false
	}
	return target, true
}

// decode percent-decodes s once; a malformed escape is kept literally, as
// the lenient servers do.
func decode(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

// resolve joins path segments (as split on "/", the first one empty),
// merging empty segments and resolving "." and ".." (never above the
// root, RFC 3986 §5.2.4). A trailing "/", ".", or ".." keeps a trailing
// slash.
func resolve(segs []string) string {
	out := make([]string, 0, len(segs))
	trailing := false
	for i, s := range segs {
		last := i == len(segs)-1
		switch s {
		case "", ".":
			trailing = last && i > 0
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
			trailing = last
		default:
			out = append(out, s)
			trailing = false
		}
	}
	p := "/" + strings.Join(out, "/")
	if trailing && p != "/" {
		p += "/"
	}
	return p
}

// headerAnySpelling returns the first of names present in h in any case
// or '_' spelling (CGI maps X_Original_URL and X-Original-URL onto one
// variable).
func headerAnySpelling(h http.Header, names ...string) (string, bool) {
	for _, n := range names {
		want := normalize(n)
		for k, v := range h {
			if normalize(k) == want && len(v) > 0 {
				return v[0], true
			}
		}
	}
	return "", false
}

func normalize(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "_", "-")
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
