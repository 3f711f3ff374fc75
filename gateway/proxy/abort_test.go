package proxy_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// abortRecorder is a ResponseWriter that implements proxy.UpstreamAborter
// the way the gateway's stream guard does: it keeps what it was lent and
// records every call, and signals the first body bytes.
type abortRecorder struct {
	*discardWriter
	mu        sync.Mutex
	abort     func()
	calls     []bool // true: a function was lent; false: taken back
	firstByte chan struct{}
	once      sync.Once
}

func (a *abortRecorder) SetUpstreamAbort(f func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.abort = f
	a.calls = append(a.calls, f != nil)
}

func (a *abortRecorder) Write(p []byte) (int, error) {
	a.once.Do(func() { close(a.firstByte) })
	return a.discardWriter.Write(p)
}

func (a *abortRecorder) Flush() {}

// end calls the lent function, if one is lent, under the lock (the
// guard's rule).
func (a *abortRecorder) end() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.abort == nil {
		return false
	}
	a.abort()
	return true
}

// TestLentAbortEndsStreamOnBothLegs: a stream that never ends by itself
// (SSE) ends when the writer calls the function Forward lent it, on the
// fast leg and on the httputil leg alike; and Forward takes the function
// back before it returns, so a late call can never reach a connection
// that serves someone else (proxy.UpstreamAborter).
func TestLentAbortEndsStreamOnBothLegs(t *testing.T) {
	stop := make(chan struct{}) // ends the stream if the test fails first
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for {
			if _, err := w.Write([]byte("data: tick\n\n")); err != nil {
				return
			}
			_ = http.NewResponseController(w).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	t.Cleanup(func() { close(stop) }) // runs before the upstream's Close
	fwd := forwarderFor(t, proxy.Route{}, proxy.ForwarderOptions{}, up)
	for _, leg := range []struct {
		name string
		fast bool
		te   string
	}{
		{"fast leg", true, ""},
		{"httputil leg", false, "trailers"}, // TE keeps a request on httputil
	} {
		t.Run(leg.name, func(t *testing.T) {
			r := newRequest(t, http.MethodGet, "/events")
			if leg.te != "" {
				r.Header.Set("Te", leg.te)
			}
			if got := fwd.TakesFastLeg(r); got != leg.fast {
				t.Fatalf("TakesFastLeg = %v, want %v", got, leg.fast)
			}
			w := &abortRecorder{discardWriter: newDiscard(), firstByte: make(chan struct{})}
			done := make(chan error, 1)
			go func() { done <- fwd.Forward(w, r) }()
			select {
			case <-w.firstByte:
			case <-time.After(5 * time.Second):
				t.Fatal("no event arrived")
			}
			if !w.end() {
				t.Fatal("no abort function was lent while the response streamed")
			}
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("Forward did not return after the lent abort was called")
			}
			w.mu.Lock()
			defer w.mu.Unlock()
			if n := len(w.calls); n == 0 || w.calls[n-1] || w.abort != nil {
				t.Fatalf("calls %v: the function was not taken back before Forward returned", w.calls)
			}
		})
	}
}
