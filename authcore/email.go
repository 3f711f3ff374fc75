package authcore

import (
	"net/mail"
	"strings"
	"unicode"
)

// MaxEmailLength is the longest address accepted, in bytes. RFC 5321 §4.5.3
// caps a forward path at 256 octets including the angle brackets, which
// leaves 254 for the address itself.
const MaxEmailLength = 254

// Field codes for email problems, stable so the HTTP layer can localize them.
const (
	CodeInvalidEmail = "invalid_email"
	CodeEmailTooLong = "email_too_long"
)

// NormalizeEmail trims and lower-cases s and checks that it is a bare
// address. Every entry point (register, login, admin commands) calls it, so
// "Bob@Example.com " and "bob@example.com" are one account and the unique
// index in the store sees one spelling.
//
// Problems are a *ValidationError for field "email" with code
// "invalid_email" or "email_too_long".
func NormalizeEmail(s string) (string, error) {
	email, code := normalizeEmail(s)
	if code != "" {
		return "", &ValidationError{Fields: []FieldError{{Field: "email", Code: code}}}
	}
	return email, nil
}

// normalizeEmail returns the normalized address, or "" and a field code.
func normalizeEmail(s string) (string, string) {
	s = strings.TrimSpace(s)
	// Check the length before parsing so a huge body costs no parser work.
	if len(s) > MaxEmailLength {
		return "", CodeEmailTooLong
	}
	s = strings.ToLower(s)
	// Lower-casing some non-ASCII letters changes their byte length.
	if len(s) > MaxEmailLength {
		return "", CodeEmailTooLong
	}
	if s == "" || strings.IndexFunc(s, notAllowedInEmail) >= 0 {
		return "", CodeInvalidEmail
	}
	addr, err := mail.ParseAddress(s)
	// ParseAddress also accepts `Bob <bob@example.com>` and comments; we
	// only take the bare address, so what is stored is exactly what the
	// user typed (after trimming and lower-casing).
	if err != nil || addr.Address != s || addr.Name != "" {
		return "", CodeInvalidEmail
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return "", CodeInvalidEmail
	}
	return s, ""
}

// notAllowedInEmail rejects whitespace, control characters and quotes
// anywhere in an address: quoted local parts may legally hold them, but they
// only serve look-alike accounts and header injection downstream (the
// address is forwarded to upstreams as a header).
func notAllowedInEmail(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || r == '"'
}
