package gateway_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"slices"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/gatewaytest"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// TestRequestIDReachesUpstreamAndWinsOnTheResponse: the upstream gets the
// gateway's request ID, and the client sees exactly that ID even when the
// upstream answers with its own.
func TestRequestIDReachesUpstreamAndWinsOnTheResponse(t *testing.T) {
	up := gatewaytest.NewUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "upstream-chose-this")
		w.WriteHeader(http.StatusOK)
	})
	g := newPXGateway(t, up, pxConfig{routes: []proxy.Route{{Name: "pub", PathPrefix: "/", Auth: proxy.AuthPublic}}})
	w := g.serve(pxRequest(http.MethodGet, "/x", ""))
	ids := w.Header().Values("X-Request-Id")
	if len(ids) != 1 || ids[0] == "upstream-chose-this" {
		t.Fatalf("client saw X-Request-Id %q, want only the gateway's", ids)
	}
	if got := up.Last(t).Header.Get("X-Request-Id"); got != ids[0] {
		t.Fatalf("upstream got X-Request-Id %q, client %q", got, ids[0])
	}
}

// TestProxiedResponsesPassThroughWithoutDuplicates: the gateway's own
// security headers are not added to upstream responses (no duplicates);
// proxy.security_headers fills in only what the upstream lacks; the
// gateway's CORS policy replaces the upstream's.
func TestProxiedResponsesPassThroughWithoutDuplicates(t *testing.T) {
	const origin = "https://app.example.com"
	up := gatewaytest.NewUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if r.URL.Path == "/own" {
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "SAMEORIGIN")
		}
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Allow-Credentials", "true")
		h.Set("Content-Security-Policy", "default-src 'self'")
		w.WriteHeader(http.StatusOK)
	})
	for _, secure := range []bool{false, true} {
		g := newPXGateway(t, up, pxConfig{
			fwd:    proxy.ForwarderOptions{SecurityHeaders: secure},
			cors:   gateway.CORSOptions{AllowedOrigins: []string{origin}},
			routes: []proxy.Route{{Name: "pub", PathPrefix: "/", Auth: proxy.AuthPublic}},
		})
		for _, tc := range []struct {
			path, origin           string
			wantNosniff, wantFrame []string
			wantACAO               []string
		}{
			{"/own", "", []string{"nosniff"}, []string{"SAMEORIGIN"}, nil},
			{"/own", origin, []string{"nosniff"}, []string{"SAMEORIGIN"}, []string{origin}},
			{"/bare", "https://evil.example", pick(secure, "nosniff"), pick(secure, "DENY"), nil},
		} {
			t.Run(strings.Join([]string{tc.path, tc.origin, map[bool]string{true: "secure", false: "plain"}[secure]}, " "), func(t *testing.T) {
				r := pxRequest(http.MethodGet, tc.path, "")
				if tc.origin != "" {
					r.Header.Set("Origin", tc.origin)
				}
				h := g.serve(r).Header()
				check := func(name string, want []string) {
					t.Helper()
					if got := h.Values(name); !slices.Equal(got, want) {
						t.Errorf("%s = %q, want %q", name, got, want)
					}
				}
				check("X-Content-Type-Options", tc.wantNosniff)
				check("X-Frame-Options", tc.wantFrame)
				check("Content-Security-Policy", []string{"default-src 'self'"})
				check("Access-Control-Allow-Origin", tc.wantACAO)
				check("Access-Control-Allow-Credentials", nil)
				check("Referrer-Policy", nil)
			})
		}
	}
}

// pick returns []string{v} when on, else nil.
func pick(on bool, v string) []string {
	if on {
		return []string{v}
	}
	return nil
}

// TestEarlyHintsKeepTheFinalStatus: an upstream's 103 Early Hints is
// passed on, and the final status and headers still arrive intact (Echo's
// response would otherwise take the 103 as the committed status).
func TestEarlyHintsKeepTheFinalStatus(t *testing.T) {
	const origin = "https://app.example.com"
	up := gatewaytest.NewUpstream(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Link", "</app.css>; rel=preload; as=style")
		w.WriteHeader(http.StatusEarlyHints)
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("X-Request-Id", "upstream-chose-this")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, "made")
	})
	g := newPXGateway(t, up, pxConfig{
		cors:   gateway.CORSOptions{AllowedOrigins: []string{origin}},
		routes: []proxy.Route{{Name: "pub", PathPrefix: "/", Auth: proxy.AuthPublic}},
	})
	ts := g.listen(t)
	var hints []int
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		Got1xxResponse: func(code int, _ textproto.MIMEHeader) error { hints = append(hints, code); return nil },
	}), http.MethodPost, ts.URL+"/things", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", origin)
	res, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated || string(body) != "made" {
		t.Fatalf("final answer %d %q, want 201 \"made\"", res.StatusCode, body)
	}
	if len(hints) != 1 || hints[0] != http.StatusEarlyHints {
		t.Errorf("informational responses seen: %v, want [103]", hints)
	}
	if got := res.Header.Values("Access-Control-Allow-Origin"); len(got) != 1 || got[0] != origin {
		t.Errorf("Access-Control-Allow-Origin = %q, want the gateway's %q", got, origin)
	}
	if got := res.Header.Values("X-Request-Id"); len(got) != 1 || got[0] == "upstream-chose-this" {
		t.Errorf("X-Request-Id = %q, want only the gateway's", got)
	}
}
