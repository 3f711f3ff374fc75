package docs

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"net/http"
	"strings"
	"time"
)

// The embedded files. Strings, not []byte, because strings are immutable:
// no caller can alter what every later request is served.
var (
	//go:embed openapi.json
	openAPIJSON string
	//go:embed swagger-ui/index.html
	indexHTML string
	//go:embed swagger-ui/init.js
	initJS string
	//go:embed swagger-ui/swagger-ui.css
	swaggerCSS string
	//go:embed swagger-ui/swagger-ui-bundle.js
	swaggerBundleJS string
	//go:embed swagger-ui/swagger-ui-bundle.js.LICENSE.txt
	swaggerBundleLicenses string
	//go:embed swagger-ui/favicon-32x32.png
	faviconPNG string
	//go:embed swagger-ui/LICENSE
	swaggerLicense string
	//go:embed swagger-ui/NOTICE
	swaggerNotice string
	//go:embed swagger-ui/VERSION
	swaggerVersion string
)

// Paths where package gateway mounts the documentation. They are
// gateway-owned whether or not the docs are enabled, so they are never
// proxied to an upstream.
const (
	// SpecPath serves the OpenAPI document.
	SpecPath = "/openapi.json"
	// UIPath serves the Swagger UI page; its assets live below UIPath + "/".
	UIPath = "/docs"
)

// CSP is the Content-Security-Policy of the docs pages. It is the gateway's
// deny-all default opened just enough for Swagger UI:
//   - script-src 'self': only the embedded bundle and init.js; there is no
//     inline script, so no 'unsafe-inline' and no CDN.
//   - style-src 'self': no 'unsafe-inline' either. Swagger UI 5 sets its
//     dynamic styles through the CSSOM (React style props), which CSP does
//     not block; this was checked in headless Chromium with every
//     operation and model expanded and no violation reported. If a future
//     swagger-ui-dist needs inline <style>, prefer a hash over
//     'unsafe-inline'.
//   - img-src 'self' data:: the stylesheet's icons are data: URIs.
//   - connect-src 'self': the page fetches /openapi.json, and "Try it out"
//     can only call this gateway, never a third party.
//   - base-uri, form-action, frame-ancestors 'none': no <base> hijack, no
//     form posts elsewhere, no clickjacking.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// File is one embedded document ready to be served. It is an http.Handler
// that answers GET and HEAD with validators (ETag), so browsers revalidate
// cheaply instead of downloading the 1.7 MB bundle on every visit.
type File struct {
	name        string
	contentType string
	body        string
	etag        string
}

// Name is the file's name below UIPath ("openapi.json" for the document).
func (f File) Name() string { return f.name }

// ContentType is the media type the file is served with.
func (f File) ContentType() string { return f.contentType }

// Bytes returns a copy of the content, for tests and tools that inspect
// what the server sends.
func (f File) Bytes() []byte { return []byte(f.body) }

// ServeHTTP writes the file. http.ServeContent handles HEAD, Range and
// If-None-Match; the zero modification time keeps Last-Modified out,
// because embedded files have no meaningful one.
func (f File) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("ETag", f.etag)
	// no-cache means "revalidate", not "do not store": asset names carry
	// no version, so a cached copy must be checked after an upgrade.
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, f.name, time.Time{}, strings.NewReader(f.body))
}

// Site is the whole embedded documentation. Build it once with New; it is
// read-only and safe for concurrent use.
type Site struct {
	spec   File
	assets map[string]File
}

// New indexes the embedded files and computes their ETags. It cannot fail:
// the files are compiled in, and the package tests prove they are present.
func New() *Site {
	s := &Site{
		spec:   newFile("openapi.json", "application/json", openAPIJSON),
		assets: make(map[string]File),
	}
	for _, f := range []File{
		newFile("index.html", "text/html; charset=utf-8", indexHTML),
		newFile("init.js", "text/javascript; charset=utf-8", initJS),
		newFile("swagger-ui.css", "text/css; charset=utf-8", swaggerCSS),
		newFile("swagger-ui-bundle.js", "text/javascript; charset=utf-8", swaggerBundleJS),
		newFile("swagger-ui-bundle.js.LICENSE.txt", "text/plain; charset=utf-8", swaggerBundleLicenses),
		newFile("favicon-32x32.png", "image/png", faviconPNG),
		// Apache-2.0 §4: redistributions carry the licence and NOTICE.
		newFile("LICENSE", "text/plain; charset=utf-8", swaggerLicense),
		newFile("NOTICE", "text/plain; charset=utf-8", swaggerNotice),
		newFile("VERSION", "text/plain; charset=utf-8", swaggerVersion),
	} {
		s.assets[f.name] = f
	}
	return s
}

// Spec is the OpenAPI document, served at SpecPath.
func (s *Site) Spec() File { return s.spec }

// Asset finds the file for the path below UIPath + "/": "" (the page at
// UIPath or UIPath + "/") is index.html. Only the fixed set of embedded
// names exists; anything else, traversal attempts included, is not found.
func (s *Site) Asset(name string) (File, bool) {
	if name == "" {
		name = "index.html"
	}
	f, ok := s.assets[name]
	return f, ok
}

// SwaggerUIVersion is the swagger-ui-dist release the assets come from.
func SwaggerUIVersion() string { return strings.TrimSpace(swaggerVersion) }

func newFile(name, contentType, body string) File {
	sum := sha256.Sum256([]byte(body))
	return File{
		name:        name,
		contentType: contentType,
		body:        body,
		// A strong validator from the content itself, so it changes
		// exactly when an upgrade changes the bytes.
		etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`,
	}
}
