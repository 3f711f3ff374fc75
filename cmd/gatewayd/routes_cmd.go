package main

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// exitNoRoute is `routes check`'s answer for a request the gateway would
// not forward: scripts can tell "denied by default" from a usage error.
const exitNoRoute = 3

const routesUsage = `usage: gatewayd routes check METHOD URL

URL is absolute (http://api.example.com/orders/1) or a path (/orders/1,
matching routes for any host). Exit code 0: a route matches; 3: the gateway
would not forward the request (no route, or a path it answers itself).`

// routesCheck prints which route a request would take, using the same
// canonicalization and matching as the running gateway.
func routesCheck(configPath string, args []string, e env) int {
	if len(args) == 1 && isHelp(args[0]) {
		fmt.Fprintln(e.stdout, routesUsage)
		return exitOK
	}
	if len(args) != 3 || args[0] != "check" {
		fmt.Fprintln(e.stderr, routesUsage)
		return exitUsage
	}
	method, target := args[1], args[2]
	u, err := url.Parse(target)
	if err != nil || (u.Host == "" && !strings.HasPrefix(u.Path, "/")) {
		fmt.Fprintf(e.stderr, "gatewayd: routes check: %q is neither an absolute URL nor a path\n", target)
		return exitUsage
	}
	p, ok := loadPlan(configPath, e)
	if !ok {
		return exitFailure
	}
	router := p.router

	if gateway.IsGatewayPath(u.EscapedPath()) {
		fmt.Fprintf(e.stdout, "no route (404): %s is answered by the gateway itself and never proxied\n", u.Path)
		return exitNoRoute
	}
	canon, err := proxy.Canonicalize(u.Host, u.EscapedPath())
	if err != nil {
		fmt.Fprintf(e.stdout, "no route (400): %q is not a valid request path\n", u.EscapedPath())
		return exitNoRoute
	}
	route, err := router.Resolve(canon, method)
	switch {
	case errors.Is(err, proxy.ErrNoRoute):
		fmt.Fprintln(e.stdout, "no route (404)")
		return exitNoRoute
	case err != nil:
		fmt.Fprintf(e.stdout, "no route (400): %q is not a valid request path for its route\n", u.EscapedPath())
		return exitNoRoute
	}
	printRoute(e.stdout, route, canon.Path)
	return exitOK
}

// printRoute describes the matched route and what the upstream would see.
func printRoute(w io.Writer, r *proxy.Route, canonPath string) {
	roles := "(any)"
	if len(r.Roles) > 0 {
		roles = strings.Join(r.Roles, ", ")
	}
	upstreams := make([]string, len(r.Upstreams))
	for i, u := range r.Upstreams {
		upstreams[i] = u.String()
	}
	forwarded := r.ForwardedPath(canonPath)
	fmt.Fprintf(w, "route:          %s\n", r.Name)
	fmt.Fprintf(w, "auth:           %s\n", r.Auth)
	fmt.Fprintf(w, "roles:          %s\n", roles)
	fmt.Fprintf(w, "upstream:       %s\n", strings.Join(upstreams, ", "))
	fmt.Fprintf(w, "strip_prefix:   %t\n", r.StripPrefix)
	fmt.Fprintf(w, "forwarded path: %s\n", forwarded)
}
