package nginx_test

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// stack is nginx (running the shipped example) in front of a real gatewayd
// and a recording upstream, all on loopback ports of this test.
type stack struct {
	nginxURL string // where clients connect: nginx
	gatewayd string // the built binary
	upstream *recorder
	client   *http.Client
}

// The exact text in gateway-auth-request.conf that the test replaces. If
// the example is edited so that one of these no longer appears exactly
// once, the test fails instead of quietly testing something else.
const (
	exampleGatewayd = "server 127.0.0.1:8080;"
	exampleBackend  = "server 127.0.0.1:9000;"
	exampleListen   = "listen 80 default_server;"
)

// Credentials of the role-holding user the stack provisions with the users
// CLI before gatewayd starts.
const (
	adminEmail    = "admin@example.com"
	adminPassword = "correct horse battery staple"
)

// startStack builds and starts everything; all of it stops at cleanup.
func startStack(t *testing.T) *stack {
	t.Helper()
	nginx := nginxBinary(t) // first: fail fast with the install hint
	dir := t.TempDir()
	s := &stack{
		upstream: newRecorder(t),
		gatewayd: buildGatewayd(t, dir),
		client:   &http.Client{Timeout: requestTimeout},
	}

	gwAddr := loopback(freePort(t))
	cfg := writeGatewayConfig(t, dir, gwAddr, s.upstream.addr())
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"DATABASE_URL=sqlite:" + filepath.Join(dir, "gateway.db"),
		"JWT_SECRET=nginx-example-test-secret-0123456789abcdef",
	}
	createUser := exec.Command(s.gatewayd, "--config", cfg, "users", "create", "--email", adminEmail, "--roles", "admin")
	createUser.Env, createUser.Stdin = env, strings.NewReader(adminPassword+"\n")
	if out, err := createUser.CombinedOutput(); err != nil {
		t.Fatalf("gatewayd users create: %v\n%s", err, out)
	}
	serve := exec.Command(s.gatewayd, "--config", cfg, "serve")
	serve.Env = env
	gw := startProcess(t, "gatewayd", serve)
	waitHTTP(t, gw, "http://"+gwAddr+"/healthz", 200)

	ngAddr := loopback(freePort(t))
	s.nginxURL = "http://" + ngAddr
	conf := writeNginxConfig(t, dir, ngAddr, gwAddr, s.upstream.addr())
	ng := startProcess(t, "nginx", exec.Command(nginx, "-p", dir, "-c", conf, "-e", "stderr"))
	// A request without a token is 401 once nginx and the gateway both work.
	waitHTTP(t, ng, s.nginxURL+"/", 401)
	s.upstream.reset()
	return s
}

// writeGatewayConfig writes a gateway.yaml with three routes to the
// upstream, one per policy the example must enforce, and nginx's address
// (loopback) as the only trusted proxy.
func writeGatewayConfig(t *testing.T, dir, listen, upstream string) string {
	t.Helper()
	yaml := fmt.Sprintf(`server:
  listen: %q
  trusted_proxies: ["127.0.0.1"]
log:
  level: warn
  format: text
password:
  # Cheap hashing: this test is about nginx, not argon2's cost.
  memory_kib: 1024
  iterations: 1
auth:
  default_roles: [user]
ratelimit:
  store: memory
  register: "100-M"
  login: "100-M"
docs:
  enabled: false
admin:
  listen: ""
routes:
  - name: app
    match: { path_prefix: / }
    upstream: "http://%[2]s"
    auth: required
  - name: admin
    match: { path_prefix: /admin/ }
    upstream: "http://%[2]s"
    auth: required
    roles: [admin]
  - name: public
    match: { path_prefix: /public/ }
    upstream: "http://%[2]s"
    auth: public
`, listen, upstream)
	path := filepath.Join(dir, "gateway.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeNginxConfig copies the shipped example with this test's addresses
// into an nginx.conf whose pid, log and temp paths all live in dir, so the
// test needs no root and leaves nothing behind.
func writeNginxConfig(t *testing.T, dir, listen, gateway, upstream string) string {
	t.Helper()
	example, err := os.ReadFile("gateway-auth-request.conf")
	if err != nil {
		t.Fatal(err)
	}
	server := string(example)
	for _, r := range []struct{ old, new string }{
		{exampleGatewayd, "server " + gateway + ";"},
		{exampleBackend, "server " + upstream + ";"},
		{exampleListen, "listen " + listen + " default_server;"},
	} {
		if n := strings.Count(server, r.old); n != 1 {
			t.Fatalf("gateway-auth-request.conf: want %q exactly once, found %d times; keep the example and this test in sync", r.old, n)
		}
		server = strings.Replace(server, r.old, r.new, 1)
	}
	if err := os.WriteFile(filepath.Join(dir, "gateway-auth-request.conf"), []byte(server), 0o600); err != nil {
		t.Fatal(err)
	}
	main := fmt.Sprintf(`# Test harness around the shipped example (included unchanged but for addresses).
daemon off;
master_process off;
pid %[1]s/nginx.pid;
error_log stderr warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path %[1]s/client_body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    include %[1]s/gateway-auth-request.conf;
}
`, dir)
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(main), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
