package main

import (
	"log/slog"
	"runtime/debug"
	"testing"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/config"
)

// TestMemoryLimitFollowsHashingCap: the Go memory limit serve sets is the
// base plus one argon2 buffer per hashing slot (issue 11), with the
// default cap resolved like the hasher resolves it.
func TestMemoryLimitFollowsHashingCap(t *testing.T) {
	for _, c := range []struct{ slots, memKiB, wantSlots int }{
		{2, 19456, 2},
		{8, 19456, 8},
		{0, 19456, authcore.DefaultMaxConcurrent()},
		{4, 65536, 4},
	} {
		p := config.Password{MaxConcurrent: c.slots, MemoryKiB: c.memKiB}
		want := int64(memoryLimitBase) + int64(c.wantSlots)*int64(c.memKiB)*1024
		if got := hashingMemoryLimit(p); got != want {
			t.Errorf("cap %d, m=%d KiB: limit %d, want %d", c.slots, c.memKiB, got, want)
		}
	}
}

// TestGOMEMLIMITWins: an operator's GOMEMLIMIT is left alone.
func TestGOMEMLIMITWins(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	setMemoryLimit(config.Password{MaxConcurrent: 1, MemoryKiB: 1024},
		func(k string) string {
			if k == "GOMEMLIMIT" {
				return "1GiB"
			}
			return ""
		}, slog.New(slog.DiscardHandler))
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Fatalf("memory limit changed to %d despite GOMEMLIMIT", got)
	}
}
