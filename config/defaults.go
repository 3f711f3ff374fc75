package config

import (
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/proxy"
	"github.com/authgate/gatewayd/ratelimit"
)

// defaultRouteAuth fills a route entry's auth, which viper's defaults
// cannot reach. A route's timeout has no config default: 0 means the
// transport's response_header_timeout (proxy.Route.Timeout owns that).
const defaultRouteAuth = AuthRequired

// Defaults returns the built-in configuration: a single node on SQLite with
// in-memory rate limits, listening on :8080. Every key Load accepts has a
// value here, which is also what makes it overridable from the environment
// (see Load). The JWT secret deliberately has no default: a shipped default
// key would be a shared key.
//
// Where a package owns a setting, its default is read from that package
// (issue 10: each default is written once): authcore for tokens and
// argon2, ratelimit for the store and rates, gateway for CORS,
// gateway/proxy for the transport and identity preset. The values left
// here belong to no package but the process (listeners, logging, the
// database pool) or are config's own choices documented in
// gateway.example.yaml.
func Defaults() Config {
	argon := authcore.DefaultArgon2Params()
	policies := ratelimit.DefaultPolicies()
	cors := gateway.DefaultCORSOptions()
	transport := proxy.DefaultTransportOptions()
	return Config{
		Server: Server{
			Listen:            ":8080",
			TrustedProxies:    []string{},
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      0,
			IdleTimeout:       120 * time.Second,
			MaxHeaderBytes:    1 << 20,
			ShutdownTimeout:   30 * time.Second,
			DrainDelay:        0,
			PublicBaseURL:     "",
		},
		Log: Log{Level: "info", Format: "json"},
		JWT: JWT{
			Secret:          "",
			PreviousSecrets: []Secret{},
			Issuer:          authcore.DefaultIssuer,
			Audience:        authcore.DefaultAudience,
			AccessTTL:       authcore.DefaultAccessTTL,
			Leeway:          authcore.DefaultLeeway,
			CacheSize:       authcore.DefaultTokenCacheSize,
		},
		Auth: Auth{
			RegistrationOpen:  true,
			DefaultRoles:      []string{},
			PasswordMinLength: authcore.DefaultPasswordMinLength,
			RefreshTTL:        authcore.DefaultRefreshTTL,
			RefreshReuseGrace: 0,
			PurgeInterval:     time.Hour,
			// Bounds cross-replica revocation when Redis is absent or down.
			RevocationPollInterval: 10 * time.Second,
			BodyLimit:              gateway.DefaultAuthBodyLimit,
		},
		Password: Password{
			MemoryKiB:     int(argon.Memory),
			Iterations:    int(argon.Iterations),
			Parallelism:   int(argon.Parallelism),
			SaltLength:    int(argon.SaltLength),
			KeyLength:     int(argon.KeyLength),
			MaxConcurrent: 0,
			QueueWait:     authcore.DefaultQueueWait,
		},
		Database: Database{
			URL:              "sqlite:gateway.db",
			MaxConns:         10,
			MigrateOnStartup: true,
		},
		RateLimit: RateLimit{
			Store:        "",
			RedisURL:     "",
			Prefix:       ratelimit.DefaultPrefix,
			OnStoreError: ratelimit.OnErrorFallback,
			StoreTimeout: ratelimit.DefaultStoreTimeout,
			DegradeAfter: ratelimit.DefaultDegradeAfter,
			Login:        policies[ratelimit.PolicyLogin],
			Register:     policies[ratelimit.PolicyRegister],
			Refresh:      policies[ratelimit.PolicyRefresh],
			Logout:       policies[ratelimit.PolicyLogout],
			LoginAccount: policies[ratelimit.PolicyLoginAccount],
		},
		CORS: CORS{
			AllowedOrigins:   cors.AllowedOrigins,
			AllowedMethods:   cors.AllowedMethods,
			AllowedHeaders:   cors.AllowedHeaders,
			ExposedHeaders:   cors.ExposedHeaders,
			AllowCredentials: cors.AllowCredentials,
			MaxAge:           cors.MaxAge,
		},
		Docs:  Docs{Enabled: false},
		Admin: Admin{Listen: "127.0.0.1:9091", PProf: false},
		Proxy: Proxy{
			IdentityPreset:        proxy.PresetDefault,
			IdentityHeaders:       IdentityHeaders{},
			MaxBodyBytes:          proxy.DefaultMaxBodyBytes,
			SecurityHeaders:       false,
			HideServerHeader:      false,
			StripHeaders:          []string{},
			DialTimeout:           transport.DialTimeout,
			TLSHandshakeTimeout:   transport.TLSHandshakeTimeout,
			ResponseHeaderTimeout: transport.ResponseHeaderTimeout,
			IdleConnTimeout:       transport.IdleConnTimeout,
			MaxIdleConns:          transport.MaxIdleConns,
			MaxIdleConnsPerHost:   transport.MaxIdleConnsPerHost,
			Assertion: Assertion{
				Enabled:            true,
				Header:             proxy.DefaultAssertionHeader,
				TTL:                authcore.DefaultAssertionTTL,
				Issuer:             "",
				PrivateKey:         "",
				PreviousPublicKeys: "",
				ReloadInterval:     30 * time.Second,
				CacheSize:          authcore.DefaultAssertionCacheSize,
			},
		},
	}
}
