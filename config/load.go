package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"strings"

	"github.com/spf13/viper"
)

// Load builds the configuration from, in increasing precedence: Defaults,
// the YAML file at path ("" for none), GATEWAY_<SECTION>_<KEY> variables,
// and the exact names (JWT_SECRET, DATABASE_URL, ...), then validates it.
// It reads the environment only through getenv (nil means an empty
// environment), so main passes os.Getenv and tests pass a map.
//
// On failure the error is Problems listing everything wrong at once: file
// errors, unknown keys, undecodable values and Validate's findings. A
// value that failed to decode is not also reported as invalid.
func Load(path string, getenv func(string) string) (*Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	// A local instance: viper's global one is package-level mutable state
	// that two Loads (or two tests) would share.
	v := viper.New()
	keys := leafKeys()
	defaults := reflect.ValueOf(Defaults())
	for _, k := range keys {
		v.SetDefault(k.name, defaults.FieldByIndex(k.index).Interface())
	}

	var ps Problems
	if path != "" {
		if !readFile(v, path, &ps) {
			return nil, ps
		}
	}
	from := applyEnv(v, keys, getenv, &ps)

	var cfg Config
	var decodeProblems Problems
	decodeProblems.addDecodeError(v.UnmarshalExact(&cfg, viper.DecodeHook(decodeHook())))
	for _, p := range decodeProblems {
		if !covered(ps, p.Key) { // e.g. a section already reported as mis-shaped
			ps = append(ps, p)
		}
	}
	// "off" is how the environment disables the admin listener, since an
	// empty variable counts as unset.
	if strings.EqualFold(cfg.Admin.Listen, "off") {
		cfg.Admin.Listen = ""
	}

	var invalid Problems
	if !errors.As(cfg.Validate(), &invalid) {
		invalid = nil
	}
	for _, p := range invalid {
		if !covered(ps, p.Key) {
			ps = append(ps, p)
		}
	}
	if len(ps) > 0 {
		nameSources(ps, from)
		return nil, ps
	}
	return &cfg, nil
}

// covered reports whether key (or a parent of it) already has a problem.
// A value that failed to decode is left at its zero value, which Validate
// would otherwise report a second time.
func covered(earlier Problems, key string) bool {
	for _, p := range earlier {
		if p.Key != "" && (key == p.Key || strings.HasPrefix(key, p.Key+".") || strings.HasPrefix(key, p.Key+"[")) {
			return true
		}
	}
	return false
}

// readFile loads the YAML file into v and checks that every section is a
// mapping: viper would silently replace "server: 8080" with the defaults,
// which is exactly the kind of typo Load exists to catch. It returns false
// when the file cannot be used at all. The bytes are read here rather than
// with viper's ReadInConfig because the section check needs the file on
// its own (without defaults merged in), and reading once gives both
// parses the same content.
func readFile(v *viper.Viper, path string, ps *Problems) bool {
	data, err := os.ReadFile(path)
	if err != nil {
		reason := err.Error()
		var pe *fs.PathError
		if errors.As(err, &pe) {
			reason = pe.Err.Error()
		}
		ps.addLine("", fmt.Sprintf("config file %s: %s", path, reason))
		return false
	}
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		ps.addLine("", fmt.Sprintf("config file %s: invalid YAML: %s", path, yamlReason(err)))
		return false
	}
	fileOnly := viper.New()
	fileOnly.SetConfigType("yaml")
	if err := fileOnly.ReadConfig(bytes.NewReader(data)); err == nil {
		checkSections(fileOnly.AllSettings(), "", sectionKeys(), ps)
	}
	return true
}

// checkSections reports sections given a scalar or list instead of a
// mapping.
func checkSections(m map[string]any, prefix string, sections map[string]bool, ps *Problems) {
	for _, k := range sortedKeys(m) {
		key := joinKey(prefix, k)
		if !sections[key] {
			continue
		}
		switch val := m[k].(type) {
		case nil:
		case map[string]any:
			checkSections(val, key, sections, ps)
		default:
			ps.addf(key, "must be a mapping of settings, not %s", describe(reflect.TypeOf(val)))
		}
	}
}

// yamlReason drops viper's "While parsing config:" wrapper.
func yamlReason(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "yaml:"); i >= 0 {
		return msg[i:]
	}
	return msg
}
