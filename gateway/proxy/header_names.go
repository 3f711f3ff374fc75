package proxy

import (
	"net/http"
	"strings"
)

// maxStackName is the longest header name a nameSet normalizes in a stack
// buffer; longer names (only reachable if a configured name is longer)
// take a slow, allocating path.
const maxStackName = 128

// nameSet is a set of header names compared spelling-insensitively: lower
// case, '_' read as '-' (see normalizeHeaderName), plus an optional prefix
// whose whole namespace belongs to the set. It is the one mechanism behind
// both the identity namespace (HeaderPolicy.Strip) and the headers that
// re-route a request (RerouteHeaders), so a spelling trick that one of them
// catches, the other catches too. Immutable after newNameSet.
type nameSet struct {
	names  map[string]struct{} // normalized
	prefix string              // normalized; "" = none
	maxLen int                 // longest name in names
	// Cheap pre-filters so the common, unrelated header is rejected
	// without normalizing it: possible first bytes (normalized) and
	// possible lengths (bit n set for a name of length n < 64).
	first   [256]bool
	lengths uint64
}

// newNameSet builds the set of names (any spelling) and, if prefix is not
// empty, of every name starting with it.
func newNameSet(prefix string, names []string) nameSet {
	s := nameSet{names: make(map[string]struct{}, len(names)), prefix: normalizeHeaderName(prefix)}
	if s.prefix != "" {
		s.first[s.prefix[0]] = true
	}
	for _, n := range names {
		if n == "" {
			continue
		}
		n = normalizeHeaderName(n)
		s.names[n] = struct{}{}
		s.maxLen = max(s.maxLen, len(n))
		s.first[n[0]] = true
		s.lengths |= 1 << min(len(n), 63)
	}
	return s
}

// contains reports whether header name k is in the set, in any case or
// '_'/'-' spelling. It does not allocate for names up to maxStackName.
func (s *nameSet) contains(k string) bool {
	if k == "" || !s.first[normalizeByte(k[0])] {
		return false
	}
	if p := s.prefix; p != "" && len(k) >= len(p) {
		prefixed := true
		for i := 0; i < len(p); i++ {
			if normalizeByte(k[i]) != p[i] {
				prefixed = false
				break
			}
		}
		if prefixed {
			return true
		}
	}
	if len(k) > s.maxLen || s.lengths&(1<<min(len(k), 63)) == 0 {
		return false
	}
	if len(k) > maxStackName {
		_, ok := s.names[normalizeHeaderName(k)]
		return ok
	}
	var buf [maxStackName]byte
	for i := 0; i < len(k); i++ {
		buf[i] = normalizeByte(k[i])
	}
	_, ok := s.names[string(buf[:len(k)])] // no allocation: map index by converted bytes
	return ok
}

// deleteFrom removes every key of h that is in the set. It inspects every
// key as stored, so it also catches non-canonical keys put into the map
// directly ("X_Original_URL" stays non-canonical because Go only
// canonicalizes keys made of letters, digits and '-').
func (s *nameSet) deleteFrom(h http.Header) {
	for k := range h {
		if s.contains(k) {
			delete(h, k) // deleting the current key during range is safe
		}
	}
}

// normalizeHeaderName is the spelling-insensitive form of a header name:
// lower case, '_' read as '-'. Many servers (CGI, PHP, nginx with
// underscores_in_headers, some frameworks) map "X_User_Id" onto the same
// variable as "X-User-Id", so both spellings are the same header to us.
func normalizeHeaderName(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = normalizeByte(c)
	}
	return string(b)
}

func normalizeByte(c byte) byte {
	switch {
	case 'A' <= c && c <= 'Z':
		return c + 'a' - 'A'
	case c == '_':
		return '-'
	default:
		return c
	}
}

// isToken reports whether s is an RFC 9110 token: the grammar of header
// names and methods (and of a Forwarded host that needs no quoting).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
