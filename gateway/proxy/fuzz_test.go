package proxy_test

import (
	"net/http"
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

func FuzzStripAndMatch(f *testing.F) {
	f.Add("X_user_id", "/public/../admin", "app.example.com:443", "GET")
	f.Add("x-USER-roles", "//api//v1/./users/", "API.EXAMPLE.COM.", "POST")
	f.Add("Remote_User", "/api", "[::1]:8080", "DELETE")
	f.Add("X-Principal", "/a/b/../../../..", "x.tenant.example.com", "get")

	names := proxy.IdentityHeaders{UserID: "X-Principal", Email: "X-Principal-Email", Roles: "X-Principal-Groups"}
	policy := proxy.NewHeaderPolicy(names)
	rt, err := proxy.NewRouter([]proxy.Route{
		{Name: "root", PathPrefix: "/"},
		{Name: "api", PathPrefix: "/api/"},
		{Name: "api-post", PathPrefix: "/api/", Methods: []string{"POST"}},
		{Name: "admin", Host: "app.example.com", PathPrefix: "/admin/"},
		{Name: "tenants", Host: "*.tenant.example.com", PathPrefix: "/t"},
		{Name: "ipv6", Host: "[::1]", PathPrefix: "/api/v1/"},
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

		clean, ok := proxy.CleanPath(path)
		if !ok {
			if strings.HasPrefix(path, "/") && !strings.ContainsAny(path, "\x00\\") {
				t.Fatalf("CleanPath rejected valid absolute path %q", path)
			}
			return
		}
		if !strings.HasPrefix(clean, "/") || strings.Contains(clean, "//") ||
			strings.Contains(clean+"/", "/./") || strings.Contains(clean+"/", "/../") {
			t.Fatalf("CleanPath(%q) = %q is not clean", path, clean)
		}
		if again, _ := proxy.CleanPath(clean); again != clean {
			t.Fatalf("CleanPath not idempotent: %q → %q → %q", path, clean, again)
		}

		r, ok := rt.Match(host, clean, method)
		if !ok {
			// "root" takes any host, path and method: a clean path always matches.
			t.Fatalf("Match(%q, %q, %q) found nothing", host, clean, method)
		}
		if want, _ := bruteMatch(rt.Routes(), host, clean, method); r != want {
			t.Fatalf("Match(%q, %q, %q) = %s, reference says %s", host, clean, method, r.Name, want.Name)
		}
		if !strings.HasPrefix(clean, r.PathPrefix) && clean+"/" != r.PathPrefix {
			t.Fatalf("Match(%q, %q) = %s whose prefix %q does not cover the path", host, clean, r.Name, r.PathPrefix)
		}
		if len(r.Methods) > 0 && !containsString(r.Methods, method) {
			t.Fatalf("Match(%q) = %s which does not allow the method", method, r.Name)
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
