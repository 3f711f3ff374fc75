package gateway

// Hooks for the OpenAPI drift tests in package gateway_test: they compare
// the document with what the server really registers and can answer.

// DocsRouteTable lists "METHOD path" for every route in Echo's router.
func DocsRouteTable(s *Server) []string {
	var out []string
	for _, r := range s.echo.Routes() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// DocsProblemCodes is every problem code a response body can carry.
func DocsProblemCodes() []string { return problemCodes() }

// DocsFieldCodes is every field-level code in an errors[] entry.
func DocsFieldCodes() []string { return fieldCodes() }

// DocsLocales is every locale a problem can be written in.
func DocsLocales() []string { return newLocalizer().locales }

// DocsOwnsPath reports whether a request for p stays in the gateway
// (never proxied).
func DocsOwnsPath(s *Server, p string) bool { return s.ownsPath(p) }
