package proxy_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// hashingUpstream answers with the byte count and SHA-256 of the body it
// streamed, so nothing is held in memory on its side either.
func hashingUpstream(t testing.TB) *upstream {
	return newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "%d %x", n, h.Sum(nil))
	})
}

// hideLength hides a reader's concrete type so net/http cannot infer a
// Content-Length and sends the body chunked.
type hideLength struct{ io.Reader }

func TestStreamsLargeBody(t *testing.T) {
	const size = 64 << 20
	tests := []struct {
		name    string
		chunked bool
	}{
		{"content-length", false},
		{"chunked", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := hashingUpstream(t)
			fr := newFront(t, forwarderFor(t, proxy.Route{}, proxy.ForwarderOptions{MaxBodyBytes: 2 * size}, up))

			sent := sha256.New()
			body := io.TeeReader(io.LimitReader(rand.NewChaCha8([32]byte{1}), size), sent)
			req, err := http.NewRequest("POST", fr.URL+"/upload", hideLength{body})
			if err != nil {
				t.Fatal(err)
			}
			if !tt.chunked {
				req.ContentLength = size
			}

			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			res, err := fr.Client().Do(req)
			if err != nil {
				t.Fatalf("POST: %v", err)
			}
			got, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			var after runtime.MemStats
			runtime.ReadMemStats(&after)

			want := fmt.Sprintf("%d %s", size, hex.EncodeToString(sent.Sum(nil)))
			if res.StatusCode != http.StatusOK || string(got) != want {
				t.Fatalf("upstream saw %q (status %d), want %q", got, res.StatusCode, want)
			}
			// Client, gateway and upstream all run in this process: if any
			// hop buffered the body, the allocations would exceed its size.
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("allocated %d KiB in total while streaming", alloc>>10)
			if alloc > size/4 {
				t.Errorf("allocated %d MiB while streaming a %d MiB body", alloc>>20, size>>20)
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	const limit = 1 << 20
	t.Run("content-length over limit rejected before dialing", func(t *testing.T) {
		up := hashingUpstream(t)
		fwd := forwarderFor(t, proxy.Route{}, proxy.ForwarderOptions{MaxBodyBytes: limit}, up)
		req := newRequest(t, "POST", "/upload")
		req.Body = io.NopCloser(strings.NewReader(strings.Repeat("x", limit+1)))
		req.ContentLength = limit + 1
		w := newDiscard()
		if err := fwd.Forward(w, req); !errors.Is(err, proxy.ErrBodyTooLarge) {
			t.Fatalf("Forward error = %v, want ErrBodyTooLarge", err)
		}
		if up.count() != 0 {
			t.Error("upstream was contacted")
		}
		if w.status != 0 {
			t.Errorf("Forward wrote status %d", w.status)
		}
	})
	t.Run("content-length at limit passes", func(t *testing.T) {
		up := hashingUpstream(t)
		fwd := forwarderFor(t, proxy.Route{}, proxy.ForwarderOptions{MaxBodyBytes: limit}, up)
		req := newRequest(t, "POST", "/upload")
		req.Body = io.NopCloser(strings.NewReader(strings.Repeat("x", limit)))
		req.ContentLength = limit
		if err := fwd.Forward(newDiscard(), req); err != nil {
			t.Fatalf("Forward: %v", err)
		}
	})
	t.Run("chunked over limit cut off", func(t *testing.T) {
		up := hashingUpstream(t)
		fr := newFront(t, forwarderFor(t, proxy.Route{}, proxy.ForwarderOptions{MaxBodyBytes: limit}, up))
		body := hideLength{io.LimitReader(rand.NewChaCha8([32]byte{2}), 4*limit)}
		res, err := fr.Client().Post(fr.URL+"/upload", "application/octet-stream", body)
		if err == nil {
			got, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				t.Fatalf("over-limit chunked body reached the upstream: %q", got)
			}
			if res.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("status = %d, want 413", res.StatusCode)
			}
		} // else: the gateway aborted the connection mid-upload, also fine
		select {
		case err := <-fr.errs:
			if !errors.Is(err, proxy.ErrBodyTooLarge) {
				t.Errorf("Forward error = %v, want ErrBodyTooLarge", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Forward did not report the overflow")
		}
	})
	t.Run("chunked under limit passes", func(t *testing.T) {
		up := hashingUpstream(t)
		fr := newFront(t, forwarderFor(t, proxy.Route{}, proxy.ForwarderOptions{MaxBodyBytes: limit}, up))
		res, err := fr.Client().Post(fr.URL+"/upload", "application/octet-stream",
			hideLength{strings.NewReader(strings.Repeat("y", limit))})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(string(got), fmt.Sprint(limit)+" ") {
			t.Errorf("status %d body %q", res.StatusCode, got)
		}
	})
}
