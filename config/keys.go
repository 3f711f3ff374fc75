package config

import (
	"reflect"
	"strings"
)

// isSecretKey reports whether key holds a credential. Problems about such
// keys never quote the value.
func isSecretKey(key string) bool {
	switch key {
	case "jwt.secret", "jwt.previous_secrets", "database.url", "ratelimit.redis_url", "proxy.assertion.private_key":
		return true
	}
	return false
}

// leafKey is one scalar or list setting of Config, e.g. "server.listen".
type leafKey struct {
	name  string
	index []int // reflect field index path from Config
}

// leafKeys lists every setting of Config that the environment may
// override, derived from the mapstructure tags so that a new field is
// overridable (and defaulted) without anyone remembering to register it.
// Routes are skipped: they come from the file only.
func leafKeys() []leafKey {
	var keys []leafKey
	var walk func(t reflect.Type, prefix string, index []int)
	walk = func(t reflect.Type, prefix string, index []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := strings.Split(f.Tag.Get("mapstructure"), ",")[0]
			if tag == "" || tag == "-" || tag == "routes" {
				continue
			}
			name := joinKey(prefix, tag)
			idx := append(append([]int{}, index...), i)
			if f.Type.Kind() == reflect.Struct && f.Type.PkgPath() == reflect.TypeFor[Config]().PkgPath() {
				walk(f.Type, name, idx)
				continue
			}
			keys = append(keys, leafKey{name: name, index: idx})
		}
	}
	walk(reflect.TypeFor[Config](), "", nil)
	return keys
}

// envName is the GATEWAY_<SECTION>_<KEY> variable for a key: viper's
// SetEnvPrefix("GATEWAY") plus a "." → "_" key replacer, spelled out here
// because Load reads the environment through the injected getenv.
func envName(key string) string {
	return "GATEWAY_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// sectionKeys maps each section-level key ("server", "proxy.identity_headers")
// to true, so Load can tell a mis-shaped section from a setting.
func sectionKeys() map[string]bool {
	out := map[string]bool{}
	for _, k := range leafKeys() {
		parts := strings.Split(k.name, ".")
		for i := 1; i < len(parts); i++ {
			out[strings.Join(parts[:i], ".")] = true
		}
	}
	return out
}
