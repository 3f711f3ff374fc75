package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
)

// decodeHook is the mapstructure hook chain Load decodes with. The order
// matters: route defaults are filled in while the entry is still a map.
func decodeHook() mapstructure.DecodeHookFunc {
	return mapstructure.ComposeDecodeHookFunc(
		routeDefaultsHook,
		durationHook,
		listHook,
	)
}

var (
	errDurationUnit = errors.New(`a duration needs a unit, e.g. "30s", "5m" or "1h"`)
	errDuration     = errors.New(`not a valid duration; use a number with a unit, e.g. "30s", "5m" or "1h"`)
)

// durationHook parses "30s"-style strings into time.Duration. A bare
// non-zero number is refused: YAML "timeout: 30" would otherwise decode as
// 30 nanoseconds and silently break every request.
func durationHook(from, to reflect.Type, data any) (any, error) {
	if to != reflect.TypeFor[time.Duration]() || from == to {
		return data, nil
	}
	switch v := data.(type) {
	case string:
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil {
			return nil, errDuration
		}
		return d, nil
	case int, int64, int32, uint, uint64, uint32, float64, float32:
		if reflect.ValueOf(v).IsZero() {
			return time.Duration(0), nil
		}
		return nil, errDurationUnit
	}
	return data, nil
}

// listHook turns a comma-separated string (how lists arrive from the
// environment, e.g. CORS_ALLOWED_ORIGINS="https://a,https://b") into a
// slice of strings, trimming spaces and dropping empty items.
func listHook(from, to reflect.Type, data any) (any, error) {
	if from.Kind() != reflect.String || to.Kind() != reflect.Slice || to.Elem().Kind() != reflect.String {
		return data, nil
	}
	return splitList(reflect.ValueOf(data).String()), nil
}

// splitList splits s on commas, trimming spaces and dropping empty items.
func splitList(s string) []string {
	out := []string{}
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// routeDefaultsHook fills a route entry's defaults (auth, timeout) before
// decoding, which is the only way to tell "timeout omitted" from an
// explicit "timeout: 0s" that Validate must reject. It also accepts
// "upstream" as a single URL or a list of URLs, without splitting the
// string on commas.
func routeDefaultsHook(from, to reflect.Type, data any) (any, error) {
	if to != reflect.TypeFor[Route]() {
		return data, nil
	}
	raw, ok := data.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("a route must be a mapping with name, match and upstream, got %s", describe(from))
	}
	entry := make(map[string]any, len(raw)+2)
	for k, v := range raw {
		entry[strings.ToLower(k)] = v
	}
	if _, ok := entry["auth"]; !ok {
		entry["auth"] = defaultRouteAuth
	}
	if s, ok := entry["upstream"].(string); ok {
		entry["upstream"] = []string{s}
	}
	return entry, nil
}

// describe names a YAML shape for error messages without quoting values.
func describe(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map:
		return "a mapping"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true/false"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint, reflect.Uint64, reflect.Uint32, reflect.Float64, reflect.Float32:
		return "a number"
	default:
		return "a " + t.Kind().String()
	}
}
