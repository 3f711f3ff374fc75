package proxy

// Router is the immutable route table. Match is safe for concurrent use
// and does not allocate.
//
// Lookup cost does not grow with the number of routes: the host is one map
// probe (exact), one probe per label (wildcards) and the any-host group;
// inside a host group the path is probed once per distinct prefix length,
// longest first.
type Router struct {
	routes []*Route
	exact  map[string]*hostGroup // lower-cased host → group
	wild   map[string]*hostGroup // ".example.com" → group
	any    *hostGroup            // routes without Host
}

// hostGroup holds the routes of one host pattern, indexed by prefix.
type hostGroup struct {
	// prefixes maps a PathPrefix to its routes, method-specific ones first.
	prefixes map[string][]*Route
	// bare maps a PathPrefix ending in "/" minus that slash ("/api/" →
	// "/api") to the same routes, so "/api" itself matches "/api/".
	bare map[string][]*Route
	// lengths are the distinct prefix lengths, longest first.
	lengths []int
}

// Match returns the route for a request, or false if none matches. path
// must already be cleaned (CleanPath); host may carry a port and any case.
//
// A route matches when its host pattern, path prefix and method list all
// accept the request. Among matching routes the most specific host wins
// (exact, then the longest wildcard suffix, then any host), then the
// longest path prefix, then a route with a method list over one without.
// NewRouter has rejected every pair that this order cannot separate, so the
// answer is deterministic.
func (rt *Router) Match(host, path, method string) (*Route, bool) {
	var buf [maxHostLen]byte
	if n, ok := lowerHost(&buf, host); ok && n > 0 {
		if g := rt.exact[string(buf[:n])]; g != nil {
			if r := g.match(path, method); r != nil {
				return r, true
			}
		}
		if rt.wild != nil {
			// The leftmost dot gives the longest suffix, so the first hit
			// is the most specific wildcard. i starts at 1: "*.example.com"
			// needs at least one character before ".example.com".
			for i := 1; i < n; i++ {
				if buf[i] != '.' {
					continue
				}
				if g := rt.wild[string(buf[i:n])]; g != nil {
					if r := g.match(path, method); r != nil {
						return r, true
					}
				}
			}
		}
	}
	if rt.any != nil {
		if r := rt.any.match(path, method); r != nil {
			return r, true
		}
	}
	return nil, false
}

// Routes returns the table's routes in configuration order. The pointers
// are the ones Match returns, so a caller can key one Forwarder per route
// on them. The routes must not be modified.
func (rt *Router) Routes() []*Route {
	out := make([]*Route, len(rt.routes))
	copy(out, rt.routes)
	return out
}

// match finds the best route of the group for path and method.
func (g *hostGroup) match(path, method string) *Route {
	for _, l := range g.lengths {
		var rs []*Route
		switch {
		case l <= len(path):
			rs = g.prefixes[path[:l]]
		case l == len(path)+1:
			rs = g.bare[path]
		default:
			continue
		}
		for _, r := range rs {
			if r.allowsMethod(method) {
				return r
			}
		}
	}
	return nil
}
