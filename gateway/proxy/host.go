package proxy

import (
	"fmt"
	"strings"
)

// maxHostLen bounds the host Match normalizes on the stack; 253 is the
// longest DNS name, the rest is room for a bracketed IPv6 literal. A longer
// Host header can only match routes for any host.
const maxHostLen = 256

// lowerHost writes the canonical form of a request's Host into buf and
// returns its length: port removed, IPv6 brackets removed, one trailing
// dot removed (an FQDN names the same host), ASCII lower-cased (host names
// are case-insensitive, RFC 4343). ok is false when host does not fit.
func lowerHost(buf *[maxHostLen]byte, host string) (n int, ok bool) {
	if strings.HasPrefix(host, "[") {
		end := strings.IndexByte(host, ']')
		if end < 0 {
			return 0, false
		}
		host = host[1:end]
	} else if i := strings.LastIndexByte(host, ':'); i >= 0 && strings.IndexByte(host[:i], ':') < 0 {
		// Exactly one colon: "name:port". A bare IPv6 literal has several
		// and carries no port.
		host = host[:i]
	}
	host = strings.TrimSuffix(host, ".")
	if len(host) > maxHostLen {
		return 0, false
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return len(host), true
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
