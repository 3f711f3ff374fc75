package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/go-viper/mapstructure/v2"
)

// Problem is one thing wrong with the configuration.
type Problem struct {
	// Key is the config key at fault ("server.listen", "routes[0].name"),
	// or the environment variable when the key is not known yet.
	Key string
	// Message is the complete line shown to the operator; it always names
	// the key or variable, so it can be printed on its own.
	Message string
}

// String returns the operator-facing line.
func (p Problem) String() string { return p.Message }

// Problems is every problem Load or Validate found. It is returned as the
// error so that an operator sees all of them in one run instead of fixing
// one per restart; Error prints one problem per line. Use errors.As to get
// at the list.
type Problems []Problem

// Error lists the problems, one per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Message
	}
	return strings.Join(lines, "\n")
}

// Has reports whether some problem is about key, which lets callers and
// tests check for a specific failure without matching message text.
func (ps Problems) Has(key string) bool {
	for _, p := range ps {
		if p.Key == key {
			return true
		}
	}
	return false
}

// addf records a problem whose message is "key: <formatted text>".
func (ps *Problems) addf(key, format string, args ...any) {
	*ps = append(*ps, Problem{Key: key, Message: key + ": " + fmt.Sprintf(format, args...)})
}

// addLine records a problem whose message is already a complete line.
func (ps *Problems) addLine(key, message string) {
	*ps = append(*ps, Problem{Key: key, Message: message})
}

// err returns nil when there are no problems, so callers can return it
// directly without the typed-nil-interface trap.
func (ps Problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// addDecodeError converts mapstructure's joined errors into one problem per
// key. Messages for secret keys never include the underlying error text,
// because a parse error may quote the offending value.
func (ps *Problems) addDecodeError(err error) {
	switch e := err.(type) {
	case nil:
	case *mapstructure.DecodeError:
		inner := e.Unwrap()
		var nested *mapstructure.DecodeError
		if errors.As(inner, &nested) {
			ps.addDecodeError(inner)
			return
		}
		key := e.Name()
		msg := inner.Error()
		if rest, ok := strings.CutPrefix(msg, "has invalid keys: "); ok {
			for _, k := range strings.Split(rest, ", ") {
				full := joinKey(key, k)
				ps.addLine(full, "unknown key "+full)
			}
			return
		}
		if isSecretKey(baseKey(key)) {
			ps.addf(key, "invalid value (expected a string)")
			return
		}
		ps.addf(key, "%s", decodeMessage(inner))
	case interface{ Unwrap() []error }:
		for _, inner := range e.Unwrap() {
			ps.addDecodeError(inner)
		}
	case interface{ Unwrap() error }:
		// mapstructure wraps several errors in "decoding failed due to...".
		ps.addDecodeError(e.Unwrap())
	default:
		ps.addLine("", "config: decoding: "+err.Error())
	}
}

// decodeMessage rewords mapstructure's type errors for operators ("must be
// a whole number" rather than "cannot parse value as 'int'").
func decodeMessage(err error) string {
	var parse *mapstructure.ParseError
	var unconvertible *mapstructure.UnconvertibleTypeError
	switch {
	case errors.As(err, &parse):
		return "must be " + expected(parse.Expected.Type())
	case errors.As(err, &unconvertible):
		got := "null"
		if unconvertible.Value != nil {
			got = describe(reflect.TypeOf(unconvertible.Value))
		}
		return "must be " + expected(unconvertible.Expected.Type()) + ", not " + got
	}
	return err.Error()
}

// expected names the YAML shape a Go type decodes from.
func expected(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint, reflect.Uint64, reflect.Uint32:
		return "a whole number"
	case reflect.Bool:
		return "true or false"
	case reflect.Struct, reflect.Map:
		return "a mapping"
	}
	return describe(t)
}

// joinKey appends child to a dotted key path.
func joinKey(parent, child string) string {
	if parent == "" {
		return child
	}
	return parent + "." + child
}

// baseKey strips a list index ("jwt.previous_secrets[1]") so that the key
// can be checked with isSecretKey.
func baseKey(key string) string {
	if i := strings.IndexByte(key, '['); i >= 0 {
		return key[:i]
	}
	return key
}
