package ratelimit

import (
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
)

// ipv6CounterBits is how much of an IPv6 address identifies one client.
// A single subscriber usually holds a whole /64 and can pick any address in
// it, so counting per /128 would hand them 2^64 budgets.
const ipv6CounterBits = 64

// Key returns the Redis key that counts requests of key under policy:
// "<prefix>:<policy>:<escaped key>". It is exported so operators and tests
// can find a counter, and so the escaping rule is visible in one place.
//
// The caller's key never reaches Redis verbatim, because it is derived from
// client input (an IP header, an email, a user id):
//   - an IP address becomes its canonical text: IPv4-mapped IPv6 is
//     unmapped (so "::ffff:1.2.3.4" and "1.2.3.4" share a budget), zones are
//     dropped, and IPv6 is reduced to its /64 written in brackets
//     ("[2001:db8:1:2::]");
//   - anything else becomes the hex SHA-256 of its bytes. That removes
//     ':', '*', '{', whitespace and control characters (no key injection,
//     no Cluster hash-tag games, bounded length) and keeps emails out of
//     Redis in plain text. It is not a secret: someone who can read Redis
//     can still confirm a guessed email.
//
// Neither form contains ':' outside brackets, so the last segment of a key
// is always the escaped part, whatever the policy name.
func Key(prefix, policy, key string) string {
	return prefix + ":" + policy + ":" + escapeKey(key)
}

// storeKey is Key without the prefix; ulule's Redis store prepends
// "<prefix>:" itself.
func storeKey(policy, key string) string {
	return policy + ":" + escapeKey(key)
}

func escapeKey(key string) string {
	if addr, err := netip.ParseAddr(key); err == nil {
		addr = addr.WithZone("").Unmap()
		if addr.Is4() {
			return addr.String()
		}
		network, err := addr.Prefix(ipv6CounterBits)
		if err == nil {
			return "[" + network.Addr().String() + "]"
		}
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}
