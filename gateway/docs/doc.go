// Package docs embeds the gateway's API documentation: a hand-written
// OpenAPI 3.1 document (openapi.json) and a self-hosted Swagger UI
// (swagger-ui/, from the npm package swagger-ui-dist; see
// swagger-ui/VERSION and swagger-ui/LICENSE).
//
// Everything is compiled into the binary, so the docs page works offline
// and never loads code from a CDN: a third-party script host would be able
// to run script on the gateway's origin, which is where users' tokens live.
// Our own index.html and init.js replace the package's inline-script
// initializer, so the page runs under the strict policy in CSP.
//
// The package only speaks net/http. Package gateway decides whether the
// pages are mounted at all (Options.DocsEnabled) and answers unknown names
// with its usual problem+json 404. The tests in package gateway keep the
// document honest: every documented path, method and status is checked
// against the real router, and real responses against the schemas.
package docs
