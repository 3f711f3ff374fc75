package config

import (
	"encoding/json"
	"log/slog"
)

// redacted is what every rendering of a non-empty Secret shows.
const redacted = "[REDACTED]"

// Secret holds a credential (signing key, database or Redis URL with a
// password). Every way of printing it — fmt verbs, %#v, JSON, text
// marshalling and slog — renders "[REDACTED]", so a config dump or a debug
// log line cannot leak it. Reveal is the one explicit way to read the value,
// which makes each use easy to find in review.
//
// An empty Secret renders as "" so that "not set" stays visible when
// debugging configuration.
type Secret string

// Reveal returns the secret's value. Call it only where the value is handed
// to the component that needs it (signer, database pool, Redis client).
func (s Secret) Reveal() string { return string(s) }

// String redacts the secret for %s, %v, %q and every other fmt verb.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString redacts the secret for %#v, which otherwise prints the raw
// string even when String exists.
func (s Secret) GoString() string { return `"` + s.String() + `"` }

// MarshalJSON redacts the secret in JSON output (config dumps, JSON logs).
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// MarshalText redacts the secret for text encoders (YAML, slog's text
// handler, map keys).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// LogValue redacts the secret when it is logged directly with slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// RevealAll returns the values of secrets, for handing jwt.previous_secrets
// to the token verifier in one call.
func RevealAll(secrets []Secret) []string {
	out := make([]string, len(secrets))
	for i, s := range secrets {
		out[i] = s.Reveal()
	}
	return out
}
