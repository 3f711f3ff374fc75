package authcore_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/authgate/gatewayd/authcore"
)

// Issue 9: a token has exactly one spelling, and its time claims are JSON
// numbers, so no second JWT library can read a token differently from us.

// signRaw signs a hand-written payload, so the claims can hold JSON that
// no typed claims value would produce.
func signRaw(t *testing.T, payload string) string {
	t.Helper()
	enc := base64.RawURLEncoding
	head := enc.EncodeToString([]byte(`{"alg":"HS256","kid":"` + kidOf(testSecret) + `","typ":"JWT"}`))
	body := enc.EncodeToString([]byte(payload))
	sig, err := jwt.SigningMethodHS256.Sign(head+"."+body, []byte(testSecret))
	if err != nil {
		t.Fatal(err)
	}
	return head + "." + body + "." + enc.EncodeToString(sig)
}

func TestJWTNumericDateClaimsMustBeNumbers(t *testing.T) {
	clock := newClock()
	tokens := newTokens(t, clock, func(o *authcore.TokenOptions) { o.CacheSize = -1 })
	now := clock.Now().Unix()
	good := map[string]int64{"iat": now, "nbf": now, "exp": now + 60}
	payload := func(claim, raw string) string {
		m := map[string]any{
			"sub": testUser.ID, "iss": "gatewayd", "aud": []string{"gatewayd"}, "jti": "x",
		}
		for c, v := range good {
			m[c] = v
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if claim == "" {
			return string(b)
		}
		// Replace the claim's number with raw JSON of another type.
		num, _ := json.Marshal(good[claim])
		old := `"` + claim + `":` + string(num)
		if !strings.Contains(string(b), old) {
			t.Fatalf("test setup: %s not in %s", old, b)
		}
		return strings.Replace(string(b), old, `"`+claim+`":`+raw, 1)
	}
	if _, err := tokens.Verify(signRaw(t, payload("", ""))); err != nil {
		t.Fatalf("control: numbers must verify: %v", err)
	}
	for _, claim := range []string{"exp", "nbf", "iat"} {
		kinds := []struct{ name, raw string }{
			{"string", `"` + jsonNumber(good[claim]) + `"`},
			{"bool", "true"},
			{"null", "null"},
			{"object", `{"n":` + jsonNumber(good[claim]) + `}`},
			{"array", `[` + jsonNumber(good[claim]) + `]`},
		}
		for _, k := range kinds {
			t.Run(claim+" as "+k.name, func(t *testing.T) {
				id, err := tokens.Verify(signRaw(t, payload(claim, k.raw)))
				wantReason(t, id, err, authcore.TokenMalformed)
			})
		}
	}
}

func jsonNumber(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// signatureSpellings returns other base64url spellings of the signature
// segment sig: the same bytes with different unused trailing bits, with
// padding, with a line break (which Go's decoders skip), and in the
// standard alphabet where that differs.
func signatureSpellings(t *testing.T, sig string) map[string]string {
	t.Helper()
	raw, err := base64.RawURLEncoding.Strict().DecodeString(sig)
	if err != nil || len(raw) != 32 {
		t.Fatalf("test setup: signature %q: %v", sig, err)
	}
	// 32 bytes are 43 characters carrying 258 bits: the last character's
	// two low bits are unused, so three other characters decode the same.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, sig[len(sig)-1])
	out := map[string]string{}
	for bits := 1; bits < 4; bits++ {
		alt := sig[:len(sig)-1] + string(alphabet[last|bits])
		if b, err := base64.RawURLEncoding.DecodeString(alt); err != nil || string(b) != string(raw) {
			t.Fatalf("test setup: %q is not another spelling (%v)", alt, err)
		}
		out["trailing bits "+string(rune('0'+bits))] = alt
	}
	out["padding"] = sig + "="
	out["line break"] = sig[:20] + "\n" + sig[20:]
	out["carriage return"] = sig[:20] + "\r" + sig[20:]
	if std := base64.RawStdEncoding.EncodeToString(raw); std != sig {
		out["standard alphabet"] = std
	}
	return out
}

func TestJWTOneSpellingPerToken(t *testing.T) {
	clock := newClock()
	tokens := newTokens(t, clock, nil)
	tok := issue(t, tokens)
	dot := strings.LastIndexByte(tok, '.')
	head, sig := tok[:dot+1], tok[dot+1:]
	// Verify the canonical token first: it is now in the verified-token
	// cache, which must not answer for any other spelling.
	if _, err := tokens.Verify(tok); err != nil {
		t.Fatal(err)
	}
	spellings := signatureSpellings(t, sig)
	if len(spellings) < 5 {
		t.Fatalf("test setup: only %d spellings", len(spellings))
	}
	for name, alt := range spellings {
		t.Run(name, func(t *testing.T) {
			id, err := tokens.Verify(head + alt)
			wantReason(t, id, err, authcore.TokenMalformed)
		})
	}
	// The same with the cache disabled: the parser itself refuses them.
	uncached := newTokens(t, clock, func(o *authcore.TokenOptions) { o.CacheSize = -1 })
	for name, alt := range spellings {
		t.Run("uncached "+name, func(t *testing.T) {
			id, err := uncached.Verify(head + alt)
			wantReason(t, id, err, authcore.TokenMalformed)
		})
	}
	// A line break inside the payload segment is refused too.
	id, err := uncached.Verify(tok[:10] + "\n" + tok[10:])
	wantReason(t, id, err, authcore.TokenMalformed)
}

func TestLeewayZeroMeansZero(t *testing.T) {
	clock := newClock()
	tokens := newTokens(t, clock, func(o *authcore.TokenOptions) { o.Leeway, o.CacheSize = 0, -1 })
	tok, exp, err := tokens.Issue(testUser)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(exp.Sub(clock.Now()) - time.Second)
	if _, err := tokens.Verify(tok); err != nil {
		t.Fatalf("one second before exp: %v", err)
	}
	clock.Advance(time.Second)
	id, err := tokens.Verify(tok)
	wantReason(t, id, err, authcore.TokenExpired)
	// And a token from an issuer one second ahead is not yet valid.
	ahead := newClock()
	ahead.Advance(time.Second)
	id, err = newTokens(t, newClock(), func(o *authcore.TokenOptions) { o.Leeway = 0 }).Verify(issue(t, newTokens(t, ahead, nil)))
	wantReason(t, id, err, authcore.TokenNotYet)
}
