package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/config"
)

// TestLeewayZeroMeansZeroFromConfig follows jwt.leeway from the YAML file
// to the verifier (issue 9): "0s" used to pass validation and then become
// 30s inside authcore. Leaving the key out still gives the 30s default.
func TestLeewayZeroMeansZeroFromConfig(t *testing.T) {
	tests := []struct {
		name, yaml string
		env        map[string]string
		leeway     time.Duration
	}{
		{"yaml 0s", "jwt:\n  leeway: 0s\n", nil, 0},
		{"env 0s", "", map[string]string{"GATEWAY_JWT_LEEWAY": "0s"}, 0},
		{"unset takes the default", "", nil, 30 * time.Second},
		{"yaml 10s", "jwt:\n  leeway: 10s\n", nil, 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "gateway.yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			env := map[string]string{"JWT_SECRET": testSecret}
			for k, v := range tt.env {
				env[k] = v
			}
			cfg, err := config.Load(path, func(k string) string { return env[k] })
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			now := time.Unix(1_800_000_000, 0)
			opts := cfg.TokenOptions()
			opts.Now = func() time.Time { return now }
			opts.CacheSize = -1
			tokens, err := authcore.NewAccessTokens(opts)
			if err != nil {
				t.Fatal(err)
			}
			tok, exp, err := tokens.Issue(&authcore.User{ID: "u1", Email: "a@example.com"})
			if err != nil {
				t.Fatal(err)
			}
			// The last instant the verifier may accept is exp+leeway.
			now = exp.Add(tt.leeway - time.Second)
			if _, err := tokens.Verify(tok); err != nil {
				t.Fatalf("at exp%+v: %v", tt.leeway-time.Second, err)
			}
			now = exp.Add(tt.leeway)
			if _, err := tokens.Verify(tok); err == nil {
				t.Fatalf("at exp+%v the token still verified; leeway is not %v", tt.leeway, tt.leeway)
			}
		})
	}
}
