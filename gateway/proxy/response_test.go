package proxy_test

import (
	"net/http"
	"testing"

	"github.com/authgate/gatewayd/gateway/proxy"
)

func TestResponseHeaderOptions(t *testing.T) {
	tests := []struct {
		name       string
		opts       proxy.ForwarderOptions
		upstreamFO string // X-Frame-Options the upstream sets, if any
		want       map[string]string
	}{
		{"untouched by default", proxy.ForwarderOptions{}, "", map[string]string{
			"Server": "nginx/1.2.3", "X-Powered-By": "PHP/5.4", "X-Content-Type-Options": "", "X-Frame-Options": "",
		}},
		{"hide server header", proxy.ForwarderOptions{HideServerHeader: true}, "", map[string]string{
			"Server": "", "X-Powered-By": "", "X-Content-Type-Options": "", "X-Frame-Options": "",
		}},
		{"security headers added", proxy.ForwarderOptions{SecurityHeaders: true}, "", map[string]string{
			"Server": "nginx/1.2.3", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
		}},
		{"upstream's own frame policy wins", proxy.ForwarderOptions{SecurityHeaders: true}, "SAMEORIGIN", map[string]string{
			"X-Content-Type-Options": "nosniff", "X-Frame-Options": "SAMEORIGIN",
		}},
		{"both", proxy.ForwarderOptions{SecurityHeaders: true, HideServerHeader: true}, "", map[string]string{
			"Server": "", "X-Powered-By": "", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Server", "nginx/1.2.3")
				w.Header().Set("X-Powered-By", "PHP/5.4")
				if tt.upstreamFO != "" {
					w.Header().Set("X-Frame-Options", tt.upstreamFO)
				}
				w.WriteHeader(http.StatusTeapot)
			})
			fwd := forwarderFor(t, proxy.Route{}, tt.opts, up)
			w := newDiscard()
			if err := fwd.Forward(w, newRequest(t, "GET", "/")); err != nil {
				t.Fatalf("Forward: %v", err)
			}
			if w.status != http.StatusTeapot {
				t.Errorf("status = %d, want the upstream's 418", w.status)
			}
			for k, v := range tt.want {
				if got := w.h.Values(k); v == "" && len(got) != 0 || v != "" && (len(got) != 1 || got[0] != v) {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}
