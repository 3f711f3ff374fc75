// Package redistest gives tests a real Redis: the shared server named by
// TEST_REDIS_URL, or a throwaway redis-server on a free loopback port that a
// test may stop and restart to exercise failure handling.
//
// It never skips: a test that needs Redis and cannot get one fails with a
// message saying what to do.
package redistest

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// EnvURL names the variable that points tests at a Redis server.
const EnvURL = "TEST_REDIS_URL"

// ErrBinaryMissing means redis-server is not installed.
var ErrBinaryMissing = errors.New("redis-server not found")

// URL returns TEST_REDIS_URL, failing the test when it is unset. Tests that
// share this server must namespace their keys (a unique prefix per test).
func URL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		tb.Fatalf("redistest: %s is not set; run `make test`, which starts a throwaway Redis, or set it (e.g. redis://127.0.0.1:6379/0)", EnvURL)
	}
	return u
}

// Server is a redis-server process owned by one test or one test run. It
// keeps nothing on disk.
type Server struct {
	// URL is redis://127.0.0.1:<port>/0.
	URL string
	// Addr is 127.0.0.1:<port>.
	Addr string

	bin string
	cmd *exec.Cmd
}

// Start runs a throwaway redis-server for the test and stops it at cleanup.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s, err := StartServer()
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	tb.Cleanup(func() { _ = s.Stop() })
	return s
}

// StartServer runs redis-server on a free 127.0.0.1 port and waits until it
// answers PING.
func StartServer() (*Server, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, ErrBinaryMissing
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("redistest: free port: %w", err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	s := &Server{URL: "redis://" + addr + "/0", Addr: addr, bin: bin}
	return s, s.start()
}

func (s *Server) start() error {
	_, port, _ := net.SplitHostPort(s.Addr)
	s.cmd = exec.Command(s.bin, "--port", port, "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", os.TempDir(), "--loglevel", "warning")
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("redistest: start redis-server: %w", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if ping(s.Addr) == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = s.Stop()
	return fmt.Errorf("redistest: redis-server on %s did not answer PING within 10s", s.Addr)
}

// Stop kills the server and waits for it to exit; the port is then closed,
// which is how tests simulate Redis going down.
func (s *Server) Stop() error {
	if s.cmd == nil || s.cmd.Process == nil {
		return nil
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
	return nil
}

// Restart starts the server again on the same port, empty.
func (s *Server) Restart() error {
	_ = s.Stop()
	return s.start()
}

// ping speaks just enough RESP to know the server is up, so this package
// needs no Redis client library.
func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return errors.New("redistest: unexpected reply " + strconv.Quote(line))
	}
	return nil
}
