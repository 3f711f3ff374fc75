package main_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDemoEndToEnd runs the built binary the way `make demo` does (the
// example config, a throwaway secret and SQLite database, the demo upstream
// in-process) and walks the whole product path: register → login → proxied
// call where the upstream sees X-User-Id → refresh → reuse detection →
// logout.
func TestDemoEndToEnd(t *testing.T) {
	upstream, listen := freeAddr(t), freeAddr(t)
	cfg := exampleConfigWithUpstream(t, upstream)
	p := startBinary(t, []string{
		"GATEWAY_SERVER_LISTEN=" + listen,
		"GATEWAY_ADMIN_LISTEN=off",
		"GATEWAY_LOG_LEVEL=warn",
	}, "--config", cfg, "demo", "--upstream-listen", upstream)
	base := "http://" + listen
	waitHTTP(t, base+"/healthz", 30*time.Second)
	// The listener serves /healthz before the demo prints its lines, so
	// on a loaded machine the output can lag the first answer.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(p.output(), "/api/whoami"); {
		if time.Now().After(deadline) {
			t.Errorf("demo did not print the curl lines; output:\n%s", p.output())
			break
		}
		time.Sleep(20 * time.Millisecond)
	}

	creds := `{"email":"Demo@Example.com","password":"correct horse battery"}`
	reg := call(t, "POST", base+"/auth/register", "", creds, http.StatusCreated)
	login := call(t, "POST", base+"/auth/login", "", creds, http.StatusOK)
	userID := reg["user"].(map[string]any)["id"].(string)

	// The proxied call: a spoofed identity header must be replaced by the
	// gateway's, and the upstream must see who the token belongs to.
	echo := callWithHeaders(t, "GET", base+"/api/whoami", login["access_token"].(string), "",
		map[string]string{"X-User-Id": "admin", "X_User_Id": "admin"}, http.StatusOK)
	if echo["user_id"] != userID || echo["email"] != "demo@example.com" {
		t.Fatalf("upstream saw user_id=%v email=%v, want %s demo@example.com", echo["user_id"], echo["email"], userID)
	}
	if echo["path"] != "/whoami" {
		t.Errorf("upstream path = %v, want /whoami (strip_prefix)", echo["path"])
	}
	headers := echo["headers"].(map[string]any)
	if _, ok := headers["Authorization"]; ok {
		t.Error("Authorization was forwarded upstream")
	}
	// Without a token the upstream is never reached.
	call(t, "GET", base+"/api/whoami", "", "", http.StatusUnauthorized)

	oldRefresh := login["refresh_token"].(string)
	refreshed := call(t, "POST", base+"/auth/refresh", "", `{"refresh_token":"`+oldRefresh+`"}`, http.StatusOK)
	newRefresh := refreshed["refresh_token"].(string)
	// Reuse of the rotated token is detected and revokes the new one too.
	call(t, "POST", base+"/auth/refresh", "", `{"refresh_token":"`+oldRefresh+`"}`, http.StatusUnauthorized)
	call(t, "POST", base+"/auth/refresh", "", `{"refresh_token":"`+newRefresh+`"}`, http.StatusUnauthorized)

	again := call(t, "POST", base+"/auth/login", "", creds, http.StatusOK)
	call(t, "POST", base+"/auth/logout", "", `{"refresh_token":"`+again["refresh_token"].(string)+`"}`, http.StatusNoContent)
	call(t, "POST", base+"/auth/refresh", "", `{"refresh_token":"`+again["refresh_token"].(string)+`"}`, http.StatusUnauthorized)

	// Ctrl-C stops both cleanly.
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("demo exited with %v", err)
		}
		p.done <- nil // let cleanup's receive return
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		t.Fatal("demo did not stop within 15s of SIGINT")
	}
}

func call(t *testing.T, method, url, token, body string, want int) map[string]any {
	t.Helper()
	return callWithHeaders(t, method, url, token, body, nil, want)
}

func callWithHeaders(t *testing.T, method, url, token, body string, headers map[string]string, want int) map[string]any {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		req.Header[k] = []string{v} // raw keys, so non-canonical spellings go out as written
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s = %d, want %d: %s", method, url, resp.StatusCode, want, raw)
	}
	out := map[string]any{}
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &out)
	}
	return out
}
