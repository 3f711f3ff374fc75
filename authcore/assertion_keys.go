package authcore

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"time"
)

// SigningKeyRecord is one stored Ed25519 assertion-signing key (issue 13).
// The gateway generates and stores one when the operator configures none,
// so every replica on the same database signs with the same key.
type SigningKeyRecord struct {
	// KID is the key's RFC 7638 JWK thumbprint (Thumbprint).
	KID string
	// PrivateKey is the PKCS#8 DER encoding of the Ed25519 private key.
	PrivateKey []byte
	CreatedAt  time.Time
	// RetiredAt is nil for the current key; a retired key no longer signs
	// but stays in the JWKS for a while (see MaxPreviousAssertionKeys).
	RetiredAt *time.Time
}

// SigningKeyStore persists assertion-signing keys. It is part of Store, so
// Postgres and SQLite both implement it and authcore/storetest checks both.
type SigningKeyStore interface {
	// EnsureSigningKey stores k as the current key unless a current key
	// exists, and returns the current key: k, or the one another replica
	// stored first. Replicas racing at first start all end up with one
	// key, because the database (a unique index on "the current key")
	// decides, not a read-then-write.
	EnsureSigningKey(ctx context.Context, k *SigningKeyRecord) (*SigningKeyRecord, error)
	// RotateSigningKey retires the current key (RetiredAt = now) and makes
	// k current, in one transaction. Without a current key k simply
	// becomes current.
	RotateSigningKey(ctx context.Context, k *SigningKeyRecord, now time.Time) error
	// SigningKeys returns every stored key: the current one first, then
	// the retired ones, most recently retired first. No key is an empty
	// list, not ErrNotFound.
	SigningKeys(ctx context.Context) ([]*SigningKeyRecord, error)
}

// MaxPreviousAssertionKeys bounds how many retired stored keys the JWKS
// still lists. A retired key is needed only until the assertions it signed
// expire (a minute) and every replica has re-read the keys, so a few
// rotations of history are plenty; the bound keeps the JWKS small however
// often `gatewayd keys rotate` runs.
const MaxPreviousAssertionKeys = 3

// NewSigningKeyRecord generates a fresh Ed25519 key from crypto/rand.
func NewSigningKeyRecord(now time.Time) (*SigningKeyRecord, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("authcore: generate assertion key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("authcore: encode assertion key: %w", err)
	}
	return &SigningKeyRecord{
		KID:        Thumbprint(priv.Public().(ed25519.PublicKey)),
		PrivateKey: der,
		CreatedAt:  now,
	}, nil
}

// Ed25519 decodes the record's private key.
func (r *SigningKeyRecord) Ed25519() (ed25519.PrivateKey, error) {
	k, err := x509.ParsePKCS8PrivateKey(r.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("authcore: stored assertion key %s: %w", r.KID, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("authcore: stored assertion key %s is %T, not Ed25519", r.KID, k)
	}
	return priv, nil
}

// ParseEd25519PrivateKeyPEM reads one "PRIVATE KEY" PEM block (PKCS#8, as
// `openssl genpkey -algorithm ed25519` writes). Errors never quote the key.
func ParseEd25519PrivateKeyPEM(data string) (ed25519.PrivateKey, error) {
	block, _ := pem.Decode([]byte(data))
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, errors.New("authcore: assertion private key: want a PEM \"PRIVATE KEY\" block (PKCS#8; openssl genpkey -algorithm ed25519)")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("authcore: assertion private key: not a valid PKCS#8 key")
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("authcore: assertion private key is %T, want Ed25519", k)
	}
	return priv, nil
}

// ParseEd25519PublicKeysPEM reads every "PUBLIC KEY" PEM block (SPKI) in
// data: the previous public keys that stay in the JWKS after a rotation of
// a configured key. Empty data is no key.
func ParseEd25519PublicKeysPEM(data string) ([]ed25519.PublicKey, error) {
	var out []ed25519.PublicKey
	rest := []byte(data)
	for i := 1; ; i++ {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "PUBLIC KEY" {
			return nil, fmt.Errorf("authcore: previous assertion key #%d: PEM block %q, want \"PUBLIC KEY\"", i, block.Type)
		}
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("authcore: previous assertion key #%d: %w", i, err)
		}
		pub, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("authcore: previous assertion key #%d is %T, want Ed25519", i, k)
		}
		out = append(out, pub)
	}
	if len(out) == 0 && len(trimSpace(rest)) > 0 {
		return nil, errors.New("authcore: previous assertion keys: no PEM \"PUBLIC KEY\" block found")
	}
	return out, nil
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\n' || b[0] == '\r' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

// Thumbprint is the RFC 7638 JWK thumbprint of an Ed25519 public key
// (SHA-256 over the required members crv, kty, x in lexicographic order,
// RFC 8037 §2), base64url. It is the kid: stable, derived from the key
// alone, so every replica and every verifier computes the same one.
func Thumbprint(pub ed25519.PublicKey) string {
	canonical := `{"crv":"Ed25519","kty":"OKP","x":"` + base64.RawURLEncoding.EncodeToString(pub) + `"}`
	sum := sha256.Sum256([]byte(canonical))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// AssertionKeySet is the signing key and the public keys that verify: the
// JWKS. It is immutable; a reload builds a new one.
type AssertionKeySet struct {
	signKID string
	sign    ed25519.PrivateKey
	public  []jwk // current first
	jwks    []byte
}

// jwk is one entry of the JWKS (RFC 7517, RFC 8037 §2).
type jwk struct {
	KTY string `json:"kty"`
	CRV string `json:"crv"`
	X   string `json:"x"`
	KID string `json:"kid"`
	Alg string `json:"alg"`
	Use string `json:"use"`
}

// NewAssertionKeySet builds the set: current signs, previous only verify.
// Duplicates (a previous key equal to the current one) are listed once.
func NewAssertionKeySet(current ed25519.PrivateKey, previous []ed25519.PublicKey) (*AssertionKeySet, error) {
	if len(current) != ed25519.PrivateKeySize {
		return nil, errors.New("authcore: assertion key set needs an Ed25519 private key")
	}
	s := &AssertionKeySet{sign: current}
	seen := map[string]bool{}
	for _, pub := range append([]ed25519.PublicKey{current.Public().(ed25519.PublicKey)}, previous...) {
		if len(pub) != ed25519.PublicKeySize {
			return nil, errors.New("authcore: assertion key set: malformed Ed25519 public key")
		}
		kid := Thumbprint(pub)
		if seen[kid] {
			continue
		}
		seen[kid] = true
		s.public = append(s.public, jwk{KTY: "OKP", CRV: "Ed25519", X: base64.RawURLEncoding.EncodeToString(pub), KID: kid, Alg: assertionAlg, Use: "sig"})
	}
	s.signKID = s.public[0].KID
	jwks, err := json.Marshal(struct {
		Keys []jwk `json:"keys"`
	}{s.public})
	if err != nil {
		return nil, fmt.Errorf("authcore: encode JWKS: %w", err)
	}
	s.jwks = jwks
	return s, nil
}

// AssertionKeySetFromRecords builds the set from stored keys (current
// first, as SigningKeys returns them) plus configured previous public
// keys. The first MaxPreviousAssertionKeys retired records are listed.
func AssertionKeySetFromRecords(recs []*SigningKeyRecord, extra []ed25519.PublicKey) (*AssertionKeySet, error) {
	if len(recs) == 0 || recs[0].RetiredAt != nil {
		return nil, errors.New("authcore: no current assertion signing key stored")
	}
	current, err := recs[0].Ed25519()
	if err != nil {
		return nil, err
	}
	var previous []ed25519.PublicKey
	for _, r := range recs[1:min(len(recs), 1+MaxPreviousAssertionKeys)] {
		k, err := r.Ed25519()
		if err != nil {
			return nil, err
		}
		previous = append(previous, k.Public().(ed25519.PublicKey))
	}
	return NewAssertionKeySet(current, append(previous, extra...))
}

// SigningKID is the kid of the key that signs.
func (s *AssertionKeySet) SigningKID() string { return s.signKID }

// KIDs lists every kid in the JWKS, signing key first.
func (s *AssertionKeySet) KIDs() []string {
	out := make([]string, len(s.public))
	for i, k := range s.public {
		out[i] = k.KID
	}
	return out
}

// JWKS is the JSON Web Key Set document ({"keys":[...]}) to publish at
// /.well-known/jwks.json. The caller must not modify it.
func (s *AssertionKeySet) JWKS() []byte { return s.jwks }
