package main_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// opsSecret is a JWT secret for the binary tests (at least 32 characters).
const opsSecret = "ops-test-secret-0123456789-abcdefghijklmnop"

// slowUpstream answers only when released, and reports each arrival, so a
// test can hold a proxied request in flight for as long as it needs.
type slowUpstream struct {
	*httptest.Server
	arrived chan struct{}
	release chan struct{}
}

func newSlowUpstream(t *testing.T) *slowUpstream {
	t.Helper()
	u := &slowUpstream{arrived: make(chan struct{}, 16), release: make(chan struct{})}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.arrived <- struct{}{}
		select {
		case <-u.release:
			_, _ = io.WriteString(w, "slow answer")
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(u.Close)
	return u
}

// writeRouteConfig writes a config file with one public route to upstream
// under /slow/.
func writeRouteConfig(t *testing.T, upstream string) string {
	t.Helper()
	cfg := fmt.Sprintf(`routes:
  - name: slow
    match:
      path_prefix: /slow/
    upstream: %q
    auth: public
    timeout: 30s
`, upstream)
	path := filepath.Join(t.TempDir(), "gateway.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// opsEnv is the environment of a gatewayd under test: SQLite in a temp
// dir, cheap argon2, the given listen address, no admin listener unless
// extra says otherwise.
func opsEnv(t *testing.T, listen string, extra ...string) []string {
	return append([]string{
		"JWT_SECRET=" + opsSecret,
		"DATABASE_URL=sqlite:" + filepath.Join(t.TempDir(), "gw.db"),
		"GATEWAY_SERVER_LISTEN=" + listen,
		"GATEWAY_ADMIN_LISTEN=off",
		"GATEWAY_PASSWORD_MEMORY_KIB=1024",
		"GATEWAY_PASSWORD_ITERATIONS=1",
	}, extra...)
}

// fresh is a client that opens a new connection for every request, so
// "refused" means the listener is closed, not that a pooled connection
// died.
func fresh() *http.Client {
	return &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{DisableKeepAlives: true},
	}
}

// pollUntil retries probe every 20ms until it returns true or within
// passes; it fails the test in the latter case.
func pollUntil(t *testing.T, within time.Duration, what string, probe func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !probe() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestGracefulShutdownFinishesInFlightRequests(t *testing.T) {
	tests := []struct {
		name       string
		drainDelay string
	}{
		// Listener closed right after SIGTERM.
		{"no drain delay", "0s"},
		// Readiness fails first while connections are still accepted.
		{"with drain delay", "1s"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			up := newSlowUpstream(t)
			listen := freeAddr(t)
			base := "http://" + listen
			p := startBinary(t, opsEnv(t, listen,
				"GATEWAY_SERVER_SHUTDOWN_TIMEOUT=20s",
				"GATEWAY_SERVER_DRAIN_DELAY="+tc.drainDelay,
			), "--config", writeRouteConfig(t, up.URL), "serve")
			waitHTTP(t, base+"/readyz", 30*time.Second)

			// A slow proxied request, in flight before the signal.
			type result struct {
				status int
				body   string
				err    error
			}
			inflight := make(chan result, 1)
			go func() {
				resp, err := fresh().Get(base + "/slow/report")
				if err != nil {
					inflight <- result{err: err}
					return
				}
				defer resp.Body.Close()
				b, err := io.ReadAll(resp.Body)
				inflight <- result{status: resp.StatusCode, body: string(b), err: err}
			}()
			select {
			case <-up.arrived:
			case <-time.After(10 * time.Second):
				t.Fatal("the slow request never reached the upstream")
			}

			if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if tc.drainDelay != "0s" {
				pollUntil(t, 5*time.Second, "readiness answers 503 after SIGTERM", func() bool {
					resp, err := fresh().Get(base + "/readyz")
					if err != nil {
						return false
					}
					resp.Body.Close()
					return resp.StatusCode == http.StatusServiceUnavailable
				})
			}
			pollUntil(t, 5*time.Second, "new connections are refused after SIGTERM", func() bool {
				conn, err := net.DialTimeout("tcp", listen, time.Second)
				if err != nil {
					return errors.Is(err, syscall.ECONNREFUSED)
				}
				conn.Close()
				return false
			})
			select {
			case r := <-inflight:
				t.Fatalf("the in-flight request ended before its upstream answered: %+v", r)
			default:
			}

			close(up.release)
			select {
			case r := <-inflight:
				if r.err != nil || r.status != http.StatusOK || r.body != "slow answer" {
					t.Fatalf("in-flight request = %d %q %v, want 200 \"slow answer\"", r.status, r.body, r.err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the in-flight request did not finish after its upstream answered")
			}
			select {
			case err := <-p.done:
				p.done <- err // let cleanup's receive return
				if err != nil {
					t.Fatalf("gatewayd exited with %v, want status 0", err)
				}
			case <-time.After(15 * time.Second):
				t.Fatal("gatewayd did not exit within 15s of the last request")
			}
			out := p.output()
			for _, want := range []string{"readiness now fails", "shutdown complete"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

func TestShutdownGraceExpiresWithExitStatus1(t *testing.T) {
	up := newSlowUpstream(t)
	t.Cleanup(func() { close(up.release) })
	listen := freeAddr(t)
	p := startBinary(t, opsEnv(t, listen, "GATEWAY_SERVER_SHUTDOWN_TIMEOUT=300ms"),
		"--config", writeRouteConfig(t, up.URL), "serve")
	waitHTTP(t, "http://"+listen+"/healthz", 30*time.Second)
	go func() {
		if resp, err := fresh().Get("http://" + listen + "/slow/never"); err == nil {
			resp.Body.Close()
		}
	}()
	select {
	case <-up.arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the slow request never reached the upstream")
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		p.done <- err
		var exit interface{ ExitCode() int }
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Fatalf("exit = %v, want status 1 after the grace period ran out", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("gatewayd did not exit after its 300ms grace period")
	}
	if !strings.Contains(p.output(), "cut off") {
		t.Errorf("output does not say requests were cut off:\n%s", p.output())
	}
	// The cut request leaves an access-log line that says so (issue 11).
	if !strings.Contains(p.output(), `"path":"/slow/never"`) || !strings.Contains(p.output(), `"cut":true`) {
		t.Errorf("no access-log line marks the cut request:\n%s", p.output())
	}
}

func TestSecondSignalKillsAtOnce(t *testing.T) {
	up := newSlowUpstream(t)
	t.Cleanup(func() { close(up.release) })
	listen := freeAddr(t)
	p := startBinary(t, opsEnv(t, listen, "GATEWAY_SERVER_SHUTDOWN_TIMEOUT=60s"),
		"--config", writeRouteConfig(t, up.URL), "serve")
	waitHTTP(t, "http://"+listen+"/healthz", 30*time.Second)
	go func() {
		if resp, err := fresh().Get("http://" + listen + "/slow/held"); err == nil {
			resp.Body.Close()
		}
	}()
	select {
	case <-up.arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the slow request never reached the upstream")
	}
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	// Wait until the drain has begun (the first signal was handled), then
	// press Ctrl-C again: that must not wait out the 60s grace period.
	pollUntil(t, 5*time.Second, "drain starts", func() bool { return strings.Contains(p.output(), "readiness now fails") })
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		p.done <- err
		if err == nil {
			t.Fatal("gatewayd exited 0 after a second Ctrl-C; want it killed by the signal")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a second SIGINT did not stop gatewayd")
	}
}

func TestSlowlorisIsCutOffAfterReadHeaderTimeout(t *testing.T) {
	listen := freeAddr(t)
	startBinary(t, opsEnv(t, listen, "GATEWAY_SERVER_READ_HEADER_TIMEOUT=200ms"), "serve")
	waitHTTP(t, "http://"+listen+"/healthz", 30*time.Second)

	conn, err := net.DialTimeout("tcp", listen, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	// Trickle header lines and never finish the header block: a classic
	// slowloris, which an idle-based timeout would let live forever.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: gw\r\n"); err != nil {
			return
		}
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if _, err := fmt.Fprintf(conn, "X-Slow-%d: 1\r\n", i); err != nil {
					return
				}
			}
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err = io.Copy(io.Discard, conn) // returns when the server closes
	elapsed := time.Since(start)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the connection was still open after %s; read_header_timeout=200ms did not apply", elapsed)
	}
	// The default read_header_timeout is 5s: closing well before that shows
	// the configured 200ms was the one applied.
	if elapsed > 3*time.Second {
		t.Errorf("connection closed after %s, want about 200ms", elapsed)
	}
}

func TestOversizedHeadersAreRefused(t *testing.T) {
	listen := freeAddr(t)
	startBinary(t, opsEnv(t, listen, "GATEWAY_SERVER_MAX_HEADER_BYTES=2048"), "serve")
	waitHTTP(t, "http://"+listen+"/healthz", 30*time.Second)
	req, _ := http.NewRequest(http.MethodGet, "http://"+listen+"/healthz", nil)
	// net/http allows 4 KiB of slack above MaxHeaderBytes; 16 KiB is over
	// the configured limit but far below the 1 MiB default.
	req.Header.Set("X-Big", strings.Repeat("a", 16<<10))
	resp, err := fresh().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("status = %d, want 431", resp.StatusCode)
	}
}
