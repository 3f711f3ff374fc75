package main

import (
	"context"
	"errors"
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
  healthcheck [--url URL]    GET /healthz on the configured listener; exit 0 or 1
  backup --output FILE       online copy of the SQLite database (Postgres: deploy/backup.sh)
  demo [--upstream-listen ADDR]  run the gateway plus the demo upstream ('make demo')
  demo-upstream [--listen ADDR]  run only the demo backend
  version                    print the version
  help                       print this text

--config FILE may stand before or after the command. It defaults to
$GATEWAY_CONFIG; without one, defaults and environment variables are used.`

// run parses the global flags and dispatches to a subcommand. It returns the
// process exit code: 0 ok, 1 failure, 2 usage error.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	configPath, args, err := extractConfig(args, getenv("GATEWAY_CONFIG"))
	if err != nil {
		return usageError(e, "", err.Error())
	}
	cmd, rest := "serve", args
	if len(args) > 0 {
		cmd, rest = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		if code, ok := noArgs(e, cmd, rest); !ok {
			return code
		}
		return serve(ctx, configPath, e)
	case "migrate":
		return migrate(ctx, configPath, rest, e)
	case "config":
		if len(rest) == 0 || rest[0] != "check" {
			got := "nothing"
			if len(rest) > 0 {
				got = fmt.Sprintf("%q", rest[0])
			}
			return usageError(e, "config", "the only subcommand is 'config check', got "+got)
		}
		if code, ok := noArgs(e, "config check", rest[1:]); !ok {
			return code
		}
		return configCheck(configPath, e)
	case "routes":
		return routesCheck(configPath, rest, e)
	case "users":
		return users(ctx, configPath, rest, e)
	case "keys":
		return keys(ctx, configPath, rest, e)
	case "healthcheck":
		return healthcheck(ctx, configPath, rest, e)
	case "backup":
		return backup(ctx, configPath, rest, e)
	case "demo":
		return demo(ctx, configPath, rest, e)
	case "demo-upstream":
		return demoUpstream(ctx, rest, stdout, stderr)
	case "version":
		if code, ok := noArgs(e, cmd, rest); !ok {
			return code
		}
		fmt.Fprintln(stdout, "gatewayd", version)
		return exitOK
	case "help", "-h", "-help", "--help":
		fmt.Fprintln(stdout, usage)
		return exitOK
	default:
		if strings.HasPrefix(cmd, "-") {
			return usageError(e, "", fmt.Sprintf("unknown flag %q", cmd))
		}
		return usageError(e, "", fmt.Sprintf("unknown command %q", cmd))
	}
}

// extractConfig takes --config FILE (or -config, or the =FILE forms) out of
// args wherever it stands, so `gatewayd serve --config f` and
// `gatewayd --config f serve` mean the same. Everything after a bare "--"
// is left alone.
func extractConfig(args []string, def string) (path string, rest []string, err error) {
	path = def
	rest = make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "config" || strings.HasPrefix(a, "---") {
			rest = append(rest, a)
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return "", nil, errors.New("flag --config needs a file name")
			}
			i++
			value = args[i]
		}
		if value == "" {
			return "", nil, errors.New("flag --config needs a file name")
		}
		path = value
	}
	return path, rest, nil
}

// noArgs refuses anything after a command that takes no arguments, naming
// the first one, because a typo such as `serve --confg f` must not start a
// gateway with no routes. -h/--help prints the usage and succeeds.
func noArgs(e env, cmd string, rest []string) (code int, ok bool) {
	if len(rest) == 0 {
		return exitOK, true
	}
	if isHelp(rest[0]) {
		fmt.Fprintln(e.stdout, usage)
		return exitOK, false
	}
	return usageError(e, cmd, fmt.Sprintf("unexpected argument %q", rest[0])), false
}

// parseFlags parses a subcommand's flags and refuses positional leftovers.
// ok is false when the command must stop with code (0 after -h).
func parseFlags(e env, fs *flag.FlagSet, args []string) (code int, ok bool) {
	fs.SetOutput(e.stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	if fs.NArg() > 0 {
		return usageError(e, fs.Name(), fmt.Sprintf("unexpected argument %q", fs.Arg(0))), false
	}
	return exitOK, true
}

// usageError prints a one-line problem plus the usage line and returns the
// usage exit code.
func usageError(e env, cmd, msg string) int {
	prefix := "gatewayd"
	if cmd != "" {
		prefix += " " + cmd
	}
	fmt.Fprintf(e.stderr, "%s: %s\n%s\n", prefix, msg, firstLine(usage))
	return exitUsage
}

func isHelp(a string) bool {
	return a == "-h" || a == "-help" || a == "--help"
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
