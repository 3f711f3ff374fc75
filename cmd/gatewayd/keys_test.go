package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/config"
	"github.com/authgate/gatewayd/gateway"
)

// startReplica runs serveConfig with env and returns its base URL; the
// server stops when the test ends.
func startReplica(t *testing.T, env map[string]string) string {
	t.Helper()
	cfg, err := config.Load("", func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serveConfig(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), func(a string) { addr <- a })
	}()
	t.Cleanup(func() {
		stop()
		<-done
	})
	select {
	case a := <-addr:
		return "http://" + a
	case err := <-done:
		t.Fatalf("serveConfig: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("replica did not start within 30s")
	}
	return ""
}

// jwksKIDs fetches a replica's JWKS and returns its kids, signing key first.
func jwksKIDs(t *testing.T, base string) []string {
	t.Helper()
	res, err := (&http.Client{Timeout: 5 * time.Second}).Get(base + gateway.JWKSPath)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var doc struct {
		Keys []struct {
			KID string `json:"kid"`
		} `json:"keys"`
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", gateway.JWKSPath, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	kids := make([]string, len(doc.Keys))
	for i, k := range doc.Keys {
		kids[i] = k.KID
	}
	return kids
}

// TestReplicasShareOneStoredKeyAndFollowRotation: two replicas started at
// once on one database publish the same generated key; `gatewayd keys
// rotate` makes a new one that both pick up within the reload interval,
// with the old key still in their JWKS.
func TestReplicasShareOneStoredKeyAndFollowRotation(t *testing.T) {
	for name, url := range backends(t) {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{
				"JWT_SECRET":                              testSecret,
				"DATABASE_URL":                            url,
				"GATEWAY_SERVER_LISTEN":                   "127.0.0.1:0",
				"GATEWAY_ADMIN_LISTEN":                    "off",
				"GATEWAY_PROXY_ASSERTION_RELOAD_INTERVAL": "100ms",
			}
			// The first start migrates; then two replicas race to create
			// the key.
			c := &cli{t: t, env: env}
			if code, _, errOut := c.run("", "migrate", "up"); code != exitOK {
				t.Fatalf("migrate up: %d %s", code, errOut)
			}
			bases := make(chan string, 2)
			for range 2 {
				go func() { bases <- startReplica(t, env) }()
			}
			a, b := <-bases, <-bases
			first := jwksKIDs(t, a)
			if len(first) != 1 || strings.Join(jwksKIDs(t, b), ",") != first[0] {
				t.Fatalf("replicas publish %v and %v, want one shared key", first, jwksKIDs(t, b))
			}

			code, out, errOut := c.run("", "keys", "rotate")
			if code != exitOK {
				t.Fatalf("keys rotate: %d %s", code, errOut)
			}
			newKID := strings.TrimSuffix(strings.Fields(strings.TrimPrefix(out, "new signing key "))[0], ";")
			for _, base := range []string{a, b} {
				waitFor(t, 10*time.Second, "replica signs with the rotated key", func() bool {
					kids := jwksKIDs(t, base)
					return len(kids) == 2 && kids[0] == newKID && kids[1] == first[0]
				})
			}
			code, out, _ = c.run("", "keys", "list")
			if code != exitOK || !strings.Contains(out, newKID+"  current") || !strings.Contains(out, first[0]+"  retired") {
				t.Fatalf("keys list = %d\n%s", code, out)
			}
		})
	}
}

// TestKeysRotateRefusesWithConfiguredKey: with a configured private key the
// stored key does not sign, so rotating it would be a silent no-op.
func TestKeysRotateRefusesWithConfiguredKey(t *testing.T) {
	c := newCLI(t, "sqlite:"+filepath.Join(t.TempDir(), "gw.db"))
	c.env["ASSERTION_PRIVATE_KEY"] = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ2eL7lZ3cHkq1c5vGm9m0xkQpA1Yd6pQ9n0JtT0Q2bA\n-----END PRIVATE KEY-----"
	code, _, errOut := c.run("", "keys", "rotate")
	if code != exitFailure || !strings.Contains(errOut, "previous_public_keys") {
		t.Fatalf("keys rotate = %d, stderr %s", code, errOut)
	}
	if code, _, _ := c.run("", "keys", "frob"); code != exitUsage {
		t.Fatalf("keys frob = %d, want usage", code)
	}
}

// TestConfigCheckRefusesBadAssertionKey: `config check` parses the key as
// serve does.
func TestConfigCheckRefusesBadAssertionKey(t *testing.T) {
	c := newCLI(t, "sqlite:"+filepath.Join(t.TempDir(), "gw.db"))
	c.env["ASSERTION_PRIVATE_KEY"] = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"
	code, _, errOut := c.run("", "config", "check")
	if code != exitFailure || !strings.Contains(errOut, "proxy.assertion.private_key") || strings.Contains(errOut, "AAAA") {
		t.Fatalf("config check = %d, stderr %s", code, errOut)
	}
}

// waitFor polls probe until it holds or within passes.
func waitFor(t *testing.T, within time.Duration, what string, probe func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !probe() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
