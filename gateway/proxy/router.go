package proxy

import "fmt"

// Router is the immutable route table. Match and Resolve are safe for
// concurrent use and do not allocate, except for one lower-cased copy of
// a path with upper-case letters when the table has a CaseInsensitive
// route.
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
	// fold is set when a route is CaseInsensitive; otherwise matching
	// never lower-cases the path.
	fold bool
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
	// folded and foldedBare index the CaseInsensitive routes by their
	// lower-cased prefix; nil when the group has none.
	folded, foldedBare map[string][]*Route
	// allFolded and allFoldedBare index every route by its lower-cased
	// prefix, for the conflict check of a case-insensitive match.
	allFolded, allFoldedBare map[string][]*Route
}

// Match returns the route for a request, or false if none matches. path
// must already be canonical (Canonicalize); host may carry a port and any
// case. It is Resolve without the path-parameter check, for callers that
// hold a bare path.
//
// A route matches when its host pattern, path prefix and method list all
// accept the request. Among matching routes the most specific host wins
// (exact, then the longest wildcard suffix, then any host), then the
// longest path prefix, then a route with a method list over one without.
// NewRouter has rejected every pair that this order cannot separate, so the
// answer is deterministic.
func (rt *Router) Match(host, path, method string) (*Route, bool) {
	r, err := rt.matchPath(host, path, method)
	return r, err == nil
}

// Resolve is the routing decision for a canonical request. It wraps
// ErrNoRoute when nothing matches, and ErrInvalidPath when the path had
// ';' parameters and the route does not allow them, or when a
// case-insensitive route matched a path whose lower-cased form belongs to
// another route.
//
// Why matching the parameter-stripped path first is safe: the stripped
// path is the only reading the gateway ever acts on. It picks the route,
// the route's policy is enforced on it, and it is what Forward sends, so
// no upstream sees the parameters at all. A route that did not opt in
// refuses the request instead of guessing how its upstream would read it.
func (rt *Router) Resolve(c CanonicalRequest, method string) (*Route, error) {
	r, err := rt.matchPath(c.Host, c.Path, method)
	if err != nil {
		return nil, err
	}
	if c.Params && !r.AllowPathParams {
		return nil, pathError(fmt.Sprintf("';' path parameters, and route %q does not allow them", r.Name))
	}
	return r, nil
}

// matchPath is Match with a reason for the refusal.
func (rt *Router) matchPath(host, path, method string) (*Route, error) {
	lower := path
	if rt.fold {
		lower = asciiLower(path)
	}
	r := rt.lookup(host, path, lower, method, false)
	if r == nil {
		return nil, ErrNoRoute
	}
	if r.CaseInsensitive {
		// The upstream folds case, so it serves lower as well as path.
		// Matched with every route folded, lower must land on this route
		// too: a case-insensitive public "/Public/" must not carry
		// "/PUBLIC/admin/x" past a protected "/public/admin/".
		if other := rt.lookup(host, lower, lower, method, true); other != r {
			return nil, pathError(fmt.Sprintf("case-insensitive route %q: the path in another case belongs to another route", r.Name))
		}
	}
	return r, nil
}

// lookup walks the host groups from the most specific. foldAll compares
// every route's prefix folded (the conflict check of matchPath); otherwise
// only CaseInsensitive routes compare folded, against lower.
func (rt *Router) lookup(host, path, lower, method string, foldAll bool) *Route {
	if h, ok := hostKey(host); ok && h != "" {
		if g := rt.exact[h]; g != nil {
			if r := g.match(path, lower, method, foldAll); r != nil {
				return r
			}
		}
		if rt.wild != nil {
			// The leftmost dot gives the longest suffix, so the first hit
			// is the most specific wildcard. i starts at 1: "*.example.com"
			// needs at least one character before ".example.com".
			for i := 1; i < len(h); i++ {
				if h[i] != '.' {
					continue
				}
				if g := rt.wild[h[i:]]; g != nil {
					if r := g.match(path, lower, method, foldAll); r != nil {
						return r
					}
				}
			}
		}
	}
	if rt.any != nil {
		return rt.any.match(path, lower, method, foldAll)
	}
	return nil
}

// Routes returns the table's routes in configuration order. The pointers
// are the ones Match returns, so a caller can key one Forwarder per route
// on them. The routes must not be modified.
func (rt *Router) Routes() []*Route {
	out := make([]*Route, len(rt.routes))
	copy(out, rt.routes)
	return out
}

// match finds the best route of the group for path (and its ASCII
// lower-cased form lower) and method.
func (g *hostGroup) match(path, lower, method string, foldAll bool) *Route {
	for _, l := range g.lengths {
		var exact, folded []*Route
		switch {
		case l <= len(path):
			if foldAll {
				folded = g.allFolded[lower[:l]]
			} else {
				exact = g.prefixes[path[:l]]
				if g.folded != nil {
					folded = g.folded[lower[:l]]
				}
			}
		case l == len(path)+1:
			if foldAll {
				folded = g.allFoldedBare[lower]
			} else {
				exact = g.bare[path]
				if g.foldedBare != nil {
					folded = g.foldedBare[lower]
				}
			}
		default:
			continue
		}
		for _, r := range exact {
			if r.allowsMethod(method) {
				return r
			}
		}
		for _, r := range folded {
			if r.allowsMethod(method) {
				return r
			}
		}
	}
	return nil
}

// asciiLower lower-cases ASCII letters only, so the result has the length
// of s and its prefixes line up with s's (strings.ToLower may change the
// byte length of non-ASCII text). It allocates only when s has an upper-
// case letter.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
