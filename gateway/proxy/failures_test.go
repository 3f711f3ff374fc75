package proxy_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// deadURL returns a URL on 127.0.0.1 where nothing listens: a port that was
// just free.
func deadURL(t testing.TB) *url.URL {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	return mustURL(t, "http://"+addr)
}

// stuckUpstream accepts requests and answers none until the test ends.
func stuckUpstream(t testing.TB) (*upstream, <-chan struct{}) {
	t.Helper()
	release := make(chan struct{})
	arrived := make(chan struct{}, 16)
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(release) }) // runs before up.Close
	return up, arrived
}

func TestUpstreamDownIsUnavailable(t *testing.T) {
	route := proxy.Route{Name: "r", PathPrefix: "/", Upstreams: []*url.URL{deadURL(t)}}
	fwd := proxy.NewForwarder(&route, newTransport(t, proxy.TransportOptions{}), proxy.ForwarderOptions{})
	w := newDiscard()
	err := fwd.Forward(w, newRequest(t, "GET", "/x"))
	if !errors.Is(err, proxy.ErrUpstreamUnavailable) || statusFor(err) != http.StatusBadGateway {
		t.Fatalf("Forward error = %v, want ErrUpstreamUnavailable (502)", err)
	}
	if w.status != 0 || len(w.h) != 0 {
		t.Errorf("Forward wrote to the client on error: status %d, headers %v", w.status, w.h)
	}
}

func TestNoUpstreamIsUnavailable(t *testing.T) {
	fwd := proxy.NewForwarder(&proxy.Route{Name: "r", PathPrefix: "/"}, nil, proxy.ForwarderOptions{})
	if err := fwd.Forward(newDiscard(), newRequest(t, "GET", "/")); !errors.Is(err, proxy.ErrUpstreamUnavailable) {
		t.Errorf("Forward error = %v, want ErrUpstreamUnavailable", err)
	}
}

func TestSilentUpstreamTimesOut(t *testing.T) {
	tests := []struct {
		name      string
		route     time.Duration
		transport time.Duration
	}{
		{"route timeout", 100 * time.Millisecond, 0},
		{"transport response header timeout", 0, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up, _ := stuckUpstream(t)
			route := proxy.Route{Name: "r", PathPrefix: "/", Timeout: tt.route, Upstreams: []*url.URL{up.url(t)}}
			tr := newTransport(t, proxy.TransportOptions{ResponseHeaderTimeout: tt.transport})
			if tt.transport == 0 {
				tr.ResponseHeaderTimeout = time.Minute // only the route timeout can fire
			}
			fwd := proxy.NewForwarder(&route, tr, proxy.ForwarderOptions{})
			w := newDiscard()
			err := fwd.Forward(w, newRequest(t, "GET", "/slow"))
			if !errors.Is(err, proxy.ErrUpstreamTimeout) || statusFor(err) != http.StatusGatewayTimeout {
				t.Fatalf("Forward error = %v, want ErrUpstreamTimeout (504)", err)
			}
			if w.status != 0 {
				t.Errorf("Forward wrote status %d on error", w.status)
			}
		})
	}
}

func TestRouteTimeoutDoesNotCutStreamingBody(t *testing.T) {
	const timeout = 50 * time.Millisecond
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = w.Write([]byte("data: first\n\n"))
		http.NewResponseController(w).Flush()
		// Keep streaming well past the route timeout: it bounds the wait
		// for headers only. (A real wait, because the property is about
		// a real timer; it is bounded and asserts nothing about speed.)
		<-time.After(4 * timeout)
		_, _ = w.Write([]byte("data: second\n\n"))
	})
	route := proxy.Route{Name: "r", PathPrefix: "/", Timeout: timeout, Upstreams: []*url.URL{up.url(t)}}
	fwd := proxy.NewForwarder(&route, newTransport(t, proxy.TransportOptions{}), proxy.ForwarderOptions{})
	rec := httptest.NewRecorder()
	if err := fwd.Forward(rec, newRequest(t, "GET", "/events")); err != nil {
		t.Fatalf("Forward: %v", err)
	}
	if got := rec.Body.String(); got != "data: first\n\ndata: second\n\n" {
		t.Errorf("body = %q; the stream was cut", got)
	}
}

func TestClientGoneMidRequest(t *testing.T) {
	up, arrived := stuckUpstream(t)
	fwd := forwarderFor(t, proxy.Route{}, proxy.ForwarderOptions{}, up)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-arrived
		cancel() // the client disconnects while the upstream is working
	}()
	w := newDiscard()
	err := fwd.Forward(w, newRequest(t, "GET", "/slow").WithContext(ctx))
	if !errors.Is(err, proxy.ErrClientGone) {
		t.Fatalf("Forward error = %v, want ErrClientGone", err)
	}
	if w.status != 0 {
		t.Errorf("Forward wrote status %d for a gone client", w.status)
	}
}

func TestClientDisconnectThroughServer(t *testing.T) {
	up, arrived := stuckUpstream(t)
	fr := newFront(t, forwarderFor(t, proxy.Route{}, proxy.ForwarderOptions{}, up))
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()
	req, err := http.NewRequestWithContext(ctx, "GET", fr.URL+"/slow", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fr.Client().Do(req); err == nil {
		t.Fatal("request succeeded after cancel")
	}
	select {
	case err := <-fr.errs:
		if !errors.Is(err, proxy.ErrClientGone) {
			t.Errorf("Forward error = %v, want ErrClientGone", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Forward did not return after the client disconnected")
	}
}

// fakeClock is an injectable clock for health cooldowns.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestRoundRobinSkipsUnhealthyUpstream(t *testing.T) {
	a, b := newUpstream(t, nil), newUpstream(t, nil)
	dead := deadURL(t)
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	route := proxy.Route{Name: "r", PathPrefix: "/", Upstreams: []*url.URL{a.url(t), dead, b.url(t)}}
	fwd := proxy.NewForwarder(&route, newTransport(t, proxy.TransportOptions{}),
		proxy.ForwarderOptions{HealthCooldown: 5 * time.Second, Now: clock.Now})
	forward := func() error { return fwd.Forward(newDiscard(), newRequest(t, "GET", "/")) }

	// Round one: strict rotation, and the dead target fails once.
	if err := forward(); err != nil {
		t.Fatalf("request 1 (a): %v", err)
	}
	if err := forward(); !errors.Is(err, proxy.ErrUpstreamUnavailable) {
		t.Fatalf("request 2 (dead): error = %v, want ErrUpstreamUnavailable", err)
	}
	if err := forward(); err != nil {
		t.Fatalf("request 3 (b): %v", err)
	}
	if a.count() != 1 || b.count() != 1 {
		t.Fatalf("after one rotation a=%d b=%d, want 1 and 1", a.count(), b.count())
	}

	// During the cooldown the dead target is skipped: nothing fails.
	for i := range 9 {
		if err := forward(); err != nil {
			t.Fatalf("request during cooldown %d: %v", i, err)
		}
	}
	if a.count()+b.count() != 11 || a.count() < 4 || b.count() < 4 {
		t.Errorf("during cooldown a=%d b=%d; want both used", a.count(), b.count())
	}

	// After the cooldown the dead target is tried again (and fails again).
	clock.Advance(5 * time.Second)
	var failures int
	for range 3 {
		if err := forward(); errors.Is(err, proxy.ErrUpstreamUnavailable) {
			failures++
		} else if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if failures != 1 {
		t.Errorf("after cooldown %d failures in one rotation, want 1 (dead target retried once)", failures)
	}
}

func TestAllUpstreamsUnhealthyStillTried(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	x, y := deadURL(t), deadURL(t)
	route := proxy.Route{Name: "r", PathPrefix: "/", Upstreams: []*url.URL{x, y}}
	fwd := proxy.NewForwarder(&route, newTransport(t, proxy.TransportOptions{}), proxy.ForwarderOptions{Now: clock.Now})
	for range 2 {
		if err := fwd.Forward(newDiscard(), newRequest(t, "GET", "/")); !errors.Is(err, proxy.ErrUpstreamUnavailable) {
			t.Fatalf("error = %v, want ErrUpstreamUnavailable", err)
		}
	}
	// Both are cooling down now. Bring them back: a request inside the
	// cooldown must still be sent rather than refused outright.
	for _, u := range []*url.URL{x, y} {
		l, err := net.Listen("tcp", u.Host)
		if err != nil {
			t.Fatalf("re-listen on %s: %v", u.Host, err)
		}
		srv := &http.Server{Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})}
		go func() { _ = srv.Serve(l) }()
		t.Cleanup(func() { _ = srv.Close() })
	}
	if err := fwd.Forward(newDiscard(), newRequest(t, "GET", "/")); err != nil {
		t.Errorf("Forward with every upstream cooling down: %v", err)
	}
}
