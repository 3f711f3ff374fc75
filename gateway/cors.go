package gateway

import (
	"cmp"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// corsPolicy is CORSOptions precomputed into header values.
type corsPolicy struct {
	origins     map[string]struct{}
	methods     string
	headers     string
	exposed     string
	maxAge      string
	credentials bool
}

// newCORSPolicy precomputes o, which NewServer has validated.
func newCORSPolicy(o CORSOptions) *corsPolicy {
	d := DefaultCORSOptions()
	p := &corsPolicy{origins: make(map[string]struct{}, len(o.AllowedOrigins)), credentials: o.AllowCredentials}
	for _, origin := range o.AllowedOrigins {
		p.origins[origin] = struct{}{}
	}
	p.methods = strings.Join(orDefault(o.AllowedMethods, d.AllowedMethods), ", ")
	p.headers = strings.Join(orDefault(o.AllowedHeaders, d.AllowedHeaders), ", ")
	p.exposed = strings.Join(orDefault(o.ExposedHeaders, d.ExposedHeaders), ", ")
	p.maxAge = strconv.FormatInt(int64(cmp.Or(o.MaxAge, d.MaxAge)/time.Second), 10)
	return p
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
// informational response cleared them (proxy_writer.go).
func (p *corsPolicy) decorateActual(h http.Header, origin string) {
	h.Set("Access-Control-Allow-Origin", origin)
	if p.exposed != "" {
		h.Set("Access-Control-Expose-Headers", p.exposed)
	}
	if p.credentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
}

// allows reports whether origin is on the CORS allow-list.
func (p *corsPolicy) allows(origin string) bool {
	if origin == "" {
		return false
	}
	_, ok := p.origins[origin]
	return ok
}

// setsOnActual reports whether decorateActual sets header k (canonical
// form); the list mirrors that function.
func (p *corsPolicy) setsOnActual(k string) bool {
	switch k {
	case "Access-Control-Allow-Origin":
		return true
	case "Access-Control-Expose-Headers":
		return p.exposed != ""
	case "Access-Control-Allow-Credentials":
		return p.credentials
	default:
		return false
	}
}
