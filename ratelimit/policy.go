package ratelimit

import (
	"fmt"
	"strings"

	"github.com/ulule/limiter/v3"
)

// Built-in policy names. The gateway keys the first four by client IP;
// PolicyLoginAccount is keyed by normalized email through AccountThrottle.
const (
	// PolicyLogin limits login attempts per client IP, slowing password
	// spraying from one address.
	PolicyLogin = "login"
	// PolicyRegister limits sign-ups per client IP, slowing account farming.
	PolicyRegister = "register"
	// PolicyRefresh limits refresh-token exchanges per client IP.
	PolicyRefresh = "refresh"
	// PolicyLogout limits logouts per client IP: each one looks up and
	// writes a refresh-token row, so an unlimited stream of made-up tokens
	// would be free database load (issue 9).
	PolicyLogout = "logout"
	// PolicyLoginAccount limits failed logins per account across all IPs,
	// so a botnet rotating addresses still cannot guess one user's password
	// quickly (OWASP ASVS 2.2.1).
	PolicyLoginAccount = "login_account"
)

// routePolicyPrefix starts every per-route policy name.
const routePolicyPrefix = "route:"

// RoutePolicy names the policy of a proxied route, so per-route policies
// cannot collide with the built-in ones.
func RoutePolicy(route string) string { return routePolicyPrefix + route }

// DefaultPolicies returns the built-in rates. It returns a fresh map each
// call so no caller can change another's defaults.
func DefaultPolicies() map[string]string {
	return map[string]string{
		PolicyLogin:        "10-M",
		PolicyRegister:     "5-H",
		PolicyRefresh:      "60-M",
		PolicyLogout:       "60-M",
		PolicyLoginAccount: "10-H",
	}
}

// parseRate accepts limiter's "<limit>-<period>" format and additionally
// rejects limits below one, which limiter would accept and which would
// refuse every request.
func parseRate(formatted string) (limiter.Rate, error) {
	rate, err := limiter.NewRateFromFormatted(strings.TrimSpace(formatted))
	if err != nil {
		return limiter.Rate{}, fmt.Errorf("rate %q: want <limit>-<S|M|H|D> such as 10-M: %w", formatted, err)
	}
	if rate.Limit < 1 {
		return limiter.Rate{}, fmt.Errorf("rate %q: limit must be at least 1", formatted)
	}
	return rate, nil
}

// validPolicyName is validName plus one reservation: names starting with
// '_' belong to the Limiter itself (see probePolicy).
func validPolicyName(name string) bool {
	return validName(name, true) && !strings.HasPrefix(name, "_")
}

// validName keeps prefixes and policy names to a small alphabet. Together
// with the escaping in Key this makes every Redis key unambiguous: the
// client-derived part is always the last segment and never contains a
// character a name can, and no name can smuggle a Cluster hash tag ("{")
// or whitespace into a key.
func validName(s string, colons bool) bool {
	if s == "" || strings.HasPrefix(s, ":") || strings.HasSuffix(s, ":") || strings.Contains(s, "::") {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
		case r == ':' && colons:
		default:
			return false
		}
	}
	return true
}
