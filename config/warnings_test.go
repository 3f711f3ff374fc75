package config_test

import (
	"strings"
	"testing"

	"github.com/authgate/gatewayd/config"
)

func TestWarnings(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*config.Config)
		want   string // substring of some warning; "" means no warnings
	}{
		{"single node with a route", func(*config.Config) {}, ""},
		{"postgres with memory limits", func(c *config.Config) { c.Database.URL = "postgres://db/gw" }, "ratelimit: limits are kept in process memory"},
		{"postgres with redis", func(c *config.Config) { c.Database.URL, c.RateLimit.RedisURL = "postgres://db/gw", "redis://r:6379" }, ""},
		{"sqlite with redis", func(c *config.Config) { c.RateLimit.RedisURL = "redis://r:6379" }, "database: SQLite is a single-node store"},
		{"fail open", func(c *config.Config) {
			c.Database.URL, c.RateLimit.RedisURL, c.RateLimit.OnStoreError = "postgres://db/gw", "redis://r:6379", "allow"
		}, "fails open"},
		{"admin on all interfaces", func(c *config.Config) { c.Admin.Listen, c.Admin.PProf = ":9091", true }, "/metrics and pprof"},
		{"admin on localhost", func(c *config.Config) { c.Admin.Listen = "localhost:9091" }, ""},
		{"admin on ::1", func(c *config.Config) { c.Admin.Listen = "[::1]:9091" }, ""},
		{"credentials without origins", func(c *config.Config) { c.CORS.AllowCredentials = true }, "cors.allow_credentials"},
		{"no routes", func(c *config.Config) { c.Routes = nil }, "routes: none configured"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConfig()
			c.Routes = []config.Route{validRoute()}
			tt.mutate(&c)
			if err := c.Validate(); err != nil {
				t.Fatalf("test config invalid:\n%v", err)
			}
			got := c.Warnings()
			if tt.want == "" {
				if len(got) != 0 {
					t.Errorf("want no warnings, got %q", got)
				}
				return
			}
			if !strings.Contains(strings.Join(got, "\n"), tt.want) {
				t.Errorf("want a warning containing %q, got %q", tt.want, got)
			}
		})
	}
}
