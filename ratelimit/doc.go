// Package ratelimit decides whether a request may proceed under a named
// policy ("login", "register", "refresh", "logout", "login_account",
// "route:<name>"). It is the only package that imports ulule/limiter and
// go-redis, so the choice of counting algorithm and store lives in one
// place and the HTTP layer (package gateway) only ever sees a Decision or a *LimitedError.
//
// # Stores
//
// With Options.Store "redis" every gateway instance counts in one shared
// Redis (single node, Sentinel or Cluster, see Options.RedisURL), so N
// instances do not multiply a budget by N. With "memory" (or no RedisURL)
// each instance counts alone, which is right for a single instance and for
// development.
//
// # When Redis fails
//
// A rate limiter must not turn a Redis outage into a gateway outage, nor
// into an open door. Every Redis call is bounded by Options.StoreTimeout and
// retries are off (an INCR retried after a lost reply would count twice).
// On the first failure the Limiter becomes degraded, logs one warning, and
// answers according to Options.OnStoreError: "fallback" (default) counts in
// a per-instance memory store with the same policies, "allow" lets requests
// through, "deny" refuses them. While degraded, requests do not touch Redis
// at all; instead at most one background probe per second checks whether
// Redis is back, and on success the Limiter logs one recovery message and
// resumes shared counting. New never fails because Redis is down: it starts
// degraded, so the gateway can boot before its Redis does.
//
// # Keys
//
// Redis keys are "<prefix>:<policy>:<key>" and nothing a client sends
// reaches a key verbatim: IP addresses are canonicalized (IPv6 reduced to
// its /64), anything else is replaced by its hex SHA-256. See Key.
package ratelimit
