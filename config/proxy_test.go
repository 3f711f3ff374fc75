package config_test

import (
	"testing"

	"github.com/authgate/gatewayd/config"
)

func TestIdentityHeaderPresets(t *testing.T) {
	tests := []struct {
		name             string
		env              map[string]string
		id, email, roles string
	}{
		{"default", nil, "X-User-Id", "X-User-Email", "X-User-Roles"},
		{"oauth2-proxy", map[string]string{"GATEWAY_PROXY_IDENTITY_PRESET": "oauth2-proxy"}, "X-Forwarded-User", "X-Forwarded-Email", "X-Forwarded-Groups"},
		{"authelia", map[string]string{"GATEWAY_PROXY_IDENTITY_PRESET": "authelia"}, "Remote-User", "Remote-Email", "Remote-Groups"},
		{"override one header", map[string]string{
			"GATEWAY_PROXY_IDENTITY_PRESET":        "authelia",
			"GATEWAY_PROXY_IDENTITY_HEADERS_ROLES": "X-Auth-Groups",
		}, "Remote-User", "Remote-Email", "X-Auth-Groups"},
		{"override all", map[string]string{
			"GATEWAY_PROXY_IDENTITY_HEADERS_USER_ID": "X-Id",
			"GATEWAY_PROXY_IDENTITY_HEADERS_EMAIL":   "X-Mail",
			"GATEWAY_PROXY_IDENTITY_HEADERS_ROLES":   "X-Roles",
		}, "X-Id", "X-Mail", "X-Roles"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustLoad(t, "", envOf(tt.env))
			n := cfg.Proxy.IdentityOptions().Names()
			id, email, roles := n.UserID, n.Email, n.Roles
			if id != tt.id || email != tt.email || roles != tt.roles {
				t.Errorf("got %s %s %s, want %s %s %s", id, email, roles, tt.id, tt.email, tt.roles)
			}
		})
	}
}

func TestUnknownPresetRejected(t *testing.T) {
	ps := loadProblems(t, "", envOf(map[string]string{"GATEWAY_PROXY_IDENTITY_PRESET": "traefik"}))
	if !ps.Has("proxy.identity_preset") {
		t.Errorf("want proxy.identity_preset problem, got:\n%v", ps)
	}
	// Even an unvalidated Proxy falls back to the default names rather than
	// injecting identity under empty header names.
	id := config.Proxy{IdentityPreset: "traefik"}.IdentityOptions().Names().UserID
	if id != "X-User-Id" {
		t.Errorf("fallback id header = %q", id)
	}
}
