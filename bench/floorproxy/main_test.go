package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/bench/internal/benchcmd/benchcmdtest"
)

// The floor measurement is only meaningful if both servers really forward:
// the path, a request body, the upstream's status, headers and body, and
// X-Forwarded-For set, through run as bench/run.sh starts it.
func TestRunForwards(t *testing.T) {
	type seen struct{ uri, host, xff, body, keepAlive string }
	got := make(chan seen, 1)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.URL.RequestURI(), r.Host, r.Header.Get("X-Forwarded-For"), string(b), r.Header.Get("Keep-Alive")}
		w.Header().Set("X-Upstream", "yes")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, "from upstream")
	}))
	defer up.Close()
	upHost := strings.TrimPrefix(up.URL, "http://")

	for _, server := range []string{"nethttp", "fasthttp"} {
		t.Run(server, func(t *testing.T) {
			addr, stop := benchcmdtest.Start(t, run, "-upstream", up.URL, "-server", server)
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				var body io.Reader
				if method == http.MethodPost {
					body = strings.NewReader("payload")
				}
				req, _ := http.NewRequest(method, "http://"+addr+"/app/bench?x=1", body)
				req.Header.Set("Keep-Alive", "timeout=5")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated || string(b) != "from upstream" || resp.Header.Get("X-Upstream") != "yes" {
					t.Errorf("%s: got %d %q %v, want 201 from the upstream", method, resp.StatusCode, b, resp.Header)
				}
				s := <-got
				want := seen{"/app/bench?x=1", upHost, "127.0.0.1", "", ""}
				if method == http.MethodPost {
					want.body = "payload"
				}
				if s != want {
					t.Errorf("%s: upstream saw %+v, want %+v", method, s, want)
				}
			}
			if code := stop(); code != 0 {
				t.Errorf("exit code %d after shutdown, want 0", code)
			}
		})
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"missing upstream", nil},
		{"not http", []string{"-upstream", "ftp://127.0.0.1:1"}},
		{"no host", []string{"-upstream", "http://"}},
		{"unknown server", []string{"-upstream", "http://127.0.0.1:1", "-server", "nginx"}},
		{"unknown flag", []string{"-upstream", "http://127.0.0.1:1", "-workers", "2"}},
		{"extra argument", []string{"-upstream", "http://127.0.0.1:1", "serve"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if code := run(t.Context(), tc.args, io.Discard, &stderr); code != 2 {
				t.Errorf("exit code %d, want 2; stderr: %s", code, stderr.String())
			}
		})
	}
}
