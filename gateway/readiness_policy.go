package gateway

import (
	"context"
	"errors"
)

// errStoreDegraded reports a rate limiter that has stopped using Redis
// even though Redis may answer a ping again (it resumes on its next probe).
var errStoreDegraded = errors.New("rate limiter is bypassing Redis")

// SharedStore is a shared rate-limit store as readiness sees it
// (*ratelimit.Limiter with a Redis store).
type SharedStore interface {
	// Degraded reports that the limiter currently bypasses the store.
	Degraded() bool
	// Ping checks that the store answers.
	Ping(ctx context.Context) error
}

// DependencyChecks is the gateway's readiness policy (issue 10: it was
// cmd's), as the ReadyChecks for Options:
//
//   - the database is required: without it nobody can log in or refresh;
//   - a shared rate-limit store (Redis; nil when limits are kept in
//     memory) is reported but Optional. Every replica shares the same
//     Redis, so failing readiness on it would take the whole fleet out of
//     rotation at once, turning "rate limits are counted per instance
//     (fallback), not at all (allow), or refused (deny)" into "everything
//     is down". In deny mode the limited endpoints answer 429 meanwhile;
//     unlimited routes keep working.
func DependencyChecks(database func(context.Context) error, shared SharedStore) []ReadyCheck {
	checks := []ReadyCheck{{Name: "database", Check: database}}
	if shared != nil {
		checks = append(checks, ReadyCheck{
			Name:     "redis",
			Optional: true,
			Check: func(ctx context.Context) error {
				if shared.Degraded() {
					return errStoreDegraded
				}
				return shared.Ping(ctx)
			},
		})
	}
	return checks
}
