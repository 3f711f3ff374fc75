package difftest_test

import (
	"net/http"
	"testing"

	"github.com/authgate/gatewayd/gateway/proxy/difftest"
)

// TestInterpretersReadKnownCases pins each family to cases from
// UPSTREAMS.md and the advisories it cites, so the differential suite's
// oracle is itself tested.
func TestInterpretersReadKnownCases(t *testing.T) {
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			h[kv[i]] = []string{kv[i+1]}
		}
		return h
	}
	tests := []struct {
		family, method, target string
		h                      http.Header
		wantMethod, wantPath   string
	}{
		// Tomcat/Jetty: ';' parameters per segment, then decode, then dots.
		{"servlet", "GET", "/public/..;/admin", nil, "GET", "/admin"},
		{"servlet", "GET", "/public/..;/admin/secret", nil, "GET", "/admin/secret"},
		{"servlet", "GET", "/a;x/b", nil, "GET", "/a/b"},
		{"servlet", "GET", "/admin;jsessionid=ABC/secret", nil, "GET", "/admin/secret"},
		{"servlet", "GET", "/public/..%3B/admin", nil, "GET", "/admin"},
		{"servlet", "GET", "/public/%2e%2e;/admin", nil, "GET", "/admin"},
		{"servlet", "GET", "/public/x?q=..;/admin", nil, "GET", "/public/x"},
		{"servlet", "GET", "http://app.test/public/..;/admin", nil, "GET", "/admin"},
		{"servlet", "GET", "//public//x/", nil, "GET", "/public/x/"},
		{"servlet", "GET", "/ADMIN/x", nil, "GET", "/ADMIN/x"}, // case-sensitive
		// IIS: X-Original-URL wins, case folds, "\" separates.
		{"iis", "GET", "/public/x", hdr("X-Original-URL", "/admin/secret"), "GET", "/admin/secret"},
		{"iis", "GET", "/public/x", hdr("X_Original_URL", "/admin/secret"), "GET", "/admin/secret"},
		{"iis", "GET", "/public/x", hdr("X-Rewrite-URL", "/Admin/secret"), "GET", "/admin/secret"},
		{"iis", "GET", "/ADMIN/Secret", nil, "GET", "/admin/secret"},
		{"iis", "GET", `/public/..\admin`, nil, "GET", "/admin"},
		{"iis", "GET", "/public/..%5cadmin", nil, "GET", "/admin"},
		// Symfony < CVE-2018-14773: both headers override; method override on POST.
		{"symfony", "GET", "/public/x", hdr("X-Rewrite-URL", "/admin/secret"), "GET", "/admin/secret"},
		{"symfony", "GET", "/public/x", hdr("X-Original-URL", "/admin"), "GET", "/admin"},
		{"symfony", "POST", "/reports/x", hdr("X-HTTP-Method-Override", "delete"), "DELETE", "/reports/x"},
		{"symfony", "GET", "/reports/x", hdr("X-HTTP-Method-Override", "DELETE"), "GET", "/reports/x"},
		{"symfony", "GET", "/public/../admin", nil, "GET", "/public/../admin"}, // no dot resolution
		// nginx: decode, merge slashes, resolve dots.
		{"nginx", "GET", "//admin//x", nil, "GET", "/admin/x"},
		{"nginx", "GET", "/public/%2e%2e/admin", nil, "GET", "/admin"},
		{"nginx", "GET", "/public%2F..%2Fadmin", nil, "GET", "/admin"},
		{"nginx", "GET", "/public/..;/admin", nil, "GET", "/public/..;/admin"}, // ';' is data to nginx
		// Express method-override and friends, any method.
		{"method-override", "GET", "/reports/x", hdr("X-HTTP-Method", "PUT"), "PUT", "/reports/x"},
		{"method-override", "GET", "/reports/x", hdr("x_method_override", "delete"), "DELETE", "/reports/x"},
	}
	families := map[string]difftest.Family{}
	for _, f := range difftest.Families() {
		families[f.Name] = f
	}
	for _, tc := range tests {
		t.Run(tc.family+" "+tc.method+" "+tc.target, func(t *testing.T) {
			f, ok := families[tc.family]
			if !ok {
				t.Fatalf("no family %q", tc.family)
			}
			h := tc.h
			if h == nil {
				h = http.Header{}
			}
			m, p, ok := f.Serve(tc.method, tc.target, h)
			if !ok || m != tc.wantMethod || p != tc.wantPath {
				t.Errorf("= %s %q (ok=%v), want %s %q", m, p, ok, tc.wantMethod, tc.wantPath)
			}
		})
	}
}
