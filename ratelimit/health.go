package ratelimit

import (
	"context"
	"time"
)

// probeInterval is the most often a degraded Limiter asks Redis whether it
// is back. Probing per request would put StoreTimeout back on every request
// of an outage; once a second keeps recovery prompt and the cost nil.
const probeInterval = time.Second

// recordSuccess ends a run of failures. The load first keeps the hot path
// free of writes to a shared cache line while Redis is healthy.
func (l *Limiter) recordSuccess() {
	if l.failingSince.Load() != 0 {
		l.failingSince.Store(0)
	}
}

// recordFailure notes one failed Redis call and degrades once calls have
// kept failing for DegradeAfter with no success in between (issue 11). A
// reply slower than StoreTimeout (a GC pause, a saturated CPU) used to
// switch the instance to fallback for a whole probe interval; now it costs
// only the calls that were in flight.
func (l *Limiter) recordFailure(err error, r *redisBackend) {
	now := l.s.now().UnixNano()
	l.failingSince.CompareAndSwap(0, now)
	if since := l.failingSince.Load(); since != 0 && now-since >= int64(l.s.degradeAfter) {
		l.markDegraded(err, r)
	}
}

// markDegraded switches requests away from Redis and starts the background
// probe. Only the goroutine that flips the state logs, so an outage produces
// one warning, not one per request.
func (l *Limiter) markDegraded(err error, r *redisBackend) {
	if !l.degraded.CompareAndSwap(false, true) {
		return
	}
	l.nextProbe.Store(l.s.now().Add(probeInterval).UnixNano())
	l.s.logger.Warn("ratelimit: Redis unavailable; "+l.outageNote(),
		"on_store_error", l.s.onStoreError, "err", err)
	l.startProbeLoop(r)
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

// startProbeLoop re-probes Redis every probeInterval while degraded, so
// Degraded (the readiness report and the metric) clears by itself when
// Redis returns, even if no rate-limited request arrives to notice (issue
// 11). It ends on recovery or Close.
func (l *Limiter) startProbeLoop(r *redisBackend) {
	l.probeMu.Lock()
	defer l.probeMu.Unlock()
	if l.stopped || r == nil {
		return
	}
	l.probes.Add(1)
	go func() {
		defer l.probes.Done()
		t := time.NewTicker(probeInterval)
		defer t.Stop()
		for l.degraded.Load() {
			select {
			case <-l.probeCtx.Done():
				return
			case <-t.C:
			}
			if l.gateOpen() {
				l.probeOnce(r)
			}
		}
	}()
}

// maybeProbe starts one background probe if the gate is open, so traffic
// during an outage notices a recovery between two ticks of the probe loop.
// Requests never wait for it: they are answered by OnStoreError until it
// succeeds.
func (l *Limiter) maybeProbe(r *redisBackend) {
	if !l.gateOpen() {
		return
	}
	l.probeMu.Lock()
	defer l.probeMu.Unlock()
	if l.stopped {
		return
	}
	l.probes.Add(1)
	go func() {
		defer l.probes.Done()
		l.probeOnce(r)
	}()
}

// gateOpen reports whether a probe may run now and, if so, shuts the gate
// for the next probeInterval. Request-driven probes and the probe loop both
// pass through it, so Redis sees at most one probe per interval (on the
// Limiter's clock, which tests can stop).
func (l *Limiter) gateOpen() bool {
	now := l.s.now().UnixNano()
	next := l.nextProbe.Load()
	return now >= next && l.nextProbe.CompareAndSwap(next, now+int64(probeInterval))
}

// probeOnce asks Redis once and clears the degraded state if it answers.
func (l *Limiter) probeOnce(r *redisBackend) {
	ctx, cancel := context.WithTimeout(l.probeCtx, probeTimeout(l.s.storeTimeout))
	defer cancel()
	if err := r.check(ctx); err != nil {
		l.s.logger.Debug("ratelimit: Redis probe failed", "err", err)
		return
	}
	l.failingSince.Store(0)
	if l.degraded.CompareAndSwap(true, false) {
		l.s.logger.Info("ratelimit: Redis reachable again; shared counting resumed")
	}
}
