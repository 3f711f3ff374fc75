package proxy_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// slowTransport hides the *http.Transport from NewForwarder, which then
// keeps every request on the httputil path: the reference the fast leg is
// compared with.
type slowTransport struct{ http.RoundTripper }

// bothLegs returns a forwarder per leg for the same route and options.
func bothLegs(t *testing.T, route proxy.Route, opts proxy.ForwarderOptions, up *upstream) (fast, slow *proxy.Forwarder) {
	t.Helper()
	route.Upstreams = append(route.Upstreams, up.url(t))
	if route.Name == "" {
		route.Name = "test"
	}
	if route.PathPrefix == "" {
		route.PathPrefix = "/"
	}
	tr := newTransport(t, proxy.TransportOptions{})
	return proxy.NewForwarder(&route, tr, opts), proxy.NewForwarder(&route, slowTransport{tr}, opts)
}

// TestFastLegSendsWhatHttputilSends is the fast leg's differential test:
// for every request shape it accepts, the upstream receives the same
// method, target, Host, headers and body as from httputil.ReverseProxy —
// hop-by-hop and Connection-listed headers dropped, Authorization removed,
// identity re-asserted, re-route headers stripped, X-Forwarded-*/Forwarded
// set by the gateway, no User-Agent invented.
func TestFastLegSendsWhatHttputilSends(t *testing.T) {
	names := proxy.DefaultIdentityHeaders()
	cases := []struct {
		name, method, target, body string
		header                     http.Header
		route                      proxy.Route
	}{
		{name: "plain get", method: "GET", target: "/api/users/42?x=1&y=%2F"},
		{name: "hop-by-hop", method: "GET", target: "/a", header: http.Header{
			"Connection": {"keep-alive, X-Secret, X-User-Id"}, "X-Secret": {"s"}, "Keep-Alive": {"300"},
			"Proxy-Authorization": {"Basic x"}, "Proxy-Connection": {"keep-alive"}, "Trailer": {"X-T"},
			"X-User-Id": {"u-1"}, "Accept": {"a", "b"},
		}},
		{name: "forwarding and re-route spoofs", method: "GET", target: "/a", header: http.Header{
			"X-Forwarded-For": {"1.2.3.4"}, "Forwarded": {"for=1.2.3.4"}, "X-Forwarded-Host": {"evil"},
			"X-Forwarded-Proto": {"https"}, "X-Real-Ip": {"1.2.3.4"}, "X-Original-Url": {"/admin"},
			"X-Rewrite-Url": {"/admin"}, "X-Http-Method-Override": {"DELETE"},
		}},
		{name: "authorization removed", method: "GET", target: "/a", header: http.Header{"Authorization": {"Bearer t"}}},
		{name: "authorization passed", method: "GET", target: "/a", header: http.Header{"Authorization": {"Bearer t"}},
			route: proxy.Route{PassAuthorization: true}},
		{name: "strip prefix and escaped path", method: "GET", target: "/api/a%20b/c%3Fd", route: proxy.Route{PathPrefix: "/api/", StripPrefix: true}},
		{name: "post with body", method: "POST", target: "/submit", body: `{"a":1}`, header: http.Header{"Content-Type": {"application/json"}}},
		{name: "post without body", method: "POST", target: "/submit"},
		{name: "put", method: "PUT", target: "/x", body: "payload"},
		{name: "delete with body", method: "DELETE", target: "/x", body: "b"},
		{name: "patch without body", method: "PATCH", target: "/x"},
		{name: "user agent and cookies", method: "GET", target: "/x", header: http.Header{
			"User-Agent": {"curl/8"}, "Cookie": {"a=b; c=d", "e=f"}, "Accept-Encoding": {"gzip, br"},
		}},
		{name: "empty user agent", method: "GET", target: "/x", header: http.Header{"User-Agent": {""}}},
		{name: "padded values", method: "GET", target: "/x", header: http.Header{"X-Pad": {"  v  "}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			up := newUpstream(t, nil)
			fast, slow := bothLegs(t, tc.route, proxy.ForwarderOptions{Identity: names}, up)
			send := func(fwd *proxy.Forwarder, wantFast bool) received {
				t.Helper()
				r := httptest.NewRequest(tc.method, "http://app.example.com"+tc.target, strings.NewReader(tc.body))
				if tc.body == "" {
					r = httptest.NewRequest(tc.method, "http://app.example.com"+tc.target, nil)
				}
				r.RemoteAddr = "203.0.113.7:50000"
				for k, v := range tc.header {
					r.Header[k] = append([]string(nil), v...)
				}
				proxy.NewHeaderPolicy(names).Inject(r.Header, "user-1", "a@example.com", []string{"admin"})
				if got := fwd.TakesFastLeg(r); got != wantFast {
					t.Fatalf("TakesFastLeg = %v, want %v", got, wantFast)
				}
				if err := fwd.Forward(httptest.NewRecorder(), r); err != nil {
					t.Fatalf("Forward: %v", err)
				}
				return up.last(t)
			}
			want := send(slow, false)
			got := send(fast, true)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("fast leg sent\n%+v\nhttputil sent\n%+v", got, want)
			}
		})
	}
}

// TestFastLegResponsesMatchHttputil: the client gets the same status,
// headers and body from both legs, including hop-by-hop and
// Connection-listed response headers removed and the response options
// (hide Server, security headers) applied.
func TestFastLegResponsesMatchHttputil(t *testing.T) {
	cases := []struct {
		name    string
		method  string
		handler http.HandlerFunc
	}{
		{"json", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"ok":true}`)
		}},
		{"hop-by-hop and listed", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Connection", "X-Internal")
			w.Header().Set("X-Internal", "secret")
			w.Header().Set("Keep-Alive", "timeout=5")
			w.Header().Set("Server", "upstream/1.0")
			w.Header().Set("X-Powered-By", "php")
			w.Header().Add("Set-Cookie", "a=1; HttpOnly")
			w.Header().Add("Set-Cookie", "b=2")
			w.Header().Set("X-Frame-Options", "SAMEORIGIN")
			_, _ = io.WriteString(w, "body")
		}},
		{"chunked", "GET", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "part1")
			http.NewResponseController(w).Flush()
			_, _ = io.WriteString(w, "part2")
		}},
		{"no content", "PUT", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }},
		{"not modified", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Etag", `"x"`)
			w.WriteHeader(http.StatusNotModified)
		}},
		{"head", "HEAD", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "42")
			w.Header().Set("Content-Type", "text/plain")
		}},
		{"error status", "GET", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "nope", http.StatusTeapot)
		}},
		{"trailers", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Trailer", "X-Checksum")
			_, _ = io.WriteString(w, "data")
			w.Header().Set("X-Checksum", "abc")
		}},
	}
	opts := proxy.ForwarderOptions{HideServerHeader: true, SecurityHeaders: true}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			up := newUpstream(t, tc.handler)
			fast, slow := bothLegs(t, proxy.Route{}, opts, up)
			get := func(fwd *proxy.Forwarder) (int, http.Header, string, http.Header) {
				t.Helper()
				fr := newFront(t, fwd)
				req, err := http.NewRequest(tc.method, fr.URL+"/x", nil)
				if err != nil {
					t.Fatal(err)
				}
				res, err := fr.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				b, _ := io.ReadAll(res.Body)
				res.Header.Del("Date")
				return res.StatusCode, res.Header, string(b), res.Trailer
			}
			ws, wh, wb, wt := get(slow)
			gs, gh, gb, gt := get(fast)
			if gs != ws || gb != wb || !reflect.DeepEqual(gh, wh) || !reflect.DeepEqual(gt, wt) {
				t.Errorf("fast leg: %d %v %q trailer %v\nhttputil: %d %v %q trailer %v", gs, gh, gb, gt, ws, wh, wb, wt)
			}
			if tc.name == "trailers" && gt.Get("X-Checksum") != "abc" {
				t.Errorf("trailer X-Checksum = %q, want abc", gt.Get("X-Checksum"))
			}
		})
	}
}

// TestFastLegEligibility: what the fast leg refuses goes to httputil.
func TestFastLegEligibility(t *testing.T) {
	up := newUpstream(t, nil)
	fwd := forwarderFor(t, proxy.Route{}, proxy.ForwarderOptions{}, up)
	big := strings.Repeat("x", 64<<10+1)
	cases := []struct {
		name string
		req  func() *http.Request
		want bool
	}{
		{"get", func() *http.Request { return newRequest(t, "GET", "/a") }, true},
		{"small body", func() *http.Request {
			return httptest.NewRequest("POST", "/a", strings.NewReader("abc"))
		}, true},
		{"websocket upgrade", func() *http.Request {
			r := newRequest(t, "GET", "/ws")
			r.Header.Set("Connection", "Upgrade")
			r.Header.Set("Upgrade", "websocket")
			return r
		}, false},
		{"expect continue", func() *http.Request {
			r := httptest.NewRequest("POST", "/a", strings.NewReader("abc"))
			r.Header.Set("Expect", "100-continue")
			return r
		}, false},
		{"te trailers", func() *http.Request {
			r := newRequest(t, "GET", "/a")
			r.Header.Set("Te", "trailers")
			return r
		}, false},
		{"chunked body", func() *http.Request {
			r := httptest.NewRequest("POST", "/a", strings.NewReader("abc"))
			r.ContentLength = -1
			return r
		}, false},
		{"large body", func() *http.Request { return httptest.NewRequest("POST", "/a", strings.NewReader(big)) }, false},
		{"query httputil re-encodes", func() *http.Request { return newRequest(t, "GET", "/a?x=1;y=2") }, false},
		{"malformed escape in query", func() *http.Request { return newRequest(t, "GET", "/a?x=%zz") }, false},
		{"connect", func() *http.Request { return newRequest(t, "CONNECT", "/a") }, false},
		{"delete without body", func() *http.Request { return newRequest(t, "DELETE", "/a") }, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := fwd.TakesFastLeg(tc.req()); got != tc.want {
				t.Errorf("TakesFastLeg = %v, want %v", got, tc.want)
			}
		})
	}
	// An https upstream keeps TLS with net/http.
	route := proxy.Route{Name: "tls", PathPrefix: "/", Upstreams: []*url.URL{mustURL(t, "https://127.0.0.1:1")}}
	tls := proxy.NewForwarder(&route, newTransport(t, proxy.TransportOptions{}), proxy.ForwarderOptions{})
	if tls.TakesFastLeg(newRequest(t, "GET", "/a")) {
		t.Error("an https upstream took the fast leg")
	}
}
