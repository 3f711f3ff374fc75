package deploy_test

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
)

// repoRoot is the module root, two levels up from this package.
const repoRoot = ".."

var (
	buildOnce sync.Once
	buildDir  string
	buildPath string
	buildErr  error
)

// TestMain removes the binary built once for the whole package.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// dockerBuiltBinary builds gatewayd exactly as the Dockerfile's build
// stage does (see dockerBuildLine) and returns its path. Built once.
func dockerBuiltBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "gatewayd-deploy-")
		if buildErr != nil {
			return
		}
		buildPath = filepath.Join(buildDir, "gatewayd")
		var line []string
		line, buildErr = dockerBuildLine()
		if buildErr != nil {
			return
		}
		buildErr = runBuildLine(line, buildPath)
	})
	if buildErr != nil {
		t.Fatalf("build as the Dockerfile does: %v", buildErr)
	}
	return buildPath
}

// configCheck runs `gatewayd --config path config check` with exactly env
// and fails the test on a non-zero exit.
func configCheck(t *testing.T, path string, env ...string) string {
	t.Helper()
	cmd := exec.Command(dockerBuiltBinary(t), "--config", path, "config", "check")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("gatewayd config check %s: %v\n%s", path, err, out)
	}
	return string(out)
}

// yamlDocs decodes every document of a (multi-document) YAML file.
func yamlDocs(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	var docs []map[string]any
	for {
		var d map[string]any
		if err := dec.Decode(&d); err != nil {
			if errors.Is(err, io.EOF) {
				return docs
			}
			t.Fatalf("%s: %v", path, err)
		}
		if d != nil {
			docs = append(docs, d)
		}
	}
}

// dig walks nested maps and lists by key or index ("containers", "0").
func dig(t *testing.T, v any, path ...string) any {
	t.Helper()
	for _, p := range path {
		switch c := v.(type) {
		case map[string]any:
			v = c[p]
		case []any:
			i := 0
			for _, r := range p {
				i = i*10 + int(r-'0')
			}
			if i >= len(c) {
				t.Fatalf("index %s out of range at %s", p, strings.Join(path, "."))
			}
			v = c[i]
		default:
			t.Fatalf("cannot descend into %T at %q of %s", v, p, strings.Join(path, "."))
		}
	}
	return v
}
