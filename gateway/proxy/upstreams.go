package proxy

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"
)

// target is one upstream of a route.
type target struct {
	url    *url.URL
	health *health // shared by targets with the same host:port
}

// health is the passive health of one upstream address: it is marked down
// when a dial fails and recovers by itself after the cooldown.
type health struct {
	downUntil atomic.Int64 // unix nanoseconds; 0 = healthy
}

// pick returns the next target round-robin, skipping targets in cooldown.
// If every target is cooling down it still returns one: a cooldown exists
// to route around a dead instance, not to turn a blip into a full outage.
func (f *Forwarder) pick() target {
	n := uint64(len(f.targets))
	if n == 1 {
		return f.targets[0]
	}
	start := f.next.Add(1) - 1
	now := f.now().UnixNano()
	for i := uint64(0); i < n; i++ {
		t := f.targets[(start+i)%n]
		if t.health.downUntil.Load() <= now {
			return t
		}
	}
	return f.targets[start%n]
}

// observe records a failed round trip to host. Only dial failures count:
// they prove the instance is not accepting connections, whereas a timeout
// or reset may be the fault of this one request.
func (f *Forwarder) observe(host string, err error) {
	if !isDialError(err) {
		return
	}
	if h := f.health[host]; h != nil {
		h.downUntil.Store(f.now().Add(f.cooldown).UnixNano())
	}
}

// upstreamTransport wraps the shared transport with the route's header
// timeout and passive health accounting.
type upstreamTransport struct{ f *Forwarder }

// RoundTrip sends req, bounding only the wait for response headers by the
// route's Timeout. A context deadline would also cut the body, killing SSE
// and WebSocket streams that legitimately run for hours; a timer that is
// stopped once headers arrive bounds exactly the part a stuck upstream
// stalls on.
func (t upstreamTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	f := t.f
	d := f.route.Timeout
	if d <= 0 {
		res, err := f.transport.RoundTrip(req)
		if err != nil {
			f.observe(req.URL.Host, err)
		}
		return res, err
	}
	ctx, cancel := context.WithCancelCause(req.Context())
	timer := time.AfterFunc(d, func() { cancel(ErrUpstreamTimeout) })
	res, err := f.transport.RoundTrip(req.WithContext(ctx))
	if fired := !timer.Stop(); fired {
		// Headers may have arrived in the instant the timer fired, but the
		// context is canceled now and the body would fail mid-stream:
		// report the timeout rather than a truncated response.
		if res != nil {
			res.Body.Close()
		}
		cancel(nil)
		if err == nil {
			return nil, fmt.Errorf("%w: no response headers within %s", ErrUpstreamTimeout, d)
		}
		return nil, fmt.Errorf("%w: no response headers within %s: %w", ErrUpstreamTimeout, d, err)
	}
	if err != nil {
		cancel(nil)
		f.observe(req.URL.Host, err)
		return nil, err
	}
	// The context must outlive RoundTrip while the body streams; it is
	// released when ReverseProxy closes the body.
	if rwc, ok := res.Body.(io.ReadWriteCloser); ok {
		// A 101 Switching Protocols body is the raw connection, and
		// ReverseProxy needs it to stay writable.
		res.Body = &cancelReadWriteCloser{ReadWriteCloser: rwc, cancel: cancel}
	} else {
		res.Body = &cancelReadCloser{ReadCloser: res.Body, cancel: cancel}
	}
	return res, nil
}

// cancelReadCloser releases the round trip's context when the body is
// closed.
type cancelReadCloser struct {
	io.ReadCloser
	cancel context.CancelCauseFunc
}

func (b *cancelReadCloser) Close() error {
	err := b.ReadCloser.Close()
	b.cancel(nil)
	return err
}

// cancelReadWriteCloser is cancelReadCloser for upgraded connections.
type cancelReadWriteCloser struct {
	io.ReadWriteCloser
	cancel context.CancelCauseFunc
}

func (b *cancelReadWriteCloser) Close() error {
	err := b.ReadWriteCloser.Close()
	b.cancel(nil)
	return err
}
