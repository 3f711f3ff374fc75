package authcore_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/authgate/gatewayd/authcore"
)

// Attacks on the access-token format: every forged, altered or incomplete
// token must be refused with the right reason.

func TestJWTAlgNoneRejected(t *testing.T) {
	clock := newClock()
	tokens := newTokens(t, clock, nil)
	tok := forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, kidOf(testSecret), validClaims(clock))
	id, err := tokens.Verify(tok)
	wantReason(t, id, err, authcore.TokenSignature)
	// The same with the signature segment still present but alg rewritten.
	valid := issue(t, tokens)
	parts := strings.Split(valid, ".")
	parts[0] = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","kid":"` + kidOf(testSecret) + `","typ":"JWT"}`))
	id, err = tokens.Verify(strings.Join(parts, "."))
	wantReason(t, id, err, authcore.TokenSignature)
}

func TestJWTOtherAlgorithmsRejected(t *testing.T) {
	clock := newClock()
	tokens := newTokens(t, clock, nil)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	kid := kidOf(testSecret)
	tests := []struct {
		name   string
		method jwt.SigningMethod
		key    any
	}{
		{"HS384 with the real secret", jwt.SigningMethodHS384, []byte(testSecret)},
		{"HS512 with the real secret", jwt.SigningMethodHS512, []byte(testSecret)},
		{"RS256", jwt.SigningMethodRS256, rsaKey},
		{"PS256", jwt.SigningMethodPS256, rsaKey},
		{"none", jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := tokens.Verify(forge(t, tt.method, tt.key, kid, validClaims(clock)))
			wantReason(t, id, err, authcore.TokenSignature)
		})
	}
	t.Run("HS256 control", func(t *testing.T) {
		if _, err := tokens.Verify(forge(t, jwt.SigningMethodHS256, []byte(testSecret), kid, validClaims(clock))); err != nil {
			t.Fatalf("a correctly forged HS256 token must verify (control): %v", err)
		}
	})
}

func TestJWTTamperedRejected(t *testing.T) {
	clock := newClock()
	tokens := newTokens(t, clock, nil)
	valid := issue(t, tokens)
	parts := strings.Split(valid, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	escalated := strings.Replace(string(payload), `"roles":["user","admin"]`, `"roles":["user","admin","root"]`, 1)
	if escalated == string(payload) {
		t.Fatalf("test setup: roles not found in %s", payload)
	}
	// Change one signature character to another valid base64url one, so
	// the token still decodes and only the MAC is wrong.
	sig := []byte(parts[2])
	if sig[5] == 'A' {
		sig[5] = 'B'
	} else {
		sig[5] = 'A'
	}
	tests := []struct {
		name, token string
		reason      authcore.TokenReason
	}{
		{"payload changed", parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(escalated)) + "." + parts[2], authcore.TokenSignature},
		{"signature changed", parts[0] + "." + parts[1] + "." + string(sig), authcore.TokenSignature},
		{"signature stripped", parts[0] + "." + parts[1] + ".", authcore.TokenSignature},
		{"signed with another secret", issue(t, newTokens(t, clock, func(o *authcore.TokenOptions) { o.Secret = strings.Repeat("z", 40) })), authcore.TokenSignature},
		{"same kid, wrong key", forge(t, jwt.SigningMethodHS256, []byte(strings.Repeat("k", 40)), kidOf(testSecret), validClaims(clock)), authcore.TokenSignature},
		{"no kid", forge(t, jwt.SigningMethodHS256, []byte(testSecret), "", validClaims(clock)), authcore.TokenSignature},
		{"garbage", "not-a-jwt", authcore.TokenMalformed},
		{"two segments", parts[0] + "." + parts[1], authcore.TokenMalformed},
		{"bad base64", parts[0] + ".!!!." + parts[2], authcore.TokenMalformed},
		{"oversized", valid + strings.Repeat("A", authcore.MaxTokenLength), authcore.TokenMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := tokens.Verify(tt.token)
			wantReason(t, id, err, tt.reason)
		})
	}
}

func TestJWTRequiredClaims(t *testing.T) {
	clock := newClock()
	tokens := newTokens(t, clock, nil)
	for _, claim := range []string{"sub", "exp", "iss", "aud"} {
		t.Run("without "+claim, func(t *testing.T) {
			claims := validClaims(clock)
			delete(claims, claim)
			id, err := tokens.Verify(forge(t, jwt.SigningMethodHS256, []byte(testSecret), kidOf(testSecret), claims))
			if id != nil || !errors.Is(err, authcore.ErrInvalidToken) {
				t.Fatalf("Verify = %v, %v; a token without %s must be rejected", id, err, claim)
			}
		})
	}
}
