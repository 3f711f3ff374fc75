package metrics

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// namespace prefixes every series the gateway defines, so its metrics are
// easy to find next to other exporters' on a shared Prometheus.
const namespace = "gateway"

// Options configure New. The zero value is usable.
type Options struct {
	// Version is exported as gateway_build_info{version}, so dashboards can
	// tell which release produced a change in behaviour.
	Version string
	// Logger receives errors from encoding a scrape (e.g. a GaugeFunc
	// panicking); nil discards them.
	Logger *slog.Logger
	// NoRuntimeCollectors leaves out the go_* and process_* series, for
	// tests that compare whole scrapes.
	NoRuntimeCollectors bool
}

// Metrics holds the gateway's collectors and the registry that serves them.
// Build one per process with New; it is safe for concurrent use. Recording
// methods are no-ops on a nil *Metrics; Handler and the Watch methods need
// one built by New.
type Metrics struct {
	reg *prometheus.Registry
	log *slog.Logger

	inFlight         prometheus.Gauge
	requests         *prometheus.CounterVec
	requestDuration  *prometheus.HistogramVec
	upstreamDuration *prometheus.HistogramVec
	upstreamErrors   *prometheus.CounterVec
	authEvents       *prometheus.CounterVec
	jwtRejections    *prometheus.CounterVec
	rateLimit        *prometheus.CounterVec
}

// latencyBuckets cover a fast gateway hop (1ms) up to a slow upstream (30s,
// the default route timeout); Prometheus' default buckets stop at 10s.
var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// New builds the collectors and registers them on a fresh registry.
func New(opts Options) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), log: opts.Logger}
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: namespace, Name: "http_requests_in_flight",
		Help: "Requests being served right now, gateway endpoints and proxied alike.",
	})
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "http_requests_total",
		Help: "Requests answered, by route name (\"unmatched\" when no route matched), method class and status code.",
	}, []string{"route", "method", "code"})
	m.requestDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "http_request_duration_seconds",
		Help:    "Time from receiving a request to the handler returning, by route name.",
		Buckets: latencyBuckets,
	}, []string{"route"})
	m.upstreamDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "upstream_response_duration_seconds",
		Help:    "Time from forwarding a request until the upstream's response headers arrived, by route name.",
		Buckets: latencyBuckets,
	}, []string{"route"})
	m.upstreamErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "upstream_errors_total",
		Help: "Proxied requests that got no upstream response, by route name and kind (unavailable, timeout, client_gone).",
	}, []string{"route", "kind"})
	m.authEvents = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "auth_events_total",
		Help: "Authentication outcomes reported by the auth service (login_success, login_failure, register, refresh, refresh_reuse, logout, ...).",
	}, []string{"event"})
	m.jwtRejections = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "jwt_rejections_total",
		Help: "Requests refused because of their access token, by reason.",
	}, []string{"reason"})
	m.rateLimit = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "ratelimit_decisions_total",
		Help: "Rate-limit checks by policy and outcome (allowed, limited, error).",
	}, []string{"policy", "outcome"})
	buildInfo := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: namespace, Name: "build_info",
		Help:        "Always 1; the labels say which build is running.",
		ConstLabels: prometheus.Labels{"version": orUnknown(opts.Version), "goversion": runtime.Version()},
	})
	buildInfo.Set(1)

	m.reg.MustRegister(m.inFlight, m.requests, m.requestDuration, m.upstreamDuration,
		m.upstreamErrors, m.authEvents, m.jwtRejections, m.rateLimit, buildInfo)
	if !opts.NoRuntimeCollectors {
		m.reg.MustRegister(
			collectors.NewGoCollector(),
			collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		)
	}
	m.preinitialize()
	return m
}

// Handler serves the registry in the Prometheus exposition formats. It
// belongs on the admin listener only: metrics reveal traffic volumes and
// route names, which the public port has no reason to publish.
func (m *Metrics) Handler() http.Handler {
	opts := promhttp.HandlerOpts{
		// A broken collector should cost one series, not the whole scrape.
		ErrorHandling: promhttp.ContinueOnError,
		// Bound concurrent scrapes so a misconfigured scraper cannot pile
		// up collection work.
		MaxRequestsInFlight: 4,
		Timeout:             10 * time.Second,
	}
	if m.log != nil {
		opts.ErrorLog = slogErrorLog{m.log}
	}
	return promhttp.HandlerFor(m.reg, opts)
}

// slogErrorLog adapts promhttp's Println-style error log to slog.
type slogErrorLog struct{ log *slog.Logger }

func (l slogErrorLog) Println(v ...any) {
	l.log.Warn("metrics: scrape error", "detail", fmt.Sprint(v...))
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
