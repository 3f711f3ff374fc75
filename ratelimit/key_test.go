package ratelimit_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"testing"

	"github.com/authgate/gatewayd/ratelimit"
)

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// safeTail is everything the client-derived part of a key may look like.
var safeTail = regexp.MustCompile(`^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:]+\]|[0-9a-f]{64})$`)

func TestKeysNamespacedAndEscaped(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		key    string
		want   string
	}{
		{"ipv4", ratelimit.PolicyLogin, "192.0.2.7", "gw:login:192.0.2.7"},
		{"ipv4 mapped in ipv6 shares the ipv4 budget", ratelimit.PolicyLogin, "::ffff:192.0.2.7", "gw:login:192.0.2.7"},
		{"ipv6 reduced to its /64", ratelimit.PolicyLogin, "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "gw:login:[2001:db8:1:2::]"},
		{"same /64 same key", ratelimit.PolicyLogin, "2001:DB8:1:2::9", "gw:login:[2001:db8:1:2::]"},
		{"ipv6 zone dropped", ratelimit.PolicyLogin, "fe80::1%eth0", "gw:login:[fe80::]"},
		{"hostile zone dropped", ratelimit.PolicyLogin, "fe80::1%a b:*{x}\n", "gw:login:[fe80::]"},
		{"email hashed, never stored plain", ratelimit.PolicyLoginAccount, "alice@example.com", "gw:login_account:" + sha("alice@example.com")},
		{"colon star space newline", ratelimit.RoutePolicy("api"), "a:b*c d\r\nFLUSHALL\r\n", "gw:route:api:" + sha("a:b*c d\r\nFLUSHALL\r\n")},
		{"cluster hash tag", ratelimit.RoutePolicy("api"), "{user}:1", "gw:route:api:" + sha("{user}:1")},
		{"unicode", ratelimit.RoutePolicy("api"), "用户@例子.广告 ☃", "gw:route:api:" + sha("用户@例子.广告 ☃")},
		{"user id", ratelimit.RoutePolicy("api"), "7f9c2ba4-e88f-4b2f-9b6a-1c1e0d1e7f00", "gw:route:api:" + sha("7f9c2ba4-e88f-4b2f-9b6a-1c1e0d1e7f00")},
		{"padded ip is not an ip", ratelimit.PolicyLogin, " 192.0.2.7", "gw:login:" + sha(" 192.0.2.7")},
		{"ip with leading zeros is not an ip", ratelimit.PolicyLogin, "192.000.2.7", "gw:login:" + sha("192.000.2.7")},
		{"empty", ratelimit.PolicyLogin, "", "gw:login:" + sha("")},
		{"very long", ratelimit.PolicyLogin, string(make([]byte, 1<<16)), "gw:login:" + sha(string(make([]byte, 1<<16)))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ratelimit.Key("gw", tt.policy, tt.key)
			if got != tt.want {
				t.Fatalf("Key(%q) = %q, want %q", tt.key, got, tt.want)
			}
			head := "gw:" + tt.policy + ":"
			if len(got) < len(head) || got[:len(head)] != head || !safeTail.MatchString(got[len(head):]) {
				t.Fatalf("Key(%q) = %q: not <prefix>:<policy>:<safe part>", tt.key, got)
			}
		})
	}

	t.Run("the key Take writes in Redis is Key", func(t *testing.T) {
		opts := sharedRedis(t, map[string]string{ratelimit.RoutePolicy("api"): "5-M"})
		l := mustNew(t, opts)
		c := rawClient(t, opts.RedisURL)
		ctx := context.Background()
		hostile := "x:*\n y{z}"
		takeN(t, l, ratelimit.RoutePolicy("api"), hostile, 1)
		keys, err := c.Keys(ctx, opts.Prefix+":*").Result()
		if err != nil {
			t.Fatal(err)
		}
		want := ratelimit.Key(opts.Prefix, ratelimit.RoutePolicy("api"), hostile)
		// Besides the counter, the Limiter's own health probe may have left
		// its short-lived key, in the same format.
		probe := ratelimit.Key(opts.Prefix, "_probe", "")
		found := false
		for _, k := range keys {
			switch k {
			case want:
				found = true
			case probe:
			default:
				t.Errorf("unexpected key %q", k)
			}
		}
		if !found {
			t.Fatalf("keys under prefix = %q, want %q among them", keys, want)
		}
	})
}
