package gatewaytest

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"
)

// Received is what an upstream saw of one request.
type Received struct {
	Method, Path, RawQuery, Host string
	// RequestURI is the request target exactly as it arrived on the wire.
	RequestURI string
	Header     http.Header
	BodyLen    int64
	BodySHA    string
}

// Upstream is THE recording upstream of gateway tests (issue 10: three
// doubles used to do this): an httptest server that records every request
// it receives before handing it to an optional handler (default: 200 "ok",
// with the body hashed while streaming, never buffered).
type Upstream struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []Received
}

// NewUpstream starts an Upstream, closed at the end of the test. h, when
// not nil, answers instead of the default (and reads the body itself).
func NewUpstream(tb testing.TB, h http.HandlerFunc) *Upstream {
	tb.Helper()
	u := &Upstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := Received{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Host: r.Host, RequestURI: r.RequestURI, Header: r.Header.Clone()}
		if h == nil {
			sum := sha256.New()
			rec.BodyLen, _ = io.Copy(sum, r.Body)
			rec.BodySHA = hex.EncodeToString(sum.Sum(nil))
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
	tb.Cleanup(u.Close)
	return u
}

// Count is how many requests arrived so far.
func (u *Upstream) Count() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.reqs)
}

// Requests returns a copy of every request received, in order.
func (u *Upstream) Requests() []Received {
	u.mu.Lock()
	defer u.mu.Unlock()
	return slices.Clone(u.reqs)
}

// Last is the latest request; the test fails if none arrived.
func (u *Upstream) Last(tb testing.TB) Received {
	tb.Helper()
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.reqs) == 0 {
		tb.Fatal("upstream received no request")
	}
	return u.reqs[len(u.reqs)-1]
}

// Target is the upstream's URL, for a route's Upstreams.
func (u *Upstream) Target(tb testing.TB) *url.URL {
	tb.Helper()
	parsed, err := url.Parse(u.URL)
	if err != nil {
		tb.Fatal(err)
	}
	return parsed
}
