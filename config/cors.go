package config

import (
	"time"

	"github.com/authgate/gatewayd/gateway"
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

// Options is the section as gateway.CORSOptions, which owns the defaults
// and every rule (no "*", exact lower-case origins, tokens).
func (c CORS) Options() gateway.CORSOptions {
	return gateway.CORSOptions{
		AllowedOrigins:   c.AllowedOrigins,
		AllowedMethods:   c.AllowedMethods,
		AllowedHeaders:   c.AllowedHeaders,
		ExposedHeaders:   c.ExposedHeaders,
		AllowCredentials: c.AllowCredentials,
		MaxAge:           c.MaxAge,
	}
}

// validateGateway asks the gateway about its options: the /auth body
// limit and the CORS section.
func (c *Config) validateGateway(ps *Problems) {
	opts := gateway.Options{AuthBodyLimit: c.Auth.BodyLimit, CORS: c.CORS.Options()}
	ps.addOwner(opts.Validate(), map[string]string{
		"AuthBodyLimit":       "auth.body_limit",
		"CORS.AllowedOrigins": "cors.allowed_origins",
		"CORS.AllowedMethods": "cors.allowed_methods",
		"CORS.AllowedHeaders": "cors.allowed_headers",
		"CORS.ExposedHeaders": "cors.exposed_headers",
		"CORS.MaxAge":         "cors.max_age",
	})
}
