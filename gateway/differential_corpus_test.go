package gateway_test

import (
	"net/http"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// diffCase is one raw request of the differential corpus: the method and
// request-target exactly as written on the wire, and extra headers with
// their names exactly as written.
type diffCase struct {
	method, target string
	header         [][2]string
}

// diffRoutes is a realistic route mix for a legacy backend: public pages,
// an admin area, a logged-in area, resources whose reads are public and
// writes admin-only (so the methods: lists matter), an optional-auth feed
// and a public catch-all.
func diffRoutes() []proxy.Route {
	return withCanonicalPathRouteOptions([]proxy.Route{
		{Name: "public", PathPrefix: "/public/", Auth: proxy.AuthPublic},
		{Name: "admin", PathPrefix: "/admin/", Roles: []string{"admin"}},
		{Name: "account", PathPrefix: "/account/"},
		{Name: "reports-read", PathPrefix: "/reports/", Methods: []string{http.MethodGet, http.MethodHead}, Auth: proxy.AuthPublic},
		{Name: "reports-write", PathPrefix: "/reports/", Roles: []string{"admin"}},
		{Name: "comments-post", PathPrefix: "/comments/", Methods: []string{http.MethodGet, http.MethodPost}, Auth: proxy.AuthPublic},
		{Name: "comments-moderate", PathPrefix: "/comments/", Roles: []string{"admin"}},
		{Name: "feed", PathPrefix: "/feed/", Auth: proxy.AuthOptional},
		{Name: "catch-all", PathPrefix: "/", Auth: proxy.AuthPublic},
	})
}

// withCanonicalPathRouteOptions sets the route options of issue 9 item 2
// the way an operator of these backends would: the protected routes fold
// case (the suite models IIS, which does), and a servlet application opts
// in to ';' path parameters (Tomcat's ;jsessionid=).
func withCanonicalPathRouteOptions(routes []proxy.Route) []proxy.Route {
	for i := range routes {
		switch routes[i].Name {
		case "admin", "account", "reports-write", "comments-moderate":
			routes[i].CaseInsensitive = true
		}
	}
	return append(routes, proxy.Route{Name: "servlet-app", PathPrefix: "/app/", AllowPathParams: true})
}

// diffCorpus returns the requests of the differential suite: hand-written
// adversarial spellings, a combinatorial product of traversal spellings
// with route prefixes and targets, and the re-routing headers on benign
// targets.
func diffCorpus() []diffCase {
	var cs []diffCase
	get := func(targets ...string) {
		for _, t := range targets {
			cs = append(cs, diffCase{method: http.MethodGet, target: t})
		}
	}
	// Plain requests, so "refused" and "forwarded" both have a baseline.
	get("/public/x", "/public/", "/public", "/admin/secret", "/account/me", "/reports/q1",
		"/comments/1", "/feed/", "/", "/index.html")
	// Dots and slashes.
	get("/public/../admin/secret", "/public/./x", "/public//x", "//admin/secret", "///admin/secret",
		"/./admin/secret", "/public/x/../../admin/secret", "/account/../admin/secret")
	// Path parameters, Tomcat/Jetty style.
	get("/public/..;/admin/secret", "/public/..;x=1/admin/secret", "/public/%2e%2e;/admin/secret",
		"/public/..%3B/admin/secret", "/public/..%3b/admin/secret", "/public/%2E%2E%3B/admin/secret",
		"/admin;x/secret", "/admin;jsessionid=0123ABC/secret", "/admin%3Bx/secret", "/public;jsessionid=1/x",
		"/public/x;jsessionid=1", "/account/..;/admin/secret", "/reports/..;/admin/secret",
		"/feed/..;/admin/secret", "/public/..;/..;/admin/secret", "/;/admin/secret", "/.;/admin/secret")
	// A servlet route that opts in to ';' parameters: they are stripped and
	// the dots resolved before matching, so none of these can leave /app/.
	get("/app/x;jsessionid=1", "/app;x/y", "/app/..;/admin/secret", "/app/x/..;/..;/admin/secret",
		"/app/%2e%2e;/account/me", "/app/..%3B/admin/secret", "/APP/..;/admin/secret", "/app/;/../admin/secret")
	// Encoded separators and double encoding.
	get("/public/%2e%2e%2fadmin/secret", "/public%2F..%2Fadmin/secret", "/public/..%2Fadmin/secret",
		"/public/..%5Cadmin/secret", "/public/..%5cadmin/secret", `/public/..\admin/secret`, `/public\..\admin\secret`,
		"/public/%252e%252e/admin/secret", "/public/%252e%252e;/admin/secret", "/public/%252e%252e%253B/admin/secret",
		"/admin%2Fsecret", "/admin%252Fsecret")
	// Case and encoded letters.
	get("/%61dmin/secret", "/%41DMIN/secret", "/ADMIN/secret", "/Admin/secret", "/aDmIn/secret",
		"/public/../ADMIN/secret", "/ACCOUNT/me", "/Reports/q1")
	// Trailing dots, spaces, NUL, overlong and look-alike Unicode.
	get("/admin./secret", "/admin../secret", "/admin%2e/secret", "/admin%20/secret", "/admin%00/secret",
		"/public/%00/../admin/secret", "/public/%C0%AE%C0%AE/admin/secret", "/public/%c0%ae%c0%ae/admin/secret",
		"/public/%E2%80%A5/admin/secret", "/\xd0\xb0dmin/secret", "/admin\xe2\x88\x95secret",
		"/public/\xef\xbc\x8e\xef\xbc\x8e/admin/secret", "/public/%EF%BC%8E%EF%BC%8E/admin/secret")
	// Absolute-form targets, queries and fragments.
	get("http://app.test/admin/secret", "http://app.test/public/..;/admin/secret", "http://evil.test/public/x",
		"https://app.test//admin/secret", "http://app.test/public/%2e%2e/admin/secret",
		"/public/x?next=/admin/secret", "/public/x?;/../admin/secret", "/public/x?a=..;/admin")

	// Combinatorial: every traversal spelling from every route prefix
	// towards every protected target.
	for _, from := range []string{"/public/", "/reports/", "/feed/", "/", "/comments/"} {
		for _, up := range []string{"..", "..;", "..;x", "%2e%2e", "%2e%2e;", "..%3B", "..%3b", ".%2e", "%2e.", "%2E%2E", "%252e%252e"} {
			for _, to := range []string{"admin/secret", "account/me", "reports/q1"} {
				get(from + up + "/" + to)
			}
		}
	}

	// Re-routing and method-override headers, in several spellings, on
	// targets that are public as the gateway reads them.
	reroute := [][2]string{
		{"X-Original-URL", "/admin/secret"}, {"X_Original_URL", "/admin/secret"}, {"x-original-url", "/admin/secret"},
		{"X-Original-URL", "http://app.test/admin/secret"}, {"X-Rewrite-URL", "/admin/secret"},
		{"X_Rewrite_URL", "/admin/secret"}, {"X-REWRITE-URL", "/account/me"},
	}
	override := [][2]string{
		{"X-HTTP-Method-Override", "DELETE"}, {"X-HTTP-Method", "DELETE"}, {"X-Method-Override", "DELETE"},
		{"x_http_method_override", "PUT"}, {"X-Http-Method-Override", "patch"},
	}
	for _, h := range append(reroute, override...) {
		for _, t := range []string{"/public/x", "/reports/q1", "/comments/1", "/feed/", "/"} {
			cs = append(cs, diffCase{method: http.MethodGet, target: t, header: [][2]string{h}})
		}
		cs = append(cs, diffCase{method: http.MethodPost, target: "/comments/1", header: [][2]string{h}})
	}
	// Both at once, and the headers other families route on.
	cs = append(cs,
		diffCase{method: http.MethodPost, target: "/comments/1", header: [][2]string{{"X-Original-URL", "/admin/secret"}, {"X-HTTP-Method-Override", "DELETE"}}},
		diffCase{method: http.MethodGet, target: "/public/x", header: [][2]string{{"X-Forwarded-Prefix", "/admin"}}},
		diffCase{method: http.MethodGet, target: "/public/x", header: [][2]string{{"X-Host", "admin.internal"}, {"X-Forwarded-Host", "admin.internal"}}},
	)
	return cs
}
