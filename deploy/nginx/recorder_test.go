package nginx_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// upstreamBody is what the recording upstream answers, so a test can tell
// its response from one nginx or gatewayd made up.
const upstreamBody = "hello from the upstream"

// seen is one request as the upstream received it.
type seen struct {
	method string
	path   string
	header http.Header
	body   string
}

// recorder is the backend behind nginx: it records every request it gets
// and answers 200 upstreamBody.
type recorder struct {
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []seen
}

func newRecorder(t *testing.T) *recorder {
	t.Helper()
	r := &recorder{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.reqs = append(r.reqs, seen{method: req.Method, path: req.URL.RequestURI(), header: req.Header.Clone(), body: string(body)})
		r.mu.Unlock()
		_, _ = io.WriteString(w, upstreamBody)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// addr is the upstream's host:port.
func (r *recorder) addr() string { return strings.TrimPrefix(r.srv.URL, "http://") }

// reset forgets everything recorded so far.
func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = nil
}

// requests returns what was recorded since the last reset.
func (r *recorder) requests() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seen(nil), r.reqs...)
}

// headersWithValue lists every header (any name, any spelling) carrying
// value: a spoofed value must not appear under ANY name, because the
// upstream's framework may normalize names differently from nginx.
func (s seen) headersWithValue(value string) []string {
	var names []string
	for name, vs := range s.header {
		for _, v := range vs {
			if strings.Contains(v, value) {
				names = append(names, name)
			}
		}
	}
	return names
}
