package deploy_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestSecurityDocLinksAndKeysExist keeps SECURITY.md honest: every
// relative link points at a file in the repository, and every config key
// the production checklist names is a key of gateway.example.yaml (the
// reference of every setting), so a renamed key or moved file fails here
// instead of sending an operator nowhere.
func TestSecurityDocLinksAndKeysExist(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, "SECURITY.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	links := regexp.MustCompile(`\]\(([^)#][^)]*)\)`).FindAllStringSubmatch(doc, -1)
	if len(links) < 10 {
		t.Fatalf("found only %d links in SECURITY.md", len(links))
	}
	for _, m := range links {
		target := m[1]
		if strings.Contains(target, "://") {
			continue
		}
		if _, err := os.Stat(filepath.Join(repoRoot, target)); err != nil {
			t.Errorf("SECURITY.md links to %s, which does not exist", target)
		}
	}

	start := strings.Index(doc, "## Production checklist")
	end := strings.Index(doc[start+1:], "\n## ")
	if start < 0 || end < 0 {
		t.Fatal("SECURITY.md has no Production checklist section")
	}
	checklist := doc[start : start+1+end]
	exampleRaw, err := os.ReadFile(filepath.Join(repoRoot, "gateway.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var example map[string]any
	if err := yaml.Unmarshal(exampleRaw, &example); err != nil {
		t.Fatal(err)
	}
	keys := regexp.MustCompile("key `([a-z_]+\\.[a-z_]+)`").FindAllStringSubmatch(checklist, -1)
	if len(keys) < 8 {
		t.Fatalf("found only %d config keys in the checklist", len(keys))
	}
	for _, m := range keys {
		section, leaf, _ := strings.Cut(m[1], ".")
		if m[1] == "jwt.secret" {
			// Deliberately absent from the example (it must come from the
			// environment); the example says so in its jwt section.
			if !strings.Contains(string(exampleRaw), "JWT_SECRET") {
				t.Error("gateway.example.yaml no longer explains how to set jwt.secret")
			}
			continue
		}
		sec, ok := example[section].(map[string]any)
		if _, found := sec[leaf]; !ok || !found {
			t.Errorf("the checklist names %s, which gateway.example.yaml does not have", m[1])
		}
	}
}
