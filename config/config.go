package config

import "time"

// Config is the whole gateway configuration. Load fills it from defaults,
// file and environment; cmd maps each section onto the Options of the
// package that needs it. Field tags name the YAML keys; the JSON tags let
// cmd print the effective configuration (secrets stay redacted).
type Config struct {
	Server    Server    `mapstructure:"server" json:"server"`
	Log       Log       `mapstructure:"log" json:"log"`
	JWT       JWT       `mapstructure:"jwt" json:"jwt"`
	Auth      Auth      `mapstructure:"auth" json:"auth"`
	Password  Password  `mapstructure:"password" json:"password"`
	Database  Database  `mapstructure:"database" json:"database"`
	RateLimit RateLimit `mapstructure:"ratelimit" json:"ratelimit"`
	CORS      CORS      `mapstructure:"cors" json:"cors"`
	Docs      Docs      `mapstructure:"docs" json:"docs"`
	Admin     Admin     `mapstructure:"admin" json:"admin"`
	Proxy     Proxy     `mapstructure:"proxy" json:"proxy"`
	// Routes is read from the file only: a route table does not fit in
	// environment variables, and half-overriding one would be confusing.
	Routes []Route `mapstructure:"routes" json:"routes"`
}

// Server configures the public HTTP listener. The timeouts exist so that a
// slow or malicious client cannot hold connections open forever.
type Server struct {
	Listen string `mapstructure:"listen" json:"listen"`
	// TrustedProxies are the networks whose X-Forwarded-For is believed;
	// from anyone else the header is ignored, so clients cannot pick the IP
	// that rate limits count against.
	TrustedProxies    []string      `mapstructure:"trusted_proxies" json:"trusted_proxies"`
	ReadHeaderTimeout time.Duration `mapstructure:"read_header_timeout" json:"read_header_timeout"`
	ReadTimeout       time.Duration `mapstructure:"read_timeout" json:"read_timeout"`
	// WriteTimeout is 0 (none) by default because it bounds the whole
	// response, which would cut long downloads, SSE and WebSocket streams.
	WriteTimeout   time.Duration `mapstructure:"write_timeout" json:"write_timeout"`
	IdleTimeout    time.Duration `mapstructure:"idle_timeout" json:"idle_timeout"`
	MaxHeaderBytes int           `mapstructure:"max_header_bytes" json:"max_header_bytes"`
	// ShutdownTimeout bounds the graceful drain after SIGTERM.
	ShutdownTimeout time.Duration `mapstructure:"shutdown_timeout" json:"shutdown_timeout"`
	// DrainDelay is how long the gateway keeps accepting connections after
	// SIGTERM while /readyz already fails, so load balancers that poll
	// readiness stop sending traffic before the listener closes. 0 closes
	// at once; Kubernetes behind a Service wants a few seconds.
	DrainDelay time.Duration `mapstructure:"drain_delay" json:"drain_delay"`
	// PublicBaseURL is the externally visible URL, used in docs; optional.
	PublicBaseURL string `mapstructure:"public_base_url" json:"public_base_url"`
}

// Log selects the structured logger's level and encoding.
type Log struct {
	Level  string `mapstructure:"level" json:"level"`   // debug|info|warn|error
	Format string `mapstructure:"format" json:"format"` // json|text
}

// JWT configures access tokens. The algorithm is pinned in authcore, not
// configurable, so a config change can never enable "none" or RSA/HMAC
// confusion.
type JWT struct {
	Secret Secret `mapstructure:"secret" json:"secret"`
	// PreviousSecrets still verify (never sign) tokens, so the signing key
	// can be rotated without logging everyone out.
	PreviousSecrets []Secret      `mapstructure:"previous_secrets" json:"previous_secrets"`
	Issuer          string        `mapstructure:"issuer" json:"issuer"`
	Audience        string        `mapstructure:"audience" json:"audience"`
	AccessTTL       time.Duration `mapstructure:"access_ttl" json:"access_ttl"`
	// Leeway tolerates clock skew between machines; capped at 5m so that it
	// cannot quietly extend token lifetime.
	Leeway    time.Duration `mapstructure:"leeway" json:"leeway"`
	CacheSize int           `mapstructure:"cache_size" json:"cache_size"`
}

// Auth configures the /auth endpoints and account policy.
type Auth struct {
	RegistrationOpen bool     `mapstructure:"registration_open" json:"registration_open"`
	DefaultRoles     []string `mapstructure:"default_roles" json:"default_roles"`
	// PasswordMinLength is at least 8, the security guide's floor.
	PasswordMinLength int           `mapstructure:"password_min_length" json:"password_min_length"`
	RefreshTTL        time.Duration `mapstructure:"refresh_ttl" json:"refresh_ttl"`
	// RefreshReuseGrace is how long after a rotation the rotated refresh
	// token may come back without revoking the user's sessions (issue 11);
	// 0s is strict. See SECURITY.md for the trade-off.
	RefreshReuseGrace time.Duration `mapstructure:"refresh_reuse_grace" json:"refresh_reuse_grace"`
	PurgeInterval     time.Duration `mapstructure:"purge_interval" json:"purge_interval"`
	// RevocationPollInterval is how often every replica re-reads recent
	// revocations from the database (issue 13 §2). With Redis, pub/sub
	// spreads a revocation within a second and the poll is the safety net;
	// without Redis (or while it is down) it is the propagation bound
	// between replicas.
	RevocationPollInterval time.Duration `mapstructure:"revocation_poll_interval" json:"revocation_poll_interval"`
	// BodyLimit caps /auth request bodies in bytes, so nobody can make the
	// gateway buffer megabytes of JSON before the password hasher runs.
	BodyLimit int64 `mapstructure:"body_limit" json:"body_limit"`
}

// Password holds the argon2id cost parameters and the hashing concurrency
// cap that keeps a login flood from exhausting memory.
type Password struct {
	MemoryKiB   int `mapstructure:"memory_kib" json:"memory_kib"`
	Iterations  int `mapstructure:"iterations" json:"iterations"`
	Parallelism int `mapstructure:"parallelism" json:"parallelism"`
	SaltLength  int `mapstructure:"salt_length" json:"salt_length"`
	KeyLength   int `mapstructure:"key_length" json:"key_length"`
	// MaxConcurrent is 0 for authcore.DefaultMaxConcurrent (half the
	// cores, at least one), resolved by the hasher.
	MaxConcurrent int           `mapstructure:"max_concurrent" json:"max_concurrent"`
	QueueWait     time.Duration `mapstructure:"queue_wait" json:"queue_wait"`
}

// Database selects the user store: "sqlite:<path>" for a single node,
// postgres:// for several replicas.
type Database struct {
	URL              Secret `mapstructure:"url" json:"url"`
	MaxConns         int    `mapstructure:"max_conns" json:"max_conns"`
	MigrateOnStartup bool   `mapstructure:"migrate_on_startup" json:"migrate_on_startup"`
}

// Docs toggles the /docs UI and /openapi.json. Off by default so a
// production deployment does not advertise its API surface unasked.
type Docs struct {
	Enabled bool `mapstructure:"enabled" json:"enabled"`
}

// Admin configures the separate metrics/pprof listener. It is a second
// listener, bound to loopback by default, so that operational endpoints are
// never reachable through the public port.
type Admin struct {
	Listen string `mapstructure:"listen" json:"listen"` // "" disables
	PProf  bool   `mapstructure:"pprof" json:"pprof"`
}
