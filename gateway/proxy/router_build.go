package proxy

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/authgate/gatewayd/internal/fielderr"
)

// NewRouter validates routes and builds the table. It reports every
// problem at once (errors.Join): invalid routes wrap ErrInvalidRoute, and
// each pair of routes that could match the same request with equal
// precedence wraps ErrRouteOverlap and names both routes.
//
// Two routes overlap when they have the same host pattern, the same path
// prefix, and method sets that intersect (no list means every method). A
// route with a method list and one without, for the same host and prefix,
// do not overlap: the method-specific route wins for its methods.
func NewRouter(routes []Route) (*Router, error) {
	rt := &Router{routes: make([]*Route, len(routes))}
	patterns := make([]hostPattern, len(routes))
	var errs []error
	names := make(map[string]bool, len(routes))
	for i := range routes {
		r := cloneRoute(routes[i])
		rt.routes[i] = r
		p, err := validateRoute(r)
		if err != nil {
			errs = append(errs, fmt.Errorf("proxy: route %q: %w: %w", r.Name, ErrInvalidRoute, err))
		}
		if names[r.Name] {
			errs = append(errs, fmt.Errorf("proxy: route %q: %w: duplicate name", r.Name, ErrInvalidRoute))
		}
		names[r.Name] = true
		patterns[i] = p
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	groups := make(map[hostPattern]*hostGroup)
	for i, r := range rt.routes {
		g := groups[patterns[i]]
		if g == nil {
			g = &hostGroup{prefixes: make(map[string][]*Route)}
			groups[patterns[i]] = g
		}
		for _, other := range g.prefixes[r.PathPrefix] {
			if err := overlap(other, r, patterns[i]); err != nil {
				errs = append(errs, err)
			}
		}
		g.prefixes[r.PathPrefix] = append(g.prefixes[r.PathPrefix], r)
		// A case-insensitive route also collides with every route whose
		// prefix differs only in case ("/Admin/" and "/admin/").
		key := asciiLower(r.PathPrefix)
		for _, other := range g.allFolded[key] {
			if other.PathPrefix != r.PathPrefix && (r.CaseInsensitive || other.CaseInsensitive) {
				if err := overlap(other, r, patterns[i]); err != nil {
					errs = append(errs, err)
				}
			}
		}
		if g.allFolded == nil {
			g.allFolded = make(map[string][]*Route)
		}
		g.allFolded[key] = append(g.allFolded[key], r)
		if r.CaseInsensitive {
			rt.fold = true
			if g.folded == nil {
				g.folded = make(map[string][]*Route)
			}
			g.folded[key] = append(g.folded[key], r)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	for p, g := range groups {
		g.finish()
		switch {
		case p.key == "":
			rt.any = g
		case p.wildcard:
			if rt.wild == nil {
				rt.wild = make(map[string]*hostGroup)
			}
			rt.wild[p.key] = g
		default:
			if rt.exact == nil {
				rt.exact = make(map[string]*hostGroup)
			}
			rt.exact[p.key] = g
		}
	}
	return rt, nil
}

// finish orders each prefix's routes (method-specific first, stable in
// config order), fills the bare-prefix index and the length list.
func (g *hostGroup) finish() {
	seen := make(map[int]bool)
	for prefix, rs := range g.prefixes {
		slices.SortStableFunc(rs, func(a, b *Route) int {
			return boolOrder(len(a.Methods) == 0) - boolOrder(len(b.Methods) == 0)
		})
		if len(prefix) > 1 && strings.HasSuffix(prefix, "/") {
			if g.bare == nil {
				g.bare = make(map[string][]*Route)
			}
			g.bare[prefix[:len(prefix)-1]] = rs
		}
		if !seen[len(prefix)] {
			seen[len(prefix)] = true
			g.lengths = append(g.lengths, len(prefix))
		}
	}
	slices.Sort(g.lengths)
	slices.Reverse(g.lengths)
	g.allFoldedBare = foldIndex(g.allFolded)
	g.foldedBare = foldIndex(g.folded)
}

// foldIndex orders the routes of each lower-cased prefix like finish
// orders prefixes, and returns the bare-prefix index of m ("/api/" →
// "/api"), or nil for an empty m.
func foldIndex(m map[string][]*Route) map[string][]*Route {
	if len(m) == 0 {
		return nil
	}
	bare := make(map[string][]*Route)
	for prefix, rs := range m {
		slices.SortStableFunc(rs, func(a, b *Route) int {
			return boolOrder(len(a.Methods) == 0) - boolOrder(len(b.Methods) == 0)
		})
		if len(prefix) > 1 && strings.HasSuffix(prefix, "/") {
			bare[prefix[:len(prefix)-1]] = rs
		}
	}
	return bare
}

func boolOrder(b bool) int {
	if b {
		return 1
	}
	return 0
}

// overlap reports whether a and b, which share host pattern and prefix,
// would tie for some request.
func overlap(a, b *Route, p hostPattern) error {
	var methods string
	switch {
	case len(a.Methods) == 0 && len(b.Methods) == 0:
		methods = "any method"
	case len(a.Methods) == 0 || len(b.Methods) == 0:
		return nil // the route with a method list wins for its methods
	default:
		var common []string
		for _, m := range a.Methods {
			if slices.Contains(b.Methods, m) && !slices.Contains(common, m) {
				common = append(common, m)
			}
		}
		if len(common) == 0 {
			return nil
		}
		methods = "method " + strings.Join(common, ", ")
	}
	return fmt.Errorf("proxy: routes %q and %q: %w: both match %s, path prefix %q and %s",
		a.Name, b.Name, ErrRouteOverlap, p, a.PathPrefix, methods)
}

// validateRoute checks the fields the router depends on and returns the
// canonical host pattern. Route.Validate adds what a forwarder and the
// configuration need (route_validate.go). Errors are *fielderr.Error.
func validateRoute(r *Route) (hostPattern, error) {
	var errs []error
	if r.Name == "" {
		errs = append(errs, fielderr.New("Name", "is required"))
	}
	p, err := parseHostPattern(r.Host)
	if err != nil {
		errs = append(errs, fielderr.Wrap("Host", err))
	}
	if c, params, err := canonicalPath(r.PathPrefix); err != nil || params || c != r.PathPrefix {
		// A prefix that is not canonical ("/a//b", "/a/../b", "/a;x/",
		// "/a%2Fb/") could never match a canonical request path, so it is
		// a config mistake, not a route.
		errs = append(errs, fielderr.New("PathPrefix", "%q must be a canonical absolute path (no //, . or .. segments, ';', '%%' escapes, ? or #)", r.PathPrefix))
	}
	errs = append(errs, ValidMethods("Methods", r.Methods))
	if r.Auth < AuthRequired || r.Auth > AuthPublic {
		errs = append(errs, fielderr.New("Auth", "unknown auth mode %d", int(r.Auth)))
	}
	if r.Timeout < 0 {
		errs = append(errs, fielderr.New("Timeout", "%s is negative (0 means the transport's response header timeout)", r.Timeout))
	}
	return p, errors.Join(errs...)
}

// cloneRoute copies r and its slices, so the caller's later edits cannot
// change a built table.
func cloneRoute(r Route) *Route {
	r.Methods = slices.Clone(r.Methods)
	r.Roles = slices.Clone(r.Roles)
	r.Upstreams = slices.Clone(r.Upstreams)
	return &r
}
