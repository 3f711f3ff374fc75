package authcore

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/authgate/gatewayd/internal/fielderr"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// DefaultLeeway is the clock-skew allowance a configuration starts with
// (jwt.leeway). It is NOT applied to a zero TokenOptions.Leeway: zero
// leeway is a meaningful setting (issue 9), so zero means zero.
const DefaultLeeway = 30 * time.Second

// Access-token defaults, used for zero TokenOptions fields.
const (
	DefaultAccessTTL      = 15 * time.Minute
	DefaultIssuer         = "gatewayd"
	DefaultAudience       = "gatewayd"
	DefaultTokenCacheSize = 10000
	// MaxTokenLength bounds what Verify will parse. Our tokens are a few
	// hundred bytes; the bound stops a multi-kilobyte header from costing
	// JSON decoding work before the signature is even checked.
	MaxTokenLength = 8192
)

// signingAlg is the only algorithm issued or accepted. Pinning it closes
// the classic JWT holes: "alg":"none", and RS256-public-key-as-HMAC-secret
// confusion.
const signingAlg = "HS256"

// TokenOptions configure access-token signing and verification. Zero
// values take the defaults above.
type TokenOptions struct {
	Secret          string   // signs and verifies; at least MinSecretLength
	PreviousSecrets []string // verify only, for rotation; each at least MinSecretLength
	Issuer          string   // iss claim issued and required
	Audience        string   // aud claim issued and required
	TTL             time.Duration
	Leeway          time.Duration // clock-skew allowance on exp/nbf/iat, 0–MaxLeeway; zero means none
	CacheSize       int           // verified-token cache entries; negative disables
	// Revocations, when set, rejects tokens of a user issued before the
	// user's revoked_before (issue 13 §2), cached or not. Nil checks none.
	Revocations *Revocations
	Now         func() time.Time
}

// Identity is what a verified access token says about its bearer.
//
// Verify may return the same *Identity to many callers (it is cached), so
// callers must treat it, including Roles, as read-only.
type Identity struct {
	UserID    string
	Email     string
	Roles     []string
	TokenID   string
	IssuedAt  time.Time // iat, whole seconds: what revocation compares
	ExpiresAt time.Time
}

// HasAnyRole reports whether the identity holds at least one of roles; an
// empty list always matches, because a route without role requirements
// only needs a valid token.
func (id *Identity) HasAnyRole(roles []string) bool {
	if len(roles) == 0 {
		return true
	}
	for _, r := range roles {
		if slices.Contains(id.Roles, r) {
			return true
		}
	}
	return false
}

// AccessTokens issues and verifies HS256 access JWTs over a key ring.
// It is safe for concurrent use.
type AccessTokens struct {
	ring     *keyRing
	issuer   string
	audience string
	ttl      time.Duration
	now      func() time.Time
	parser   *jwt.Parser
	cache    *tokenCache  // nil when disabled
	revoked  *Revocations // nil: no revocation check
	leeway   time.Duration
}

// MaxLeeway caps the clock-skew allowance, so a leeway setting cannot
// quietly extend the life of expired tokens by hours.
const MaxLeeway = 5 * time.Minute

// Validate reports every problem with opts as joined *fielderr.Error
// values: secrets shorter than MinSecretLength characters (shortSecret),
// a leeway outside 0–MaxLeeway, a negative TTL. Zero Issuer, Audience,
// TTL and CacheSize take the defaults above; zero Leeway means none.
func (opts TokenOptions) Validate() error {
	var errs []error
	if shortSecret(opts.Secret) {
		errs = append(errs, fielderr.New("Secret", "must be at least %d characters; %s", MinSecretLength, secretHint))
	}
	for i, s := range opts.PreviousSecrets {
		if shortSecret(s) {
			errs = append(errs, fielderr.New(fmt.Sprintf("PreviousSecrets[%d]", i), "must be at least %d characters; %s", MinSecretLength, secretHint))
		}
	}
	if opts.Leeway < 0 || opts.Leeway > MaxLeeway {
		errs = append(errs, fielderr.New("Leeway", "must be between 0s and %s", MaxLeeway))
	}
	if opts.TTL < 0 {
		errs = append(errs, fielderr.New("TTL", "must not be negative (0 means %s)", DefaultAccessTTL))
	}
	return errors.Join(errs...)
}

// NewAccessTokens validates opts and builds the key ring. A secret shorter
// than MinSecretLength is refused with an error that says how to generate
// a good one, so a weak key never reaches production silently.
func NewAccessTokens(opts TokenOptions) (*AccessTokens, error) {
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("authcore: access tokens: %w", err)
	}
	ring, err := newKeyRing(opts.Secret, opts.PreviousSecrets)
	if err != nil {
		return nil, err
	}
	t := &AccessTokens{
		ring:     ring,
		issuer:   orDefault(opts.Issuer, DefaultIssuer),
		audience: orDefault(opts.Audience, DefaultAudience),
		ttl:      opts.TTL,
		now:      opts.Now,
		revoked:  opts.Revocations,
	}
	if t.ttl <= 0 {
		t.ttl = DefaultAccessTTL
	}
	if t.now == nil {
		t.now = time.Now
	}
	// Zero means zero: a default applied here could not tell "unset"
	// from "0s" and would turn an operator's leeway: 0s into 30s (issue
	// 9). The 30s default is DefaultLeeway, which config starts from.
	leeway := opts.Leeway
	t.leeway = leeway
	// Security: the algorithm, issuer and audience are pinned, exp is
	// mandatory and iat may not lie in the future. Without WithValidMethods
	// a token could pick its own algorithm. WithStrictDecoding refuses
	// base64url with non-zero trailing bits, so a signature has one
	// spelling, not four (padding is refused without WithPaddingAllowed);
	// see also canonicalToken.
	t.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{signingAlg}),
		jwt.WithStrictDecoding(),
		jwt.WithIssuer(t.issuer),
		jwt.WithAudience(t.audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(t.now),
	)
	switch size := opts.CacheSize; {
	case size == 0:
		t.cache = newTokenCache(DefaultTokenCacheSize)
	case size > 0:
		t.cache = newTokenCache(size)
	}
	return t, nil
}

// TTL is the access-token lifetime.
func (t *AccessTokens) TTL() time.Duration { return t.ttl }

// Leeway is the clock-skew allowance applied to exp: a token is accepted
// until ExpiresAt plus Leeway, so that is also when a stream it opened
// must end.
func (t *AccessTokens) Leeway() time.Duration { return t.leeway }

// Issue signs an access token for u with the current secret.
func (t *AccessTokens) Issue(u *User) (token string, expiresAt time.Time, err error) {
	if u == nil || u.ID == "" {
		return "", time.Time{}, errors.New("authcore: issue access token: user has no id")
	}
	// JWT times have one-second precision; truncate first so expiresAt is
	// exactly what the token says.
	now := t.now().Truncate(time.Second)
	if t.revoked != nil {
		// A token issued in the second of a revocation would carry the
		// same iat as the tokens it revoked and be born dead
		// (RevocationCutoff). Service.awaitCutoff normally waits that
		// second out; should the clock still lag (skew, a test clock),
		// the token starts at the cutoff instead.
		if cutoff, ok := t.revoked.Cutoff(u.ID); ok && now.Before(cutoff) {
			now = cutoff
		}
	}
	expiresAt = now.Add(t.ttl)
	roles := u.Roles
	if roles == nil {
		roles = []string{}
	}
	claims := accessClaims{
		Subject:   u.ID,
		Issuer:    t.issuer,
		Audience:  jwt.ClaimStrings{t.audience},
		IssuedAt:  newNumericDate(jwt.NewNumericDate(now)),
		NotBefore: newNumericDate(jwt.NewNumericDate(now)),
		ExpiresAt: newNumericDate(jwt.NewNumericDate(expiresAt)),
		ID:        uuid.NewString(),
		Email:     u.Email,
		Roles:     roles,
	}
	kid, key := t.ring.signingKey()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, &claims)
	tok.Header["kid"] = kid
	token, err = tok.SignedString(key)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("authcore: sign access token: %w", err)
	}
	return token, expiresAt, nil
}

// Verify checks a token and returns its identity. Every failure is a
// *TokenError (errors.Is(err, ErrInvalidToken)) carrying the reason.
// Tokens verified before are answered from a cache until their exp; the
// returned *Identity is shared and must not be modified.
func (t *AccessTokens) Verify(token string) (*Identity, error) {
	if token == "" {
		return nil, &TokenError{Reason: TokenMissing}
	}
	now := t.now()
	if t.cache != nil {
		if id := t.cache.get(token, now); id != nil {
			// Security: the cache holds tokens that were valid when
			// verified; a revocation since then must still bite.
			if t.isRevoked(id) {
				return nil, &TokenError{Reason: TokenRevoked}
			}
			return id, nil
		}
	}
	if len(token) > MaxTokenLength {
		return nil, &TokenError{Reason: TokenMalformed, Err: errors.New("token too long")}
	}
	if !canonicalToken(token) {
		return nil, &TokenError{Reason: TokenMalformed, Err: errors.New("token has characters outside base64url")}
	}
	var claims accessClaims
	if _, err := t.parser.ParseWithClaims(token, &claims, t.keyFunc); err != nil {
		return nil, &TokenError{Reason: tokenReason(err), Err: err}
	}
	if claims.Subject == "" {
		return nil, &TokenError{Reason: TokenMalformed, Err: errors.New("token has no subject")}
	}
	id := &Identity{
		UserID:    claims.Subject,
		Email:     claims.Email,
		Roles:     claims.Roles,
		TokenID:   claims.ID,
		ExpiresAt: claims.ExpiresAt.Time,
	}
	if iat := claims.IssuedAt.get(); iat != nil {
		id.IssuedAt = iat.Time
	}
	if t.isRevoked(id) {
		return nil, &TokenError{Reason: TokenRevoked}
	}
	// Only successes are cached, and only while strictly unexpired: inside
	// the leeway window the full check above decides every time.
	if t.cache != nil && now.Before(id.ExpiresAt) {
		t.cache.put(token, id, now)
	}
	return id, nil
}

// canonicalToken reports whether token uses only the base64url alphabet
// and dots. Go's base64 decoders skip CR and LF even in strict mode, so
// without this a token with a line break inside would decode, verify, and
// be a second spelling of the same token (and a second cache entry).
func canonicalToken(token string) bool {
	for i := 0; i < len(token); i++ {
		switch c := token[i]; {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}

// isRevoked reports whether the user's revoked_before postdates the
// token's iat: one atomic load and one map lookup (issue 13 §2). A token
// without iat (never issued by us) counts as issued at the epoch, so any
// revocation of its user kills it.
func (t *AccessTokens) isRevoked(id *Identity) bool {
	if t.revoked == nil {
		return false
	}
	var iat int64
	if !id.IssuedAt.IsZero() {
		iat = id.IssuedAt.Unix()
	}
	return t.revoked.Revoked(id.UserID, iat)
}

// keyFunc selects the verification key by the token's kid header. An
// unknown or missing kid fails (as TokenSignature) instead of falling back
// to trying every key.
func (t *AccessTokens) keyFunc(tok *jwt.Token) (any, error) {
	kid, _ := tok.Header["kid"].(string)
	key, ok := t.ring.lookup(kid)
	if !ok {
		return nil, errUnknownKeyID
	}
	return key, nil
}

// tokenReason maps a golang-jwt error to the reason reported to clients.
// Signature problems are checked first: the library verifies the signature
// before the claims, and a forged token must never be described by what
// its (untrusted) claims say.
func tokenReason(err error) TokenReason {
	switch {
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return TokenSignature
	case errors.Is(err, jwt.ErrTokenMalformed):
		return TokenMalformed
	case errors.Is(err, jwt.ErrTokenExpired):
		return TokenExpired
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return TokenNotYet
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return TokenIssuer
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return TokenAudience
	default:
		return TokenMalformed // missing exp, wrongly typed claims, ...
	}
}

// orDefault returns v, or def when v is empty.
func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
