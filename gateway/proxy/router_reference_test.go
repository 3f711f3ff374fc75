package proxy_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// generatedRoutes builds n non-overlapping routes spread over exact hosts,
// wildcards, any host, several prefix depths and method lists.
func generatedRoutes(n int) []proxy.Route {
	routes := make([]proxy.Route, 0, n)
	for i := 0; len(routes) < n; i++ {
		r := proxy.Route{Name: fmt.Sprintf("r%d", i)}
		switch i % 4 {
		case 0:
			r.Host = fmt.Sprintf("h%d.example.com", i%7)
		case 1:
			r.Host = fmt.Sprintf("*.w%d.example.com", i%5)
		case 2:
			r.Host = ""
		case 3:
			r.Host = "*.example.com"
		}
		switch i % 3 {
		case 0:
			r.PathPrefix = fmt.Sprintf("/svc%d/", i)
		case 1:
			r.PathPrefix = fmt.Sprintf("/svc%d/v%d/", i-1, i%4)
		case 2:
			r.PathPrefix = fmt.Sprintf("/s%d", i)
		}
		if i%5 == 0 {
			r.Methods = []string{"GET", "HEAD"}
		}
		routes = append(routes, r)
	}
	return routes
}

// bruteMatch is the obviously-correct reference: score every route and
// keep the best, exactly as the Match documentation describes precedence.
func bruteMatch(routes []*proxy.Route, host, path, method string) (*proxy.Route, bool) {
	h := normHost(host)
	var best *proxy.Route
	var bestHost, bestLen, bestMethod int
	for _, r := range routes {
		var hostScore int
		pattern := r.Host
		if !strings.HasPrefix(pattern, "*.") {
			pattern = normHost(pattern)
		} else {
			pattern = asciiLower(pattern)
		}
		switch {
		case pattern == "":
			hostScore = 1
		case strings.HasPrefix(pattern, "*."):
			suffix := pattern[1:]
			if !strings.HasSuffix(h, suffix) || len(h) <= len(suffix) {
				continue
			}
			hostScore = 2 + len(suffix)
		case h != "" && pattern == h:
			hostScore = 1 << 20
		default:
			continue
		}
		p := r.PathPrefix
		if !strings.HasPrefix(path, p) && !(strings.HasSuffix(p, "/") && path+"/" == p) {
			continue
		}
		ok := len(r.Methods) == 0
		for _, m := range r.Methods {
			ok = ok || m == method
		}
		if !ok {
			continue
		}
		methodScore := 0
		if len(r.Methods) > 0 {
			methodScore = 1
		}
		if best == nil || hostScore > bestHost ||
			hostScore == bestHost && (len(p) > bestLen || len(p) == bestLen && methodScore > bestMethod) {
			best, bestHost, bestLen, bestMethod = r, hostScore, len(p), methodScore
		}
	}
	return best, best != nil
}

func TestMatchThousandRoutesAgreesWithReference(t *testing.T) {
	rt := mustRouter(t, generatedRoutes(1000))
	routes := rt.Routes()
	if len(routes) != 1000 {
		t.Fatalf("Routes() has %d routes, want 1000", len(routes))
	}
	hosts := []string{"h0.example.com", "H3.EXAMPLE.COM:443", "a.w1.example.com", "x.y.w4.example.com",
		"other.example.com", "example.com", "elsewhere.test", ""}
	methods := []string{"GET", "POST", "HEAD"}
	rng := rand.New(rand.NewPCG(1, 2))

	// Every route must win for a request aimed squarely at it, or lose only
	// to a route the reference also prefers.
	check := func(host, path, method string) {
		t.Helper()
		want, wantOK := bruteMatch(routes, host, path, method)
		got, ok := rt.Match(host, path, method)
		if ok != wantOK || got != want {
			t.Fatalf("Match(%q, %q, %q) = %v, %v; reference = %v, %v", host, path, method, got, ok, want, wantOK)
		}
	}
	for _, r := range routes {
		host := strings.Replace(r.Host, "*", "x", 1)
		for _, suffix := range []string{"", "deep/er", "/tail"} {
			check(host, r.PathPrefix+suffix, "GET")
			check(host, r.PathPrefix+suffix, "POST")
		}
		check(host, strings.TrimSuffix(r.PathPrefix, "/"), "GET")
	}
	for range 20000 {
		path := routes[rng.IntN(len(routes))].PathPrefix
		if rng.IntN(2) == 0 {
			path += fmt.Sprintf("x%d", rng.IntN(10))
		}
		if n := rng.IntN(3); n > 0 && len(path) > n {
			path = path[:len(path)-n]
		}
		check(hosts[rng.IntN(len(hosts))], path, methods[rng.IntN(len(methods))])
	}
}

// normHost is the reference host normalization: ASCII lower case, IPv6
// brackets or a "name:port" port removed, one trailing dot removed; hosts
// too long for a DNS name are treated as absent.
func normHost(host string) string {
	h := asciiLower(host)
	if strings.HasPrefix(h, "[") {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return ""
		}
		h = h[1:end]
	} else if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[:i], ":") {
		h = h[:i]
	}
	h = strings.TrimSuffix(h, ".")
	if len(h) > 256 {
		return ""
	}
	return h
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
