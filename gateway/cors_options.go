package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/authgate/gatewayd/gateway/proxy"
	"github.com/authgate/gatewayd/internal/fielderr"
)

// CORSOptions is the cross-origin policy. It is deny-by-default: no origin
// receives Access-Control-Allow-Origin unless it is listed exactly.
type CORSOptions struct {
	// AllowedOrigins are exact origins ("https://app.example.com"); "*" is
	// rejected because a wildcard plus bearer tokens invites any site in.
	AllowedOrigins []string
	// AllowedMethods answer preflights (empty → DefaultCORSOptions').
	AllowedMethods []string
	// AllowedHeaders answer preflights (empty → DefaultCORSOptions').
	AllowedHeaders []string
	// ExposedHeaders are readable by scripts on allowed origins (empty →
	// DefaultCORSOptions').
	ExposedHeaders []string
	// AllowCredentials lets browsers send cookies/credentials cross-origin.
	AllowCredentials bool
	// MaxAge is how long browsers may cache a preflight (0 → 10 minutes).
	MaxAge time.Duration
}

// DefaultCORSOptions is the policy's defaults, written once (issue 10):
// no origin, the usual methods, the headers an API client sends, and
// X-Request-Id readable so a browser app can quote it in a bug report.
func DefaultCORSOptions() CORSOptions {
	return CORSOptions{
		AllowedOrigins: []string{},
		AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions},
		AllowedHeaders: []string{"Authorization", "Content-Type", "X-Request-Id"},
		ExposedHeaders: []string{"X-Request-Id"},
		MaxAge:         10 * time.Minute,
	}
}

// Validate reports every problem as joined *fielderr.Error values.
func (o CORSOptions) Validate() error {
	var errs []error
	for i, origin := range o.AllowedOrigins {
		if msg := checkOrigin(origin); msg != "" {
			errs = append(errs, fielderr.New(fmt.Sprintf("AllowedOrigins[%d]", i), "%s", msg))
		}
	}
	errs = append(errs,
		proxy.ValidMethods("AllowedMethods", o.AllowedMethods),
		proxy.ValidHeaderNames("AllowedHeaders", o.AllowedHeaders),
		proxy.ValidHeaderNames("ExposedHeaders", o.ExposedHeaders))
	if o.MaxAge < 0 {
		errs = append(errs, fielderr.New("MaxAge", "must not be negative (0 means 10m)"))
	}
	return errors.Join(errs...)
}

// checkOrigin returns why o is not an origin the gateway can match, or "".
// Browsers send Origin as scheme://host[:port] exactly, so anything with a
// path, trailing slash or upper-case letters would never match.
func checkOrigin(o string) string {
	if strings.Contains(o, "*") {
		return `"*" is not allowed: the gateway never combines a wildcard origin with credentials, since any site could then act as the user; list each origin, e.g. https://app.example.com`
	}
	u, err := url.Parse(o)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Sprintf("%q must be an origin like https://app.example.com", o)
	case u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(o, "?") || strings.HasSuffix(o, "#"):
		return fmt.Sprintf("%q must be scheme://host[:port] with no path (not even a trailing /), query or fragment", o)
	case o != strings.ToLower(o):
		return fmt.Sprintf("%q must be lower-case, as browsers send it", o)
	}
	return ""
}
