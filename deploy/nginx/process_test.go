package nginx_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// startupWait bounds how long gatewayd or nginx may take to answer.
const startupWait = 20 * time.Second

// nginxBinary finds nginx on PATH or where Debian puts it (/usr/sbin is not
// on a normal user's PATH). A missing nginx fails the test, never skips it:
// a skipped test would let the example rot unnoticed.
func nginxBinary(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	t.Fatal("nginx not found; install it: apt-get install -y nginx-light")
	return ""
}

// buildGatewayd compiles ./cmd/gatewayd into dir, so the test exercises the
// binary exactly as operators run it.
func buildGatewayd(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "gatewayd")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/authgate/gatewayd/cmd/gatewayd")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build gatewayd: %v\n%s", err, out)
	}
	return bin
}

// process is a child process whose combined output is kept for failure
// reports. It is killed at cleanup, whatever the test's outcome.
type process struct {
	name string
	cmd  *exec.Cmd
	out  lockedBuffer
	done chan struct{}
}

// startProcess starts cmd and registers its cleanup.
func startProcess(t *testing.T, name string, cmd *exec.Cmd) *process {
	t.Helper()
	p := &process{name: name, cmd: cmd, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = &p.out, &p.out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("%s output:\n%s", name, p.out.String())
		}
	})
	return p
}

// exited reports whether the process has already ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// lockedBuffer is a bytes.Buffer safe for the concurrent writes of a
// child's stdout and stderr.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// freePort returns a loopback port nobody listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// loopback returns "127.0.0.1:port".
func loopback(port int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }

// waitHTTP polls url until it answers with want, p exits, or startupWait
// passes; polling instead of sleeping keeps the test as fast as the
// processes allow.
func waitHTTP(t *testing.T, p *process, url string, want int) {
	t.Helper()
	waitHTTPWith(t, p, &http.Client{Timeout: time.Second}, url, want)
}

// waitHTTPWith is waitHTTP with the caller's client (TLS settings).
func waitHTTPWith(t *testing.T, p *process, client *http.Client, url string, want int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), startupWait)
	defer cancel()
	last := "no answer"
	for {
		if p.exited() {
			t.Fatalf("%s exited before %s answered:\n%s", p.name, url, p.out.String())
		}
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == want {
				return
			}
			last = resp.Status
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: %s did not answer %d within %s (last: %s)", p.name, url, want, startupWait, last)
		case <-time.After(25 * time.Millisecond):
		}
	}
}
