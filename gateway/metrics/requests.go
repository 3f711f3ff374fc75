package metrics

import "time"

// RequestStarted counts a request as in flight. Every call must be paired
// with RequestFinished.
func (m *Metrics) RequestStarted() {
	if m == nil {
		return
	}
	m.inFlight.Inc()
}

// RequestFinished records one answered request: route is a configured route
// name or a gateway endpoint name ("" or anything that is not a name counts
// as Unmatched), method the request method (folded by MethodClass), status
// the code sent (499 when the client left first).
func (m *Metrics) RequestFinished(route, method string, status int, elapsed time.Duration) {
	if m == nil {
		return
	}
	m.inFlight.Dec()
	route = routeLabel(route)
	m.requests.WithLabelValues(route, MethodClass(method), codeLabel(status)).Inc()
	m.requestDuration.WithLabelValues(route).Observe(elapsed.Seconds())
}
