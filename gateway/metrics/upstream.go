package metrics

import "time"

// UpstreamErrorKind says why a proxied request got no upstream response.
type UpstreamErrorKind string

// The kinds of upstream failure, matching the proxy's sentinel errors.
const (
	// UpstreamUnavailable: refused, reset, DNS failure, no target (502).
	UpstreamUnavailable UpstreamErrorKind = "unavailable"
	// UpstreamTimeout: no response headers within the route timeout (504).
	UpstreamTimeout UpstreamErrorKind = "timeout"
	// UpstreamClientGone: the client left before the upstream answered
	// (logged as 499). Counted because a rise usually means the upstream is
	// slower than clients are patient.
	UpstreamClientGone UpstreamErrorKind = "client_gone"
)

// UpstreamResponded records how long route's upstream took to send its
// response headers. Measuring to the headers, not to the end of the body,
// keeps long downloads, SSE and WebSocket sessions from drowning the
// latency that operators actually alert on.
func (m *Metrics) UpstreamResponded(route string, elapsed time.Duration) {
	if m == nil {
		return
	}
	m.upstreamDuration.WithLabelValues(routeLabel(route)).Observe(elapsed.Seconds())
}

// UpstreamFailed counts a proxied request that got no upstream response.
// Unknown kinds are ignored rather than becoming new label values.
func (m *Metrics) UpstreamFailed(route string, kind UpstreamErrorKind) {
	if m == nil {
		return
	}
	switch kind {
	case UpstreamUnavailable, UpstreamTimeout, UpstreamClientGone:
		m.upstreamErrors.WithLabelValues(routeLabel(route), string(kind)).Inc()
	}
}
