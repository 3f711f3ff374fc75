package gateway_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/authgate/gatewayd/ratelimit"
)

// TestAccountThrottleTripsAcrossIPs: failed logins against one account are
// counted whatever the client IP, so a botnet rotating addresses is stopped
// too. Once the budget is spent even the correct password is refused with
// 429, and the refusal happens before the credentials are checked (no
// login event at all, so no argon2 work and no oracle).
func TestAccountThrottleTripsAcrossIPs(t *testing.T) {
	for store, opts := range rlStores(t) {
		t.Run(store, func(t *testing.T) {
			b := newRLBackend(t)
			opts.Policies = map[string]string{ratelimit.PolicyLogin: "100-M", ratelimit.PolicyLoginAccount: "3-H"}
			gw := b.instance(t, rlOptions{limiter: opts})
			gw.register("victim@example.com")
			for i := range 3 {
				ip := fmt.Sprintf("198.51.100.%d", i+1)
				w := gw.login("victim@example.com", "guess number "+fmt.Sprint(i), ip)
				decodeProblem(t, w, http.StatusUnauthorized, "invalid_credentials")
			}

			before := gw.events.len()
			w := gw.login("victim@example.com", rlPassword, "198.51.100.200")
			assertLimited(t, w, 3, 3600)
			if n := gw.events.len(); n != before {
				t.Fatalf("refused login emitted %d events: the credential check ran", n-before)
			}
			// The per-IP limit of the new address was counted and its
			// header replaced by the account policy's, which refused.
			if h := readRLHeaders(t, w.Header()); h.limit != 3 {
				t.Fatalf("RateLimit-Limit %d, want the account policy's 3", h.limit)
			}
			// Case and surrounding space do not buy a fresh budget.
			w = gw.login("  VICTIM@Example.com ", rlPassword, "198.51.100.201")
			assertLimited(t, w, 3, 3600)
			// Other accounts are unaffected.
			gw.register("bystander@example.com")
			if w := gw.login("bystander@example.com", rlPassword, "198.51.100.1"); w.Code != http.StatusOK {
				t.Fatalf("other account's login: %d %s", w.Code, w.Body)
			}
		})
	}
}

// TestSuccessfulLoginResetsAccountThrottle: failures before a successful
// login do not count towards the next lockout.
func TestSuccessfulLoginResetsAccountThrottle(t *testing.T) {
	for store, opts := range rlStores(t) {
		t.Run(store, func(t *testing.T) {
			b := newRLBackend(t)
			opts.Policies = map[string]string{ratelimit.PolicyLogin: "100-M", ratelimit.PolicyLoginAccount: "3-H"}
			gw := b.instance(t, rlOptions{limiter: opts})
			gw.register("user@example.com")
			fail := func(ip string) {
				t.Helper()
				decodeProblem(t, gw.login("user@example.com", "wrong password!", ip), http.StatusUnauthorized, "invalid_credentials")
			}
			fail("192.0.2.1")
			fail("192.0.2.2")
			if w := gw.login("user@example.com", rlPassword, "192.0.2.3"); w.Code != http.StatusOK {
				t.Fatalf("correct password with budget left: %d %s", w.Code, w.Body)
			}
			// Without the reset the second of these would already be refused.
			fail("192.0.2.4")
			fail("192.0.2.5")
			fail("192.0.2.6")
			assertLimited(t, gw.login("user@example.com", rlPassword, "192.0.2.7"), 3, 3600)
		})
	}
}
