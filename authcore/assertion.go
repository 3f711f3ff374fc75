package authcore

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/authgate/gatewayd/internal/fielderr"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// Identity-assertion defaults (issue 13), used for zero AssertionOptions
// fields.
const (
	DefaultAssertionTTL       = 60 * time.Second
	DefaultAssertionCacheSize = 10000
)

// Bounds of AssertionOptions.TTL: below a few seconds clock skew between
// gateway and upstream rejects good assertions; past ten minutes a
// captured assertion is a long-lived credential.
const (
	MinAssertionTTL = 5 * time.Second
	MaxAssertionTTL = 10 * time.Minute
)

// Validate reports every problem with opts as joined *fielderr.Error
// values; zero TTL and CacheSize take the defaults above. (Issuer is
// required by NewAssertions, which cmd fills from jwt.issuer.)
func (opts AssertionOptions) Validate() error {
	if opts.TTL != 0 && (opts.TTL < MinAssertionTTL || opts.TTL > MaxAssertionTTL) {
		return fielderr.New("TTL", "must be between %s and %s", MinAssertionTTL, MaxAssertionTTL)
	}
	return nil
}

// assertionAlg is the only algorithm assertions are signed with. Ed25519
// (RFC 8037) gives small, fast signatures and has no parameter choices a
// verifier could get wrong; publishing only "EdDSA" keys in the JWKS keeps
// a verifier that honours the JWK "alg" from accepting anything else.
const assertionAlg = "EdDSA"

// AssertionOptions configure the identity assertion.
type AssertionOptions struct {
	// Issuer is the iss claim (the gateway's jwt.issuer by default in cmd).
	Issuer string
	// TTL is the assertion lifetime; 0 means DefaultAssertionTTL.
	TTL time.Duration
	// CacheSize bounds the signed-assertion cache; 0 means the default,
	// negative disables it (every request signs).
	CacheSize int
	// Now is the clock (time.Now); tests inject one.
	Now func() time.Time
}

// AssertionRequest is what one assertion binds: who, for which upstream
// (Audience) and for which request (Method and Path, exactly as the
// upstream receives them).
type AssertionRequest struct {
	Identity *Identity
	Audience string
	Method   string
	Path     string
}

// assertionClaims is the assertion's payload. htm is the HTTP method, as in
// DPoP (RFC 9449 §4.2); path is the request path the upstream receives
// (after strip_prefix, without the query). Together they stop an assertion
// captured on one request from authorizing another.
type assertionClaims struct {
	jwt.RegisteredClaims
	Email  string   `json:"email,omitempty"`
	Roles  []string `json:"roles"`
	Method string   `json:"htm"`
	Path   string   `json:"path"`
}

// Assertions signs identity assertions: short-lived EdDSA JWTs an upstream
// verifies with the gateway's JWKS, so it need not trust the network (an
// attacker who reaches it directly cannot forge one). Safe for concurrent
// use; SetKeys swaps the keys while requests are being signed.
type Assertions struct {
	keys   atomic.Pointer[AssertionKeySet]
	issuer string
	ttl    time.Duration
	now    func() time.Time
	cache  *assertionCache // nil when disabled
}

// NewAssertions builds the signer over keys.
func NewAssertions(keys *AssertionKeySet, opts AssertionOptions) (*Assertions, error) {
	if keys == nil {
		return nil, errors.New("authcore: assertions need a key set")
	}
	if opts.Issuer == "" {
		return nil, errors.New("authcore: assertions need an issuer")
	}
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("authcore: assertions: %w", err)
	}
	a := &Assertions{issuer: opts.Issuer, ttl: opts.TTL, now: opts.Now}
	if a.ttl <= 0 {
		a.ttl = DefaultAssertionTTL
	}
	if a.now == nil {
		a.now = time.Now
	}
	switch size := opts.CacheSize; {
	case size == 0:
		a.cache = newAssertionCache(DefaultAssertionCacheSize)
	case size > 0:
		a.cache = newAssertionCache(size)
	}
	a.keys.Store(keys)
	return a, nil
}

// Keys returns the current key set (for the JWKS endpoint).
func (a *Assertions) Keys() *AssertionKeySet { return a.keys.Load() }

// SetKeys replaces the key set, e.g. after another replica rotated the
// stored key. Cached assertions signed with another key are not reused.
func (a *Assertions) SetKeys(k *AssertionKeySet) {
	if k != nil {
		a.keys.Store(k)
	}
}

// TTL is the assertion lifetime.
func (a *Assertions) TTL() time.Duration { return a.ttl }

// Sign returns the assertion for req. An assertion for the same access
// token (jti), audience, method and path is reused while more than half of
// its lifetime remains, so a client's burst costs one Ed25519 signature,
// not one per request; the cache is bounded, so varying paths cannot grow
// it.
func (a *Assertions) Sign(req AssertionRequest) (string, error) {
	id := req.Identity
	if id == nil || id.UserID == "" {
		return "", errors.New("authcore: sign assertion: no identity")
	}
	now := a.now()
	keys := a.keys.Load()
	cacheable := a.cache != nil && id.TokenID != ""
	if cacheable {
		if tok := a.cache.get(id.TokenID, req, keys.signKID, now); tok != "" {
			return tok, nil
		}
	}
	// JWT times have one-second precision: truncate so reuse decisions
	// match what the token says.
	iat := now.Truncate(time.Second)
	exp := iat.Add(a.ttl)
	// An assertion never outlives the access token it was made from.
	if id.ExpiresAt.After(iat) && id.ExpiresAt.Before(exp) {
		exp = id.ExpiresAt
	}
	roles := id.Roles
	if roles == nil {
		roles = []string{}
	}
	claims := assertionClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    a.issuer,
			Subject:   id.UserID,
			Audience:  jwt.ClaimStrings{req.Audience},
			IssuedAt:  jwt.NewNumericDate(iat),
			ExpiresAt: jwt.NewNumericDate(exp),
			ID:        uuid.NewString(),
		},
		Email:  id.Email,
		Roles:  roles,
		Method: req.Method,
		Path:   req.Path,
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
	tok.Header["kid"] = keys.signKID
	signed, err := tok.SignedString(keys.sign)
	if err != nil {
		return "", fmt.Errorf("authcore: sign assertion: %w", err)
	}
	if cacheable {
		a.cache.put(id.TokenID, req, keys.signKID, signed, iat.Add(exp.Sub(iat)/2), now)
	}
	return signed, nil
}
