package ratelimit

import (
	"context"
	"time"
)

// probeInterval is the most often a degraded Limiter asks Redis whether it
// is back. Probing per request would put StoreTimeout back on every request
// of an outage; once a second keeps recovery prompt and the cost nil.
const probeInterval = time.Second

// markDegraded switches requests away from Redis. Only the goroutine that
// flips the state logs, so an outage produces one warning, not one per
// request.
func (l *Limiter) markDegraded(err error) {
	if !l.degraded.CompareAndSwap(false, true) {
		return
	}
	l.nextProbe.Store(l.s.now().Add(probeInterval).UnixNano())
	l.s.logger.Warn("ratelimit: Redis unavailable; "+l.outageNote(),
		"on_store_error", l.s.onStoreError, "err", err)
}

// outageNote tells the operator what requests get during an outage.
func (l *Limiter) outageNote() string {
	switch l.s.onStoreError {
	case OnErrorAllow:
		return "requests are NOT rate limited until it answers"
	case OnErrorDeny:
		return "rate-limited requests are refused until it answers"
	default:
		return "limits are counted per instance until it answers"
	}
}

// maybeProbe starts one background probe if the gate is open. Requests never
// wait for it: they are answered by OnStoreError until it succeeds.
func (l *Limiter) maybeProbe(r *redisBackend) {
	now := l.s.now().UnixNano()
	next := l.nextProbe.Load()
	if now < next || !l.nextProbe.CompareAndSwap(next, now+int64(probeInterval)) {
		return
	}
	l.probeMu.Lock()
	defer l.probeMu.Unlock()
	if l.stopped {
		return
	}
	l.probes.Add(1)
	go l.probe(r)
}

func (l *Limiter) probe(r *redisBackend) {
	defer l.probes.Done()
	ctx, cancel := context.WithTimeout(l.probeCtx, probeTimeout(l.s.storeTimeout))
	defer cancel()
	if err := r.check(ctx); err != nil {
		l.s.logger.Debug("ratelimit: Redis probe failed", "err", err)
		return
	}
	if l.degraded.CompareAndSwap(true, false) {
		l.s.logger.Info("ratelimit: Redis reachable again; shared counting resumed")
	}
}
