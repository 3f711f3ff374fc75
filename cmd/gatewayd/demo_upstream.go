package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"
)

// demoUpstream runs a small backend that shows what the gateway forwards:
// every request is echoed as JSON (method, path, identity and forwarding
// headers), /ws echoes WebSocket messages and /events streams server-sent
// events. It is for `make demo` and for trying the gateway by hand.
func demoUpstream(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo-upstream", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:9000", "address to listen on")
	if code, ok := parseFlags(env{stdout: stdout, stderr: stderr}, fs, args); !ok {
		return code
	}
	if err := runDemoUpstream(ctx, *listen, func(addr string) {
		fmt.Fprintf(stdout, "demo upstream listening on http://%s\n", addr)
	}); err != nil {
		fmt.Fprintln(stderr, "demo-upstream:", err)
		return 1
	}
	return 0
}

// runDemoUpstream serves the demo backend on listen until ctx ends.
func runDemoUpstream(ctx context.Context, listen string, started func(addr string)) error {
	ln, err := listenDemoUpstream(listen)
	if err != nil {
		return err
	}
	return serveDemoUpstream(ctx, ln, started)
}

// listenDemoUpstream binds the demo backend's address. The demo binds it
// before the gateway starts, so a taken port is reported as such.
func listenDemoUpstream(listen string) (net.Listener, error) {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, fmt.Errorf("demo upstream: listen on %s: %w (change it with --upstream-listen and the route's upstream)", listen, err)
	}
	return ln, nil
}

// serveDemoUpstream serves the demo backend on ln until ctx ends.
func serveDemoUpstream(ctx context.Context, ln net.Listener, started func(addr string)) error {
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", demoWebSocket)
	mux.HandleFunc("/events", demoEvents)
	mux.HandleFunc("/", demoEcho)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	started(ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// demoEcho answers with what arrived, so people can watch the gateway inject
// X-User-Id and drop the headers a client tried to spoof.
func demoEcho(w http.ResponseWriter, r *http.Request) {
	headers := make(map[string]string, len(r.Header))
	names := make([]string, 0, len(r.Header))
	for name := range r.Header {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		headers[name] = strings.Join(r.Header.Values(name), ", ")
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(map[string]any{
		"upstream": "demo",
		"method":   r.Method,
		"path":     r.URL.Path,
		"query":    r.URL.RawQuery,
		"user_id":  r.Header.Get("X-User-Id"),
		"email":    r.Header.Get("X-User-Email"),
		"roles":    r.Header.Get("X-User-Roles"),
		"headers":  headers,
	})
}

// demoWebSocket echoes every message back, prefixed with the user id the
// gateway injected on the upgrade request.
func demoWebSocket(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
	user := r.Header.Get("X-User-Id")
	for {
		typ, msg, err := c.Read(r.Context())
		if err != nil {
			return
		}
		if err := c.Write(r.Context(), typ, []byte(user+": "+string(msg))); err != nil {
			return
		}
	}
}

// demoEvents streams ?count= events (default 5) one per ?interval= (default
// 1s), to show that the gateway flushes streams instead of buffering them.
func demoEvents(w http.ResponseWriter, r *http.Request) {
	count, err := strconv.Atoi(r.URL.Query().Get("count"))
	if err != nil || count <= 0 || count > 1000 {
		count = 5
	}
	interval, err := time.ParseDuration(r.URL.Query().Get("interval"))
	if err != nil || interval <= 0 || interval > time.Minute {
		interval = time.Second
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	rc := http.NewResponseController(w)
	for i := 1; i <= count; i++ {
		fmt.Fprintf(w, "id: %d\nevent: tick\ndata: {\"n\":%d,\"user_id\":%q}\n\n", i, i, r.Header.Get("X-User-Id"))
		if rc.Flush() != nil {
			return
		}
		if i == count {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-time.After(interval):
		}
	}
}
