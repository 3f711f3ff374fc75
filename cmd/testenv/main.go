// Command testenv runs a command (the test suite) with TEST_DATABASE_URL and
// TEST_REDIS_URL pointing at real servers. Variables already set are used as
// they are; otherwise it starts a throwaway PostgreSQL and redis-server from
// the installed binaries on free loopback ports and removes them afterwards.
//
// It is what `make test` calls, so a fresh machine needs no running services,
// only the server packages installed.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"

	"github.com/authgate/gatewayd/authcore/postgres/pgtest"
	"github.com/authgate/gatewayd/ratelimit/redistest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: testenv [--] command [args...]")
		return 2
	}
	if err := preflight(getenv); err != nil {
		fmt.Fprintln(stderr, "testenv:", err)
		return 1
	}
	env := os.Environ()
	if getenv(pgtest.EnvURL) == "" {
		pg, err := pgtest.Start(ctx)
		if err != nil {
			fmt.Fprintln(stderr, "testenv: start PostgreSQL:", err)
			return 1
		}
		defer pg.Stop()
		env = append(env, pgtest.EnvURL+"="+pg.URL)
		fmt.Fprintln(stderr, "testenv: throwaway PostgreSQL at", pg.URL)
	}
	if getenv(redistest.EnvURL) == "" {
		rd, err := redistest.StartServer()
		if err != nil {
			fmt.Fprintln(stderr, "testenv: start Redis:", err)
			return 1
		}
		defer rd.Stop()
		env = append(env, redistest.EnvURL+"="+rd.URL)
		fmt.Fprintln(stderr, "testenv: throwaway Redis at", rd.URL)
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = env, os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		fmt.Fprintln(stderr, "testenv:", err)
		return 1
	}
	return 0
}

// preflight names, in one line, every server binary that is missing, so a
// newcomer learns everything to install at once.
func preflight(getenv func(string) string) error {
	var missing []string
	if getenv(pgtest.EnvURL) == "" && !hasPostgres() {
		missing = append(missing, "postgresql (initdb, pg_ctl)")
	}
	if getenv(redistest.EnvURL) == "" {
		if _, err := exec.LookPath("redis-server"); err != nil {
			missing = append(missing, "redis-server")
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("missing %s; install with: sudo apt-get install -y %s (or set %s / %s to running servers)",
		strings.Join(missing, " and "), debPackages(missing), pgtest.EnvURL, redistest.EnvURL)
}

func hasPostgres() bool {
	_, err := pgtest.BinDir()
	return err == nil
}

func debPackages(missing []string) string {
	var pkgs []string
	for _, m := range missing {
		pkgs = append(pkgs, strings.Fields(m)[0])
	}
	return strings.Join(pkgs, " ")
}
