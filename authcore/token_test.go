package authcore_test

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/authgate/gatewayd/authcore"
)

var testUser = &authcore.User{ID: "4f8a4e8e-6f5c-4a57-9d3b-2f1a0c2e9b71", Email: "alice@example.com", Roles: []string{"user", "admin"}}

// testLeeway is what newTokens verifies with unless a test says otherwise:
// the configuration's default (authcore itself has none; zero means zero).
const testLeeway = 30 * time.Second

func newTokens(t testing.TB, clock *fakeClock, mod func(*authcore.TokenOptions)) *authcore.AccessTokens {
	t.Helper()
	opts := authcore.TokenOptions{Secret: testSecret, Now: clock.Now, Leeway: testLeeway}
	if mod != nil {
		mod(&opts)
	}
	tokens, err := authcore.NewAccessTokens(opts)
	if err != nil {
		t.Fatalf("NewAccessTokens: %v", err)
	}
	return tokens
}

func issue(t testing.TB, tokens *authcore.AccessTokens) string {
	t.Helper()
	tok, _, err := tokens.Issue(testUser)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	return tok
}

// kidOf computes the documented kid formula independently.
func kidOf(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return base64.RawURLEncoding.EncodeToString(sum[:8])
}

// validClaims are claims our verifier would accept at clock's time.
func validClaims(clock *fakeClock) jwt.MapClaims {
	now := clock.Now()
	return jwt.MapClaims{
		"sub": testUser.ID, "email": testUser.Email, "roles": []string{"admin"},
		"iss": "gatewayd", "aud": []string{"gatewayd"},
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Minute).Unix(), "jti": "x",
	}
}

// forge signs claims with any method and key, as an attacker would.
func forge(t *testing.T, method jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("forge %s: %v", method.Alg(), err)
	}
	return s
}

// wantReason asserts err is a *TokenError with reason, matching ErrInvalidToken.
func wantReason(t *testing.T, id *authcore.Identity, err error, reason authcore.TokenReason) {
	t.Helper()
	var te *authcore.TokenError
	if id != nil || !errors.As(err, &te) || !errors.Is(err, authcore.ErrInvalidToken) {
		t.Fatalf("Verify = %v, %v; want *TokenError %q", id, err, reason)
	}
	if te.Reason != reason {
		t.Fatalf("reason = %q (%v), want %q", te.Reason, err, reason)
	}
	if strings.Contains(err.Error(), testSecret) {
		t.Fatal("token error contains the secret")
	}
}

func TestIssueAndVerifyCarryIdentity(t *testing.T) {
	clock := newClock()
	tokens := newTokens(t, clock, nil)
	tok, exp, err := tokens.Issue(testUser)
	if err != nil {
		t.Fatal(err)
	}
	if want := clock.Now().Add(authcore.DefaultAccessTTL); !exp.Equal(want) || tokens.TTL() != authcore.DefaultAccessTTL {
		t.Fatalf("expiresAt = %v, TTL = %v; want %v, 15m", exp, tokens.TTL(), want)
	}
	id, err := tokens.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	if id.UserID != testUser.ID || id.Email != testUser.Email || strings.Join(id.Roles, ",") != "user,admin" || !id.ExpiresAt.Equal(exp) || id.TokenID == "" {
		t.Fatalf("identity = %+v", id)
	}
	// The claims and header are what the docs promise.
	parsed, _, err := jwt.NewParser().ParseUnverified(tok, jwt.MapClaims{})
	if err != nil {
		t.Fatal(err)
	}
	claims := parsed.Claims.(jwt.MapClaims)
	for _, c := range []string{"sub", "email", "roles", "iss", "aud", "iat", "nbf", "exp", "jti"} {
		if _, ok := claims[c]; !ok {
			t.Errorf("claim %q missing", c)
		}
	}
	if parsed.Header["alg"] != "HS256" || parsed.Header["kid"] != kidOf(testSecret) {
		t.Errorf("header = %v", parsed.Header)
	}
	if claims["iss"] != "gatewayd" {
		t.Errorf("iss = %v", claims["iss"])
	}
}

func TestJWTMissingToken(t *testing.T) {
	id, err := newTokens(t, newClock(), nil).Verify("")
	wantReason(t, id, err, authcore.TokenMissing)
}

func TestJWTExpiredRejected(t *testing.T) {
	clock := newClock()
	tokens := newTokens(t, clock, func(o *authcore.TokenOptions) { o.CacheSize = -1 })
	tok := issue(t, tokens)
	clock.Advance(authcore.DefaultAccessTTL + testLeeway - time.Second)
	if _, err := tokens.Verify(tok); err != nil {
		t.Fatalf("inside the leeway: %v", err)
	}
	clock.Advance(time.Second)
	id, err := tokens.Verify(tok)
	wantReason(t, id, err, authcore.TokenExpired)
}

func TestJWTWrongIssuerRejected(t *testing.T) {
	clock := newClock()
	other := newTokens(t, clock, func(o *authcore.TokenOptions) { o.Issuer = "someone-else" })
	id, err := newTokens(t, clock, nil).Verify(issue(t, other))
	wantReason(t, id, err, authcore.TokenIssuer)
}

func TestJWTWrongAudienceRejected(t *testing.T) {
	clock := newClock()
	other := newTokens(t, clock, func(o *authcore.TokenOptions) { o.Audience = "another-api" })
	id, err := newTokens(t, clock, nil).Verify(issue(t, other))
	wantReason(t, id, err, authcore.TokenAudience)
}

func TestJWTNotBeforeWithinLeeway(t *testing.T) {
	verifierClock := newClock()
	verifier := newTokens(t, verifierClock, func(o *authcore.TokenOptions) { o.CacheSize = -1 })
	tests := []struct {
		name  string
		skew  time.Duration // how far the issuer's clock runs ahead
		valid bool
	}{
		{"issuer 20s ahead, inside 30s leeway", 20 * time.Second, true},
		{"issuer 30s ahead, at the leeway", 30 * time.Second, true},
		{"issuer 31s ahead", 31 * time.Second, false},
		{"issuer 10m ahead", 10 * time.Minute, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			issuerClock := newClock()
			issuerClock.Advance(tt.skew)
			tok := issue(t, newTokens(t, issuerClock, nil))
			id, err := verifier.Verify(tok)
			if tt.valid {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			wantReason(t, id, err, authcore.TokenNotYet)
		})
	}
}

func TestShortSecretRefusesToStart(t *testing.T) {
	good := strings.Repeat("g", authcore.MinSecretLength)
	short := strings.Repeat("s", authcore.MinSecretLength-1)
	tests := []struct {
		name string
		opts authcore.TokenOptions
		ok   bool
	}{
		{"empty secret", authcore.TokenOptions{}, false},
		{"31 characters", authcore.TokenOptions{Secret: short}, false},
		{"32 characters", authcore.TokenOptions{Secret: good}, true},
		// 16 characters of 2 bytes: 32 bytes, but a promise in characters.
		{"16 two-byte characters", authcore.TokenOptions{Secret: strings.Repeat("é", 16)}, false},
		{"32 two-byte characters", authcore.TokenOptions{Secret: strings.Repeat("é", 32)}, true},
		{"short previous secret", authcore.TokenOptions{Secret: good, PreviousSecrets: []string{testSecret, short}}, false},
		{"previous equal to current", authcore.TokenOptions{Secret: good, PreviousSecrets: []string{good}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tokens, err := authcore.NewAccessTokens(tt.opts)
			if tt.ok {
				if err != nil || tokens == nil {
					t.Fatalf("NewAccessTokens = %v", err)
				}
				return
			}
			if err == nil || tokens != nil {
				t.Fatal("NewAccessTokens accepted a short secret")
			}
			if !strings.Contains(err.Error(), "openssl rand -base64 48") {
				t.Errorf("error %q does not say how to generate a secret", err)
			}
			if strings.Contains(err.Error(), short) {
				t.Errorf("error %q contains the secret", err)
			}
		})
	}
}

func TestKeyRotationPreviousSecretStillVerifies(t *testing.T) {
	clock := newClock()
	oldSecret, newSecret := testSecret, strings.Repeat("n", 48)
	before := newTokens(t, clock, nil)
	rotated := newTokens(t, clock, func(o *authcore.TokenOptions) {
		o.Secret, o.PreviousSecrets = newSecret, []string{oldSecret}
	})
	oldToken := issue(t, before)
	if _, err := rotated.Verify(oldToken); err != nil {
		t.Fatalf("token signed with the previous secret: %v", err)
	}
	newToken := issue(t, rotated)
	parsed, _, err := jwt.NewParser().ParseUnverified(newToken, jwt.MapClaims{})
	if err != nil {
		t.Fatal(err)
	}
	if parsed.Header["kid"] != kidOf(newSecret) {
		t.Fatalf("rotated service signed with kid %v, want the new secret's %s", parsed.Header["kid"], kidOf(newSecret))
	}
	// Proof the previous secret does not sign: a verifier that only knows
	// the old secret must refuse the new token.
	id, err := before.Verify(newToken)
	wantReason(t, id, err, authcore.TokenSignature)
	// And once the old secret is retired, its tokens die.
	retired := newTokens(t, clock, func(o *authcore.TokenOptions) { o.Secret = newSecret })
	id, err = retired.Verify(oldToken)
	wantReason(t, id, err, authcore.TokenSignature)
}

func TestKeyIDRevealsNoSecret(t *testing.T) {
	kid := authcore.KeyID(testSecret)
	if kid != kidOf(testSecret) || len(kid) != 11 {
		t.Fatalf("KeyID = %q, want 8 bytes of SHA-256 in base64url (%q)", kid, kidOf(testSecret))
	}
	if strings.Contains(testSecret, kid) || strings.Contains(kid, testSecret[:8]) {
		t.Fatal("kid contains secret material")
	}
	if authcore.KeyID(testSecret+"x") == kid {
		t.Fatal("different secrets share a kid")
	}
}

func TestIssueRefusesUserWithoutID(t *testing.T) {
	tokens := newTokens(t, newClock(), nil)
	if _, _, err := tokens.Issue(&authcore.User{Email: "a@b.c"}); err == nil {
		t.Fatal("Issue signed a token without a subject")
	}
}
