package gateway

import (
	"context"
	"time"
)

// cutPollInterval is how often WaitRequests looks at the in-flight count.
const cutPollInterval = 10 * time.Millisecond

// CutRequests marks every request still running as cut off by the end of
// the shutdown grace period and returns how many there are. cmd calls it
// right before http.Server.Close: closing a connection cancels its
// request's context, the handler returns, and its access-log line carries
// "cut": true instead of reading like a client that went away (issue 11).
// It cannot be undone.
func (s *Server) CutRequests() int64 {
	s.cut.Store(true)
	return s.inflight.Load()
}

// WaitRequests waits until no request is being handled or ctx ends, so
// the access-log lines of cut requests are written before the process
// exits. A handler that ignores cancellation (a password hash) finishes its
// work first; ctx bounds the wait.
func (s *Server) WaitRequests(ctx context.Context) error {
	t := time.NewTicker(cutPollInterval)
	defer t.Stop()
	for s.inflight.Load() > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}
