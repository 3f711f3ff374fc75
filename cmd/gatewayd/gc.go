package main

import (
	"log/slog"
	"runtime/debug"
)

// proxyGCPercent is the garbage collector's target for gatewayd when the
// operator has not chosen one (issue 14). A proxy's live heap is small
// (connection buffers, the caches) while it allocates steadily per request,
// so with Go's default of 100 the heap goal sits near the 4 MB minimum and
// the collector runs all the time: bench/README.md measured 35 % less CPU
// for a bare Go proxy at 400, and gatewayd's heap grows by about 20 MB
// under load for it. A memory limit (GOMEMLIMIT, or the one derived from
// the argon2 budget) still caps the heap: the collector runs earlier
// whenever the limit is near, whatever this percentage says.
const proxyGCPercent = 400

// setProxyGCPercent applies proxyGCPercent unless the environment already
// tunes the collector: GOGC or GOMEMLIMIT set (even to the default) means
// the operator decided, and the runtime has applied it. It touches only
// the GC percentage, never the memory limit, and reports the value it set
// (0 if it left the runtime alone).
func setProxyGCPercent(getenv func(string) string, log *slog.Logger) int {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return 0
	}
	debug.SetGCPercent(proxyGCPercent)
	log.Debug("garbage collector tuned for a proxy", "gogc", proxyGCPercent)
	return proxyGCPercent
}
