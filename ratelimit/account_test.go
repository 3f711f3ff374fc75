package ratelimit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/ratelimit"
)

func TestAccountThrottleTripsAcrossIPs(t *testing.T) {
	policies := map[string]string{ratelimit.PolicyLoginAccount: "3-H", ratelimit.PolicyLogin: "100-M"}
	for name, opts := range backendsUnderTest(t, policies) {
		t.Run(name, func(t *testing.T) {
			l := mustNew(t, opts)
			var throttle authcore.LoginThrottle = l.AccountThrottle()
			ctx := context.Background()
			ips := []string{"192.0.2.1", "198.51.100.9", "2001:db8:5::1"}
			for i, ip := range ips {
				// The per-IP policy sees three different clients...
				takeN(t, l, ratelimit.PolicyLogin, ip, 1)
				if err := throttle.Check(ctx, "victim@example.com"); err != nil {
					t.Fatalf("check before failure %d: %v", i+1, err)
				}
				// ...but the account counter is keyed by email only, and
				// case does not give a fresh budget.
				email := []string{"victim@example.com", "Victim@Example.com", " VICTIM@example.com "}[i]
				if err := throttle.Failed(ctx, email); err != nil {
					t.Fatalf("failed %d: %v", i+1, err)
				}
			}
			err := throttle.Check(ctx, "victim@example.com")
			var le *ratelimit.LimitedError
			if !errors.Is(err, ratelimit.ErrLimited) || !errors.As(err, &le) {
				t.Fatalf("check after 3 failures from 3 IPs: %v, want *LimitedError", err)
			}
			if le.Policy != ratelimit.PolicyLoginAccount || le.RetryAfter < time.Second || le.RetryAfter > time.Hour+time.Second {
				t.Fatalf("limited error %+v", le)
			}
			if err := throttle.Failed(ctx, "victim@example.com"); err != nil {
				t.Fatalf("Failed past the limit must not error: %v", err)
			}
			if err := throttle.Check(ctx, "bystander@example.com"); err != nil {
				t.Fatalf("other accounts are unaffected: %v", err)
			}
			if err := throttle.Succeeded(ctx, "victim@example.com"); err != nil {
				t.Fatalf("succeeded: %v", err)
			}
			if err := throttle.Check(ctx, "victim@example.com"); err != nil {
				t.Fatalf("check after success: %v", err)
			}
		})
	}
}
