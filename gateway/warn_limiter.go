package gateway

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// warnLimiter lets one warning through per interval and counts the ones
// it held back, so a log line any client can trigger (forward-auth's
// "untrusted peer") cannot flood the log, yet the operator still learns
// how often it happened. The zero value is ready; the clock is passed in
// by the caller (Server.now), so tests never sleep.
type warnLimiter struct {
	mu         sync.Mutex
	last       time.Time
	suppressed int
}

// log writes the untrusted-peer warning unless one was written less than
// untrustedWarnInterval before now; the next line written reports how many
// were suppressed in between.
func (w *warnLimiter) log(ctx context.Context, logger *slog.Logger, now time.Time, requestID, peer string) {
	w.mu.Lock()
	if !w.last.IsZero() && now.Sub(w.last) < untrustedWarnInterval {
		w.suppressed++
		w.mu.Unlock()
		return
	}
	suppressed := w.suppressed
	w.last, w.suppressed = now, 0
	w.mu.Unlock()
	logger.LogAttrs(ctx, slog.LevelWarn, "forward-auth: original-request headers from an untrusted peer ignored; add the front proxy to server.trusted_proxies",
		slog.String("request_id", requestID), slog.String("peer", peer),
		slog.Int("suppressed", suppressed), slog.Duration("interval", untrustedWarnInterval))
}
