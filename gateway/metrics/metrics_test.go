package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/gateway/metrics"
)

// scrape fetches m's exposition through its Handler, as Prometheus would.
func scrape(t *testing.T, m *metrics.Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Accept", "text/plain")
	m.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape status = %d: %s", rec.Code, rec.Body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(rec.Body.String()))
	if err != nil {
		t.Fatalf("parse scrape: %v\n%s", err, rec.Body)
	}
	return fams
}

// value returns the sample of family name whose labels equal labels
// (missing → -1, so a test can tell absent from zero).
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		return -1
	}
	for _, mt := range f.GetMetric() {
		if !labelsEqual(mt.GetLabel(), labels) {
			continue
		}
		switch {
		case mt.Counter != nil:
			return mt.GetCounter().GetValue()
		case mt.Gauge != nil:
			return mt.GetGauge().GetValue()
		case mt.Histogram != nil:
			return float64(mt.GetHistogram().GetSampleCount())
		}
	}
	return -1
}

func labelsEqual(got []*dto.LabelPair, want map[string]string) bool {
	if len(got) != len(want) {
		return false
	}
	for _, lp := range got {
		if want[lp.GetName()] != lp.GetValue() {
			return false
		}
	}
	return true
}

// labelValues lists the distinct values of label across family name.
func labelValues(fams map[string]*dto.MetricFamily, name, label string) []string {
	seen := map[string]bool{}
	for _, mt := range fams[name].GetMetric() {
		for _, lp := range mt.GetLabel() {
			if lp.GetName() == label {
				seen[lp.GetValue()] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

func newMetrics() *metrics.Metrics {
	return metrics.New(metrics.Options{Version: "1.2.3", NoRuntimeCollectors: true})
}

func TestRequestFinishedLabels(t *testing.T) {
	m := newMetrics()
	tests := []struct {
		name      string
		route     string
		method    string
		status    int
		wantRoute string
		wantMeth  string
		wantCode  string
	}{
		{"gateway endpoint", "auth_login", http.MethodPost, 200, "auth_login", "POST", "200"},
		{"configured route", "api", http.MethodGet, 502, "api", "GET", "502"},
		{"no route", "", http.MethodGet, 404, "unmatched", "GET", "404"},
		{"raw path is refused as a label", "/random/3f1f6a8b", http.MethodGet, 404, "unmatched", "GET", "404"},
		{"overlong name", strings.Repeat("a", 200), http.MethodGet, 404, "unmatched", "GET", "404"},
		{"unknown method folds to other", "api", "PROPFIND", 200, "api", "other", "200"},
		{"lowercase method is not GET", "api", "get", 200, "api", "other", "200"},
		{"client closed", "api", http.MethodGet, 499, "api", "GET", "499"},
		{"impossible status", "api", http.MethodGet, 1000, "api", "GET", "other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m.RequestStarted()
			m.RequestFinished(tt.route, tt.method, tt.status, 3*time.Millisecond)
			fams := scrape(t, m)
			labels := map[string]string{"route": tt.wantRoute, "method": tt.wantMeth, "code": tt.wantCode}
			if got := value(t, fams, "gateway_http_requests_total", labels); got < 1 {
				t.Errorf("gateway_http_requests_total%v = %v, want ≥ 1", labels, got)
			}
			if got := value(t, fams, "gateway_http_request_duration_seconds", map[string]string{"route": tt.wantRoute}); got < 1 {
				t.Errorf("duration histogram for route %q has %v samples", tt.wantRoute, got)
			}
			if got := value(t, fams, "gateway_http_requests_in_flight", nil); got != 0 {
				t.Errorf("in flight = %v after a finished request, want 0", got)
			}
		})
	}
	fams := scrape(t, m)
	if got, want := labelValues(fams, "gateway_http_requests_total", "route"), []string{"api", "auth_login", "unmatched"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("route label values = %v, want %v", got, want)
	}
}

func TestAuthEventsAndTokenRejections(t *testing.T) {
	m := newMetrics()
	fams := scrape(t, m)
	for _, e := range []string{"login_success", "login_failure", "register", "refresh", "refresh_reuse", "logout"} {
		if got := value(t, fams, "gateway_auth_events_total", map[string]string{"event": e}); got != 0 {
			t.Errorf("before any event, %s = %v, want a pre-initialized 0", e, got)
		}
	}
	m.AuthEvent(authcore.EventLoginFailure)
	m.AuthEvent(authcore.EventLoginFailure)
	m.AuthEvent(authcore.EventRefreshReuse)
	m.AuthEvent(authcore.Event("something_new"))
	m.TokenRejected(authcore.TokenExpired)
	m.TokenRejected(authcore.TokenSignature)
	m.TokenRejected(authcore.TokenReason("Bearer eyJhbGciOi..."))

	fams = scrape(t, m)
	tests := []struct {
		family, label, value string
		want                 float64
	}{
		{"gateway_auth_events_total", "event", "login_failure", 2},
		{"gateway_auth_events_total", "event", "refresh_reuse", 1},
		{"gateway_auth_events_total", "event", "other", 1},
		{"gateway_jwt_rejections_total", "reason", "expired", 1},
		{"gateway_jwt_rejections_total", "reason", "signature", 1},
		{"gateway_jwt_rejections_total", "reason", "missing", 0},
		{"gateway_jwt_rejections_total", "reason", "other", 1},
	}
	for _, tt := range tests {
		t.Run(tt.family+"/"+tt.value, func(t *testing.T) {
			if got := value(t, fams, tt.family, map[string]string{tt.label: tt.value}); got != tt.want {
				t.Errorf("%s{%s=%q} = %v, want %v", tt.family, tt.label, tt.value, got, tt.want)
			}
		})
	}
	for _, v := range labelValues(fams, "gateway_jwt_rejections_total", "reason") {
		if strings.Contains(v, "eyJ") {
			t.Errorf("token material became a label value: %q", v)
		}
	}
}

func TestUpstreamAndRateLimitSeries(t *testing.T) {
	m := newMetrics()
	m.UpstreamResponded("api", 20*time.Millisecond)
	m.UpstreamFailed("api", metrics.UpstreamTimeout)
	m.UpstreamFailed("api", metrics.UpstreamUnavailable)
	m.UpstreamFailed("api", metrics.UpstreamClientGone)
	m.UpstreamFailed("api", metrics.UpstreamErrorKind("dial tcp 10.0.0.1:80"))
	m.RateLimitDecision("login", metrics.RateLimitAllowed)
	m.RateLimitDecision("login", metrics.RateLimitLimited)
	m.RateLimitDecision("route:api", metrics.RateLimitError)
	m.RateLimitDecision("login", metrics.RateLimitOutcome("weird"))

	fams := scrape(t, m)
	tests := []struct {
		family string
		labels map[string]string
		want   float64
	}{
		{"gateway_upstream_response_duration_seconds", map[string]string{"route": "api"}, 1},
		{"gateway_upstream_errors_total", map[string]string{"route": "api", "kind": "timeout"}, 1},
		{"gateway_upstream_errors_total", map[string]string{"route": "api", "kind": "unavailable"}, 1},
		{"gateway_upstream_errors_total", map[string]string{"route": "api", "kind": "client_gone"}, 1},
		{"gateway_ratelimit_decisions_total", map[string]string{"policy": "login", "outcome": "allowed"}, 1},
		{"gateway_ratelimit_decisions_total", map[string]string{"policy": "login", "outcome": "limited"}, 1},
		{"gateway_ratelimit_decisions_total", map[string]string{"policy": "login", "outcome": "error"}, 1},
		{"gateway_ratelimit_decisions_total", map[string]string{"policy": "route:api", "outcome": "error"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.family, func(t *testing.T) {
			if got := value(t, fams, tt.family, tt.labels); got != tt.want {
				t.Errorf("%s%v = %v, want %v", tt.family, tt.labels, got, tt.want)
			}
		})
	}
	if kinds := labelValues(fams, "gateway_upstream_errors_total", "kind"); len(kinds) != 3 {
		t.Errorf("upstream error kinds = %v, want exactly the three known ones", kinds)
	}
}

type fakeHasher struct {
	inFlight int
	refused  uint64
}

func (h *fakeHasher) InFlight() int   { return h.inFlight }
func (h *fakeHasher) Refused() uint64 { return h.refused }

func TestWatchedComponentsAreReadAtScrape(t *testing.T) {
	m := newMetrics()
	h := &fakeHasher{inFlight: 3, refused: 7}
	degraded := false
	pool := metrics.DBPoolStats{InUse: 2, Idle: 5, Open: 7, MaxOpen: 10, WaitCount: 4}
	if err := m.WatchHasher(h); err != nil {
		t.Fatal(err)
	}
	if err := m.WatchRateLimitStore(func() bool { return degraded }); err != nil {
		t.Fatal(err)
	}
	if err := m.WatchDBPool(func() metrics.DBPoolStats { return pool }); err != nil {
		t.Fatal(err)
	}
	if err := m.WatchHasher(h); err == nil {
		t.Error("watching a second hasher succeeded; want a duplicate-registration error")
	}

	check := func(family string, labels map[string]string, want float64) {
		t.Helper()
		if got := value(t, scrape(t, m), family, labels); got != want {
			t.Errorf("%s%v = %v, want %v", family, labels, got, want)
		}
	}
	check("gateway_argon2_hashes_in_flight", nil, 3)
	check("gateway_argon2_hashes_refused_total", nil, 7)
	check("gateway_ratelimit_store_degraded", nil, 0)
	check("gateway_db_pool_connections", map[string]string{"state": "in_use"}, 2)
	check("gateway_db_pool_connections", map[string]string{"state": "idle"}, 5)
	check("gateway_db_pool_connections", map[string]string{"state": "open"}, 7)
	check("gateway_db_pool_max_connections", nil, 10)
	check("gateway_db_pool_wait_total", nil, 4)

	h.inFlight, h.refused, degraded = 0, 9, true
	check("gateway_argon2_hashes_in_flight", nil, 0)
	check("gateway_argon2_hashes_refused_total", nil, 9)
	check("gateway_ratelimit_store_degraded", nil, 1)
}

func TestRegistryIsPrivate(t *testing.T) {
	// Two instances in one process must not collide, and neither may leak
	// series into the global default registry.
	a := metrics.New(metrics.Options{})
	b := metrics.New(metrics.Options{})
	a.AuthEvent(authcore.EventLogout)
	if got := value(t, scrape(t, b), "gateway_auth_events_total", map[string]string{"event": "logout"}); got != 0 {
		t.Errorf("an event on one Metrics shows on another: %v", got)
	}
	fams, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if strings.HasPrefix(f.GetName(), "gateway_") {
			t.Errorf("%s is registered on the global default registry", f.GetName())
		}
	}
	full := scrape(t, a)
	for _, name := range []string{"go_goroutines", "process_open_fds", "gateway_build_info"} {
		if _, ok := full[name]; !ok {
			t.Errorf("scrape lacks %s", name)
		}
	}
}

func TestNilMetricsIsANoOp(t *testing.T) {
	var m *metrics.Metrics
	m.RequestStarted()
	m.RequestFinished("api", http.MethodGet, 200, time.Millisecond)
	m.UpstreamResponded("api", time.Millisecond)
	m.UpstreamFailed("api", metrics.UpstreamTimeout)
	m.AuthEvent(authcore.EventLogout)
	m.TokenRejected(authcore.TokenExpired)
	m.RateLimitDecision("login", metrics.RateLimitAllowed)
}

func TestBuildInfo(t *testing.T) {
	fams := scrape(t, newMetrics())
	f := fams["gateway_build_info"]
	if f == nil || len(f.GetMetric()) != 1 {
		t.Fatalf("gateway_build_info missing: %v", f)
	}
	labels := map[string]string{}
	for _, lp := range f.GetMetric()[0].GetLabel() {
		labels[lp.GetName()] = lp.GetValue()
	}
	if labels["version"] != "1.2.3" || !strings.HasPrefix(labels["goversion"], "go") {
		t.Errorf("build info labels = %v", labels)
	}
}

func TestMethodClass(t *testing.T) {
	for in, want := range map[string]string{
		"GET": "GET", "HEAD": "HEAD", "OPTIONS": "OPTIONS", "PATCH": "PATCH",
		"CONNECT": "other", "TRACE": "other", "": "other", "get": "other",
	} {
		if got := metrics.MethodClass(in); got != want {
			t.Errorf("MethodClass(%q) = %q, want %q", in, got, want)
		}
	}
}
