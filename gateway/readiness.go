package gateway

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// DefaultReadyTimeout bounds each readiness check whose Timeout is zero.
// Probes from orchestrators time out after a second or so themselves; a
// check that takes longer has failed for all practical purposes.
const DefaultReadyTimeout = time.Second

// Check outcomes as they appear in the /readyz "checks" object.
const (
	checkOK       = "ok"
	checkFailed   = "failed"
	checkDegraded = "degraded"
	// checkDraining is reported under checkShutdown once Drain was called.
	checkDraining = "draining"
	checkShutdown = "shutdown"
)

// ReadyCheck is one dependency that /readyz probes.
type ReadyCheck struct {
	// Name labels the outcome in the answer, e.g. "database" or "redis".
	// It is shown to anyone who can reach /readyz, so it names a role,
	// never an address.
	Name string
	// Check reports whether the dependency answers; its error goes to the
	// log only, never into the response.
	Check func(ctx context.Context) error
	// Optional turns a failure into "degraded": reported, but /readyz still
	// answers 200. Use it for dependencies whose loss the gateway survives
	// on its own (Redis, whose rate limits fall back per
	// ratelimit.on_store_error), because failing readiness would pull every
	// replica out of rotation at once — they all share the same Redis — and
	// turn a degraded service into an outage.
	Optional bool
	// Timeout bounds Check (0 → DefaultReadyTimeout).
	Timeout time.Duration
}

// notReadyError is ErrNotReady with the per-check outcomes for the problem
// body and the causes for the log.
type notReadyError struct {
	checks map[string]string
	causes error
}

func (e *notReadyError) Error() string {
	if e.causes == nil {
		return ErrNotReady.Error()
	}
	return ErrNotReady.Error() + ": " + e.causes.Error()
}

func (e *notReadyError) Is(target error) bool { return target == ErrNotReady }

func (e *notReadyError) Unwrap() error { return e.causes }

// readinessChecks returns the per-check outcomes a readiness failure
// carries, for the "checks" member of its problem body (nil otherwise).
func readinessChecks(err error) map[string]string {
	var nr *notReadyError
	if errors.As(err, &nr) {
		return nr.checks
	}
	return nil
}

// Drain makes /readyz answer 503 at once from now on, without running any
// check, so load balancers stop sending new traffic while in-flight
// requests finish. Responses sent while draining also carry
// "Connection: close", moving keep-alive clients off this instance. cmd
// calls it on SIGTERM before closing the listener. It cannot be undone.
func (s *Server) Drain() { s.draining.Store(true) }

// Draining reports whether Drain was called.
func (s *Server) Draining() bool { return s.draining.Load() }

// readiness runs every check concurrently, each under its own timeout, and
// returns the outcomes, or a *notReadyError when a required check failed.
func (s *Server) readiness(ctx context.Context) (map[string]string, error) {
	if s.draining.Load() {
		return nil, &notReadyError{checks: map[string]string{checkShutdown: checkDraining}}
	}
	if len(s.checks) == 0 && s.ready == nil {
		return nil, nil
	}
	errs := make([]error, len(s.checks))
	var legacy error
	var wg sync.WaitGroup
	for i, c := range s.checks {
		wg.Go(func() { errs[i] = runCheck(ctx, c.Check, c.Timeout) })
	}
	if s.ready != nil {
		// Options.Ready is one more required check that is not itemized.
		wg.Go(func() { legacy = runCheck(ctx, s.ready, 0) })
	}
	wg.Wait()

	var out map[string]string
	if len(s.checks) > 0 {
		out = make(map[string]string, len(s.checks))
	}
	var causes []error
	failed := legacy != nil
	if legacy != nil {
		causes = append(causes, legacy)
	}
	for i, c := range s.checks {
		switch {
		case errs[i] == nil:
			out[c.Name] = checkOK
		case c.Optional:
			out[c.Name] = checkDegraded
			s.log.Warn("readiness: optional dependency degraded", "check", c.Name, "err", errs[i])
		default:
			out[c.Name] = checkFailed
			failed = true
			causes = append(causes, fmt.Errorf("%s: %w", c.Name, errs[i]))
		}
	}
	if failed {
		return out, &notReadyError{checks: out, causes: errors.Join(causes...)}
	}
	return out, nil
}

// runCheck runs one check under its timeout. A check that ignores its
// context still cannot hold the probe past the timeout: its result is
// abandoned and the check counts as failed.
func runCheck(ctx context.Context, check func(context.Context) error, timeout time.Duration) error {
	if timeout <= 0 {
		timeout = DefaultReadyTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- check(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("check timed out after %s: %w", timeout, ctx.Err())
	}
}

// validateChecks rejects unnamed, unusable or duplicate checks at start-up.
func validateChecks(checks []ReadyCheck) error {
	seen := make(map[string]bool, len(checks))
	var problems []string
	for i, c := range checks {
		switch {
		case c.Name == "":
			problems = append(problems, fmt.Sprintf("ReadyChecks[%d] has no Name", i))
		case c.Name == checkShutdown:
			problems = append(problems, fmt.Sprintf("ReadyChecks[%d]: name %q is reserved", i, c.Name))
		case seen[c.Name]:
			problems = append(problems, fmt.Sprintf("ReadyChecks[%d]: duplicate name %q", i, c.Name))
		}
		if c.Check == nil {
			problems = append(problems, fmt.Sprintf("ReadyChecks[%d] (%s) has no Check func", i, c.Name))
		}
		seen[c.Name] = true
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}
