package ratelimit

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/redis/go-redis/v9"
)

// RouteRedisLogs sends go-redis's own log lines (pool dial failures,
// Sentinel and Cluster topology changes) to logger at Warn, as structured
// records, instead of the plain-text "redis: 2026/11/29 … pool.go:770: …"
// lines go-redis writes to stderr by default, which break a JSON log
// stream (issue 11).
//
// This is the one global hook in the project, and the exception is
// deliberate: go-redis v9 keeps its logger in a process-wide variable
// (redis.SetLogger; internal.Logger) and offers no per-client option, so
// there is nothing to pass through Options. cmd/gatewayd calls it once per
// process, right after building the process logger and before any client
// exists; packages never call it.
func RouteRedisLogs(logger *slog.Logger) {
	redis.SetLogger(redisLog{logger: logger})
}

// redisLog adapts slog to go-redis's Logging interface.
type redisLog struct{ logger *slog.Logger }

// Printf logs one go-redis message. The "redis: " prefix go-redis puts on
// most of them is dropped: the record says where it came from.
func (r redisLog) Printf(ctx context.Context, format string, v ...any) {
	msg := strings.TrimPrefix(fmt.Sprintf(format, v...), "redis: ")
	r.logger.LogAttrs(ctx, slog.LevelWarn, "redis client", slog.String("component", "go-redis"), slog.String("detail", msg))
}
