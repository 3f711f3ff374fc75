package config

import "time"

// Default values that are also used for fields inside route entries, which
// viper's defaults cannot reach.
const (
	defaultRouteAuth    = AuthRequired
	defaultRouteTimeout = 30 * time.Second
)

// Defaults returns the built-in configuration: a single node on SQLite with
// in-memory rate limits, listening on :8080. Every key Load accepts has a
// value here, which is also what makes it overridable from the environment
// (see Load). The JWT secret deliberately has no default: a shipped default
// key would be a shared key.
func Defaults() Config {
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
			Issuer:          "gatewayd",
			Audience:        "gatewayd",
			AccessTTL:       15 * time.Minute,
			Leeway:          30 * time.Second,
			CacheSize:       10000,
		},
		Auth: Auth{
			RegistrationOpen:  true,
			DefaultRoles:      []string{},
			PasswordMinLength: 8,
			RefreshTTL:        14 * 24 * time.Hour,
			RefreshReuseGrace: 0,
			PurgeInterval:     time.Hour,
			// Bounds cross-replica revocation when Redis is absent or down.
			RevocationPollInterval: 10 * time.Second,
			BodyLimit:              64 << 10,
		},
		// OWASP's argon2id recommendation (m=19 MiB, t=2, p=1).
		Password: Password{
			MemoryKiB:     19456,
			Iterations:    2,
			Parallelism:   1,
			SaltLength:    16,
			KeyLength:     32,
			MaxConcurrent: 0,
			QueueWait:     2 * time.Second,
		},
		Database: Database{
			URL:              "sqlite:gateway.db",
			MaxConns:         10,
			MigrateOnStartup: true,
		},
		RateLimit: RateLimit{
			Store:        "",
			RedisURL:     "",
			Prefix:       "gatewayd",
			OnStoreError: OnStoreErrorFallback,
			StoreTimeout: 50 * time.Millisecond,
			DegradeAfter: 500 * time.Millisecond,
			Login:        "10-M",
			Register:     "5-H",
			Refresh:      "60-M",
			Logout:       "60-M",
			LoginAccount: "10-H",
		},
		CORS: CORS{
			AllowedOrigins:   []string{},
			AllowedMethods:   []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"},
			AllowedHeaders:   []string{"Authorization", "Content-Type", "X-Request-Id"},
			ExposedHeaders:   []string{"X-Request-Id"},
			AllowCredentials: false,
			MaxAge:           10 * time.Minute,
		},
		Docs:  Docs{Enabled: false},
		Admin: Admin{Listen: "127.0.0.1:9091", PProf: false},
		Proxy: Proxy{
			IdentityPreset:        PresetDefault,
			IdentityHeaders:       IdentityHeaders{},
			MaxBodyBytes:          10 << 20,
			SecurityHeaders:       false,
			HideServerHeader:      false,
			StripHeaders:          []string{},
			DialTimeout:           5 * time.Second,
			TLSHandshakeTimeout:   5 * time.Second,
			ResponseHeaderTimeout: 30 * time.Second,
			IdleConnTimeout:       90 * time.Second,
			MaxIdleConns:          512,
			MaxIdleConnsPerHost:   128,
			Assertion: Assertion{
				Enabled:            true,
				Header:             "X-Gateway-Assertion",
				TTL:                60 * time.Second,
				Issuer:             "",
				PrivateKey:         "",
				PreviousPublicKeys: "",
				ReloadInterval:     30 * time.Second,
				CacheSize:          10000,
			},
		},
	}
}
