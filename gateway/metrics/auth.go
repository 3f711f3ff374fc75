package metrics

import "github.com/authgate/gatewayd/authcore"

// other is the label for a value outside a known enumeration, so a new
// constant upstream of this package shows up as "other" instead of
// growing the label set unchecked.
const other = "other"

// authEvents are the authcore.Event values with their own label.
var authEvents = []authcore.Event{
	authcore.EventLoginSuccess, authcore.EventLoginFailure, authcore.EventRegister,
	authcore.EventRefresh, authcore.EventRefreshReuse, authcore.EventLogout,
	authcore.EventRehashFailed, authcore.EventThrottleError,
	authcore.EventRevocationPublishFailed,
}

// tokenReasons are the authcore.TokenReason values with their own label.
var tokenReasons = []authcore.TokenReason{
	authcore.TokenMissing, authcore.TokenMalformed, authcore.TokenSignature,
	authcore.TokenExpired, authcore.TokenNotYet, authcore.TokenIssuer, authcore.TokenAudience,
	authcore.TokenRevoked,
}

// AuthEvent counts an authentication outcome. Its signature matches
// authcore.ServiceOptions.OnEvent, so cmd passes m.AuthEvent directly.
func (m *Metrics) AuthEvent(e authcore.Event) {
	if m == nil {
		return
	}
	label := other
	for _, known := range authEvents {
		if e == known {
			label = string(e)
			break
		}
	}
	m.authEvents.WithLabelValues(label).Inc()
}

// TokenRejected counts a request refused because of its access token. A
// spike of "signature" means forged or foreign tokens; of "expired", a
// client that does not refresh.
func (m *Metrics) TokenRejected(reason authcore.TokenReason) {
	if m == nil {
		return
	}
	label := other
	for _, known := range tokenReasons {
		if reason == known {
			label = string(reason)
			break
		}
	}
	m.jwtRejections.WithLabelValues(label).Inc()
}

// preinitialize creates the zero-valued children of the fixed enumerations,
// so a dashboard shows 0 (not "no data") and rate() works from the first
// event on.
func (m *Metrics) preinitialize() {
	for _, e := range authEvents {
		m.authEvents.WithLabelValues(string(e))
	}
	for _, r := range tokenReasons {
		m.jwtRejections.WithLabelValues(string(r))
	}
}
