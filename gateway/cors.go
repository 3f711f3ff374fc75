package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// CORSOptions is the cross-origin policy. It is deny-by-default: no origin
// receives Access-Control-Allow-Origin unless it is listed exactly.
type CORSOptions struct {
	// AllowedOrigins are exact origins ("https://app.example.com"); "*" is
	// rejected because a wildcard plus bearer tokens invites any site in.
	AllowedOrigins []string
	// AllowedMethods answer preflights (nil → GET, POST, PUT, PATCH, DELETE, OPTIONS).
	AllowedMethods []string
	// AllowedHeaders answer preflights (nil → Authorization, Content-Type, X-Request-Id).
	AllowedHeaders []string
	// ExposedHeaders are readable by scripts on allowed origins (nil → X-Request-Id).
	ExposedHeaders []string
	// AllowCredentials lets browsers send cookies/credentials cross-origin.
	AllowCredentials bool
	// MaxAge is how long browsers may cache a preflight (0 → 10 minutes).
	MaxAge time.Duration
}

// corsPolicy is CORSOptions precomputed into header values.
type corsPolicy struct {
	origins     map[string]struct{}
	methods     string
	headers     string
	exposed     string
	maxAge      string
	credentials bool
}

func newCORSPolicy(o CORSOptions) (*corsPolicy, error) {
	p := &corsPolicy{origins: make(map[string]struct{}, len(o.AllowedOrigins)), credentials: o.AllowCredentials}
	for _, origin := range o.AllowedOrigins {
		if origin == "*" || origin == "" {
			return nil, errors.New(`CORS allowed origins must be exact origins; "*" and "" are not allowed`)
		}
		p.origins[origin] = struct{}{}
	}
	p.methods = strings.Join(orDefault(o.AllowedMethods, []string{
		http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions,
	}), ", ")
	p.headers = strings.Join(orDefault(o.AllowedHeaders, []string{"Authorization", "Content-Type", "X-Request-Id"}), ", ")
	p.exposed = strings.Join(orDefault(o.ExposedHeaders, []string{"X-Request-Id"}), ", ")
	maxAge := o.MaxAge
	if maxAge < 0 {
		return nil, fmt.Errorf("CORS max age must not be negative, got %s", maxAge)
	}
	if maxAge == 0 {
		maxAge = 10 * time.Minute
	}
	p.maxAge = strconv.FormatInt(int64(maxAge/time.Second), 10)
	return p, nil
}

func orDefault(v, def []string) []string {
	if len(v) == 0 {
		return def
	}
	return v
}

// handle answers preflights itself and decorates actual requests. It sits
// before dispatch, so proxied paths get the same policy: an upstream can
// never widen it, because a preflight never reaches the upstream.
func (p *corsPolicy) handle(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		h := c.Response().Header()
		// The answer depends on Origin, so shared caches must key on it
		// even when this particular request carried none.
		h.Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		_, allowed := p.origins[origin]

		if r.Method == http.MethodOptions && origin != "" && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			// SECURITY: a denied origin still gets a plain 204 — without
			// any Access-Control-Allow-* header the browser blocks the
			// real request, and we reveal nothing about the policy.
			if allowed {
				h.Set("Access-Control-Allow-Origin", origin)
				h.Set("Access-Control-Allow-Methods", p.methods)
				h.Set("Access-Control-Allow-Headers", p.headers)
				h.Set("Access-Control-Max-Age", p.maxAge)
				if p.credentials {
					h.Set("Access-Control-Allow-Credentials", "true")
				}
			}
			return c.NoContent(http.StatusNoContent)
		}

		if allowed {
			p.decorateActual(h, origin)
		}
		return next(c)
	}
}

// decorateActual writes the headers an actual (non-preflight) request from
// the allowed origin gets. The proxy calls it again when an upstream's
// informational response cleared them (proxy_response.go).
func (p *corsPolicy) decorateActual(h http.Header, origin string) {
	h.Set("Access-Control-Allow-Origin", origin)
	if p.exposed != "" {
		h.Set("Access-Control-Expose-Headers", p.exposed)
	}
	if p.credentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
}
