package config

import (
	"net"

	"github.com/authgate/gatewayd/ratelimit"
)

// Warnings returns non-fatal advice about combinations that work but are
// probably not what the operator wants. cmd logs them at startup and
// prints them from `config check`. The checks are deliberately few and
// based only on the configuration itself:
//
//   - per-process rate limits (memory store) next to Postgres, which is
//     chosen for running several replicas;
//   - SQLite next to a Redis URL, which suggests several replicas that
//     would each see a different user database;
//   - ratelimit.on_store_error "allow", which fails open;
//   - an admin listener (metrics, pprof) on a non-loopback address;
//   - allow_credentials with no origins, which has no effect;
//   - an empty route table, where the gateway only serves /auth.
//
// Trusted proxies together with SQLite are deliberately not flagged: one
// node behind an nginx or load-balancer TLS front is a normal setup.
func (c *Config) Warnings() []string {
	var out []string
	store := c.LimiterOptions().ResolvedStore()
	kind := c.DatabaseKind()
	if store == ratelimit.StoreMemory && kind == DatabasePostgres {
		out = append(out, "ratelimit: limits are kept in process memory, but database.url is Postgres, which suggests several replicas; each replica would count separately. Set ratelimit.redis_url (REDIS_URL) to share limits")
	}
	if kind == DatabaseSQLite && c.RateLimit.RedisURL != "" {
		out = append(out, "database: SQLite is a single-node store, but ratelimit.redis_url is set, which suggests several replicas; they would not share users or sessions. Use Postgres (DATABASE_URL=postgres://...) for more than one replica")
	}
	if c.RateLimit.OnStoreError == ratelimit.OnErrorAllow && store == ratelimit.StoreRedis {
		out = append(out, "ratelimit.on_store_error: allow fails open; while Redis is unreachable login and registration are not rate limited. Consider fallback")
	}
	if c.Admin.Listen != "" && !loopbackListen(c.Admin.Listen) {
		msg := "admin.listen: " + c.Admin.Listen + " is reachable from other hosts; /metrics"
		if c.Admin.PProf {
			msg += " and pprof"
		}
		out = append(out, msg+" should stay on 127.0.0.1 or a private network")
	}
	if c.CORS.AllowCredentials && len(c.CORS.AllowedOrigins) == 0 {
		out = append(out, "cors.allow_credentials: has no effect while cors.allowed_origins is empty")
	}
	if len(c.Routes) == 0 {
		out = append(out, "routes: none configured; the gateway serves only /auth and answers 404 elsewhere")
	}
	return out
}

// loopbackListen reports whether a listen address only accepts local
// connections.
func loopbackListen(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
