package proxy_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// inIdentityNamespace is the test's independent statement of the
// namespace: lower-case, '_' as '-', then "x-user-*" or a known name.
func inIdentityNamespace(k string, names proxy.IdentityHeaders) bool {
	n := strings.ReplaceAll(strings.ToLower(k), "_", "-")
	if strings.HasPrefix(n, "x-user-") {
		return true
	}
	known := []string{
		names.UserID, names.Email, names.Roles,
		"x-forwarded-user", "x-forwarded-email", "x-forwarded-groups",
		"remote-user", "remote-email", "remote-groups",
		"x-auth-request-user", "x-auth-request-email", "x-auth-request-groups",
	}
	for _, name := range known {
		if n == strings.ToLower(name) {
			return true
		}
	}
	return false
}

// FuzzStripAndMatch checks, for any header name, escaped path, host and
// method: Strip leaves nothing of the identity namespace; Canonicalize
// returns a clean path and is idempotent on the spelling Forward sends
// (url.URL{Path}.EscapedPath()); and that spelling, parsed and
// canonicalized again as the upstream side would, resolves to the same
// route (issue 9: forward what you authorized).
func FuzzStripAndMatch(f *testing.F) {
	f.Add("X_user_id", "/public/../admin", "app.example.com:443", "GET")
	f.Add("x-USER-roles", "//api//v1/./users/", "API.EXAMPLE.COM.", "POST")
	f.Add("Remote_User", "/api", "[::1]:8080", "DELETE")
	f.Add("X-Principal", "/a/b/../../../..", "x.tenant.example.com", "get")
	f.Add("X-User-Id", "/public/..;/admin/x", "app.example.com", "GET")
	f.Add("X-User-Id", "/LEGACY/..%3B/Admin/%2e%2e/x", "app.example.com", "GET")
	f.Add("X-User-Id", "/a%2Fb/%252e/%C0%AE", "h", "GET")
	f.Add("X-User-Id", "/legacy/x%20y%3F/", "h", "GET")

	names := proxy.IdentityHeaders{UserID: "X-Principal", Email: "X-Principal-Email", Roles: "X-Principal-Groups"}
	policy := proxy.NewHeaderPolicy(names)
	rt, err := proxy.NewRouter([]proxy.Route{
		{Name: "root", PathPrefix: "/"},
		{Name: "api", PathPrefix: "/api/"},
		{Name: "api-post", PathPrefix: "/api/", Methods: []string{"POST"}},
		{Name: "admin", Host: "app.example.com", PathPrefix: "/admin/"},
		{Name: "tenants", Host: "*.tenant.example.com", PathPrefix: "/t"},
		{Name: "ipv6", Host: "[::1]", PathPrefix: "/api/v1/"},
		{Name: "legacy", PathPrefix: "/Legacy/", CaseInsensitive: true, AllowPathParams: true},
		{Name: "servlet", PathPrefix: "/public/", AllowPathParams: true},
	})
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, key, path, host, method string) {
		h := http.Header{
			key:                               {"spoofed"},
			http.CanonicalHeaderKey(key):      {"spoofed"},
			strings.ToUpper(key):              {"spoofed"},
			strings.ReplaceAll(key, "-", "_"): {"spoofed"},
		}
		policy.Strip(h)
		for k := range h {
			if inIdentityNamespace(k, names) {
				t.Fatalf("Strip left %q (from %q)", k, key)
			}
		}

		c, err := proxy.Canonicalize(host, path)
		if err != nil {
			if !errors.Is(err, proxy.ErrInvalidPath) {
				t.Fatalf("Canonicalize(%q) error %v does not wrap ErrInvalidPath", path, err)
			}
			return
		}
		clean := c.Path
		if !strings.HasPrefix(clean, "/") || strings.Contains(clean, "//") || strings.Contains(clean, ";") ||
			strings.Contains(clean+"/", "/./") || strings.Contains(clean+"/", "/../") {
			t.Fatalf("Canonicalize(%q) = %q is not clean", path, clean)
		}
		if proxy.CanonicalHost(c.Host) != c.Host {
			t.Fatalf("CanonicalHost not idempotent: %q → %q", c.Host, proxy.CanonicalHost(c.Host))
		}
		forwarded := (&url.URL{Path: clean}).EscapedPath()
		again, err := proxy.Canonicalize(c.Host, forwarded)
		if err != nil || again.Path != clean || again.Params || again.Host != c.Host {
			t.Fatalf("not idempotent: %q → %q → forwarded %q → %+v, %v", path, clean, forwarded, again, err)
		}

		r, err := rt.Resolve(c, method)
		// The upstream side: parse the request target Forward sends and
		// canonicalize it again. It must resolve to the same route.
		u, perr := url.ParseRequestURI(forwarded)
		if perr != nil {
			t.Fatalf("forwarded path %q does not parse: %v", forwarded, perr)
		}
		up, uerr := proxy.Canonicalize(c.Host, u.EscapedPath())
		if uerr != nil {
			t.Fatalf("forwarded path %q refused on re-read: %v", forwarded, uerr)
		}
		r2, err2 := rt.Resolve(up, method)
		if err != nil {
			if !errors.Is(err, proxy.ErrInvalidPath) {
				t.Fatalf("Resolve(%+v) = %v; the root route takes every clean path", c, err)
			}
			if !c.Params && r2 != nil {
				t.Fatalf("Resolve refused %q, but its forwarded form resolves to %s", clean, r2.Name)
			}
			return
		}
		if err2 != nil || r2 != r {
			t.Fatalf("%q resolved to %s, its forwarded form %q to %v, %v", path, r.Name, forwarded, r2, err2)
		}
		if !r.CaseInsensitive {
			if want, _ := bruteMatch(rt.Routes(), host, clean, method); r != want {
				t.Fatalf("Resolve(%q, %q, %q) = %s, reference says %s", host, clean, method, r.Name, want.Name)
			}
			if !strings.HasPrefix(clean, r.PathPrefix) && clean+"/" != r.PathPrefix {
				t.Fatalf("Resolve(%q, %q) = %s whose prefix %q does not cover the path", host, clean, r.Name, r.PathPrefix)
			}
		} else if l := strings.ToLower(clean); !strings.HasPrefix(l, strings.ToLower(r.PathPrefix)) && l+"/" != strings.ToLower(r.PathPrefix) {
			t.Fatalf("Resolve(%q) = %s whose prefix %q does not cover the path in any case", clean, r.Name, r.PathPrefix)
		}
		if len(r.Methods) > 0 && !containsString(r.Methods, method) {
			t.Fatalf("Resolve(%q) = %s which does not allow the method", method, r.Name)
		}
	})
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
