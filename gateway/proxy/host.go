package proxy

import (
	"fmt"
	"strings"
)

// maxHostLen bounds a host the router looks up; 253 is the longest DNS
// name, the rest is room for a bracketed IPv6 literal. A longer Host
// header can only match routes for any host.
const maxHostLen = 256

// hostKey is CanonicalHost without an IPv6 literal's brackets: the form
// route host patterns are stored in. It is derived from CanonicalHost, the
// one host canonicalizer (issue 10: a second, hand-rolled copy used to sit
// here). ok is false for a host longer than maxHostLen or an unclosed
// IPv6 bracket; such a request can only match routes for any host.
func hostKey(host string) (key string, ok bool) {
	h := CanonicalHost(host)
	if strings.HasPrefix(h, "[") {
		if !strings.HasSuffix(h, "]") {
			return "", false
		}
		h = h[1 : len(h)-1]
	}
	if len(h) > maxHostLen {
		return "", false
	}
	return h, true
}

// hostPattern is a route's Host, validated and in canonical form.
type hostPattern struct {
	// key is "" for any host, the lower-cased name for an exact host, or
	// the suffix including its leading dot (".example.com") for a wildcard.
	key      string
	wildcard bool
}

// parseHostPattern validates a route's Host and returns its canonical form.
// Ports are rejected rather than silently ignored: matching ignores the
// request's port, so a port in the config would promise a restriction that
// does not exist.
func parseHostPattern(h string) (hostPattern, error) {
	if h == "" {
		return hostPattern{}, nil
	}
	if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
		inner := h[1 : len(h)-1]
		if inner == "" || strings.ContainsAny(inner, "[]/ *") {
			return hostPattern{}, fmt.Errorf("host %q is not a valid IPv6 literal", h)
		}
		return hostPattern{key: strings.ToLower(inner)}, nil
	}
	name, wildcard := strings.CutPrefix(h, "*.")
	name = strings.TrimSuffix(name, ".")
	switch {
	case name == "":
		return hostPattern{}, fmt.Errorf("host %q has no name", h)
	case strings.Contains(name, ":"):
		return hostPattern{}, fmt.Errorf("host %q must not contain a port (ports are ignored when matching)", h)
	case strings.Contains(name, "*"):
		return hostPattern{}, fmt.Errorf("host %q: a wildcard is only allowed as a leading \"*.\"", h)
	case strings.ContainsAny(name, "/ \t[]@"), strings.Contains(name, ".."), strings.HasPrefix(name, "."):
		return hostPattern{}, fmt.Errorf("host %q is not a valid host name", h)
	case len(name) > maxHostLen-2:
		return hostPattern{}, fmt.Errorf("host %q is too long", h)
	}
	name = strings.ToLower(name)
	if wildcard {
		return hostPattern{key: "." + name, wildcard: true}, nil
	}
	return hostPattern{key: name}, nil
}

// String describes the pattern for error messages.
func (p hostPattern) String() string {
	switch {
	case p.key == "":
		return "any host"
	case p.wildcard:
		return fmt.Sprintf("host %q", "*"+p.key)
	default:
		return fmt.Sprintf("host %q", p.key)
	}
}
