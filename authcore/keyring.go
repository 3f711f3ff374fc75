package authcore

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"unicode/utf8"
)

// MinSecretLength is the shortest HS256 secret accepted, in characters.
// RFC 7518 §3.2 requires an HMAC-SHA256 key of at least 256 bits; shorter
// secrets make offline brute force of a captured token practical.
const MinSecretLength = 32

// shortSecret is the one rule for secret length. It counts characters, as
// SECURITY.md promises, not bytes: a secret of a few multi-byte characters
// must not pass on its byte count, and 32 characters are always at least
// the 32 bytes RFC 7518 asks for.
func shortSecret(s string) bool { return utf8.RuneCountInString(s) < MinSecretLength }

// secretHint is appended to every short-secret error so an operator learns
// how to fix it from the log line alone.
const secretHint = "generate one with: openssl rand -base64 48"

// errUnknownKeyID is returned by the key function for a kid that is not in
// the ring; it surfaces as TokenSignature.
var errUnknownKeyID = errors.New("unknown key id")

// keyRing holds the signing key and the keys that still verify. Keys are
// found by kid, so verification costs one HMAC no matter how many previous
// secrets are configured.
type keyRing struct {
	signingKID string
	keys       map[string][]byte
}

// newKeyRing derives the key ids of secrets TokenOptions.Validate has
// already accepted. Errors name the secret by position only, never by
// content.
func newKeyRing(current string, previous []string) (*keyRing, error) {
	r := &keyRing{signingKID: KeyID(current), keys: map[string][]byte{KeyID(current): []byte(current)}}
	for i, s := range previous {
		kid := KeyID(s)
		if existing, ok := r.keys[kid]; ok {
			if string(existing) == s {
				continue // the same secret listed twice is harmless
			}
			return nil, fmt.Errorf("authcore: previous jwt secret #%d has the same key id as another secret", i+1)
		}
		r.keys[kid] = []byte(s)
	}
	return r, nil
}

// signingKey returns the current key; only it ever signs, so a secret moved
// to PreviousSecrets stops minting tokens at once and can be dropped after
// one access-token TTL.
func (r *keyRing) signingKey() (kid string, key []byte) {
	return r.signingKID, r.keys[r.signingKID]
}

// lookup returns the key for kid.
func (r *keyRing) lookup(kid string) ([]byte, bool) {
	key, ok := r.keys[kid]
	return key, ok
}

// KeyID derives the public key id for a secret: the first 8 bytes of its
// SHA-256, base64url without padding. It names a key in the JWT "kid"
// header without revealing it (SHA-256 is not reversible, and 64 bits
// cannot help brute-force a 256-bit secret), and operators can compare
// ids across replicas to spot a mismatched secret.
func KeyID(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return base64.RawURLEncoding.EncodeToString(sum[:8])
}
