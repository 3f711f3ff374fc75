package docs_test

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/authgate/gatewayd/gateway/docs"
)

// pageRef is one URL the docs page makes the browser load.
type pageRef struct {
	tag, attr, url string
	rel            string // for <link>
}

// pageRefs tokenizes index.html and returns every src/href, failing on
// anything a strict CSP would block or that could run script inline.
func pageRefs(t *testing.T) []pageRef {
	t.Helper()
	index, ok := docs.New().Asset("index.html")
	if !ok {
		t.Fatal("index.html missing")
	}
	var refs []pageRef
	z := html.NewTokenizer(bytes.NewReader(index.Bytes()))
	inScript := false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return refs
		case html.TextToken:
			if inScript && strings.TrimSpace(string(z.Text())) != "" {
				t.Errorf("inline script %q: CSP script-src 'self' would block it", z.Text())
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "script" {
				inScript = false
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			if tok.Data == "style" {
				t.Error("inline <style>: CSP style-src 'self' would block it")
			}
			if tok.Data == "script" {
				inScript = tt == html.StartTagToken
			}
			ref := pageRef{tag: tok.Data}
			for _, a := range tok.Attr {
				switch {
				case strings.HasPrefix(a.Key, "on"):
					t.Errorf("<%s %s>: inline event handlers run script", tok.Data, a.Key)
				case a.Key == "style":
					t.Errorf("<%s style>: inline style", tok.Data)
				case a.Key == "src" || a.Key == "href":
					ref.attr, ref.url = a.Key, a.Val
				case a.Key == "rel":
					ref.rel = a.Val
				}
			}
			if ref.url != "" {
				refs = append(refs, ref)
			}
		}
	}
}

// TestIndexLoadsOnlyEmbeddedSameOriginAssets is the "no CDN" promise:
// every URL in the page is an absolute path on our own origin that the
// Site actually serves, and no http(s) URL appears anywhere in the page or
// in init.js.
func TestIndexLoadsOnlyEmbeddedSameOriginAssets(t *testing.T) {
	site := docs.New()
	refs := pageRefs(t)
	if len(refs) < 3 {
		t.Fatalf("found only %d references: %+v", len(refs), refs)
	}
	for _, ref := range refs {
		t.Run(ref.url, func(t *testing.T) {
			name, ok := strings.CutPrefix(ref.url, docs.UIPath+"/")
			if !ok || strings.Contains(ref.url, "//") || strings.Contains(ref.url, ":") {
				t.Fatalf("<%s %s=%q> is not a same-origin path below %s/", ref.tag, ref.attr, ref.url, docs.UIPath)
			}
			if _, ok := site.Asset(name); !ok {
				t.Fatalf("<%s %s=%q> names a file the site does not serve", ref.tag, ref.attr, ref.url)
			}
		})
	}
	for _, name := range []string{"index.html", "init.js"} {
		f, _ := site.Asset(name)
		if m := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`).FindString(string(f.Bytes())); m != "" {
			t.Errorf("%s mentions an external URL %q", name, m)
		}
	}
	t.Run("init.js loads the gateway's own document", func(t *testing.T) {
		f, _ := site.Asset("init.js")
		if !strings.Contains(string(f.Bytes()), `url: "`+docs.SpecPath+`"`) {
			t.Fatalf("init.js does not load %s", docs.SpecPath)
		}
		// Disabled on purpose; see the comments in init.js.
		for _, setting := range []string{"validatorUrl: null", "queryConfigEnabled: false"} {
			if !strings.Contains(string(f.Bytes()), setting) {
				t.Errorf("init.js lacks %q", setting)
			}
		}
	})
}

// TestCSPAllowsOwnAssetsOnly checks the policy both ways: each kind of
// asset the page loads is allowed from 'self', and nothing else (inline
// script, eval, other hosts) is.
func TestCSPAllowsOwnAssetsOnly(t *testing.T) {
	csp := parseCSP(t, docs.CSP)
	want := map[string][]string{
		"default-src":     {"'none'"},
		"script-src":      {"'self'"},
		"style-src":       {"'self'"},
		"img-src":         {"'self'", "data:"},
		"connect-src":     {"'self'"},
		"base-uri":        {"'none'"},
		"form-action":     {"'none'"},
		"frame-ancestors": {"'none'"},
	}
	for directive, sources := range want {
		if !slices.Equal(csp[directive], sources) {
			t.Errorf("%s = %v, want %v", directive, csp[directive], sources)
		}
	}
	for directive := range csp {
		if _, ok := want[directive]; !ok {
			t.Errorf("unexpected directive %s", directive)
		}
	}
	// Every asset in the page is allowed by the directive that governs it.
	governing := func(ref pageRef) string {
		switch {
		case ref.tag == "script":
			return "script-src"
		case ref.tag == "link" && ref.rel == "stylesheet":
			return "style-src"
		case ref.tag == "link" && strings.Contains(ref.rel, "icon"), ref.tag == "img":
			return "img-src"
		}
		t.Errorf("no rule for <%s rel=%q>", ref.tag, ref.rel)
		return ""
	}
	for _, ref := range pageRefs(t) {
		if d := governing(ref); d != "" && !slices.Contains(csp[d], "'self'") {
			t.Errorf("%s does not allow 'self', so %s would be blocked", d, ref.url)
		}
	}
}

func parseCSP(t *testing.T, policy string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, part := range strings.Split(policy, ";") {
		fields := strings.Fields(part)
		if len(fields) == 0 {
			continue
		}
		if _, dup := out[fields[0]]; dup {
			t.Errorf("directive %s appears twice (browsers ignore the second)", fields[0])
		}
		out[fields[0]] = fields[1:]
	}
	return out
}
