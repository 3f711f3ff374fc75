package proxy_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/authgate/gatewayd/gateway/proxy"
)

func TestStreamingResponsesFlushImmediately(t *testing.T) {
	tests := []struct {
		name, contentType string
	}{
		{"server-sent events", "text/event-stream; charset=utf-8"},
		{"unknown length", "application/x-ndjson"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			release := make(chan struct{})
			up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				_, _ = io.WriteString(w, "data: first\n\n")
				if err := http.NewResponseController(w).Flush(); err != nil {
					t.Errorf("upstream flush: %v", err)
				}
				select { // the upstream is not finished until the test says so
				case <-release:
				case <-r.Context().Done():
					return
				}
				_, _ = io.WriteString(w, "data: last\n\n")
			})
			// The route timeout only bounds the wait for headers.
			fr := newFront(t, forwarderFor(t, proxy.Route{Timeout: time.Minute}, proxy.ForwarderOptions{}, up))

			res, err := fr.Client().Get(fr.URL + "/events")
			if err != nil {
				t.Fatalf("GET: %v", err)
			}
			defer res.Body.Close()
			br := bufio.NewReader(res.Body)
			first, err := readEvent(br)
			if err != nil {
				t.Fatalf("reading first event: %v", err)
			}
			if first != "data: first\n\n" {
				t.Fatalf("first event = %q", first)
			}
			close(release) // only now may the upstream finish
			rest, err := io.ReadAll(br)
			if err != nil {
				t.Fatalf("reading rest: %v", err)
			}
			if string(rest) != "data: last\n\n" {
				t.Errorf("rest = %q", rest)
			}
		})
	}
}

// readEvent reads up to and including the blank line that ends an event.
func readEvent(br *bufio.Reader) (string, error) {
	var sb strings.Builder
	for {
		line, err := br.ReadString('\n')
		sb.WriteString(line)
		if err != nil {
			return sb.String(), err
		}
		if line == "\n" {
			return sb.String(), nil
		}
	}
}

func TestWebSocketEchoThroughForwarder(t *testing.T) {
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			t.Errorf("upstream accept: %v", err)
			return
		}
		defer c.CloseNow()
		for {
			typ, msg, err := c.Read(r.Context())
			if err != nil {
				return
			}
			if err := c.Write(r.Context(), typ, msg); err != nil {
				return
			}
		}
	})
	names := proxy.DefaultIdentityHeaders()
	policy := proxy.NewHeaderPolicy(names)
	fwd := forwarderFor(t, proxy.Route{Timeout: 50 * time.Millisecond}, proxy.ForwarderOptions{Identity: names}, up)
	fr := newFrontFunc(t, func(w http.ResponseWriter, r *http.Request) error {
		policy.Strip(r.Header)
		policy.Inject(r.Header, "user-1", "", nil)
		return fwd.Forward(w, r)
	})

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, res, err := websocket.Dial(ctx, fr.URL+"/ws", &websocket.DialOptions{
		HTTPHeader: http.Header{"X-User-Id": {"spoofed"}},
	})
	if err != nil {
		t.Fatalf("dial through proxy: %v", err)
	}
	defer c.CloseNow()
	if res.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("status = %d, want 101", res.StatusCode)
	}
	for i, msg := range []string{"hello", "world", strings.Repeat("x", 20_000)} {
		if i == 1 {
			// The route timeout bounds the wait for the 101 only; a tunnel
			// must outlive it. (A real, bounded wait: the property is about
			// a real timer.)
			<-time.After(150 * time.Millisecond)
		}
		if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
			t.Fatalf("write: %v", err)
		}
		_, got, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if string(got) != msg {
			t.Fatalf("echo = %q (len %d), want len %d", got[:min(len(got), 20)], len(got), len(msg))
		}
	}
	if err := c.Close(websocket.StatusNormalClosure, ""); err != nil {
		t.Errorf("close: %v", err)
	}
	select {
	case err := <-fr.errs:
		t.Errorf("Forward returned %v for an upgraded connection", err)
	default:
	}
	if got := up.last(t).Header.Get("X-User-Id"); got != "user-1" {
		t.Errorf("upgrade request X-User-Id = %q, want the injected identity", got)
	}
}
