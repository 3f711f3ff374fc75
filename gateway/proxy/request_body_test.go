package proxy_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// brokenBody yields some bytes, then the error a chunked reader reports
// for a bad chunk size.
type brokenBody struct{ r io.Reader }

func (b *brokenBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		return n, errors.New("invalid byte in chunk length")
	}
	return n, err
}

func (b *brokenBody) Close() error { return nil }

// TestClientBodyErrorIsNotAnUpstreamFailure: when the client's body
// breaks while it is streamed, Forward reports ErrMalformedBody, not
// ErrUpstreamUnavailable, and both upstreams stay in rotation.
func TestClientBodyErrorIsNotAnUpstreamFailure(t *testing.T) {
	a, b := newUpstream(t, nil), newUpstream(t, nil)
	fwd := forwarderFor(t, proxy.Route{}, proxy.ForwarderOptions{}, a, b)
	for i := 0; i < 2; i++ { // one broken body per upstream
		req := newRequest(t, "POST", "/upload")
		req.ContentLength = -1
		req.Body = &brokenBody{r: strings.NewReader("hello")}
		err := fwd.Forward(newDiscard(), req)
		if !errors.Is(err, proxy.ErrMalformedBody) || errors.Is(err, proxy.ErrUpstreamUnavailable) {
			t.Fatalf("Forward = %v, want ErrMalformedBody only", err)
		}
	}
	for i := 0; i < 4; i++ {
		if err := fwd.Forward(newDiscard(), newRequest(t, "GET", "/after")); err != nil {
			t.Fatalf("good request %d: %v", i, err)
		}
	}
	if da, db := a.countPath("/after"), b.countPath("/after"); da != 2 || db != 2 {
		t.Errorf("good requests split %d/%d, want 2/2: an upstream was marked unhealthy", da, db)
	}
}

// countPath is how many requests for path u received.
func (u *upstream) countPath(path string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	n := 0
	for _, r := range u.reqs {
		if r.Path == path {
			n++
		}
	}
	return n
}
