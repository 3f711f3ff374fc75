package authcore_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

func newTestAssertions(t *testing.T, now *time.Time, cacheSize int) *authcore.Assertions {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := authcore.NewAssertionKeySet(priv, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := authcore.NewAssertions(keys, authcore.AssertionOptions{
		Issuer: "gw", CacheSize: cacheSize, Now: func() time.Time { return *now },
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func assertionFor(path string, id *authcore.Identity) authcore.AssertionRequest {
	return authcore.AssertionRequest{Identity: id, Audience: "orders", Method: "GET", Path: path}
}

// TestThumbprintMatchesRFC8037Example: the kid is the RFC 7638 thumbprint,
// checked against the worked Ed25519 example of RFC 8037 Appendix A.3.
func TestThumbprintMatchesRFC8037Example(t *testing.T) {
	x, err := base64.RawURLEncoding.DecodeString("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := authcore.Thumbprint(ed25519.PublicKey(x)), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"; got != want {
		t.Fatalf("Thumbprint = %s, want %s", got, want)
	}
}

// TestAssertionReusedWhileMoreThanHalfLifeRemains: a burst for one token,
// route, method and path costs one signature; after half the lifetime, or
// for another path, method, audience or token, a new assertion is made.
func TestAssertionReusedWhileMoreThanHalfLifeRemains(t *testing.T) {
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	a := newTestAssertions(t, &now, 0)
	id := &authcore.Identity{UserID: "u1", TokenID: "jti-1", ExpiresAt: now.Add(time.Hour)}
	sign := func(r authcore.AssertionRequest) string {
		t.Helper()
		tok, err := a.Sign(r)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	first := sign(assertionFor("/a", id))
	now = now.Add(29 * time.Second)
	if sign(assertionFor("/a", id)) != first {
		t.Fatal("not reused within the first half of its lifetime")
	}
	other := &authcore.Identity{UserID: "u1", TokenID: "jti-2", ExpiresAt: now.Add(time.Hour)}
	for name, r := range map[string]authcore.AssertionRequest{
		"other path":     assertionFor("/b", id),
		"other token":    assertionFor("/a", other),
		"other method":   {Identity: id, Audience: "orders", Method: "POST", Path: "/a"},
		"other audience": {Identity: id, Audience: "billing", Method: "GET", Path: "/a"},
	} {
		if sign(r) == first {
			t.Errorf("%s reused the assertion for GET /a", name)
		}
	}
	now = now.Add(2 * time.Second) // past half of 60s
	if sign(assertionFor("/a", id)) == first {
		t.Fatal("reused after half of its lifetime")
	}
}

// TestAssertionCacheIsBounded: a client varying the path on every request
// cannot grow the cache past its size.
func TestAssertionCacheIsBounded(t *testing.T) {
	now := time.Now()
	a := newTestAssertions(t, &now, 64)
	id := &authcore.Identity{UserID: "u1", TokenID: "jti", ExpiresAt: now.Add(time.Hour)}
	for i := range 2000 {
		if _, err := a.Sign(assertionFor(fmt.Sprintf("/p/%d", i), id)); err != nil {
			t.Fatal(err)
		}
	}
	if n := authcore.AssertionCacheLen(a); n > 64 || n == 0 {
		t.Fatalf("cache holds %d entries, want 1..64", n)
	}
}

// TestAssertionNeverOutlivesItsAccessToken: exp is capped at the access
// token's exp.
func TestAssertionNeverOutlivesItsAccessToken(t *testing.T) {
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	a := newTestAssertions(t, &now, -1)
	id := &authcore.Identity{UserID: "u1", TokenID: "j", ExpiresAt: now.Add(10 * time.Second)}
	tok, err := a.Sign(assertionFor("/a", id))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[1])
	if want := fmt.Sprintf(`"exp":%d`, id.ExpiresAt.Unix()); !strings.Contains(string(payload), want) {
		t.Fatalf("payload %s, want %s", payload, want)
	}
}

func TestParseAssertionKeysPEM(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	privPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	got, err := authcore.ParseEd25519PrivateKeyPEM(privPEM)
	if err != nil || !got.Equal(priv) {
		t.Fatalf("ParseEd25519PrivateKeyPEM: %v", err)
	}
	spki, _ := x509.MarshalPKIXPublicKey(pub)
	pubPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki}))
	keys, err := authcore.ParseEd25519PublicKeysPEM(pubPEM + pubPEM)
	if err != nil || len(keys) != 2 || !keys[0].Equal(pub) {
		t.Fatalf("ParseEd25519PublicKeysPEM = %d keys, %v", len(keys), err)
	}
	for name, bad := range map[string]string{
		"not PEM":        "hello",
		"public as priv": pubPEM,
		"garbage DER":    "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
	} {
		if _, err := authcore.ParseEd25519PrivateKeyPEM(bad); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "AAAA") {
			t.Errorf("%s: error quotes the key: %v", name, err)
		}
	}
	if _, err := authcore.ParseEd25519PublicKeysPEM("not a key"); err == nil {
		t.Error("ParseEd25519PublicKeysPEM accepted garbage")
	}
}

// TestLoadAssertionKeys: a configured key never touches the store; without
// one, the stored key is created once and then reused.
func TestLoadAssertionKeys(t *testing.T) {
	st := newMemStore()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	keys, err := authcore.LoadAssertionKeys(t.Context(), st, priv, nil, time.Now())
	if err != nil || keys.SigningKID() != authcore.Thumbprint(priv.Public().(ed25519.PublicKey)) || st.Calls() != 0 {
		t.Fatalf("configured key: kid %s, err %v, store calls %d", keys.SigningKID(), err, st.Calls())
	}
	first, err := authcore.LoadAssertionKeys(t.Context(), st, nil, nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	again, err := authcore.LoadAssertionKeys(t.Context(), st, nil, nil, time.Now())
	if err != nil || again.SigningKID() != first.SigningKID() {
		t.Fatalf("second load signs with %s, want the stored %s (%v)", again.SigningKID(), first.SigningKID(), err)
	}
}
