package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// demo runs the gateway and the demo upstream in one process for a first
// look: a throwaway JWT secret and a throwaway SQLite database unless the
// environment provides them, then the curl lines to try. Ctrl-C stops both.
func demo(ctx context.Context, configPath string, args []string, e env) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	upstream := fs.String("upstream-listen", "127.0.0.1:9000", "address of the demo upstream (must match the route in the config)")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	overrides := map[string]string{}
	if e.getenv("JWT_SECRET") == "" && e.getenv("JWT_SECRET_FILE") == "" {
		overrides["JWT_SECRET"] = randomSecret()
		fmt.Fprintln(e.stdout, "demo: generated a throwaway JWT secret for this session")
	}
	if e.getenv("DATABASE_URL") == "" && e.getenv("DATABASE_URL_FILE") == "" {
		dir, err := os.MkdirTemp("", "gatewayd-demo-")
		if err != nil {
			fmt.Fprintln(e.stderr, "demo:", err)
			return exitFailure
		}
		defer os.RemoveAll(dir)
		overrides["DATABASE_URL"] = "sqlite:" + filepath.Join(dir, "demo.db")
	}
	// gateway.example.yaml keeps docs off, as production should; the demo
	// is where a newcomer wants Swagger UI.
	if e.getenv("DOCS_ENABLED") == "" {
		overrides["DOCS_ENABLED"] = "true"
	}
	de := e
	de.getenv = func(k string) string {
		if v, ok := overrides[k]; ok {
			return v
		}
		return e.getenv(k)
	}
	cfg, ok := loadConfig(configPath, de)
	if !ok {
		return exitFailure
	}
	log := newLogger(cfg.Log, e.stderr)

	// Bind the upstream before the gateway starts: a taken port must be
	// reported as the bind error it is, not as a cancelled start-up.
	upLn, err := listenDemoUpstream(*upstream)
	if err != nil {
		fmt.Fprintln(e.stderr, "demo:", err)
		return exitFailure
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	upErr := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		upErr <- serveDemoUpstream(ctx, upLn, func(addr string) {
			fmt.Fprintf(e.stdout, "demo: upstream listening on http://%s\n", addr)
		})
		cancel() // an upstream that cannot listen ends the demo
	}()
	err = serveConfig(ctx, cfg, log, func(addr string) {
		fmt.Fprint(e.stdout, demoInstructions(addr))
	})
	cancel()
	wg.Wait()
	if err == nil {
		err = <-upErr
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "demo:", err)
		return exitFailure
	}
	return exitOK
}

func randomSecret() string {
	b := make([]byte, 48)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// demoInstructions prints the three calls that show the gateway's job.
func demoInstructions(addr string) string {
	host := addr
	if strings.HasPrefix(host, "[::]:") || strings.HasPrefix(host, "0.0.0.0:") {
		host = "127.0.0.1:" + host[strings.LastIndex(host, ":")+1:]
	}
	base := "http://" + host
	return fmt.Sprintf(`
gatewayd demo is running on %[1]s — try, in another terminal:

  # 1. register (or log in with the same body at /auth/login)
  curl -s -X POST %[1]s/auth/register -H 'Content-Type: application/json' \
       -d '{"email":"demo@example.com","password":"correct horse battery"}'

  # 2. keep the access token
  TOKEN=$(curl -s -X POST %[1]s/auth/login -H 'Content-Type: application/json' \
       -d '{"email":"demo@example.com","password":"correct horse battery"}' | sed -E 's/.*"access_token":"([^"]+)".*/\1/')

  # 3. call the upstream through the gateway: it sees X-User-Id, not your spoofed header
  curl -s %[1]s/api/whoami -H "Authorization: Bearer $TOKEN" -H 'X-User-Id: admin'

  # without a token the gateway answers 401 and the upstream never sees the request
  curl -si %[1]s/api/whoami

The API is described at %[1]s/docs (Swagger UI) and %[1]s/openapi.json.
Press Ctrl-C to stop.
`, base)
}
