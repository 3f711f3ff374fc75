package gateway_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/authgate/gatewayd/gateway/proxy"
	"github.com/authgate/gatewayd/gateway/proxy/difftest"
)

// diffRecord is what a route's upstream received for one corpus request.
type diffRecord struct {
	route, method, requestURI string
	header                    http.Header
}

// diffRecorder collects, per request key, what the upstreams received.
type diffRecorder struct {
	mu   sync.Mutex
	seen map[string]diffRecord
}

// upstream returns an httptest upstream for route that records requests
// under their X-Diff-Case key.
func (d *diffRecorder) upstream(t *testing.T, route string) *url.URL {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		d.seen[r.Header.Get("X-Diff-Case")] = diffRecord{route: route, method: r.Method, requestURI: r.RequestURI, header: r.Header.Clone()}
		d.mu.Unlock()
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(ts.Close)
	u, err := url.Parse(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestDifferentialUpstreamsServeOnlyAuthorizedPaths sends the corpus raw
// (net.Dial and a hand-written request line: Go's client would normalize
// it) to the real gateway wiring, anonymously and with a user and an
// admin token, in front of recording upstreams, one per route. For every
// request that reached an upstream, each modelled family (difftest) reads
// what that upstream received; the method and path it would serve must be
// allowed by the identity the gateway actually enforced (no identity on a
// public route, the token's on an optional or required one). Refused
// requests are fine.
func TestDifferentialUpstreamsServeOnlyAuthorizedPaths(t *testing.T) {
	rec := &diffRecorder{seen: map[string]diffRecord{}}
	routes := diffRoutes()
	for i := range routes {
		routes[i].Upstreams = []*url.URL{rec.upstream(t, routes[i].Name)}
	}
	g := newPXGateway(t, nil, pxConfig{routes: routes})
	oracle, err := proxy.NewRouter(routes)
	if err != nil {
		t.Fatal(err)
	}
	addr := g.listen(t).Listener.Addr().String()
	identities := []struct {
		name  string
		roles []string // nil: anonymous
	}{{"anonymous", nil}, {"user", []string{"user"}}, {"admin", []string{"admin"}}}

	corpus := diffCorpus()
	if len(corpus) < 200 {
		t.Fatalf("corpus has %d requests, the suite needs at least 200", len(corpus))
	}
	type sent struct {
		c        diffCase
		identity int
		status   int
	}
	var jobs []sent
	for i := range identities {
		for _, c := range corpus {
			jobs = append(jobs, sent{c: c, identity: i})
		}
	}
	tokens := make([]string, len(identities))
	for i, id := range identities {
		if id.roles != nil {
			tokens[i] = g.token(t, id.roles...)
		}
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				j := &jobs[i]
				var b strings.Builder
				fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: app.test\r\nX-Diff-Case: %d\r\nConnection: close\r\n", j.c.method, j.c.target, i)
				if tok := tokens[j.identity]; tok != "" {
					b.WriteString("Authorization: Bearer " + tok + "\r\n")
				}
				for _, h := range j.c.header {
					b.WriteString(h[0] + ": " + h[1] + "\r\n")
				}
				res, _, err := rawRoundTrip(addr, b.String()+"\r\n")
				if err != nil {
					t.Error(err) // the gateway must answer every request
					continue
				}
				j.status = res.StatusCode
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()

	forwarded, refused, violations := 0, 0, 0
	for i, j := range jobs {
		r, ok := rec.seen[strconv.Itoa(i)]
		if !ok {
			refused++
			if j.status == http.StatusOK {
				t.Errorf("%s %q answered 200 without reaching an upstream", j.c.method, j.c.target)
			}
			continue
		}
		forwarded++
		enforced := slices.IndexFunc(routes, func(rt proxy.Route) bool { return rt.Name == r.route })
		var roles []string // what the gateway verified; nil = nothing
		if routes[enforced].Auth != proxy.AuthPublic {
			roles = identities[j.identity].roles
		}
		for _, f := range difftest.Families() {
			m, p, ok := f.Serve(r.method, r.requestURI, r.header)
			if !ok {
				continue
			}
			served, found := oracle.Match("app.test", p, m)
			if found && allows(served, roles) {
				continue
			}
			what := "no route"
			if found {
				what = fmt.Sprintf("route %q (%s, roles %v)", served.Name, served.Auth, served.Roles)
			}
			msg := fmt.Sprintf("%s: %s %q %v as %s → gateway enforced route %q for %s, upstream received %s %q, %s serves %s %q under %s",
				f.Name, j.c.method, j.c.target, j.c.header, identities[j.identity].name, r.route,
				identityLabel(roles), r.method, r.requestURI, f.Name, m, p, what)
			violations++
			t.Errorf("VIOLATION %s", msg)
		}
	}
	t.Logf("differential suite: %d requests (%d corpus entries × %d identities), %d forwarded, %d refused, %d violations",
		len(jobs), len(corpus), len(identities), forwarded, refused, violations)
}

// allows reports whether a request carrying the verified roles (nil: no
// identity) passes route's policy.
func allows(route *proxy.Route, roles []string) bool {
	switch route.Auth {
	case proxy.AuthPublic, proxy.AuthOptional:
		return true
	}
	if roles == nil {
		return false
	}
	if len(route.Roles) == 0 {
		return true
	}
	for _, r := range route.Roles {
		if slices.Contains(roles, r) {
			return true
		}
	}
	return false
}

func identityLabel(roles []string) string {
	if roles == nil {
		return "no identity"
	}
	return "roles " + strings.Join(roles, ",")
}
