package benchcmd_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/bench/internal/benchcmd"
)

// Serve's exit codes and messages are what bench/run.sh relies on: 0 after
// the context ends, 1 with "NAME: error" when serving or shutting down
// fails, and "listening on ADDR" first on stdout in every case.
func TestServe(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		name        string
		cancelled   bool  // ctx already ended when Serve is called
		serveErr    error // returned by serve at once; nil blocks until shutdown
		shutdownErr error
		wantCode    int
		wantStderr  string
	}{
		{name: "clean shutdown on ctx cancel", cancelled: true, wantCode: 0},
		{name: "shutdown timeout is still clean", cancelled: true, shutdownErr: context.DeadlineExceeded, wantCode: 0},
		{name: "serve error", serveErr: boom, wantCode: 1, wantStderr: "bench: boom\n"},
		{name: "shutdown error", cancelled: true, shutdownErr: boom, wantCode: 1, wantStderr: "bench: boom\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.cancelled {
				cancel()
			}
			released := make(chan struct{})
			serve := func(net.Listener) error {
				if tc.serveErr != nil {
					return tc.serveErr
				}
				<-released
				return http.ErrServerClosed
			}
			var deadline bool
			shutdown := func(ctx context.Context) error {
				_, deadline = ctx.Deadline()
				close(released)
				return tc.shutdownErr
			}
			var stdout, stderr bytes.Buffer
			code := benchcmd.Serve(ctx, "bench", ln, serve, shutdown, &stdout, &stderr)
			if code != tc.wantCode {
				t.Errorf("exit code %d, want %d; stderr: %s", code, tc.wantCode, stderr.String())
			}
			if want := "listening on " + ln.Addr().String() + "\n"; stdout.String() != want {
				t.Errorf("stdout %q, want %q", stdout.String(), want)
			}
			if stderr.String() != tc.wantStderr {
				t.Errorf("stderr %q, want %q", stderr.String(), tc.wantStderr)
			}
			if tc.cancelled && !deadline {
				t.Error("shutdown got a context without a deadline")
			}
		})
	}
}

// With a real http.Server, Serve answers requests and returns 0 once the
// context ends.
func TestServeHTTPServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- benchcmd.Serve(ctx, "bench", ln, srv.Serve, srv.Shutdown, &stdout, &stderr) }()
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("status %d, want 204", resp.StatusCode)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 || !strings.HasPrefix(stdout.String(), "listening on ") {
			t.Errorf("exit code %d, stdout %q, stderr %q; want 0 after \"listening on\"", code, stdout.String(), stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
}
