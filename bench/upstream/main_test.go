package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/bench/internal/benchcmd/benchcmdtest"
)

// The benchmark's sanity check compares the body byte for byte, so the
// upstream must answer every method and path with exactly body.
func TestHandlerAnswersFixedBody(t *testing.T) {
	srv := httptest.NewServer(handler())
	defer srv.Close()
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "/app/bench"},
		{http.MethodPost, "/pub/x?y=1"},
		{http.MethodHead, "/"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader("ignored"))
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			want := body
			if tc.method == http.MethodHead {
				want = ""
			}
			if resp.StatusCode != http.StatusOK || string(got) != want || resp.ContentLength != int64(len(body)) {
				t.Errorf("got %d %q (length %d), want 200 %q (length %d)", resp.StatusCode, got, resp.ContentLength, want, len(body))
			}
		})
	}
}

// run reports its address, serves, and returns 0 once its context ends.
func TestRunServesUntilCancelled(t *testing.T) {
	addr, stop := benchcmdtest.Start(t, run)
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d, want 200", resp.StatusCode)
	}
	if code := stop(); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
}
