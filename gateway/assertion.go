package gateway

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// JWKSPath publishes the public keys that verify identity assertions
// (issue 13). It is under /.well-known/ (RFC 8615) and always
// gateway-owned, never proxied, whether assertions are on or not.
const JWKSPath = "/.well-known/jwks.json"

// jwksCacheControl lets upstream verifiers and CDNs cache the key set for
// five minutes. A rotated-in key can be unknown to a verifier for that
// long, so verifiers should refetch on an unknown kid (go-jose and jose do
// with a remote key set); a retired key stays listed much longer than
// that.
const jwksCacheControl = "public, max-age=300"

// AssertionOptions turn on the signed identity assertion: on every proxied
// request with a verified identity, a short-lived EdDSA JWT in the
// assertion header (HeaderPolicy's Assertion name), binding the user, the
// route's audience, the method and the path the upstream receives.
type AssertionOptions struct {
	// Signer signs assertions and holds the JWKS. Nil turns assertions
	// off; /.well-known/jwks.json is then a 404 (but still never proxied).
	Signer *authcore.Assertions
	// Routes holds per-route settings by route name. A route not listed
	// gets an assertion whose audience is its name.
	Routes map[string]RouteAssertion
}

// RouteAssertion is one route's assertion setting.
type RouteAssertion struct {
	// Off sends no assertion on this route (route `assertion: false`).
	Off bool
	// Audience is the aud claim; "" means the route name.
	Audience string
}

// assertionTable is AssertionOptions indexed by route.
type assertionTable struct {
	signer   *authcore.Assertions // nil: off
	header   string               // canonical header name
	audience map[*proxy.Route]string
}

func newAssertionTable(o AssertionOptions, router *proxy.Router, header string) (assertionTable, error) {
	t := assertionTable{signer: o.Signer, header: header}
	if o.Signer == nil {
		return t, nil
	}
	var routes []*proxy.Route
	if router != nil {
		routes = router.Routes()
	}
	known := make(map[string]bool, len(routes))
	t.audience = make(map[*proxy.Route]string, len(routes))
	for _, r := range routes {
		known[r.Name] = true
		ra := o.Routes[r.Name]
		if ra.Off || r.Auth == proxy.AuthPublic {
			continue // public routes never carry identity
		}
		t.audience[r] = ra.Audience
		if ra.Audience == "" {
			t.audience[r] = r.Name
		}
	}
	for name := range o.Routes {
		if !known[name] {
			return t, fmt.Errorf("assertion: settings for unknown route %q", name)
		}
	}
	return t, nil
}

// withAssertion arranges for the outbound request of r to carry a signed
// assertion for id, if the route has assertions on. The assertion is made
// in the proxy's Rewrite step (proxy.OutboundHook) because it binds the
// path the upstream receives, which is only final there.
func (s *Server) withAssertion(c echo.Context, route *proxy.Route, id *authcore.Identity) *http.Request {
	r := c.Request()
	aud, ok := s.assert.audience[route]
	if !ok {
		return r
	}
	r = r.WithContext(proxy.WithOutboundHook(r.Context(), &assertionJob{t: &s.assert, id: id, audience: aud}))
	c.SetRequest(r)
	return r
}

// assertionJob signs the assertion of one outbound request.
type assertionJob struct {
	t        *assertionTable
	id       *authcore.Identity
	audience string
}

// Outbound implements proxy.OutboundHook.
func (j *assertionJob) Outbound(out *http.Request) error {
	tok, err := j.t.signer.Sign(authcore.AssertionRequest{
		Identity: j.id, Audience: j.audience, Method: out.Method, Path: out.URL.Path,
	})
	if err != nil {
		return err
	}
	out.Header[j.t.header] = []string{tok}
	return nil
}

// handleJWKS serves the JSON Web Key Set (RFC 7517 §5) upstreams verify
// assertions with: the signing key and the previous ones, each with its
// RFC 7638 thumbprint as kid.
func (s *Server) handleJWKS() echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Cache-Control", jwksCacheControl)
		// RFC 7517 §8.5 registers application/jwk-set+json.
		return c.Blob(http.StatusOK, "application/jwk-set+json", s.assert.signer.Keys().JWKS())
	}
}
