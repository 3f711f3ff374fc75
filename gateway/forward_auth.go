package gateway

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// errNoRouteToVerify means /auth/verify found no route to apply: the
// original request matches none, is a gateway path, cannot be parsed, or
// was not described by a trusted caller. classify answers 403
// route_not_found rather than 404, because nginx auth_request relays only
// 401 and 403 and turns any other status into a 500 for the user.
var errNoRouteToVerify = errors.New("gateway: forward-auth: no route for the original request")

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

// originalRequest is what a front proxy says its client asked for.
type originalRequest struct {
	method, host, path string
}

// handleVerify is forward-auth (GET or HEAD /auth/verify) for operators
// who keep nginx, Traefik or Caddy in front: it applies the policy of the
// route the ORIGINAL request matches, exactly as the proxy would, and
// answers 200 (with the identity as response headers, for the front proxy
// to pass on), 401 or 403.
//
// The original request is believed only from a trusted proxy
// (server.trusted_proxies). From anyone else the describing headers are
// ignored, and so is a description missing its method, host or URI: an
// assumed method or host could select a laxer route (a GET-only public
// route for a POST, an any-host route for an admin host). Without a
// trusted description nothing can be allowed, so the answer is a denial:
// 401 when the caller has no valid token (a front proxy without
// trusted_proxies then simply asks everyone to log in), otherwise 403
// route_not_found.
func (s *Server) handleVerify() echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		orig, ok := s.originalRequest(r)
		if !ok {
			token, err := bearerToken(r)
			if err != nil {
				return err
			}
			if _, err := s.tokens.Verify(token); err != nil {
				return err
			}
			return errNoRouteToVerify
		}
		p, ok := proxy.CleanPath(orig.path)
		if !ok || s.ownsPath(orig.path) {
			// The gateway never forwards its own paths, so no route
			// applies to them.
			return errNoRouteToVerify
		}
		route, ok := s.routing.match(orig.host, p, orig.method)
		if !ok {
			return errNoRouteToVerify
		}
		id, err := s.authorize(r, route)
		if err != nil {
			return err
		}
		if id != nil {
			c.Set(ctxIdentity, id)
		}
		// The route's own limit counts here too: in forward-auth mode this
		// is the only place the gateway sees the request.
		if route.RateLimit != "" {
			if err := s.limitRoute(c, route.Name, userIDOf(id)); err != nil {
				return err
			}
		}
		if id != nil {
			s.routing.headers.Inject(c.Response().Header(), id.UserID, id.Email, id.Roles)
		}
		return c.NoContent(http.StatusOK)
	}
}

// originalRequest reads the description of the original request from a
// trusted caller: Traefik/Caddy's X-Forwarded-Method/-Host/-Uri, or else
// nginx's X-Original-Method and X-Original-URL (absolute, or a path with
// the host in X-Forwarded-Host). ok is false when the caller is not
// trusted or the description is incomplete or ambiguous.
func (s *Server) originalRequest(r *http.Request) (originalRequest, bool) {
	h := r.Header
	if !s.routing.isTrustedPeer(r.RemoteAddr) {
		if len(h[hdrForwardedURI]) > 0 || len(h[hdrOriginalURL]) > 0 {
			// Not an error to return (the denial is), but the one hint an
			// operator needs when a front proxy's checks all fail.
			s.log.LogAttrs(r.Context(), slog.LevelWarn, "forward-auth: original-request headers from an untrusted peer ignored; add the front proxy to server.trusted_proxies",
				slog.String("request_id", h.Get(echo.HeaderXRequestID)), slog.String("peer", r.RemoteAddr))
		}
		return originalRequest{}, false
	}
	if len(h[hdrForwardedURI]) > 0 || len(h[hdrForwardedMethod]) > 0 {
		method, ok1 := single(h, hdrForwardedMethod)
		host, ok2 := single(h, hdrForwardedHost)
		uri, ok3 := single(h, hdrForwardedURI)
		if !ok1 || !ok2 || !ok3 {
			return originalRequest{}, false
		}
		return parseOriginal(method, host, uri)
	}
	if len(h[hdrOriginalURL]) > 0 {
		method, ok1 := single(h, hdrOriginalMethod)
		host, ok2 := single(h, hdrForwardedHost)
		raw, ok3 := single(h, hdrOriginalURL)
		if !ok1 || !ok2 || !ok3 {
			return originalRequest{}, false
		}
		return parseOriginal(method, host, raw)
	}
	return originalRequest{}, false
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

// parseOriginal checks and splits a description. target is an origin-form
// request URI ("/api/x?y=1") or an absolute URL, whose host then wins over
// host. Every part is required; see handleVerify for why nothing is
// assumed.
func parseOriginal(method, host, target string) (originalRequest, bool) {
	if !isMethodToken(method) || target == "" {
		return originalRequest{}, false
	}
	u, err := url.Parse(target)
	if err != nil {
		return originalRequest{}, false
	}
	if u.IsAbs() {
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return originalRequest{}, false
		}
		host = u.Host
	}
	if host == "" || u.Path == "" || u.Path[0] != '/' {
		return originalRequest{}, false
	}
	return originalRequest{method: method, host: host, path: u.Path}, true
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
