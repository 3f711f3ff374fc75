package ratelimit

import (
	"context"
	"errors"
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

// Check refuses a login attempt once the account has used its budget of
// failures, without counting the attempt itself. The refusal is a
// *LimitedError carrying RetryAfter. Check runs before the password is
// verified, so an attacker cannot keep guessing past the limit.
func (t *AccountThrottle) Check(ctx context.Context, email string) error {
	_, err := t.l.Peek(ctx, PolicyLoginAccount, accountKey(email))
	return err
}

// Failed counts one failed login for the account. Going over the limit is
// not an error here; the next Check reports it.
func (t *AccountThrottle) Failed(ctx context.Context, email string) error {
	_, err := t.l.Take(ctx, PolicyLoginAccount, accountKey(email))
	if errors.Is(err, ErrLimited) {
		return nil
	}
	return err
}

// Succeeded clears the account's failures, so a user who finally typed the
// right password starts afresh.
func (t *AccountThrottle) Succeeded(ctx context.Context, email string) error {
	return t.l.Reset(ctx, PolicyLoginAccount, accountKey(email))
}

// accountKey folds case and surrounding space. authcore passes normalized
// emails already; folding again means an attacker cannot get a fresh budget
// by changing the case of the address if a caller ever forgets.
func accountKey(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}
