package config

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestEveryKeyIsDefaultedAndOverridable checks that leafKeys, which drives
// both the viper defaults and the GATEWAY_* lookup, covers every setting.
func TestEveryKeyIsDefaultedAndOverridable(t *testing.T) {
	raw, err := json.Marshal(Defaults())
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var want []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			k = joinKey(prefix, k)
			if sub, ok := v.(map[string]any); ok {
				walk(k, sub)
			} else if k != "routes" {
				want = append(want, k)
			}
		}
	}
	walk("", doc)
	slices.Sort(want)

	var got []string
	for _, k := range leafKeys() {
		got = append(got, k.name)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("leafKeys = %v\nwant      %v", got, want)
	}

	tests := []struct{ key, env string }{
		{"server.listen", "GATEWAY_SERVER_LISTEN"},
		{"jwt.access_ttl", "GATEWAY_JWT_ACCESS_TTL"},
		{"proxy.identity_headers.user_id", "GATEWAY_PROXY_IDENTITY_HEADERS_USER_ID"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if got := envName(tt.key); got != tt.env {
				t.Errorf("envName = %s, want %s", got, tt.env)
			}
			if strings.Contains(tt.env, ".") {
				t.Error("env name contains a dot")
			}
		})
	}
}
