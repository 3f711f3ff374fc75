package gateway

import (
	"net/url"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// IsGatewayPath reports whether a request for the escaped path p (as
// r.URL.EscapedPath() gives it) is answered by the gateway itself and is
// therefore never proxied, whatever the route table holds: /auth and
// everything below it, /healthz, /readyz, the JWKS and the documentation
// paths (even when the docs or assertions are disabled). Every spelling counts ("//auth/me",
// "/x/../auth/me", "/%61uth/me", "/AUTH/me"). `gatewayd routes check` asks
// it so that its answer is the server's.
func IsGatewayPath(p string) bool {
	return ownedBy(p, defaultOwned)
}

// defaultOwned is the set of exact gateway paths that exist whatever the
// options (the docs paths are covered by isDocsPath).
var defaultOwned = ownedPaths{exact: []string{"/healthz", "/readyz"}}

// ownedBy reports whether the escaped path p is a gateway path of owned.
// It checks the canonical path and, for a path Canonicalize refuses, the
// decoded one: such a request must still never be proxied.
func ownedBy(p string, owned ownedPaths) bool {
	if c, err := proxy.Canonicalize("", p); err == nil && owned.ownsCanonical(c.Path) {
		return true
	}
	if d, err := url.PathUnescape(p); err == nil {
		return owned.ownsCanonical(d)
	}
	return false
}
