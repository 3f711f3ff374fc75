package proxy_test

import (
	"testing"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// TestUserWithoutRolesGetsNoRolesHeader pins the documented contract
// (README, "Identity headers"): a user with no roles is forwarded with no
// X-User-Roles header at all, never an empty one, and a client-sent
// X-User-Roles never survives in its place. Upstreams must treat "header
// absent" as "no roles".
func TestUserWithoutRolesGetsNoRolesHeader(t *testing.T) {
	up := newUpstream(t, nil)
	names := proxy.DefaultIdentityHeaders()
	policy := proxy.NewHeaderPolicy(names)
	fwd := forwarderFor(t, proxy.Route{}, proxy.ForwarderOptions{Identity: names}, up)
	req := newRequest(t, "GET", "/x")
	req.Header.Set("X-User-Roles", "admin")
	policy.Strip(req.Header)
	policy.Inject(req.Header, "user-1", "a@example.com", nil)
	if err := fwd.Forward(newDiscard(), req); err != nil {
		t.Fatalf("Forward: %v", err)
	}
	h := up.last(t).Header
	if v, ok := h["X-User-Roles"]; ok {
		t.Fatalf("upstream received X-User-Roles %q for a user without roles", v)
	}
	if h.Get("X-User-Id") != "user-1" {
		t.Fatalf("X-User-Id = %q, want user-1", h.Get("X-User-Id"))
	}
}
