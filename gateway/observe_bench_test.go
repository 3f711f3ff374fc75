package gateway_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/metrics"
)

// benchObserve measures the per-request cost of the access log and the
// metrics on the cheapest endpoint (/healthz), so the difference between
// the variants is observe's own overhead.
func benchObserve(b *testing.B, level slog.Level, withMetrics bool) {
	opts := func(o *gateway.Options) {
		o.Logger = slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: level}))
		if withMetrics {
			o.Metrics = metrics.New(metrics.Options{NoRuntimeCollectors: true})
		}
	}
	srv, err := gateway.NewServer(func() gateway.Options {
		o := gateway.Options{Auth: &stubAuth{}, Tokens: stubTokens{}}
		opts(&o)
		return o
	}())
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	r := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	w := &benchWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		r.Header.Del("X-Request-Id")
		clear(w.h)
		h.ServeHTTP(w, r)
	}
}

// BenchmarkObserveNoLogNoMetrics: access log filtered out by level, no metrics.
func BenchmarkObserveNoLogNoMetrics(b *testing.B) { benchObserve(b, slog.LevelError, false) }

// BenchmarkObserveAccessLog: one JSON access-log line per request.
func BenchmarkObserveAccessLog(b *testing.B) { benchObserve(b, slog.LevelInfo, false) }

// BenchmarkObserveAccessLogAndMetrics: the production configuration.
func BenchmarkObserveAccessLogAndMetrics(b *testing.B) { benchObserve(b, slog.LevelInfo, true) }
