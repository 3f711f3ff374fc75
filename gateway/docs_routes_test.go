package gateway_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/docs"
)

// docsPaths are spellings of the documentation paths, including ones a
// catch-all proxy route would otherwise see.
var docsPaths = []string{
	"/openapi.json", "/docs", "/docs/", "/docs/index.html", "/docs/swagger-ui-bundle.js",
	"/docs/no-such-file", "//docs", "/x/../openapi.json", "/docs/../docs", "/%64ocs",
}

func TestDocsEnabledServesSpecAndUI(t *testing.T) {
	env := newOASEnv(t, oasEnvConfig{})
	site := docs.New()

	t.Run("openapi.json is the embedded document under the deny-all CSP", func(t *testing.T) {
		x := env.do(oasOperation{http.MethodGet, docs.SpecPath}, oasRequest{})
		if x.status != http.StatusOK || x.header.Get("Content-Type") != "application/json" {
			t.Fatalf("status %d, Content-Type %q", x.status, x.header.Get("Content-Type"))
		}
		if !bytes.Equal(x.body, site.Spec().Bytes()) || !json.Valid(x.body) {
			t.Fatal("served document differs from the embedded one")
		}
		if csp := x.header.Get("Content-Security-Policy"); csp != "default-src 'none'; frame-ancestors 'none'" {
			t.Fatalf("CSP %q: a JSON document needs no exceptions", csp)
		}
	})

	t.Run("the page and every asset it loads carry the docs CSP", func(t *testing.T) {
		page := env.do(oasOperation{http.MethodGet, docs.UIPath}, oasRequest{})
		if page.status != http.StatusOK || page.header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Fatalf("GET /docs: %d %q", page.status, page.header.Get("Content-Type"))
		}
		if csp := page.header.Get("Content-Security-Policy"); csp != docs.CSP {
			t.Fatalf("page CSP %q, want %q", csp, docs.CSP)
		}
		refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(string(page.body), -1)
		if len(refs) < 3 {
			t.Fatalf("page references only %v", refs)
		}
		for _, m := range refs {
			x := env.do(oasOperation{http.MethodGet, m[1]}, oasRequest{})
			if x.status != http.StatusOK || x.header.Get("Content-Security-Policy") != docs.CSP {
				t.Errorf("GET %s: %d, CSP %q", m[1], x.status, x.header.Get("Content-Security-Policy"))
			}
			if x.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("GET %s: no nosniff", m[1])
			}
		}
	})

	for _, tc := range []struct {
		name, method, path string
		status             int
		code               string
	}{
		{"trailing slash serves the page", http.MethodGet, "/docs/", http.StatusOK, ""},
		{"HEAD of the document", http.MethodHead, "/openapi.json", http.StatusOK, ""},
		{"unknown asset", http.MethodGet, "/docs/swagger-ui.css.map", http.StatusNotFound, "not_found"},
		{"traversal", http.MethodGet, "/docs/..%2fopenapi.json", http.StatusNotFound, "not_found"},
		{"wrong method", http.MethodPost, "/openapi.json", http.StatusMethodNotAllowed, "method_not_allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := env.do(oasOperation{tc.method, tc.path}, oasRequest{})
			if x.status != tc.status {
				t.Fatalf("status %d, want %d: %s", x.status, tc.status, x.body)
			}
			if tc.code != "" {
				assertProblemCode(t, x, tc.code)
			}
		})
	}
}

// TestDocsDisabledIsNotFoundAndNeverProxied: with the docs off, every
// spelling of the docs paths is the gateway's own 404 (not_found from its
// router) even behind a public catch-all route, whose upstream must see
// none of them.
func TestDocsDisabledIsNotFoundAndNeverProxied(t *testing.T) {
	env := newOASEnv(t, oasEnvConfig{docsDisabled: true, proxied: true})
	t.Cleanup(func() {
		if n := int64(env.upstream.Count()); n != 0 {
			t.Errorf("the upstream received %d docs requests", n)
		}
	})
	for _, p := range docsPaths {
		t.Run(p, func(t *testing.T) {
			// ownsPath sees the decoded path, as net/http delivers it.
			decoded, err := url.PathUnescape(p)
			if err != nil {
				t.Fatal(err)
			}
			if !gateway.DocsOwnsPath(env.srv, decoded) {
				t.Fatalf("%s is not gateway-owned, so it would be proxied", p)
			}
			x := env.do(oasOperation{http.MethodGet, p}, oasRequest{})
			if x.status != http.StatusNotFound {
				t.Fatalf("status %d, want 404: %s", x.status, x.body)
			}
			assertProblemCode(t, x, "not_found")
		})
	}
	t.Run("the boundary is a path segment", func(t *testing.T) {
		for _, p := range []string{"/docsite", "/openapi.jsonx", "/api/docs"} {
			if gateway.DocsOwnsPath(env.srv, p) {
				t.Errorf("%s is gateway-owned, but it belongs to the operator's routes", p)
			}
		}
	})
}

// TestDocsPathsAreProxiedNowhereEvenWhenEnabled is the control for the
// test above: the catch-all route does forward its own paths, so zero
// upstream hits there means the docs paths were held back, not that
// nothing could be forwarded.
func TestDocsPathsAreProxiedNowhereEvenWhenEnabled(t *testing.T) {
	env := newOASEnv(t, oasEnvConfig{proxied: true})
	for _, p := range docsPaths {
		env.do(oasOperation{http.MethodGet, p}, oasRequest{})
	}
	if n := int64(env.upstream.Count()); n != 0 {
		t.Fatalf("the upstream received %d docs requests", n)
	}
	x := env.do(oasOperation{http.MethodGet, "/docsite"}, oasRequest{})
	if x.status != http.StatusNoContent || int64(env.upstream.Count()) != 1 {
		t.Fatalf("the catch-all route did not forward /docsite: %d %s", x.status, x.body)
	}
}

func assertProblemCode(t *testing.T, x exchange, code string) {
	t.Helper()
	var p struct{ Code string }
	if err := json.Unmarshal(x.body, &p); err != nil || p.Code != code {
		t.Fatalf("problem code %q, want %q (body %s)", p.Code, code, x.body)
	}
	if ct := x.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json", ct)
	}
}
