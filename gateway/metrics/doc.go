// Package metrics is the gateway's Prometheus instrumentation and the only
// package that imports github.com/prometheus/client_golang.
//
// A *Metrics owns its own prometheus.Registry — never the process-wide
// default — so two servers in one process (tests, the demo) never collide
// and nothing registers series behind the operator's back. The gateway and
// cmd call small typed methods (RequestFinished, AuthEvent, TokenRejected,
// ...) instead of touching Prometheus types, which keeps the library in one
// home and lets this package enforce that every label value comes from a
// bounded set: route names from the configuration or the gateway's fixed
// endpoint names, method classes, status codes, and the enumerations of
// authcore and ratelimit. User ids, e-mail addresses, client IPs and raw
// paths are never labels: each would create one series per value and turn a
// scrape into a memory leak (and a privacy leak).
//
// Every recording method is safe on a nil *Metrics and does nothing, so
// components built without metrics (most tests) need no special case.
//
// The series, all prefixed gateway_:
//
//	gateway_build_info{version,goversion}                      gauge (always 1)
//	gateway_http_requests_in_flight                            gauge
//	gateway_http_requests_total{route,method,code}             counter
//	gateway_http_request_duration_seconds{route}               histogram
//	gateway_upstream_response_duration_seconds{route}          histogram (to response headers)
//	gateway_upstream_errors_total{route,kind}                  counter; kind: unavailable|timeout|client_gone
//	gateway_auth_events_total{event}                           counter; authcore.Event values
//	gateway_jwt_rejections_total{reason}                       counter; authcore.TokenReason values
//	gateway_ratelimit_decisions_total{policy,outcome}          counter; outcome: allowed|limited|error
//	gateway_ratelimit_store_degraded                           gauge (1 while Redis is bypassed)
//	gateway_argon2_hashes_in_flight                            gauge
//	gateway_argon2_hashes_refused_total                        counter
//	gateway_db_pool_connections{state}                         gauge; state: in_use|idle|open
//	gateway_db_pool_max_connections                            gauge
//	gateway_db_pool_wait_total                                 counter
//
// plus the standard go_* and process_* collectors.
package metrics
