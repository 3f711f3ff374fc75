package ratelimit

import (
	"errors"
	"fmt"
	"time"

	"github.com/ulule/limiter/v3"
)

// Outcomes callers compare with errors.Is.
var (
	// ErrLimited is matched by every *LimitedError, so the HTTP layer needs
	// one errors.Is check to answer 429.
	ErrLimited = errors.New("rate limit reached")
	// ErrUnknownPolicy means a caller named a policy that was not configured:
	// a wiring bug, reported instead of silently not limiting.
	ErrUnknownPolicy = errors.New("unknown rate-limit policy")
	// ErrClosed means the Limiter was used after Close.
	ErrClosed = errors.New("rate limiter closed")
)

// Decision is the state of one counter after a call, in the shape of the
// RateLimit-* / X-RateLimit-* response headers.
type Decision struct {
	// Limit is the policy's budget per window.
	Limit int64
	// Remaining is how many more requests the window allows.
	Remaining int64
	// Reset is when the window ends. It is rounded up to a whole second so
	// a client that waits until Reset is never refused by the same window.
	Reset time.Time
	// Reached means this request is refused (Take) or would be (Peek).
	Reached bool
}

// LimitedError is returned with every Decision whose Reached is true. It
// carries what a 429 response needs.
type LimitedError struct {
	// Policy is the policy that refused the request.
	Policy string
	// Decision is the counter state that caused the refusal.
	Decision Decision
	// RetryAfter is the Retry-After value: whole seconds until Reset, at
	// least one second.
	RetryAfter time.Duration
}

func (e *LimitedError) Error() string {
	return fmt.Sprintf("ratelimit: %s limit reached, retry after %s", e.Policy, e.RetryAfter)
}

// Is makes errors.Is(err, ErrLimited) true for every LimitedError.
func (e *LimitedError) Is(target error) bool { return target == ErrLimited }

// decisionFrom converts limiter's context. limiter truncates the window end
// to whole seconds, so the true end lies in [Reset, Reset+1s): report the
// upper bound.
func decisionFrom(c limiter.Context) Decision {
	return Decision{
		Limit:     c.Limit,
		Remaining: c.Remaining,
		Reset:     time.Unix(c.Reset+1, 0),
		Reached:   c.Reached,
	}
}

// peekDecision turns a Peek into "would the next request be refused":
// limiter reports Reached only once the count exceeds the limit, but a
// caller peeking wants to know whether any budget is left.
func peekDecision(c limiter.Context) Decision {
	d := decisionFrom(c)
	d.Reached = d.Remaining <= 0
	return d
}

// result pairs a Decision with a *LimitedError when it is reached, so every
// method has the same contract: err != nil exactly when the request must
// not proceed.
func result(policy string, d Decision, now time.Time) (Decision, error) {
	if !d.Reached {
		return d, nil
	}
	return d, &LimitedError{Policy: policy, Decision: d, RetryAfter: retryAfter(d.Reset, now)}
}

func retryAfter(reset, now time.Time) time.Duration {
	wait := reset.Sub(now)
	if rounded := wait.Truncate(time.Second); rounded < wait {
		wait = rounded + time.Second
	}
	return max(wait, time.Second)
}
