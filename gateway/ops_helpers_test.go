package gateway_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/gatewaytest"
	"github.com/authgate/gatewayd/gateway/metrics"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// opsEnv is a real gateway (authcore.Service over in-memory SQLite, real
// token signing) with metrics and a captured debug-level JSON log, in
// front of recording upstreams, on a 127.0.0.1 listener.
type opsEnv struct {
	t       *testing.T
	url     string
	client  *http.Client
	srv     *gateway.Server
	metrics *metrics.Metrics
	logs    *logBuffer
	tokens  *authcore.AccessTokens
	// upstream records every request the "api" route forwarded.
	upstream *gatewaytest.Upstream
	// release unblocks the "slow" route's upstream.
	release chan struct{}
}

type opsConfig struct {
	// checks are the readiness checks (none by default).
	checks []gateway.ReadyCheck
}

func newOpsEnv(t *testing.T, cfg opsConfig) *opsEnv {
	t.Helper()
	core := gatewaytest.SQLite(t)
	tokens := core.Tokens
	m := metrics.New(metrics.Options{NoRuntimeCollectors: true})
	svc := core.Service(authcore.ServiceOptions{
		RegistrationOpen: true,
		OnEvent:          m.AuthEvent,
	})
	env := &opsEnv{
		t: t, metrics: m, logs: &logBuffer{}, tokens: tokens,
		release: make(chan struct{}),
		client:  &http.Client{Timeout: 10 * time.Second},
	}
	srv, err := gateway.NewServer(gateway.Options{
		Logger:      slog.New(slog.NewJSONHandler(env.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Auth:        svc,
		Tokens:      tokens,
		Metrics:     m,
		ReadyChecks: cfg.checks,
		Proxy:       env.proxyOptions(t),
	})
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	env.url, env.srv = ts.URL, srv
	return env
}

// proxyOptions routes /api/ to the recording upstream, /slow/ to an upstream that
// answers only after release (with a 200ms route timeout), and /dead/ to a
// port nobody listens on.
func (e *opsEnv) proxyOptions(t *testing.T) gateway.ProxyOptions {
	t.Helper()
	e.upstream = gatewaytest.NewUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "hello from upstream")
	})
	api := e.upstream
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-e.release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(e.release) }) // runs before slow.Close
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := mustURL(t, dead.URL)
	dead.Close()

	routes := []proxy.Route{
		{Name: "api", PathPrefix: "/api/", Auth: proxy.AuthOptional, Upstreams: []*url.URL{mustURL(t, api.URL)}},
		{Name: "slow", PathPrefix: "/slow/", Auth: proxy.AuthPublic, Timeout: 200 * time.Millisecond, Upstreams: []*url.URL{mustURL(t, slow.URL)}},
		{Name: "dead", PathPrefix: "/dead/", Auth: proxy.AuthPublic, Upstreams: []*url.URL{deadURL}},
	}
	router, err := proxy.NewRouter(routes)
	if err != nil {
		t.Fatalf("router: %v", err)
	}
	return gateway.ProxyOptions{Router: router}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// call sends one request and returns status, body and headers.
func (e *opsEnv) call(method, path, body string, header http.Header) (int, string, http.Header) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// scrape returns the metrics exposition as text, via the same Handler the
// admin listener serves.
func (e *opsEnv) scrape() string {
	e.t.Helper()
	w := httptest.NewRecorder()
	e.metrics.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if w.Code != http.StatusOK {
		e.t.Fatalf("scrape: %d", w.Code)
	}
	return w.Body.String()
}

// sample is one line of the text exposition.
type sample struct {
	name   string
	labels map[string]string
	value  string
}

var labelRe = regexp.MustCompile(`(\w+)="((?:[^"\\]|\\.)*)"`)

// samples parses the text exposition of family name (plain Prometheus text
// format; this package may not import the Prometheus libraries).
func samples(text, name string) []sample {
	var out []sample
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "#") || !strings.HasPrefix(line, name) {
			continue
		}
		series, value, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		n, rest, _ := strings.Cut(series, "{")
		if n != name {
			continue
		}
		s := sample{name: n, labels: map[string]string{}, value: value}
		for _, m := range labelRe.FindAllStringSubmatch(rest, -1) {
			s.labels[m[1]] = m[2]
		}
		out = append(out, s)
	}
	return out
}

// metricValue returns the value of the sample of name with exactly labels,
// or "" when there is none.
func metricValue(text, name string, labels map[string]string) string {
	for _, s := range samples(text, name) {
		if len(s.labels) != len(labels) {
			continue
		}
		match := true
		for k, v := range labels {
			if s.labels[k] != v {
				match = false
			}
		}
		if match {
			return s.value
		}
	}
	return ""
}
