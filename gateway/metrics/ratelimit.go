package metrics

// RateLimitOutcome is the result of one rate-limit check.
type RateLimitOutcome string

// Rate-limit outcomes.
const (
	// RateLimitAllowed: the request was within its budget.
	RateLimitAllowed RateLimitOutcome = "allowed"
	// RateLimitLimited: the request was refused (429), including refusals
	// by on_store_error=deny while Redis is down.
	RateLimitLimited RateLimitOutcome = "limited"
	// RateLimitError: the check itself failed (unknown policy, limiter
	// closed, client gone); the request was not served.
	RateLimitError RateLimitOutcome = "error"
)

// RateLimitDecision counts one check under policy. Policy names come from
// configuration ("login", "register", "refresh", "logout",
// "login_account", "route:<name>"), so the label set is bounded by the config file.
func (m *Metrics) RateLimitDecision(policy string, outcome RateLimitOutcome) {
	if m == nil {
		return
	}
	switch outcome {
	case RateLimitAllowed, RateLimitLimited, RateLimitError:
	default:
		outcome = RateLimitError
	}
	m.rateLimit.WithLabelValues(nameLabel(policy, other), string(outcome)).Inc()
}
