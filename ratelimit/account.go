package ratelimit

import (
	"context"
	"strings"

	"github.com/authgate/gatewayd/authcore"
)

var _ authcore.LoginThrottle = (*AccountThrottle)(nil)

// AccountThrottle limits failed logins per account across all client IPs
// (policy PolicyLoginAccount), which per-IP limits cannot do against a
// botnet. It implements authcore.LoginThrottle.
type AccountThrottle struct {
	l *Limiter
}

// AccountThrottle returns the per-account login throttle backed by l, to be
// passed to authcore.ServiceOptions.Throttle.
func (l *Limiter) AccountThrottle() *AccountThrottle { return &AccountThrottle{l: l} }

// Take claims one failure slot for the account before the password is
// verified, and refuses the attempt (a *LimitedError carrying RetryAfter)
// when no slot is left.
//
// Security: claiming and checking are one atomic store operation (an INCR
// in Redis's Lua script, a mutex-guarded counter in memory). It used to be
// a peek before argon2 and a count after it, so a parallel burst all peeked
// "budget left" and every guess got a real password check (issue 9).
func (t *AccountThrottle) Take(ctx context.Context, email string) error {
	_, err := t.l.Take(ctx, PolicyLoginAccount, accountKey(email))
	return err
}

// Refund gives back the slot Take claimed, for an attempt that was not a
// failed guess: a successful login must not use up the account's budget.
// Earlier failures stay counted until their window ends, so a victim's own
// logins cannot hand an attacker a fresh budget mid-burst.
func (t *AccountThrottle) Refund(ctx context.Context, email string) error {
	return t.l.Refund(ctx, PolicyLoginAccount, accountKey(email))
}

// accountKey folds case and surrounding space. authcore passes normalized
// emails already; folding again means an attacker cannot get a fresh budget
// by changing the case of the address if a caller ever forgets.
func accountKey(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}
