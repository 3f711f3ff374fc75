package config

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// CORS configures cross-origin access for browser clients. Origins are
// listed one by one: the gateway never accepts "*", because a wildcard
// combined with credentials would let any web site make authenticated
// requests on a visitor's behalf.
type CORS struct {
	AllowedOrigins   []string      `mapstructure:"allowed_origins" json:"allowed_origins"`
	AllowedMethods   []string      `mapstructure:"allowed_methods" json:"allowed_methods"`
	AllowedHeaders   []string      `mapstructure:"allowed_headers" json:"allowed_headers"`
	ExposedHeaders   []string      `mapstructure:"exposed_headers" json:"exposed_headers"`
	AllowCredentials bool          `mapstructure:"allow_credentials" json:"allow_credentials"`
	MaxAge           time.Duration `mapstructure:"max_age" json:"max_age"`
}

// validate checks the cors section.
func (c CORS) validate(ps *Problems) {
	for i, o := range c.AllowedOrigins {
		if msg := checkOrigin(o); msg != "" {
			ps.addf(fmt.Sprintf("cors.allowed_origins[%d]", i), "%s", msg)
		}
	}
	for i, m := range c.AllowedMethods {
		if !isToken(m) || m != strings.ToUpper(m) {
			ps.addf(fmt.Sprintf("cors.allowed_methods[%d]", i), "%q must be an upper-case HTTP method such as GET", m)
		}
	}
	for i, h := range c.AllowedHeaders {
		if !isToken(h) {
			ps.addf(fmt.Sprintf("cors.allowed_headers[%d]", i), "%q is not a valid header name", h)
		}
	}
	for i, h := range c.ExposedHeaders {
		if !isToken(h) {
			ps.addf(fmt.Sprintf("cors.exposed_headers[%d]", i), "%q is not a valid header name", h)
		}
	}
	if c.MaxAge < 0 {
		ps.addf("cors.max_age", "must not be negative")
	}
}

// checkOrigin returns why o is not an origin the gateway can match, or "".
// Browsers send Origin as scheme://host[:port] exactly, so anything with a
// path, trailing slash or upper-case letters would never match.
func checkOrigin(o string) string {
	if o == "*" || strings.Contains(o, "*") {
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
