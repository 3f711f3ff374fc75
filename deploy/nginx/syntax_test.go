package nginx_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestEveryShippedNginxFilePassesNginxT runs `nginx -t` on every .conf file
// in this directory, so a new example cannot ship without being checked.
// Only what nginx -t cannot have (certificate files, a writable prefix) is
// substituted; addresses stay as shipped, since -t binds nothing.
func TestEveryShippedNginxFilePassesNginxT(t *testing.T) {
	nginx := nginxBinary(t)
	files, err := filepath.Glob("*.conf")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatalf("found %d nginx files, want gateway-auth-request.conf and gateway-tls.conf", len(files))
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			dir := t.TempDir()
			certFile, keyFile, _ := selfSignedCert(t, dir)
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			text := string(raw)
			if f == "gateway-tls.conf" {
				text = substitute(t, f, text, tlsExampleCert, certFile, tlsExampleKey, keyFile)
			}
			site := filepath.Join(dir, f)
			if err := os.WriteFile(site, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			main := harness(t, dir, site)
			out, err := exec.Command(nginx, "-t", "-p", dir, "-c", main, "-e", "stderr").CombinedOutput()
			if err != nil {
				t.Fatalf("nginx -t %s: %v\n%s", f, err, out)
			}
		})
	}
}
