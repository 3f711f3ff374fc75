package gateway

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authgate/gatewayd/gateway/docs"
)

// mountDocs registers the OpenAPI document and the Swagger UI. routes calls
// it only when Options.DocsEnabled; when it is off, the paths stay
// gateway-owned (see isDocsPath) and Echo's router answers 404.
//
// The UI routes get docs.CSP instead of the deny-all default: the page must
// run its own (embedded, same-origin) script and styles. The JSON document
// keeps the default policy, since nothing in it should ever execute.
func (s *Server) mountDocs(e *echo.Echo) {
	site := docs.New()
	getOrHead := []string{http.MethodGet, http.MethodHead}
	e.Match(getOrHead, docs.SpecPath, echo.WrapHandler(site.Spec()))
	ui := withCSP(docs.CSP)
	e.Match(getOrHead, docs.UIPath, serveDocsAsset(site), ui)
	e.Match(getOrHead, docs.UIPath+"/*", serveDocsAsset(site), ui)
}

// serveDocsAsset serves one embedded UI file. Unknown names return
// echo.ErrNotFound, so the client gets the usual problem+json 404.
func serveDocsAsset(site *docs.Site) echo.HandlerFunc {
	return func(c echo.Context) error {
		f, ok := site.Asset(c.Param("*"))
		if !ok {
			return echo.ErrNotFound
		}
		f.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}

// isDocsPath reports whether p is one of the documentation paths. They are
// gateway-owned even when the docs are disabled: an operator's catch-all
// route must not turn "docs off" into "docs proxied to some upstream", and
// a client must see the same 404 whatever the configuration. ASCII case
// is folded, as for every gateway path (ownedPaths.ownsCanonical).
func isDocsPath(p string) bool {
	return strings.EqualFold(p, docs.SpecPath) || strings.EqualFold(p, docs.UIPath) || hasPrefixFold(p, docs.UIPath+"/")
}
