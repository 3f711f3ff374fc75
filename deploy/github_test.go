package deploy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDependabotAndCIWorkflowCoverWhatTheyClaim: dependabot watches Go
// modules, the Dockerfile's base images and the workflow's actions; the
// workflow runs the same entry point as local CI plus govulncheck.
func TestDependabotAndCIWorkflowCoverWhatTheyClaim(t *testing.T) {
	bot := yamlDocs(t, filepath.Join(repoRoot, ".github", "dependabot.yml"))[0]
	dirs := map[string]string{}
	for _, u := range dig(t, bot, "updates").([]any) {
		dirs[dig(t, u, "package-ecosystem").(string)] = dig(t, u, "directory").(string)
	}
	for eco, dir := range map[string]string{"gomod": "/", "docker": "/deploy", "github-actions": "/"} {
		if dirs[eco] != dir {
			t.Errorf("dependabot: %s in %q, want %q", eco, dirs[eco], dir)
		}
	}
	if _, err := os.Stat(filepath.Join(repoRoot, strings.TrimPrefix(dirs["docker"], "/"), "Dockerfile")); err != nil {
		t.Errorf("dependabot's docker directory has no Dockerfile: %v", err)
	}
	ci := yamlDocs(t, filepath.Join(repoRoot, ".github", "workflows", "ci.yml"))[0]
	var runs []string
	for _, job := range dig(t, ci, "jobs").(map[string]any) {
		for _, step := range dig(t, job, "steps").([]any) {
			if r, ok := step.(map[string]any)["run"].(string); ok {
				runs = append(runs, r)
			}
		}
	}
	all := strings.Join(runs, "\n")
	for _, want := range []string{".ci/run", "govulncheck"} {
		if !strings.Contains(all, want) {
			t.Errorf("ci.yml never runs %s", want)
		}
	}
}
