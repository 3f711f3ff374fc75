package authcore

import (
	"errors"
	"fmt"
	"time"

	"github.com/authgate/gatewayd/internal/fielderr"
)

// MaxPasswordMinLength caps ServiceOptions.PasswordMinLength: a minimum
// above it would refuse passphrases people actually use, and the input
// cap (MaxPasswordBytes) must stay well above the minimum.
const MaxPasswordMinLength = 128

// MaxRefreshReuseGrace caps ServiceOptions.RefreshReuseGrace. A grace is
// for two requests of one client racing, which settle in seconds; a
// minute (Okta's ceiling) is plenty, and a longer window would let a
// stolen token be replayed quietly for longer.
const MaxRefreshReuseGrace = time.Minute

// Validate reports every problem with opts as joined *fielderr.Error
// values: a password minimum outside DefaultPasswordMinLength (NIST SP
// 800-63B's floor) to MaxPasswordMinLength, a negative RefreshTTL, a
// RefreshReuseGrace outside 0–MaxRefreshReuseGrace, and
// default roles ValidRole refuses. Zero values take the defaults.
func (opts ServiceOptions) Validate() error {
	var errs []error
	if n := opts.PasswordMinLength; n != 0 && (n < DefaultPasswordMinLength || n > MaxPasswordMinLength) {
		errs = append(errs, fielderr.New("PasswordMinLength", "must be between %d and %d", DefaultPasswordMinLength, MaxPasswordMinLength))
	}
	if opts.RefreshReuseGrace < 0 || opts.RefreshReuseGrace > MaxRefreshReuseGrace {
		errs = append(errs, fielderr.New("RefreshReuseGrace", "must be between 0s and %s", MaxRefreshReuseGrace))
	}
	if opts.RefreshTTL < 0 {
		errs = append(errs, fielderr.New("RefreshTTL", "must not be negative (0 means %s)", DefaultRefreshTTL))
	}
	for i, r := range opts.DefaultRoles {
		if !ValidRole(r) {
			errs = append(errs, fielderr.New(fmt.Sprintf("DefaultRoles[%d]", i), "%q is not a valid role name (%s)", r, RoleAlphabet))
		}
	}
	return errors.Join(errs...)
}
