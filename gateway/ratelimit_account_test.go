package gateway_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

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

// TestSuccessfulLoginRefundsItsSlot: a successful login does not use up a
// failure slot (issue 9). Failures before it stay counted: a victim's own
// login must not hand an attacker a fresh budget.
func TestSuccessfulLoginRefundsItsSlot(t *testing.T) {
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
			ok := func(ip string) {
				t.Helper()
				if w := gw.login("user@example.com", rlPassword, ip); w.Code != http.StatusOK {
					t.Fatalf("correct password with budget left: %d %s", w.Code, w.Body)
				}
			}
			// Successes alone never lock an account.
			for i := range 5 {
				ok(fmt.Sprintf("192.0.2.%d", 10+i))
			}
			fail("192.0.2.1")
			fail("192.0.2.2")
			ok("192.0.2.3")
			// Without the refund the success would have used the third slot.
			fail("192.0.2.4")
			assertLimited(t, gw.login("user@example.com", rlPassword, "192.0.2.5"), 3, 3600)
		})
	}
}

// TestPerAccountLimitCountsBeforePasswordCheck: a parallel burst of 30
// wrong passwords for one account from 30 client IPs gets at most the
// limit's number of argon2 checks, counted by the hasher itself (issue 9:
// with a peek before and a count after the check, all 30 ran argon2).
func TestPerAccountLimitCountsBeforePasswordCheck(t *testing.T) {
	for store, opts := range rlStores(t) {
		t.Run(store, func(t *testing.T) {
			b := newRLBackend(t)
			opts.Policies = map[string]string{ratelimit.PolicyLogin: "100-M", ratelimit.PolicyLoginAccount: "3-H"}
			// A slow CI machine must not push Redis past its 50ms default
			// and into the per-process fallback: this test is about the
			// shared counter, not about an outage.
			opts.StoreTimeout = 5 * time.Second
			gw := b.instance(t, rlOptions{limiter: opts})
			gw.register("victim@example.com")
			before := b.hasher.Verified()
			var wg sync.WaitGroup
			start := make(chan struct{})
			codes := make([]int, 30)
			for i := range codes {
				wg.Go(func() {
					<-start
					w := gw.login("victim@example.com", fmt.Sprintf("guess %d", i), fmt.Sprintf("203.0.113.%d", i+1))
					codes[i] = w.Code
				})
			}
			close(start)
			wg.Wait()
			checks := b.hasher.Verified() - before
			if gw.limiter.Degraded() {
				t.Fatal("Redis degraded during the burst; the fallback counted instead")
			}
			var unauthorized, limited int
			for i, c := range codes {
				switch c {
				case http.StatusUnauthorized:
					unauthorized++
				case http.StatusTooManyRequests:
					limited++
				default:
					t.Errorf("request %d: status %d", i, c)
				}
			}
			if checks > 3 || unauthorized != int(checks) || unauthorized+limited != 30 {
				t.Fatalf("burst of 30: %d password checks, %d answered 401, %d answered 429; want at most 3 checks, one per 401", checks, unauthorized, limited)
			}
			if checks != 3 {
				t.Fatalf("burst of 30: %d password checks, want the limit's 3 (the budget is not spent otherwise)", checks)
			}
		})
	}
}
