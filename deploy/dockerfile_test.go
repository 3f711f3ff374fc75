package deploy_test

import (
	"bufio"
	"debug/buildinfo"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// testVersion is what the rebuilt binary is stamped with.
const testVersion = "v0.0.0-deploytest"

// dockerBuildLine returns the arguments of the Dockerfile's
// `RUN CGO_ENABLED=0 go build ...` line, environment assignments included.
func dockerBuildLine() ([]string, error) {
	f, err := os.Open("Dockerfile")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "RUN "); ok && strings.Contains(rest, " go build ") {
			return splitShell(rest)
		}
	}
	return nil, errors.New("Dockerfile has no `RUN ... go build ...` line")
}

// splitShell splits a command line on blanks, honouring double quotes: the
// one shell feature the build line uses.
func splitShell(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	quoted, inWord := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, inWord = !quoted, true
		case (r == ' ' || r == '\t') && !quoted:
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		return nil, fmt.Errorf("unbalanced quote in %q", s)
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}

// runBuildLine runs the Dockerfile's build line as a plain command from the
// repository root: ${VERSION} becomes testVersion and the -o target out.
func runBuildLine(line []string, out string) error {
	var env []string
	for len(line) > 0 && strings.Contains(line[0], "=") && !strings.HasPrefix(line[0], "-") {
		env = append(env, line[0])
		line = line[1:]
	}
	if len(line) < 2 || line[0] != "go" || line[1] != "build" {
		return fmt.Errorf("build line is not `go build`: %q", line)
	}
	args := make([]string, 0, len(line))
	for i := 1; i < len(line); i++ {
		a := strings.ReplaceAll(line[i], "${VERSION}", testVersion)
		if a == "-o" && i+1 < len(line) {
			args = append(args, "-o", out)
			i++
			continue
		}
		args = append(args, a)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	return nil
}

// TestDockerfileBuildLineMakesStaticBinary rebuilds the Dockerfile's build
// line outside Docker (no engine runs here) and checks what the distroless
// static image needs: no ELF interpreter and no dynamic section, so the
// binary runs without libc; cgo off and -trimpath recorded; the version
// stamped in.
func TestDockerfileBuildLineMakesStaticBinary(t *testing.T) {
	line, err := dockerBuildLine()
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(line, " ")
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "-X main.version=${VERSION}", "./cmd/gatewayd"} {
		if !strings.Contains(joined, want) {
			t.Errorf("Dockerfile build line lacks %q: %s", want, joined)
		}
	}
	bin := dockerBuiltBinary(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("binary has a %v program header: it is not static", p.Type)
		}
	}
	if s := f.Section(".dynamic"); s != nil {
		t.Error("binary has a .dynamic section: it is not static")
	}
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if settings["CGO_ENABLED"] != "0" || settings["-trimpath"] != "true" {
		t.Errorf("build settings CGO_ENABLED=%q -trimpath=%q, want 0 and true", settings["CGO_ENABLED"], settings["-trimpath"])
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil || strings.TrimSpace(string(out)) != "gatewayd "+testVersion {
		t.Errorf("gatewayd version = %q, %v; want the stamped %s", out, err, testVersion)
	}
}

// TestDockerfileRunsNonRootWithSelfHealthcheck checks the final stage: a
// distroless nonroot base, a non-root USER, the HEALTHCHECK running the
// binary itself (the image has no curl or shell), and every path the image
// COPYs from the repository existing.
func TestDockerfileRunsNonRootWithSelfHealthcheck(t *testing.T) {
	raw, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	var from []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if f, ok := strings.CutPrefix(l, "FROM "); ok {
			from = append(from, f)
		}
		if c, ok := strings.CutPrefix(l, "COPY "); ok && !strings.Contains(c, "--from=") {
			for _, src := range strings.Fields(c)[:len(strings.Fields(c))-1] {
				if _, err := os.Stat(filepath.Join(repoRoot, src)); err != nil {
					t.Errorf("COPY %s: %v", src, err)
				}
			}
		}
	}
	if len(from) < 2 || !strings.HasPrefix(from[len(from)-1], "gcr.io/distroless/static") || !strings.Contains(from[len(from)-1], ":nonroot") {
		t.Errorf("final stage is %q, want a multi-stage build ending in distroless static :nonroot", from)
	}
	for _, want := range []string{
		"USER nonroot",
		`CMD ["/usr/local/bin/gatewayd", "healthcheck"]`,
		"HEALTHCHECK ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}
