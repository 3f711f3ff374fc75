package gateway_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/gateway/gatewaytest"
	"github.com/authgate/gatewayd/gateway/proxy"
)

// blockingUpstream answers "late" once release is closed, or gives up when
// the request is canceled; arrived receives one value per request.
func blockingUpstream(t *testing.T) (up *gatewaytest.Upstream, arrived chan struct{}, release chan struct{}) {
	t.Helper()
	arrived, release = make(chan struct{}, 4), make(chan struct{})
	up = gatewaytest.NewUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-release:
			_, _ = io.WriteString(w, "late")
		case <-r.Context().Done():
		}
	})
	return up, arrived, release
}

func waitArrived(t *testing.T, arrived chan struct{}) {
	t.Helper()
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the request never reached the upstream")
	}
}

// TestInFlightResponseAfterDrainClosesConnection: a request already in
// flight when the drain begins gets "Connection: close" on its response,
// so its keep-alive client sends the next request elsewhere (issue 11).
func TestInFlightResponseAfterDrainClosesConnection(t *testing.T) {
	up, arrived, release := blockingUpstream(t)
	g := newPXGateway(t, up, pxConfig{routes: []proxy.Route{{Name: "app", PathPrefix: "/app/", Auth: proxy.AuthPublic}}})
	ts := g.listen(t)

	type result struct {
		resp *http.Response
		body string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := ts.Client().Get(ts.URL + "/app/report")
		if err != nil {
			done <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		done <- result{resp: resp, body: string(b), err: err}
	}()
	waitArrived(t, arrived)
	g.srv.Drain()
	close(release)
	r := <-done
	if r.err != nil || r.resp.StatusCode != http.StatusOK || r.body != "late" {
		t.Fatalf("in-flight request: %v %v %q", r.err, r.resp, r.body)
	}
	// net/http's client turns "Connection: close" into resp.Close (and
	// drops the hop-by-hop header itself).
	if !r.resp.Close {
		t.Fatalf("response finished during the drain lacks Connection: close: %v", r.resp.Header)
	}
}

// TestCutRequestIsMarkedInAccessLog: a request still running when the
// grace period ends has its connection closed; its access-log line says
// "cut": true rather than looking like a client that left (issue 11).
func TestCutRequestIsMarkedInAccessLog(t *testing.T) {
	up, arrived, release := blockingUpstream(t)
	t.Cleanup(func() { close(release) })
	g := newPXGateway(t, up, pxConfig{routes: []proxy.Route{{Name: "app", PathPrefix: "/app/", Auth: proxy.AuthPublic}}})
	ts := g.listen(t)

	// A request that finishes normally first: never marked.
	go func() {
		if resp, err := ts.Client().Get(ts.URL + "/app/finished"); err == nil {
			resp.Body.Close()
		}
	}()
	waitArrived(t, arrived)
	release <- struct{}{} // unblocks exactly that one
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(g.logs.String(), `"path":"/app/finished"`) {
		if time.Now().After(deadline) {
			t.Fatalf("no access-log line for the finished request:\n%s", g.logs)
		}
		time.Sleep(10 * time.Millisecond)
	}

	go func() {
		if resp, err := ts.Client().Get(ts.URL + "/app/cut"); err == nil {
			resp.Body.Close()
		}
	}()
	waitArrived(t, arrived)
	g.srv.Drain()
	if n := g.srv.CutRequests(); n != 1 {
		t.Errorf("CutRequests = %d, want 1 request in flight", n)
	}
	ts.CloseClientConnections()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := g.srv.WaitRequests(ctx); err != nil {
		t.Fatalf("WaitRequests: %v", err)
	}
	var cut, finished string
	for _, line := range strings.Split(g.logs.String(), "\n") {
		switch {
		case strings.Contains(line, `"msg":"request"`) && strings.Contains(line, `"path":"/app/cut"`):
			cut = line
		case strings.Contains(line, `"msg":"request"`) && strings.Contains(line, `"path":"/app/finished"`):
			finished = line
		}
	}
	if !strings.Contains(cut, `"cut":true`) {
		t.Errorf("access-log line of the cut request lacks \"cut\":true: %q\n%s", cut, g.logs)
	}
	if finished == "" || strings.Contains(finished, `"cut"`) {
		t.Errorf("the finished request's line: %q", finished)
	}
}
