package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/authgate/gatewayd/authcore"
)

// Exit codes of `gatewayd users`, documented in the README so scripts can
// tell a missing user from a broken database.
const (
	exitOK         = 0
	exitFailure    = 1 // database or other operational error
	exitUsage      = 2
	exitNotFound   = 3 // no user with that email
	exitInvalid    = 4 // validation failed (bad email, weak password, bad role)
	exitEmailTaken = 5
)

const usersUsage = `usage: gatewayd users <command> [flags]

  create --email E [--roles a,b]   password is read from stdin (or prompted on a terminal)
  list
  disable --email E                also revokes all sessions and access tokens
  enable --email E
  set-roles --email E --roles a,b  (--roles "" removes all roles; revokes access tokens)
  revoke-sessions --email E        revokes refresh and access tokens`

// users is the operator CLI for provisioning accounts, for deployments that
// close self-service registration.
func users(ctx context.Context, configPath string, args []string, e env) int {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, usersUsage)
		return exitUsage
	}
	if isHelp(args[0]) {
		fmt.Fprintln(e.stdout, usersUsage)
		return exitOK
	}
	sub := args[0]
	fs := flag.NewFlagSet("users "+sub, flag.ContinueOnError)
	email := fs.String("email", "", "account email")
	roles := fs.String("roles", "", "comma-separated roles")
	if code, ok := parseFlags(e, fs, args[1:]); !ok {
		return code
	}
	needsEmail := sub != "list"
	if needsEmail && *email == "" {
		fmt.Fprintf(e.stderr, "gatewayd users %s: --email is required\n", sub)
		return exitUsage
	}
	rolesSet := false
	fs.Visit(func(f *flag.Flag) { rolesSet = rolesSet || f.Name == "roles" })
	if sub == "set-roles" && !rolesSet {
		fmt.Fprintln(e.stderr, "gatewayd users set-roles: --roles is required")
		return exitUsage
	}

	cfg, ok := loadConfig(configPath, e)
	if !ok {
		return exitFailure
	}
	// With Redis configured, revocations reach the running replicas at
	// once; without it (or if publishing fails) they poll them up within
	// auth.revocation_poll_interval.
	bus, err := newRevocationBus(cfg, slog.New(slog.NewTextHandler(e.stderr, nil)))
	if err != nil {
		fmt.Fprintln(e.stderr, "gatewayd:", err)
		return exitFailure
	}
	if bus != nil {
		defer bus.Close()
	}
	warnUnpublished := func(ev authcore.Event) {
		if ev == authcore.EventRevocationPublishFailed {
			fmt.Fprintf(e.stderr, "gatewayd users %s: warning: could not notify the running gateways over Redis; they apply the change within auth.revocation_poll_interval (%s)\n", sub, cfg.Auth.RevocationPollInterval)
		}
	}
	c, err := openCore(ctx, cfg, publisherOf(bus), warnUnpublished)
	if err != nil {
		fmt.Fprintln(e.stderr, "gatewayd: open database:", err)
		return exitFailure
	}
	defer c.store.Close()
	if err := prepareSchema(ctx, c.store, cfg.Database.MigrateOnStartup); err != nil {
		fmt.Fprintln(e.stderr, "gatewayd:", err)
		return exitFailure
	}

	switch sub {
	case "create":
		password, err := readPassword(e)
		if err != nil {
			fmt.Fprintln(e.stderr, "gatewayd users create:", err)
			return exitUsage
		}
		var r []string
		if rolesSet {
			r = splitRoles(*roles)
		}
		u, err := c.service.CreateUser(ctx, *email, password, r)
		if err != nil {
			return userError(e, sub, err)
		}
		fmt.Fprintf(e.stdout, "created user %s (%s) roles=%s\n", u.ID, u.Email, strings.Join(u.Roles, ","))
	case "list":
		list, err := c.service.ListUsers(ctx)
		if err != nil {
			return userError(e, sub, err)
		}
		w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tEMAIL\tROLES\tDISABLED\tCREATED\tHASH")
		outdated := 0
		for _, u := range list {
			// HASH says whether the password hash uses the configured
			// argon2 parameters; an outdated one is upgraded at the user's
			// next login (issue 11).
			hash := "current"
			if c.hasher.Outdated(u.PasswordHash) {
				hash, outdated = "outdated", outdated+1
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%t\t%s\t%s\n", u.ID, u.Email, strings.Join(u.Roles, ","), u.Disabled, u.CreatedAt.UTC().Format("2006-01-02 15:04:05Z"), hash)
		}
		_ = w.Flush()
		fmt.Fprintf(e.stdout, "%d of %d password hashes use older argon2 parameters\n", outdated, len(list))
	case "disable", "enable":
		if err := c.service.SetDisabled(ctx, *email, sub == "disable"); err != nil {
			return userError(e, sub, err)
		}
		fmt.Fprintf(e.stdout, "%sd %s\n", sub, *email)
	case "set-roles":
		if err := c.service.SetRoles(ctx, *email, splitRoles(*roles)); err != nil {
			return userError(e, sub, err)
		}
		fmt.Fprintf(e.stdout, "roles of %s set to %q\n", *email, strings.Join(splitRoles(*roles), ","))
	case "revoke-sessions":
		n, err := c.service.RevokeSessions(ctx, *email)
		if err != nil {
			return userError(e, sub, err)
		}
		fmt.Fprintf(e.stdout, "revoked %d session(s) of %s\n", n, *email)
	default:
		fmt.Fprintf(e.stderr, "gatewayd users: unknown command %q\n%s\n", sub, usersUsage)
		return exitUsage
	}
	return exitOK
}

// userError prints one clear line and picks the exit code by outcome.
func userError(e env, sub string, err error) int {
	var verr *authcore.ValidationError
	switch {
	case errors.Is(err, authcore.ErrNotFound):
		fmt.Fprintf(e.stderr, "gatewayd users %s: no such user\n", sub)
		return exitNotFound
	case errors.Is(err, authcore.ErrEmailTaken):
		fmt.Fprintf(e.stderr, "gatewayd users %s: a user with that email already exists\n", sub)
		return exitEmailTaken
	case errors.As(err, &verr):
		fmt.Fprintf(e.stderr, "gatewayd users %s: %v\n", sub, verr)
		return exitInvalid
	default:
		fmt.Fprintf(e.stderr, "gatewayd users %s: %v\n", sub, err)
		return exitFailure
	}
}

// readPassword takes the password from stdin, never from argv (which other
// users can read in the process list). On a terminal it prompts twice
// without echo; otherwise it reads the first line.
func readPassword(e env) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, "Password: ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(e.stderr, "Repeat password: ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(p1) != string(p2) {
			return "", errors.New("passwords do not match")
		}
		return string(p1), nil
	}
	line, err := bufio.NewReader(io.LimitReader(e.stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on stdin (pipe it in, e.g. `printf '%s\\n' \"$PW\" | gatewayd users create ...`)")
	}
	return line, nil
}

func splitRoles(s string) []string {
	out := []string{}
	for _, r := range strings.Split(s, ",") {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, r)
		}
	}
	return out
}
