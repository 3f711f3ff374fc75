package main

import (
	"log/slog"
	"runtime/debug"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/config"
)

// memoryLimitBase is the part of the Go memory limit that is not argon2
// buffers: heap for connections, the token cache and the rest. Issue 11
// budgets 64 MiB of RSS for all of that; the limit only covers memory the
// Go runtime manages, and measured RSS under a flood ran 23–34 MiB above
// the limit (the mapped binary, thread stacks, pages not yet returned), so
// 36 MiB of the budget stay for that (bench/flood, bench/README.md).
const memoryLimitBase = 28 << 20

// hashingMemoryLimit is the Go memory limit serve sets when GOMEMLIMIT is
// not: memoryLimitBase plus one argon2 buffer per hashing slot.
//
// Why a limit at all: argon2.IDKey allocates its memory_kib buffer anew on
// every call, and a finished hash leaves it on the heap until the next GC.
// With the default GOGC, the heap goal under a login flood is twice the
// live heap, so RSS reached about three buffers per slot (224–239 MiB for
// 4 slots against 140 MiB wanted). A limit makes the collector reclaim
// finished buffers before new ones are taken from the OS. The buffers hold
// no pointers, so those collections are cheap.
func hashingMemoryLimit(p config.Password) int64 {
	slots := p.MaxConcurrent
	if slots <= 0 {
		slots = authcore.DefaultMaxConcurrent()
	}
	return memoryLimitBase + int64(slots)*int64(p.MemoryKiB)<<10
}

// setMemoryLimit applies hashingMemoryLimit unless the operator set
// GOMEMLIMIT, which the runtime has already applied and which wins. It is
// a soft limit: past it the collector runs more often (at most about half
// the CPU), it never fails an allocation.
func setMemoryLimit(p config.Password, getenv func(string) string, log *slog.Logger) {
	if v := getenv("GOMEMLIMIT"); v != "" {
		log.Info("memory limit from GOMEMLIMIT", "GOMEMLIMIT", v)
		return
	}
	limit := hashingMemoryLimit(p)
	debug.SetMemoryLimit(limit)
	log.Info("memory limit derived from the hashing cap", "bytes", limit,
		"max_concurrent", p.MaxConcurrent, "memory_kib", p.MemoryKiB)
}
