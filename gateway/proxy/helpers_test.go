package proxy_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// received is what an upstream saw of one request.
type received struct {
	Method, Path, RawPath, RawQuery, Host string
	Header                                http.Header
	Body                                  []byte
}

// upstream is an httptest server that records every request it receives
// before handing it to an optional handler (default: 200 "ok").
type upstream struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []received
}

func newUpstream(t testing.TB, h http.HandlerFunc) *upstream {
	t.Helper()
	u := &upstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := received{
			Method: r.Method, Path: r.URL.Path, RawPath: r.URL.RawPath,
			RawQuery: r.URL.RawQuery, Host: r.Host, Header: r.Header.Clone(),
		}
		if h == nil {
			rec.Body, _ = io.ReadAll(r.Body)
		}
		u.mu.Lock()
		u.reqs = append(u.reqs, rec)
		u.mu.Unlock()
		if h != nil {
			h(w, r)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *upstream) count() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.reqs)
}

func (u *upstream) last(t testing.TB) received {
	t.Helper()
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.reqs) == 0 {
		t.Fatal("upstream received no request")
	}
	return u.reqs[len(u.reqs)-1]
}

func (u *upstream) url(t testing.TB) *url.URL { return mustURL(t, u.URL) }

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return u
}

// newTransport is a private transport per test, so idle connections do not
// outlive it.
func newTransport(t testing.TB, opts proxy.TransportOptions) *http.Transport {
	tr := proxy.NewTransport(opts)
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// statusFor is the test's stand-in for the gateway's single error→status
// mapping.
func statusFor(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, proxy.ErrBodyTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, proxy.ErrUpstreamTimeout):
		return http.StatusGatewayTimeout
	case errors.Is(err, proxy.ErrClientGone):
		return 499
	case errors.Is(err, proxy.ErrInvalidPath):
		return http.StatusBadRequest
	default:
		return http.StatusBadGateway
	}
}

// front is a real server in front of a Forwarder, for tests that need a
// network connection to the client (streaming, upgrades, disconnects). Every
// error Forward returns is sent on errs (buffered).
type front struct {
	*httptest.Server
	errs chan error
}

func newFront(t testing.TB, fwd *proxy.Forwarder) *front {
	t.Helper()
	return newFrontFunc(t, fwd.Forward)
}

// newFrontFunc is newFront for a handler that does more than Forward (e.g.
// the gateway's strip/inject steps).
func newFrontFunc(t testing.TB, forward func(http.ResponseWriter, *http.Request) error) *front {
	t.Helper()
	f := &front{errs: make(chan error, 16)}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := forward(w, r); err != nil {
			select {
			case f.errs <- err:
			default:
			}
			if !errors.Is(err, proxy.ErrClientGone) {
				w.WriteHeader(statusFor(err))
			}
		}
	}))
	t.Cleanup(f.Close)
	return f
}

// newRequest is an inbound request from an untrusted documentation
// address (RFC 5737), as a server would hand it to a handler.
func newRequest(t testing.TB, method, target string) *http.Request {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	r.RemoteAddr = "203.0.113.7:50000"
	return r
}

// discardWriter is a minimal ResponseWriter that keeps only the status, for
// tests and benchmarks that do not need the body.
type discardWriter struct {
	h      http.Header
	status int
}

func newDiscard() *discardWriter { return &discardWriter{h: http.Header{}} }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(code int)        { d.status = code }
