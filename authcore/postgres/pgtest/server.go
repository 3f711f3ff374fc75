// Package pgtest gives tests a real PostgreSQL: a fresh database per test on
// the server named by TEST_DATABASE_URL, and a throwaway cluster started from
// the installed binaries for machines that have no server running.
//
// It never skips: a test that needs Postgres and cannot get one fails with a
// message saying what to do.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"
)

// ErrBinariesMissing means initdb/pg_ctl are not installed, so no throwaway
// cluster can be started.
var ErrBinariesMissing = errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found")

// Server is a throwaway PostgreSQL cluster in a temporary directory,
// listening on 127.0.0.1 only, with durability switched off for speed.
type Server struct {
	// URL connects as the superuser "postgres" to the "postgres" database.
	URL string
	// TLSURL is URL with sslmode=verify-full and sslrootcert=CAFile, set
	// only by StartTLS.
	TLSURL string
	// CAFile is the PEM CA that signed the server certificate (StartTLS).
	CAFile string

	dir   string
	pgCtl string
	opts  string // postgres -o options, kept so Resume listens on the same port
	cred  *syscall.Credential
}

// Start initializes and starts a cluster under a new temporary directory.
// As root it runs the server as the "postgres" user, because initdb refuses
// to run as root.
func Start(ctx context.Context) (*Server, error) {
	return start(ctx, nil)
}

// start is Start, with TLS on when ca is non-nil.
func start(ctx context.Context, ca *CA) (*Server, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: temp dir: %w", err)
	}
	s := &Server{dir: dir, pgCtl: filepath.Join(bin, "pg_ctl")}
	if os.Geteuid() == 0 {
		if s.cred, err = postgresCredential(dir); err != nil {
			_ = os.RemoveAll(dir)
			return nil, err
		}
	}
	port, err := freePort()
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	data := filepath.Join(dir, "data")
	if err := s.run(ctx, filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres",
		"-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off "+
		"-c synchronous_commit=off -c full_page_writes=off -c max_connections=300", port, dir)
	if ca != nil {
		tlsOpts, err := s.writeServerTLS(ca)
		if err != nil {
			_ = os.RemoveAll(dir)
			return nil, err
		}
		opts += tlsOpts
	}
	s.opts = opts
	if err := s.start(ctx); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	s.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	if ca != nil {
		s.TLSURL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=verify-full&sslrootcert=%s", port, url.QueryEscape(s.CAFile))
	}
	return s, nil
}

func (s *Server) start(ctx context.Context) error {
	if err := s.run(ctx, s.pgCtl, "-D", filepath.Join(s.dir, "data"), "-o", s.opts,
		"-l", filepath.Join(s.dir, "log"), "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		return fmt.Errorf("%w\n%s", err, log)
	}
	return nil
}

// Pause stops the server but keeps its data, so Resume can bring the same
// cluster back on the same port. Outage tests use it (issue 11). It is a
// fast shutdown (open sessions are terminated), not an immediate one:
// with synchronous_commit=off an immediate stop loses the last commits,
// and the test would come back to a database without its tables.
func (s *Server) Pause() error { return s.stop("fast") }

// Resume starts a paused server again with its data and port.
func (s *Server) Resume(ctx context.Context) error { return s.start(ctx) }

// Stop shuts the cluster down immediately and deletes its directory.
func (s *Server) Stop() error {
	err := s.stop("immediate")
	if rmErr := os.RemoveAll(s.dir); err == nil {
		err = rmErr
	}
	return err
}

func (s *Server) stop(mode string) error {
	return s.run(context.Background(), s.pgCtl, "-D", filepath.Join(s.dir, "data"), "-m", mode, "-w", "stop")
}

func (s *Server) run(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = s.dir
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgtest: %s: %w\n%s", filepath.Base(name), err, out)
	}
	return nil
}

// BinDir returns the directory holding initdb and pg_ctl, or ErrBinariesMissing.
func BinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", ErrBinariesMissing
}

func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func postgresCredential(dir string) (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgtest: running as root needs a 'postgres' user to own the cluster: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, fmt.Errorf("pgtest: chown temp dir: %w", err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startTimeout bounds how long NewDatabase waits for the server.
const startTimeout = 30 * time.Second
