package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// Forward-auth outcomes besides the route's own policy. classify maps
// each to one status; see handleVerify for why each is what it is.
var (
	// errNoRouteToVerify means the described request matches no route, or
	// is a gateway path (never forwarded, so no route applies). 403
	// route_not_found rather than 404, because nginx auth_request relays
	// only 401 and 403 and turns any other status into a 500 for the user.
	errNoRouteToVerify = errors.New("gateway: forward-auth: no route for the original request")
	// errDescriptionMissing means no usable description of the original
	// request arrived: none at all, an incomplete or malformed one, or one
	// from a peer outside server.trusted_proxies. 403
	// forward_auth_description_missing, whose text names the headers; 403
	// because nginx relays it as a denial instead of a 500.
	errDescriptionMissing = errors.New("gateway: forward-auth: original request not described")
	// errDescriptionConflict means a trusted proxy sent both an nginx-style
	// and a Traefik-style description and they disagree: which one would
	// the front proxy act on? 400 forward_auth_description_conflict.
	errDescriptionConflict = errors.New("gateway: forward-auth: original-request descriptions disagree")
)

// Headers describing the original request, per front proxy convention.
const (
	// Traefik forwardAuth and Caddy forward_auth.
	hdrForwardedMethod = "X-Forwarded-Method"
	hdrForwardedHost   = "X-Forwarded-Host"
	hdrForwardedURI    = "X-Forwarded-Uri"
	// nginx auth_request, by the convention of its documentation:
	// proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
	hdrOriginalMethod = "X-Original-Method"
	hdrOriginalURL    = "X-Original-Url" // canonical form of X-Original-URL
)

// untrustedWarnInterval is how often at most the "untrusted peer" warning
// is logged: any client can trigger it, so it must not flood the log.
const untrustedWarnInterval = time.Minute

// originalRequest is what a front proxy says its client asked for, in
// canonical form.
type originalRequest struct {
	method string
	canon  proxy.CanonicalRequest
}

// handleVerify is forward-auth (GET or HEAD /auth/verify) for operators
// who keep nginx, Traefik or Caddy in front: it applies the policy of the
// route the ORIGINAL request matches, exactly as the proxy would (the same
// proxy.Canonicalize and Router.Resolve), and answers 200 (with the
// identity as response headers, for the front proxy to pass on), 401 or
// 403; 400 for a description that is contradictory or names a path the
// proxy would refuse (invalid_path).
//
// The original request is believed only from a trusted proxy
// (server.trusted_proxies); from anyone else the describing headers are
// ignored. Nothing is assumed for a missing method, host or URI: an assumed
// value could select a laxer route. Without a description nothing can be
// allowed. A caller without a valid token gets 401 first (a front proxy
// without trusted_proxies then simply asks everyone to log in); otherwise
// 403 forward_auth_description_missing, naming the headers. Contradictory
// descriptions and refused paths are 400s, which nginx turns into a 500
// (deploy/nginx/README.md): fail closed, and loud.
func (s *Server) handleVerify() echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		orig, err := s.originalRequest(r)
		if errors.Is(err, errDescriptionMissing) {
			token, terr := bearerToken(r)
			if terr != nil {
				return terr
			}
			if _, terr := s.tokens.Verify(token); terr != nil {
				return terr
			}
		}
		if err != nil {
			return err
		}
		// The same admission as the proxy (admission.go); the identity
		// goes into the response, for the front proxy to pass on. A path
		// the gateway answers itself is never forwarded, so no route
		// applies to it either.
		if _, _, err := s.admit(c, orig.canon, orig.method, c.Response().Header()); err != nil {
			if errors.Is(err, ErrRouteNotFound) {
				return errNoRouteToVerify
			}
			return err
		}
		return c.NoContent(http.StatusOK)
	}
}

// originalRequest reads the description of the original request from a
// trusted caller: Traefik/Caddy's X-Forwarded-Method/-Host/-Uri and
// nginx's X-Original-Method and X-Original-URL (absolute, or a path with
// the host in X-Forwarded-Host). When both are present they must describe
// the same canonical request. The error wraps errDescriptionMissing,
// errDescriptionConflict or proxy.ErrInvalidPath.
func (s *Server) originalRequest(r *http.Request) (originalRequest, error) {
	h := r.Header
	traefik := len(h[hdrForwardedURI]) > 0 || len(h[hdrForwardedMethod]) > 0
	nginx := len(h[hdrOriginalURL]) > 0 || len(h[hdrOriginalMethod]) > 0
	if !s.routing.isTrustedPeer(r.RemoteAddr) {
		if traefik || nginx {
			// Not an error to return (the denial is), but the one hint an
			// operator needs when a front proxy's checks all fail.
			s.untrustedWarn.log(r.Context(), s.log, s.now(), h.Get(echo.HeaderXRequestID), r.RemoteAddr)
		}
		return originalRequest{}, fmt.Errorf("%w: peer %s is not a trusted proxy", errDescriptionMissing, r.RemoteAddr)
	}
	if !traefik && !nginx {
		return originalRequest{}, fmt.Errorf("%w: no description headers", errDescriptionMissing)
	}
	var t, n originalRequest
	if traefik {
		method, ok1 := single(h, hdrForwardedMethod)
		host, ok2 := single(h, hdrForwardedHost)
		uri, ok3 := single(h, hdrForwardedURI)
		if !ok1 || !ok2 || !ok3 {
			return originalRequest{}, fmt.Errorf("%w: repeated X-Forwarded-* header", errDescriptionMissing)
		}
		var err error
		if t, err = parseOriginal(method, host, uri); err != nil {
			return originalRequest{}, err
		}
	}
	if nginx {
		method, ok1 := single(h, hdrOriginalMethod)
		host, ok2 := single(h, hdrForwardedHost)
		raw, ok3 := single(h, hdrOriginalURL)
		if !ok1 || !ok2 || !ok3 {
			return originalRequest{}, fmt.Errorf("%w: repeated X-Original-* header", errDescriptionMissing)
		}
		var err error
		if n, err = parseOriginal(method, host, raw); err != nil {
			return originalRequest{}, err
		}
	}
	switch {
	case !nginx:
		return t, nil
	case !traefik:
		return n, nil
	case t != n:
		// Compared in canonical form: two spellings of one request agree.
		return originalRequest{}, errDescriptionConflict
	default:
		return t, nil
	}
}

// single returns the only value of header k. Several values are ambiguous
// (which one would the front proxy have meant?), so they are refused.
func single(h http.Header, k string) (string, bool) {
	v := h[k]
	switch len(v) {
	case 0:
		return "", true
	case 1:
		return v[0], true
	default:
		return "", false
	}
}

// parseOriginal checks and canonicalizes a description. target is an
// origin-form request URI ("/api/x?y=1") or an absolute URL, whose host
// then wins over host. Every part is required; see handleVerify for why
// nothing is assumed. The path goes through proxy.Canonicalize from its
// escaped form, exactly as a proxied request's does.
func parseOriginal(method, host, target string) (originalRequest, error) {
	if !isMethodToken(method) || target == "" {
		return originalRequest{}, fmt.Errorf("%w: missing or invalid method or URI", errDescriptionMissing)
	}
	u, err := url.Parse(target)
	if err != nil {
		return originalRequest{}, fmt.Errorf("%w: %w", errDescriptionMissing, err)
	}
	if u.IsAbs() {
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return originalRequest{}, fmt.Errorf("%w: URL %q is not http(s)", errDescriptionMissing, target)
		}
		host = u.Host
	}
	if host == "" || !strings.HasPrefix(u.EscapedPath(), "/") {
		return originalRequest{}, fmt.Errorf("%w: no host or no absolute path", errDescriptionMissing)
	}
	canon, err := proxy.Canonicalize(host, u.EscapedPath())
	if err != nil {
		return originalRequest{}, err
	}
	return originalRequest{method: method, canon: canon}, nil
}

// isMethodToken reports whether m looks like an HTTP method: 1–32
// upper-case letters or '-' (M-SEARCH, VERSION-CONTROL). Methods are case-sensitive, and route method lists
// are upper-case, so anything else could never match a restricted route
// and would only fall through to a laxer one.
func isMethodToken(m string) bool {
	if m == "" || len(m) > 32 {
		return false
	}
	for i := 0; i < len(m); i++ {
		if (m[i] < 'A' || m[i] > 'Z') && m[i] != '-' {
			return false
		}
	}
	return true
}
