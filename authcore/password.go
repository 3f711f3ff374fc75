package authcore

import (
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Password limits.
const (
	// DefaultPasswordMinLength is used when ServiceOptions.PasswordMinLength
	// is zero. Eight is the floor NIST SP 800-63B sets for user-chosen
	// secrets.
	DefaultPasswordMinLength = 8
	// MaxPasswordBytes bounds the raw input. Argon2 pre-hashes any length,
	// so the cap is not about the hash: it bounds the NFKC normalization
	// and request work an attacker can trigger, while staying far above
	// any passphrase a person types (NIST asks for at least 64).
	MaxPasswordBytes = 1024
)

// Field codes for password problems.
const (
	CodePasswordTooShort = "password_too_short"
	CodePasswordTooLong  = "password_too_long"
)

// NormalizePassword applies Unicode NFKC. It runs before hashing and before
// verifying, so a password typed as "ﬁ" (ligature) on one keyboard and "fi"
// on another, or with composed versus decomposed accents, is the same
// password (NIST SP 800-63B §5.1.1.2 recommends normalization).
func NormalizePassword(password string) string {
	return norm.NFKC.String(password)
}

// ValidatePassword checks the length rules: at least minLength runes after
// NFKC (minLength <= 0 means DefaultPasswordMinLength) and at most
// MaxPasswordBytes bytes of input. Problems are a *ValidationError for
// field "password".
func ValidatePassword(password string, minLength int) error {
	if code := passwordProblem(password, minLength); code != "" {
		return &ValidationError{Fields: []FieldError{{Field: "password", Code: code}}}
	}
	return nil
}

// passwordProblem returns "" or the field code for password.
func passwordProblem(password string, minLength int) string {
	if minLength <= 0 {
		minLength = DefaultPasswordMinLength
	}
	// Check the byte cap first, on the raw input, so oversized input is
	// refused before any normalization work.
	if len(password) > MaxPasswordBytes {
		return CodePasswordTooLong
	}
	// Count runes, not bytes: a password of eight accented letters is eight
	// characters to the user even though it is sixteen bytes.
	if utf8.RuneCountInString(NormalizePassword(password)) < minLength {
		return CodePasswordTooShort
	}
	return ""
}
