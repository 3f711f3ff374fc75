package main

import (
	"io"
	"log/slog"
	"runtime/debug"
	"testing"
)

// TestProxyGCPercentYieldsToTheEnvironment: gatewayd sets its GOGC default
// only when the operator set neither GOGC nor GOMEMLIMIT.
func TestProxyGCPercentYieldsToTheEnvironment(t *testing.T) {
	prev := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(prev) })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cases := []struct {
		name string
		env  map[string]string
		want int
	}{
		{"nothing set", nil, proxyGCPercent},
		{"GOGC set", map[string]string{"GOGC": "150"}, 0},
		{"GOGC off", map[string]string{"GOGC": "off"}, 0},
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "512MiB"}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			debug.SetGCPercent(100)
			got := setProxyGCPercent(func(k string) string { return tc.env[k] }, log)
			if got != tc.want {
				t.Errorf("setProxyGCPercent = %d, want %d", got, tc.want)
			}
			want := 100
			if tc.want != 0 {
				want = tc.want
			}
			if now := debug.SetGCPercent(100); now != want {
				t.Errorf("GC percent = %d, want %d", now, want)
			}
		})
	}
}
