package proxy_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authgate/gatewayd/gateway/proxy"
)

func TestNewTransportDefaults(t *testing.T) {
	tr := proxy.NewTransport(proxy.TransportOptions{})
	tests := []struct {
		name      string
		got, want any
	}{
		{"MaxIdleConnsPerHost", tr.MaxIdleConnsPerHost, 128},
		{"MaxIdleConns", tr.MaxIdleConns, 512},
		{"ResponseHeaderTimeout", tr.ResponseHeaderTimeout, 30 * time.Second},
		{"TLSHandshakeTimeout", tr.TLSHandshakeTimeout, 5 * time.Second},
		{"IdleConnTimeout", tr.IdleConnTimeout, 90 * time.Second},
		{"ExpectContinueTimeout", tr.ExpectContinueTimeout, time.Second},
		{"ForceAttemptHTTP2", tr.ForceAttemptHTTP2, true},
		{"DisableCompression", tr.DisableCompression, true},
		{"Proxy from environment", tr.Proxy == nil, true},
		{"own DialContext", tr.DialContext != nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
			}
		})
	}
	custom := proxy.NewTransport(proxy.TransportOptions{MaxIdleConnsPerHost: 7, ResponseHeaderTimeout: time.Second})
	if custom.MaxIdleConnsPerHost != 7 || custom.ResponseHeaderTimeout != time.Second {
		t.Errorf("options not applied: %d, %s", custom.MaxIdleConnsPerHost, custom.ResponseHeaderTimeout)
	}
}

func TestKeepAliveSurvivesConcurrentLoad(t *testing.T) {
	const clients, rounds = 64, 5
	var dials atomic.Int64
	up := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}))
	up.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dials.Add(1)
		}
	}
	up.Start()
	t.Cleanup(up.Close)
	route := proxy.Route{Name: "r", PathPrefix: "/", Upstreams: []*url.URL{mustURL(t, up.URL)}}
	fwd := proxy.NewForwarder(&route, newTransport(t, proxy.TransportOptions{}), proxy.ForwarderOptions{})

	for range rounds {
		var wg sync.WaitGroup
		for range clients {
			wg.Go(func() {
				if err := fwd.Forward(newDiscard(), newRequest(t, "GET", "/")); err != nil {
					t.Errorf("Forward: %v", err)
				}
			})
		}
		wg.Wait()
	}
	// With net/http's default of 2 idle connections per host almost every
	// request of every round would dial again (~300 dials). Allow slack for
	// connections that were not back in the pool yet when a round started.
	t.Logf("%d dials", dials.Load())
	if n := dials.Load(); n > 2*clients {
		t.Errorf("%d upstream connections for %d requests; keep-alive is not working", n, clients*rounds)
	}
}

func TestHTTPSUpstreamUsesHTTP2(t *testing.T) {
	var proto atomic.Value
	up := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proto.Store(r.Proto)
		_, _ = io.WriteString(w, "secure")
	}))
	up.EnableHTTP2 = true
	up.StartTLS()
	t.Cleanup(up.Close)
	tlsConfig := up.Client().Transport.(*http.Transport).TLSClientConfig
	route := proxy.Route{Name: "r", PathPrefix: "/", Upstreams: []*url.URL{mustURL(t, up.URL)}}
	fwd := proxy.NewForwarder(&route, newTransport(t, proxy.TransportOptions{TLSClientConfig: tlsConfig}), proxy.ForwarderOptions{})
	rec := httptest.NewRecorder()
	if err := fwd.Forward(rec, newRequest(t, "GET", "/")); err != nil {
		t.Fatalf("Forward: %v", err)
	}
	if rec.Body.String() != "secure" || proto.Load() != "HTTP/2.0" {
		t.Errorf("body %q over %v; want \"secure\" over HTTP/2.0", rec.Body.String(), proto.Load())
	}
}
