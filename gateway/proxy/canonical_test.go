package proxy_test

import (
	"errors"
	"net/url"
	"testing"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// canonCase is one row of the canonicalization table: an escaped path and
// either its canonical form (and whether it had ';' parameters) or a
// refusal.
type canonCase struct {
	in, want string
	params   bool
	refused  bool
}

// checkCanon runs rows through proxy.Canonicalize and checks the answer,
// and for accepted rows that the forwarded spelling reads back the same.
func checkCanon(t *testing.T, rows []canonCase) {
	t.Helper()
	for _, tt := range rows {
		t.Run(tt.in, func(t *testing.T) {
			c, err := proxy.Canonicalize("", tt.in)
			if tt.refused {
				if !errors.Is(err, proxy.ErrInvalidPath) {
					t.Fatalf("Canonicalize(%q) = %+v, %v; want ErrInvalidPath", tt.in, c, err)
				}
				return
			}
			if err != nil || c.Path != tt.want || c.Params != tt.params {
				t.Fatalf("Canonicalize(%q) = %q params=%v, %v; want %q params=%v", tt.in, c.Path, c.Params, err, tt.want, tt.params)
			}
			fwd := (&url.URL{Path: c.Path}).EscapedPath()
			again, err := proxy.Canonicalize("", fwd)
			if err != nil || again.Path != c.Path || again.Params {
				t.Errorf("forwarded %q reads back as %+v, %v; want %q", fwd, again, err, c.Path)
			}
		})
	}
}

func TestCanonicalizeMergesSlashesAndResolvesDots(t *testing.T) {
	checkCanon(t, []canonCase{
		{in: "/", want: "/"},
		{in: "/a/b", want: "/a/b"},
		{in: "/a/b/", want: "/a/b/"},
		{in: "/a/../b", want: "/b"},
		{in: "/public/../admin", want: "/admin"},
		{in: "/public/../admin/", want: "/admin/"},
		{in: "//x", want: "/x"},
		{in: "/a//b///c", want: "/a/b/c"},
		{in: "/a/./b/", want: "/a/b/"},
		// RFC 3986 §5.2.4: a final "." or ".." leaves a trailing slash.
		{in: "/a/.", want: "/a/"},
		{in: "/a/b/..", want: "/a/"},
		{in: "/a/..", want: "/"},
		{in: "/..", want: "/"},
		{in: "/../../etc/passwd", want: "/etc/passwd"},
		{in: "/a/b/../../..", want: "/"},
		{in: "/.hidden/..dots/...", want: "/.hidden/..dots/..."},
		{in: "", refused: true},
		{in: "a/b", refused: true},
		{in: "*", refused: true},
	})
}

// TestEncodedDotsAreDots: an escaped unreserved character is decoded
// before the dots are resolved, as every server family does.
func TestEncodedDotsAreDots(t *testing.T) {
	checkCanon(t, []canonCase{
		{in: "/public/%2e%2e/admin", want: "/admin"},
		{in: "/public/.%2E/admin", want: "/admin"},
		{in: "/public/%2e/admin", want: "/public/admin"},
		{in: "/%61pi/x", want: "/api/x"},
		{in: "/a%20b", want: "/a b"},
		{in: "/caf%C3%A9", want: "/café"},
		{in: "/a%3Fb%23c", want: "/a?b#c"},
		{in: "/100%25off", want: "/100%off"},
	})
}

// TestPathParametersStrippedTomcatStyle: ';' (or %3B) starts a segment's
// parameters; they are removed before the dots are resolved, so the
// canonical path is what Tomcat or Jetty would map. Params is set, so only
// a route with allow_path_params takes the request (Router.Resolve).
func TestPathParametersStrippedTomcatStyle(t *testing.T) {
	checkCanon(t, []canonCase{
		{in: "/public/..;/admin/secret", want: "/admin/secret", params: true},
		{in: "/public/..%3B/admin/secret", want: "/admin/secret", params: true},
		{in: "/public/..%3b/admin/secret", want: "/admin/secret", params: true},
		{in: "/public/%2e%2e;/admin/secret", want: "/admin/secret", params: true},
		{in: "/admin;x/secret", want: "/admin/secret", params: true},
		{in: "/app/page;jsessionid=ABC", want: "/app/page", params: true},
		{in: "/;x/admin", want: "/admin", params: true},
		{in: "/a;x%2F../b", want: "/a/b", params: true}, // the parameters are dropped whole
	})
}

func TestEncodedSlashRejected(t *testing.T) {
	checkCanon(t, []canonCase{
		{in: "/files/a%2Fb", refused: true},
		{in: "/files/a%2fb", refused: true},
		{in: "/public/..%2Fadmin", refused: true},
	})
}

func TestBackslashRejected(t *testing.T) {
	checkCanon(t, []canonCase{
		{in: `/public/..\admin`, refused: true},
		{in: "/public/..%5Cadmin", refused: true},
		{in: "/public/..%5cadmin", refused: true},
	})
}

func TestDoubleEncodingRejected(t *testing.T) {
	checkCanon(t, []canonCase{
		{in: "/public/%252e%252e/admin", refused: true},
		{in: "/a%252Fb", refused: true},
		{in: "/a%253B/b", refused: true},
		{in: "/a%25zz", want: "/a%zz"}, // a literal '%', not an escape
		// The hex digits may themselves be escaped: judged after decoding.
		{in: "/%250%41", refused: true},
		{in: "/a%25%32%65", refused: true},
		{in: "/a%25%7A%7A", want: "/a%zz"},
	})
}

func TestNULAndControlCharactersRejected(t *testing.T) {
	checkCanon(t, []canonCase{
		{in: "/a%00b", refused: true},
		{in: "/a\x00b", refused: true},
		{in: "/a%0Ab", refused: true},
		{in: "/a%0d%0aSet-Cookie:x", refused: true},
		{in: "/a%7Fb", refused: true},
		{in: "/a\tb", refused: true},
	})
}

func TestInvalidUTF8Rejected(t *testing.T) {
	checkCanon(t, []canonCase{
		{in: "/%C0%AE%C0%AE/admin", refused: true}, // overlong "..", the IIS unicode bug
		{in: "/%C0%AF", refused: true},             // overlong "/"
		{in: "/%E0%80%AF", refused: true},          // 3-byte overlong "/"
		{in: "/%ED%A0%80", refused: true},          // UTF-16 surrogate
		{in: "/%FF", refused: true},
		{in: "/\xff", refused: true},
	})
}

func TestMalformedEscapeRejected(t *testing.T) {
	checkCanon(t, []canonCase{
		{in: "/a%", refused: true},
		{in: "/a%2", refused: true},
		{in: "/a%zz", refused: true},
	})
}

func TestCanonicalizeIsIdempotentOnItsForwardedForm(t *testing.T) {
	for _, in := range []string{"/a/b/", "/public/..;/admin", "/%2e%2e/x%20y", "/x/100%25off", "//a/./b/../c/"} {
		c, err := proxy.Canonicalize("", in)
		if err != nil {
			t.Fatalf("Canonicalize(%q): %v", in, err)
		}
		fwd := (&url.URL{Path: c.Path}).EscapedPath()
		again, err := proxy.Canonicalize("", fwd)
		if err != nil || again.Path != c.Path {
			t.Errorf("%q → %q → forwarded %q → %q, %v", in, c.Path, fwd, again.Path, err)
		}
	}
}

func TestHostCanonicalized(t *testing.T) {
	for in, want := range map[string]string{
		"":                    "",
		"api.example.com":     "api.example.com",
		"API.Example.COM":     "api.example.com",
		"api.example.com.":    "api.example.com",
		"api.example.com..":   "api.example.com", // a fixed point, found by FuzzStripAndMatch
		"..":                  "",
		"api.example.com:443": "api.example.com",
		"API.example.com.:80": "api.example.com",
		"[::1]:8080":          "[::1]",
		"[::1]":               "[::1]",
		"[FE80::1]":           "[fe80::1]",
		"10.0.0.1:80":         "10.0.0.1",
	} {
		c, err := proxy.Canonicalize(in, "/")
		if err != nil || c.Host != want {
			t.Errorf("Canonicalize(%q).Host = %q, %v; want %q", in, c.Host, err, want)
		}
	}
}

func TestCanonicalizeDoesNotAllocateForCleanPaths(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := proxy.Canonicalize("api.example.com", "/api/v1/users/42/"); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Canonicalize allocated %v times for a clean path", allocs)
	}
}
