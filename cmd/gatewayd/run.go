package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

// env carries the process's outside world into every subcommand, so tests
// can run the whole binary in-process with their own env and streams.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

const usage = `usage: gatewayd [--config FILE] <command> [args]

commands:
  serve                      run the gateway (default)
  migrate up|down|status     manage the database schema
  config check               validate the configuration and print every problem
  routes check METHOD URL    show which route a request would take
  users <subcommand>         create, list, disable, enable, set-roles, revoke-sessions
  keys rotate|list           rotate or list the identity-assertion signing keys
  demo                       run the gateway plus the demo upstream ('make demo')
  demo-upstream [--listen]   run only the demo backend
  version                    print the version

The config file defaults to $GATEWAY_CONFIG; without one, defaults and
environment variables are used.`

// run parses the global flags and dispatches to a subcommand. It returns the
// process exit code: 0 ok, 1 failure, 2 usage error.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("gatewayd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, usage) }
	configPath := fs.String("config", getenv("GATEWAY_CONFIG"), "path to the YAML config file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	rest := fs.Args()
	cmd := "serve"
	if len(rest) > 0 {
		cmd, rest = rest[0], rest[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, *configPath, e)
	case "migrate":
		return migrate(ctx, *configPath, rest, e)
	case "config":
		if len(rest) != 1 || rest[0] != "check" {
			fmt.Fprintln(stderr, "usage: gatewayd config check")
			return 2
		}
		return configCheck(*configPath, e)
	case "routes":
		return routesCheck(*configPath, rest, e)
	case "users":
		return users(ctx, *configPath, rest, e)
	case "keys":
		return keys(ctx, *configPath, rest, e)
	case "demo":
		return demo(ctx, *configPath, rest, e)
	case "demo-upstream":
		return demoUpstream(ctx, rest, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "gatewayd", version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "gatewayd: unknown command %q\n%s\n", cmd, firstLine(usage))
		return 2
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
