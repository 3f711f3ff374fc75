package proxy_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authgate/gatewayd/gateway/proxy"
)

func BenchmarkMatch(b *testing.B) {
	for _, n := range []int{1, 100, 1000} {
		routes := generatedRoutes(n)
		rt := mustRouter(b, routes)
		target := routes[n/2] // a route from the middle of the table
		host := strings.Replace(target.Host, "*", "tenant", 1)
		if host == "" {
			host = "any.example.org"
		}
		path := target.PathPrefix + "deeper/resource/42"
		b.Run(fmt.Sprintf("routes=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if r, ok := rt.Match(host, path, "GET"); !ok || r.Name != target.Name {
					b.Fatalf("Match = %v, %v; want %s", r, ok, target.Name)
				}
			}
		})
		b.Run(fmt.Sprintf("routes=%d/miss", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rt.Match("APP.Unknown.Example.com:8443", "/no/such/route/anywhere", "GET")
			}
		})
	}
}

func BenchmarkStrip(b *testing.B) {
	policy := proxy.NewHeaderPolicy(proxy.DefaultIdentityHeaders())
	h := http.Header{
		"Accept": {"*/*"}, "Accept-Encoding": {"gzip, br"}, "Accept-Language": {"de-DE"},
		"User-Agent": {"Mozilla/5.0"}, "Cookie": {"a=b"}, "Authorization": {"Bearer x"},
		"X-Request-Id": {"abc"}, "Content-Type": {"application/json"}, "Referer": {"https://a.example/"},
		"Sec-Fetch-Mode": {"cors"},
	}
	b.Run("clean", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			policy.Strip(h)
		}
	})
	spoof := []string{"spoofed"}
	b.Run("spoofed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			h["X-User-Id"] = spoof
			h["X_user_roles"] = spoof
			policy.Strip(h)
		}
	})
}

// BenchmarkCanonicalize is the one canonicalization every request pays:
// an already-canonical path must stay allocation-free.
func BenchmarkCanonicalize(b *testing.B) {
	for _, p := range []string{"/api/v1/users/42", "/api//v1/./users/../42/", "/public/..;/admin/x%20y"} {
		b.Run(p, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = proxy.Canonicalize("api.example.com", p)
			}
		})
	}
}

// BenchmarkForward measures one proxied GET against an in-process upstream
// over a kept-alive connection: the gateway's whole data-plane cost plus a
// loopback round trip.
func BenchmarkForward(b *testing.B) {
	// A bare upstream (no recording), so the numbers are mostly the proxy's.
	var served atomic.Int64
	up := &upstream{Server: httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		w.Header()["Content-Type"] = []string{"text/plain"}
		_, _ = w.Write([]byte("ok"))
	}))}
	b.Cleanup(up.Close)
	names := proxy.DefaultIdentityHeaders()
	policy := proxy.NewHeaderPolicy(names)
	for _, timeout := range []time.Duration{0, 30 * time.Second} {
		b.Run(fmt.Sprintf("route-timeout=%s", timeout), func(b *testing.B) {
			fwd := forwarderFor(b, proxy.Route{PathPrefix: "/api/", StripPrefix: true, Timeout: timeout},
				proxy.ForwarderOptions{Identity: names, HideServerHeader: true, SecurityHeaders: true}, up)
			req := newRequest(b, "GET", "http://app.example.com/api/users/42?x=1")
			req.Header.Set("Authorization", "Bearer token")
			policy.Strip(req.Header)
			policy.Inject(req.Header, "user-1", "a@example.com", []string{"admin"})
			w := newDiscard()
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				if err := fwd.Forward(w, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	if n := served.Load(); n < int64(b.N) {
		b.Fatalf("upstream saw %d requests, want %d", n, b.N)
	}
}
