package gateway_test

import (
	"context"
	"errors"
	"testing"

	"github.com/authgate/gatewayd/gateway"
)

type fakeShared struct {
	degraded bool
	ping     error
}

func (f fakeShared) Degraded() bool             { return f.degraded }
func (f fakeShared) Ping(context.Context) error { return f.ping }

// TestRedisIsOptionalForReadiness: the database is required, a shared
// rate-limit store only reported (the policy lives in the gateway).
func TestRedisIsOptionalForReadiness(t *testing.T) {
	dbDown := errors.New("db down")
	checks := gateway.DependencyChecks(func(context.Context) error { return dbDown }, nil)
	if len(checks) != 1 || checks[0].Name != "database" || checks[0].Optional || checks[0].Check(t.Context()) != dbDown {
		t.Fatalf("memory limits: checks = %+v", checks)
	}
	for _, shared := range []fakeShared{{degraded: true}, {ping: errors.New("refused")}} {
		checks = gateway.DependencyChecks(func(context.Context) error { return nil }, shared)
		if len(checks) != 2 || checks[1].Name != "redis" || !checks[1].Optional || checks[1].Check(t.Context()) == nil {
			t.Errorf("shared %+v: checks = %+v", shared, checks)
		}
	}
	if err := gateway.DependencyChecks(nil, fakeShared{})[1].Check(t.Context()); err != nil {
		t.Errorf("healthy Redis: %v", err)
	}
}
