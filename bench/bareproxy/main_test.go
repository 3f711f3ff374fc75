package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// The floor measurement is only meaningful if the bare proxy really
// forwards: same path, the upstream's body, X-Forwarded-For set.
func TestNewProxyForwards(t *testing.T) {
	var gotPath, gotXFF string
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotXFF = r.URL.RequestURI(), r.Header.Get("X-Forwarded-For")
		_, _ = io.WriteString(w, "from upstream")
	}))
	defer up.Close()
	target, _ := url.Parse(up.URL)
	front := httptest.NewServer(newProxy(target))
	defer front.Close()

	resp, err := front.Client().Get(front.URL + "/app/bench?x=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != "from upstream" {
		t.Errorf("got %d %q, want 200 from the upstream", resp.StatusCode, body)
	}
	if gotPath != "/app/bench?x=1" || gotXFF != "127.0.0.1" {
		t.Errorf("upstream saw %q with X-Forwarded-For %q", gotPath, gotXFF)
	}
}

func TestRunRejectsBadUpstream(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"missing", nil},
		{"not http", []string{"-upstream", "ftp://127.0.0.1:1"}},
		{"no host", []string{"-upstream", "http://"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if code := run(t.Context(), tc.args, io.Discard, &stderr); code != 2 {
				t.Errorf("exit code %d, want 2; stderr: %s", code, stderr.String())
			}
		})
	}
}
