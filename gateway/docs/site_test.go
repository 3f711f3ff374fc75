package docs_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/gateway/docs"
)

func TestAssetsAreServedWithTheirTypes(t *testing.T) {
	site := docs.New()
	for _, tc := range []struct {
		name        string
		contentType string
		contains    string
	}{
		{"", "text/html; charset=utf-8", `<div id="swagger-ui">`},
		{"index.html", "text/html; charset=utf-8", `<div id="swagger-ui">`},
		{"init.js", "text/javascript; charset=utf-8", "SwaggerUIBundle("},
		{"swagger-ui-bundle.js", "text/javascript; charset=utf-8", "SwaggerUIBundle"},
		{"swagger-ui.css", "text/css; charset=utf-8", ".swagger-ui"},
		{"favicon-32x32.png", "image/png", "PNG"},
		{"LICENSE", "text/plain; charset=utf-8", "Apache License"},
		{"NOTICE", "text/plain; charset=utf-8", "swagger-ui"},
		{"swagger-ui-bundle.js.LICENSE.txt", "text/plain; charset=utf-8", "@license"},
		{"VERSION", "text/plain; charset=utf-8", docs.SwaggerUIVersion()},
	} {
		t.Run("/docs/"+tc.name, func(t *testing.T) {
			f, ok := site.Asset(tc.name)
			if !ok {
				t.Fatal("not found")
			}
			w := httptest.NewRecorder()
			f.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/docs/"+tc.name, nil))
			if w.Code != http.StatusOK {
				t.Fatalf("status %d", w.Code)
			}
			if got := w.Header().Get("Content-Type"); got != tc.contentType || f.ContentType() != tc.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tc.contentType)
			}
			if !strings.Contains(w.Body.String(), tc.contains) {
				t.Errorf("body lacks %q", tc.contains)
			}
			if w.Body.Len() != len(f.Bytes()) {
				t.Errorf("served %d bytes of %d", w.Body.Len(), len(f.Bytes()))
			}
			if w.Header().Get("ETag") == "" || w.Header().Get("Cache-Control") != "no-cache" {
				t.Errorf("caching headers: %v", w.Header())
			}
		})
	}
}

func TestSpecIsServedAsJSON(t *testing.T) {
	spec := docs.New().Spec()
	w := httptest.NewRecorder()
	spec.ServeHTTP(w, httptest.NewRequest(http.MethodGet, docs.SpecPath, nil))
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, Content-Type %q", w.Code, w.Header().Get("Content-Type"))
	}
	if !strings.HasPrefix(w.Body.String(), "{") || spec.Name() != "openapi.json" {
		t.Fatalf("unexpected spec %q: %.40s", spec.Name(), w.Body)
	}
}

// TestUnknownAssetsAreNotFound: only the fixed set of embedded names
// exists, so no spelling reaches anything else (source maps, the spec
// under another name, traversal).
func TestUnknownAssetsAreNotFound(t *testing.T) {
	site := docs.New()
	for _, name := range []string{
		"index.htm", "swagger-ui.css.map", "swagger-ui-bundle.js.map", "swagger-initializer.js",
		"swagger-ui-standalone-preset.js", "openapi.json", "../openapi.json", "./init.js",
		"/init.js", "INIT.JS", "init.js/", "swagger-ui/init.js", "%69nit.js",
	} {
		t.Run(name, func(t *testing.T) {
			if f, ok := site.Asset(name); ok {
				t.Fatalf("found %q", f.Name())
			}
		})
	}
}

func TestConditionalAndHeadRequests(t *testing.T) {
	f, _ := docs.New().Asset("swagger-ui-bundle.js")
	first := httptest.NewRecorder()
	f.ServeHTTP(first, httptest.NewRequest(http.MethodGet, "/docs/swagger-ui-bundle.js", nil))
	etag := first.Header().Get("ETag")
	if !regexp.MustCompile(`^"[A-Za-z0-9_-]+"$`).MatchString(etag) {
		t.Fatalf("ETag %q is not a strong validator", etag)
	}

	t.Run("If-None-Match answers 304 without a body", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodGet, "/docs/swagger-ui-bundle.js", nil)
		r.Header.Set("If-None-Match", etag)
		w := httptest.NewRecorder()
		f.ServeHTTP(w, r)
		if w.Code != http.StatusNotModified || w.Body.Len() != 0 {
			t.Fatalf("status %d, %d bytes", w.Code, w.Body.Len())
		}
	})
	t.Run("HEAD sends headers only", func(t *testing.T) {
		w := httptest.NewRecorder()
		f.ServeHTTP(w, httptest.NewRequest(http.MethodHead, "/docs/swagger-ui-bundle.js", nil))
		if w.Code != http.StatusOK || w.Body.Len() != 0 || w.Header().Get("Content-Length") == "" {
			t.Fatalf("status %d, %d bytes, headers %v", w.Code, w.Body.Len(), w.Header())
		}
	})
	t.Run("ETags differ between files", func(t *testing.T) {
		other, _ := docs.New().Asset("swagger-ui.css")
		w := httptest.NewRecorder()
		other.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/docs/swagger-ui.css", nil))
		if w.Header().Get("ETag") == etag {
			t.Fatal("two different files share an ETag")
		}
	})
}

// TestSwaggerUIVersionMatchesBundle keeps VERSION honest: it must name the
// release the embedded bundle says it is.
func TestSwaggerUIVersionMatchesBundle(t *testing.T) {
	v := docs.SwaggerUIVersion()
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(v) {
		t.Fatalf("VERSION %q is not a release number", v)
	}
	bundle, _ := docs.New().Asset("swagger-ui-bundle.js")
	if !strings.Contains(string(bundle.Bytes()), `"`+v+`"`) {
		t.Fatalf("swagger-ui-bundle.js does not mention version %s", v)
	}
}
