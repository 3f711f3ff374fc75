package gateway_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/authgate/gatewayd/authcore"
)

// Issue 9: encoding/json replaces invalid UTF-8 and lone surrogate escapes
// with U+FFFD. An /auth body holding either is refused with 400 before the
// service sees it, so no rewritten value is ever stored or compared.

// textAttackBodies builds, per endpoint, bodies that carry bad in a string
// field (a raw JSON fragment placed inside the quotes).
func textAttackBodies(bad string) map[string][]string {
	return map[string][]string{
		"/auth/register": {
			`{"email":"a` + bad + `b@example.com","password":"long enough password"}`,
			`{"email":"ab@example.com","password":"long enough ` + bad + `"}`,
		},
		"/auth/login": {
			`{"email":"a` + bad + `b@example.com","password":"` + rlPassword + `"}`,
			`{"email":"ab@example.com","password":"` + bad + `"}`,
		},
		"/auth/refresh": {`{"refresh_token":"x` + bad + `"}`},
		"/auth/logout":  {`{"refresh_token":"x` + bad + `"}`},
	}
}

// assertTextRejected sends every body for bad and checks the answer is 400
// malformed_request, that no account was created under the U+FFFD spelling,
// and that no login or registration reached the service.
func assertTextRejected(t *testing.T, bad string) {
	t.Helper()
	b := newRLBackend(t)
	gw := b.instance(t, rlOptions{})
	gw.register("ab@example.com")
	before := gw.events.len()
	n := 0
	for path, bodies := range textAttackBodies(bad) {
		for i, body := range bodies {
			n++
			t.Run(fmt.Sprintf("%s#%d", path, i), func(t *testing.T) {
				w := gw.post(path, body, fmt.Sprintf("198.51.100.%d", n), nil)
				decodeProblem(t, w, http.StatusBadRequest, "malformed_request")
			})
		}
	}
	for _, email := range []string{"a\ufffdb@example.com", "a\ufffd\ufffdb@example.com", "ab@example.com"} {
		u, err := b.store.UserByEmail(context.Background(), email)
		if email == "ab@example.com" {
			if err != nil || u.Email != email {
				t.Fatalf("the pre-registered user: %v", err)
			}
			continue
		}
		if !errors.Is(err, authcore.ErrNotFound) {
			t.Fatalf("user %q stored (err %v)", email, err)
		}
	}
	if got := gw.events.len(); got != before {
		t.Fatalf("%d auth events after rejected bodies: the service was called", got-before)
	}
}

func TestInvalidUTF8InJSONRejected(t *testing.T) {
	for name, bad := range map[string]string{
		"0xff":               "\xff",
		"lone continuation":  "\x80",
		"truncated sequence": "\xe2\x82",
		"overlong slash":     "\xc0\xaf",
		"encoded surrogate":  "\xed\xa0\x80",
	} {
		t.Run(name, func(t *testing.T) { assertTextRejected(t, bad) })
	}
}

func TestLoneSurrogateInJSONRejected(t *testing.T) {
	for name, bad := range map[string]string{
		"high alone":         `\ud800`,
		"high at the end":    `\uDBFF`,
		"low alone":          `\udc00`,
		"low then high":      `\udc00\ud800`,
		"high then non-low":  `\ud800\u0041`,
		"high then one-char": `\ud800\n`,
		"two highs":          `\ud800\ud800`,
		"high then raw char": `\ud800x`,
		"truncated escape":   `\ud8`,
		"truncated low":      `\ud800\udc`,
	} {
		t.Run(name, func(t *testing.T) { assertTextRejected(t, bad) })
	}
}

// TestValidUnicodeInJSONAccepted is the control: real non-ASCII text, a
// surrogate pair, a literal U+FFFD and an escaped backslash before "u"
// are all ordinary input.
func TestValidUnicodeInJSONAccepted(t *testing.T) {
	b := newRLBackend(t)
	gw := b.instance(t, rlOptions{})
	for i, password := range []string{
		"grüße aus köln",
		`smile \ud83d\ude00 please`,
		"replacement \ufffd char",
		`not an escape \\ud800 here`,
	} {
		body := `{"email":"user` + fmt.Sprint(i) + `@example.com","password":"` + password + `"}`
		w := gw.post("/auth/register", body, fmt.Sprintf("192.0.2.%d", i+1), nil)
		if w.Code != http.StatusCreated {
			t.Fatalf("register with password %q: %d %s", password, w.Code, w.Body)
		}
	}
}
