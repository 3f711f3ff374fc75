package gateway_test

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/gatewaytest"
	"github.com/authgate/gatewayd/gateway/proxy"
)

const assertionIssuer = "https://gw.test"

// assertionFixture is a gateway with assertions on, in front of one
// recording upstream, listening on loopback so the verifier fetches the
// JWKS over HTTP as a real upstream would.
type assertionFixture struct {
	g       *pxGateway
	up      *gatewaytest.Upstream
	baseURL string
	signer  *authcore.Assertions
	// previous is a retired key that must still be in the JWKS.
	previous ed25519.PublicKey
}

func newAssertionFixture(t *testing.T) *assertionFixture {
	t.Helper()
	_, current, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	previous, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := authcore.NewAssertionKeySet(current, []ed25519.PublicKey{previous})
	if err != nil {
		t.Fatal(err)
	}
	signer, err := authcore.NewAssertions(keys, authcore.AssertionOptions{Issuer: assertionIssuer})
	if err != nil {
		t.Fatal(err)
	}
	up := gatewaytest.NewUpstream(t, nil)
	g := newPXGateway(t, up, pxConfig{
		routes: []proxy.Route{
			{Name: "orders", PathPrefix: "/orders/", StripPrefix: true},
			{Name: "profile", PathPrefix: "/profile/", Auth: proxy.AuthOptional},
			{Name: "billing", PathPrefix: "/billing/"},
			{Name: "legacy", PathPrefix: "/legacy/"},
			{Name: "public", PathPrefix: "/public/", Auth: proxy.AuthPublic},
		},
		assertion: gateway.AssertionOptions{Signer: signer, Routes: map[string]gateway.RouteAssertion{
			"billing": {Audience: "billing-api"},
			"legacy":  {Off: true},
		}},
	})
	return &assertionFixture{g: g, up: up, baseURL: g.listen(t).URL, signer: signer, previous: previous}
}

// call sends one request through the listening gateway and returns what
// the upstream received.
func (f *assertionFixture) call(t *testing.T, method, path, token string, header http.Header) gatewaytest.Received {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, f.baseURL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	before := f.up.Count()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || f.up.Count() != before+1 {
		t.Fatalf("%s %s: status %d, upstream saw %d new requests", method, path, res.StatusCode, f.up.Count()-before)
	}
	return f.up.Last(t)
}

// fetchJWKS is what an upstream does at start-up: GET the key set from the
// gateway and parse it with its own JOSE library.
func fetchJWKS(t *testing.T, baseURL string) *jose.JSONWebKeySet {
	t.Helper()
	res, err := http.Get(baseURL + gateway.JWKSPath)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", gateway.JWKSPath, res.StatusCode)
	}
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(res.Body).Decode(&set); err != nil {
		t.Fatalf("decode JWKS with go-jose: %v", err)
	}
	return &set
}

// upstreamExpectation is what the upstream knows about itself: its
// audience, and the request it is answering.
type upstreamExpectation struct {
	audience, method, path string
	now                    time.Time
}

// gatewayClaims are the assertion's non-registered claims.
type gatewayClaims struct {
	Email  string   `json:"email"`
	Roles  []string `json:"roles"`
	Method string   `json:"htm"`
	Path   string   `json:"path"`
}

// verifyWithGoJOSE is an upstream's verifier written against go-jose only
// (the README shows the same few lines): pin EdDSA, pick the key by kid
// from the JWKS, check iss/aud/exp, then the request binding.
func verifyWithGoJOSE(keys *jose.JSONWebKeySet, token string, want upstreamExpectation) (*josejwt.Claims, *gatewayClaims, error) {
	tok, err := josejwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.EdDSA})
	if err != nil {
		return nil, nil, err
	}
	var std josejwt.Claims
	var own gatewayClaims
	if err := tok.Claims(keys, &std, &own); err != nil {
		return nil, nil, err
	}
	if std.Expiry == nil {
		return nil, nil, errors.New("assertion without exp")
	}
	if err := std.ValidateWithLeeway(josejwt.Expected{
		Issuer: assertionIssuer, AnyAudience: josejwt.Audience{want.audience}, Time: want.now,
	}, 0); err != nil {
		return nil, nil, err
	}
	if own.Method != want.method || own.Path != want.path {
		return nil, nil, fmt.Errorf("assertion is for %s %s, not %s %s", own.Method, own.Path, want.method, want.path)
	}
	return &std, &own, nil
}

// TestAssertionVerifiesWithIndependentJOSE: go-jose, fetching keys from our
// JWKS endpoint, accepts the assertion the upstream received, and it says
// who the user is, for which route and for exactly the request received.
func TestAssertionVerifiesWithIndependentJOSE(t *testing.T) {
	f := newAssertionFixture(t)
	keys := fetchJWKS(t, f.baseURL)
	got := f.call(t, http.MethodPost, "/orders/42?expand=1", f.g.token(t, "user", "auditor"), nil)

	values := got.Header.Values(proxy.DefaultAssertionHeader)
	if len(values) != 1 {
		t.Fatalf("upstream got %d assertion headers, want 1", len(values))
	}
	std, own, err := verifyWithGoJOSE(keys, values[0], upstreamExpectation{
		audience: "orders", method: got.Method, path: got.Path, now: time.Now(),
	})
	if err != nil {
		t.Fatalf("go-jose rejected our assertion: %v", err)
	}
	if got.Path != "/42" {
		t.Fatalf("upstream path %q, want /42 (strip_prefix)", got.Path)
	}
	if std.Subject != testUserID || own.Email != "ada@example.com" || !slices.Equal(own.Roles, []string{"user", "auditor"}) {
		t.Errorf("claims sub=%q email=%q roles=%v", std.Subject, own.Email, own.Roles)
	}
	if std.ID == "" || std.IssuedAt == nil || std.Expiry == nil {
		t.Errorf("jti/iat/exp missing: %+v", std)
	}
	if life := std.Expiry.Time().Sub(std.IssuedAt.Time()); life != authcore.DefaultAssertionTTL {
		t.Errorf("lifetime %s, want %s", life, authcore.DefaultAssertionTTL)
	}

	// A per-route audience replaces the route name.
	got = f.call(t, http.MethodGet, "/billing/invoices", f.g.token(t), nil)
	if _, _, err := verifyWithGoJOSE(keys, got.Header.Get(proxy.DefaultAssertionHeader), upstreamExpectation{
		audience: "billing-api", method: "GET", path: "/billing/invoices", now: time.Now(),
	}); err != nil {
		t.Errorf("billing assertion: %v", err)
	}
}

// TestJWKSListsCurrentAndPreviousKeys: the key set is cacheable, every key
// is an Ed25519 signing key with its RFC 7638 thumbprint as kid, and the
// previous key is still listed after the current one.
func TestJWKSListsCurrentAndPreviousKeys(t *testing.T) {
	f := newAssertionFixture(t)
	res, err := http.Get(f.baseURL + gateway.JWKSPath)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=300" {
		t.Errorf("Cache-Control %q", cc)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/jwk-set+json" {
		t.Errorf("Content-Type %q", ct)
	}
	var doc struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	wantKIDs := f.signer.Keys().KIDs()
	if len(doc.Keys) != 2 || len(wantKIDs) != 2 || wantKIDs[1] != authcore.Thumbprint(f.previous) {
		t.Fatalf("JWKS has %d keys (%v), want current + previous", len(doc.Keys), wantKIDs)
	}
	for i, k := range doc.Keys {
		if k["kty"] != "OKP" || k["crv"] != "Ed25519" || k["alg"] != "EdDSA" || k["use"] != "sig" || k["kid"] != wantKIDs[i] {
			t.Errorf("key %d = %v", i, k)
		}
		if _, private := k["d"]; private {
			t.Fatalf("key %d publishes its private part", i)
		}
	}
	// go-jose computes the same thumbprint for the key it parsed.
	for _, k := range fetchJWKS(t, f.baseURL).Keys {
		tp, err := k.Thumbprint(crypto.SHA256)
		if err != nil || base64.RawURLEncoding.EncodeToString(tp) != k.KeyID {
			t.Errorf("kid %s is not the RFC 7638 thumbprint (%v)", k.KeyID, err)
		}
	}
}

// TestForgedAssertionsFailInIndependentVerifier: every way of faking or
// replaying an assertion is refused by go-jose with our JWKS.
func TestForgedAssertionsFailInIndependentVerifier(t *testing.T) {
	f := newAssertionFixture(t)
	keys := fetchJWKS(t, f.baseURL)
	got := f.call(t, http.MethodGet, "/orders/42", f.g.token(t, "user"), nil)
	genuine := got.Header.Get(proxy.DefaultAssertionHeader)
	now := time.Now()
	valid := upstreamExpectation{audience: "orders", method: "GET", path: "/42", now: now}
	if _, _, err := verifyWithGoJOSE(keys, genuine, valid); err != nil {
		t.Fatalf("genuine assertion rejected: %v", err)
	}
	parts := strings.Split(genuine, ".")
	header, _ := base64.RawURLEncoding.DecodeString(parts[0])
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var kid struct {
		KID string `json:"kid"`
	}
	if err := json.Unmarshal(header, &kid); err != nil {
		t.Fatal(err)
	}

	if !strings.Contains(string(payload), `"roles":["user"]`) {
		t.Fatalf("payload %s lacks the roles the tampering test rewrites", payload)
	}
	tests := []struct {
		name  string
		token string
		want  upstreamExpectation
	}{
		{"signed with another key under our kid", signWithOtherKey(t, kid.KID, payload), valid},
		{"tampered payload (roles: admin)", parts[0] + "." +
			base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), `"roles":["user"]`, `"roles":["admin"]`, 1))) +
			"." + parts[2], valid},
		{"alg none", base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","kid":"`+kid.KID+`"}`)) + "." + parts[1] + ".", valid},
		{"expired", genuine, upstreamExpectation{audience: "orders", method: "GET", path: "/42", now: now.Add(authcore.DefaultAssertionTTL + time.Second)}},
		{"wrong audience", genuine, upstreamExpectation{audience: "billing-api", method: "GET", path: "/42", now: now}},
		{"wrong path", genuine, upstreamExpectation{audience: "orders", method: "GET", path: "/43", now: now}},
		{"wrong method", genuine, upstreamExpectation{audience: "orders", method: "DELETE", path: "/42", now: now}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := verifyWithGoJOSE(keys, tt.token, tt.want); err == nil {
				t.Fatal("go-jose accepted a forged or misused assertion")
			}
		})
	}
}

// signWithOtherKey signs payload with a fresh Ed25519 key using go-jose,
// claiming the gateway's kid: what an attacker who reaches the upstream
// directly can produce.
func signWithOtherKey(t *testing.T, kid string, payload []byte) string {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.EdDSA, Key: jose.JSONWebKey{Key: priv, KeyID: kid}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	s, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestClientAssertionHeaderStripped: the assertion header is in the
// identity namespace. A client's copy, in any spelling, never reaches an
// upstream: not on a public route, not on a route with assertions off, and
// on an asserted route only the gateway's own value arrives.
func TestClientAssertionHeaderStripped(t *testing.T) {
	f := newAssertionFixture(t)
	forged := http.Header{
		"X-Gateway-Assertion": {"forged"},
		"x_gateway_assertion": {"forged"},
		"X-GATEWAY-ASSERTION": {"forged"},
	}
	for _, tc := range []struct{ path, token string }{
		{"/public/x", ""},
		{"/profile/x", ""},
		{"/legacy/x", f.g.token(t)},
		{"/orders/x", f.g.token(t)},
	} {
		t.Run(tc.path, func(t *testing.T) {
			got := f.call(t, http.MethodGet, tc.path, tc.token, forged.Clone())
			var seen []string
			for k, v := range got.Header {
				if normalizedHeaderName(k) == "x-gateway-assertion" {
					seen = append(seen, v...)
				}
			}
			if slices.Contains(seen, "forged") {
				t.Fatalf("the client's assertion reached the upstream: %v", seen)
			}
			wantOne := tc.path == "/orders/x"
			if wantOne != (len(seen) == 1) || len(seen) > 1 {
				t.Fatalf("upstream saw assertion values %v; want exactly one: %v", seen, wantOne)
			}
		})
	}
}

// TestAssertionOnlyWithIdentity: anonymous requests (public routes,
// optional routes without a token) and routes with `assertion: false`
// carry none; an optional route with a token carries one.
func TestAssertionOnlyWithIdentity(t *testing.T) {
	f := newAssertionFixture(t)
	for _, tc := range []struct {
		path, token string
		want        bool
	}{
		{"/public/x", f.g.token(t), false},
		{"/profile/x", "", false},
		{"/profile/x", f.g.token(t), true},
		{"/legacy/x", f.g.token(t), false},
	} {
		got := f.call(t, http.MethodGet, tc.path, tc.token, nil)
		if has := got.Header.Get(proxy.DefaultAssertionHeader) != ""; has != tc.want {
			t.Errorf("%s (token: %v): assertion present %v, want %v", tc.path, tc.token != "", has, tc.want)
		}
	}
}

// TestJWKSPathNeverProxied: even under a catch-all route, and with
// assertions off, /.well-known/jwks.json is the gateway's.
func TestJWKSPathNeverProxied(t *testing.T) {
	if !gateway.IsGatewayPath(gateway.JWKSPath) || !gateway.IsGatewayPath("/x/../.well-known/jwks.json") {
		t.Fatal("IsGatewayPath does not own the JWKS path")
	}
	up := gatewaytest.NewUpstream(t, nil)
	g := newPXGateway(t, up, pxConfig{routes: []proxy.Route{{Name: "all", PathPrefix: "/", Auth: proxy.AuthPublic}}})
	for _, p := range []string{gateway.JWKSPath, "//.well-known/jwks.json", "/a/../.well-known/jwks.json"} {
		res := g.serve(pxRequest(http.MethodGet, "http://gw.test"+p, ""))
		if res.Code != http.StatusNotFound {
			t.Errorf("GET %s with assertions off: %d, want 404", p, res.Code)
		}
	}
	if up.Count() != 0 {
		t.Fatalf("the upstream received %d JWKS requests", up.Count())
	}
}

// TestAssertionHookFailureNeverForwards: if the assertion cannot be made,
// the request does not reach the upstream without it.
func TestAssertionHookFailureNeverForwards(t *testing.T) {
	up := gatewaytest.NewUpstream(t, nil)
	transport := proxy.NewTransport(proxy.TransportOptions{})
	t.Cleanup(transport.CloseIdleConnections)
	fwd := proxy.NewForwarder(&proxy.Route{Name: "r", PathPrefix: "/", Upstreams: []*url.URL{up.Target(t)}}, transport, proxy.ForwarderOptions{})
	r := pxRequest(http.MethodGet, "http://gw.test/x", "")
	r = r.WithContext(proxy.WithOutboundHook(r.Context(), failingHook{}))
	err := fwd.Forward(httptest.NewRecorder(), r)
	if !errors.Is(err, proxy.ErrUpstreamUnavailable) {
		t.Fatalf("Forward = %v, want ErrUpstreamUnavailable", err)
	}
	if up.Count() != 0 {
		t.Fatal("the request reached the upstream without its assertion")
	}
}

type failingHook struct{}

func (failingHook) Outbound(*http.Request) error { return errors.New("cannot sign") }
