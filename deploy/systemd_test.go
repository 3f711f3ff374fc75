package deploy_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const unitFile = "systemd/gatewayd.service"

// TestSystemdUnitVerifies runs `systemd-analyze verify` on the unit, with
// ExecStart pointed at a binary built as the Dockerfile builds it (verify
// insists the executable exists). Unknown or misspelt directives are only
// warnings to systemd-analyze, so any output at all fails the test.
// systemd-analyze ships with systemd on every Debian-family host; on a
// host without it the test fails with the install hint, it never skips.
func TestSystemdUnitVerifies(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Fatal("systemd-analyze not found; install it: apt-get install -y systemd")
	}
	raw, err := os.ReadFile(unitFile)
	if err != nil {
		t.Fatal(err)
	}
	const shipped = "/usr/local/bin/gatewayd"
	if !strings.Contains(string(raw), "ExecStart="+shipped+" ") {
		t.Fatalf("%s: ExecStart no longer runs %s; keep this test in sync", unitFile, shipped)
	}
	unit := strings.ReplaceAll(string(raw), shipped, dockerBuiltBinary(t))
	path := filepath.Join(t.TempDir(), "gatewayd.service")
	if err := os.WriteFile(path, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// TestSystemdUnitIsHardened checks the sandboxing directives by value, so a
// later edit cannot quietly weaken them.
func TestSystemdUnitIsHardened(t *testing.T) {
	f, err := os.Open(unitFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			got[k] = append(got[k], v)
		}
	}
	for k, want := range map[string]string{
		"DynamicUser":             "yes",
		"NoNewPrivileges":         "yes",
		"ProtectSystem":           "strict",
		"ProtectHome":             "yes",
		"PrivateTmp":              "yes",
		"PrivateDevices":          "yes",
		"CapabilityBoundingSet":   "",
		"RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
		"RestrictNamespaces":      "yes",
		"RestrictSUIDSGID":        "yes",
		"ProtectKernelTunables":   "yes",
		"ProtectKernelModules":    "yes",
		"ProtectControlGroups":    "yes",
		"MemoryDenyWriteExecute":  "yes",
		"LockPersonality":         "yes",
		"SystemCallArchitectures": "native",
		"KillSignal":              "SIGTERM",
	} {
		if v := got[k]; len(v) != 1 || v[0] != want {
			t.Errorf("%s = %q, want %q", k, v, want)
		}
	}
	if v := got["SystemCallFilter"]; len(v) == 0 || v[0] != "@system-service" {
		t.Errorf("SystemCallFilter = %q, want @system-service first", v)
	}
	if v := got["Environment"]; !strings.Contains(strings.Join(v, " "), "JWT_SECRET_FILE=%d/") {
		t.Errorf("the JWT secret must come from a credential file (LoadCredential + JWT_SECRET_FILE): %q", v)
	}
}
