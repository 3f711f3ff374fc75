// Package benchcmdtest starts a bench command's run function the way
// bench/run.sh starts the command, for the commands' tests. It exists
// because each test would otherwise repeat the same pipe, "listening on"
// parsing and bounded wait for the exit code.
package benchcmdtest

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/bench/internal/benchcmd"
)

// Start runs run with "-listen 127.0.0.1:0" followed by args in the
// background, waits for its "listening on ADDR" line and returns ADDR and
// a function that cancels run's context and returns its exit code. The
// test fails if the first line is not "listening on ADDR" (stderr is
// shown once run has returned) or if run does not return within 10s of a
// cancel.
func Start(t testing.TB, run benchcmd.Run, args ...string) (addr string, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	// stderr is read only after run has returned (done), so a plain
	// buffer is safe.
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"-listen", "127.0.0.1:0"}, args...), pw, &stderr)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if err != nil || !ok {
		cancel()
		select {
		case <-done:
			t.Fatalf("first line %q (%v); stderr: %s", line, err, stderr.String())
		case <-time.After(10 * time.Second):
			t.Fatalf("first line %q (%v), and no exit 10s after cancel", line, err)
		}
	}
	return addr, func() int {
		t.Helper()
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Logf("stderr: %s", stderr.String())
			}
			return code
		case <-time.After(10 * time.Second):
			t.Fatal("no exit 10s after cancel")
			return -1
		}
	}
}
