package config_test

import (
	"encoding/json"
	"sort"
	"testing"

	"github.com/spf13/viper"
)

// jsonOf marshals v, failing the test on error.
func jsonOf(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("marshal: %v", err)
	}
	return string(b)
}

// flatKeys lists the dotted leaf keys of a JSON object.
func flatKeys(tb testing.TB, doc string) []string {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		tb.Fatalf("unmarshal: %v", err)
	}
	var keys []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			if prefix != "" {
				k = prefix + "." + k
			}
			if sub, ok := v.(map[string]any); ok {
				walk(k, sub)
				continue
			}
			keys = append(keys, k)
		}
	}
	walk("", m)
	sort.Strings(keys)
	return keys
}

// readYAMLKeys returns the leaf keys set in a YAML file.
func readYAMLKeys(tb testing.TB, path string) map[string]bool {
	tb.Helper()
	v := viper.New()
	v.SetConfigFile(path)
	if err := v.ReadInConfig(); err != nil {
		tb.Fatalf("read %s: %v", path, err)
	}
	keys := map[string]bool{}
	for _, k := range v.AllKeys() {
		keys[k] = true
	}
	return keys
}
