package gateway

import (
	"errors"
	"unicode/utf16"
	"unicode/utf8"
)

// Errors for request bodies whose strings would not survive decoding
// intact; both answer 400 malformed_request.
var (
	errInvalidUTF8     = errors.New("body is not valid UTF-8")
	errLoneSurrogate   = errors.New("body has a \\u escape of a lone UTF-16 surrogate")
	errTruncatedEscape = errors.New("body has a truncated \\u escape")
)

// checkJSONText refuses what encoding/json would quietly rewrite: bytes
// that are not UTF-8, and \uD800-\uDFFF escapes that are not a high-low
// surrogate pair. encoding/json turns both into U+FFFD (RFC 8259 §8.2 leaves
// it to the implementation), so "a\xffb@example.com" and "a\ud800b@…"
// would both be stored as "a\uFFFDb@…": two different inputs one account,
// and a value no other system spelled that way (issue 9).
func checkJSONText(body []byte) error {
	if !utf8.Valid(body) {
		return errInvalidUTF8
	}
	inString := false
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '"':
			inString = !inString
		case c == '\\' && inString:
			i++
			if i >= len(body) || body[i] != 'u' {
				continue // a one-character escape, or a syntax error json reports
			}
			r, ok := hex4(body, i+1)
			if !ok {
				return errTruncatedEscape
			}
			i += 4
			if !utf16.IsSurrogate(r) {
				continue
			}
			// A high surrogate must be followed at once by an escaped low
			// one; anything else (a low one first, or a high one alone)
			// decodes to U+FFFD.
			if r >= 0xDC00 || i+2 >= len(body) || body[i+1] != '\\' || body[i+2] != 'u' {
				return errLoneSurrogate
			}
			low, ok := hex4(body, i+3)
			if !ok {
				return errTruncatedEscape
			}
			if utf16.DecodeRune(r, low) == utf8.RuneError {
				return errLoneSurrogate
			}
			i += 6
		}
	}
	return nil
}

// hex4 reads the four hex digits of a \u escape starting at body[at].
func hex4(body []byte, at int) (rune, bool) {
	if at+4 > len(body) {
		return 0, false
	}
	var r rune
	for _, c := range body[at : at+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
