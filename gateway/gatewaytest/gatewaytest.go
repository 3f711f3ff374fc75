// Package gatewaytest assembles what gateway tests run on, once (issue
// 10: the store, hasher, tokens and service used to be assembled anew in
// every suite): a migrated store on a real database, a cheap hasher,
// access tokens, and the Service over them. It is imported by tests only.
package gatewaytest

import (
	"context"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/authcore/postgres"
	"github.com/authgate/gatewayd/authcore/sqlite"
)

// Secret is the access-token secret of every gateway test.
const Secret = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz"

// fastArgon2 are argon2 parameters that keep tests about HTTP, limits or
// metrics from paying for hashing cost (never use them in production).
var fastArgon2 = authcore.Argon2Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// Store is what the suites need of a store besides authcore.Store.
type Store interface {
	authcore.Store
	Ping(ctx context.Context) error
}

// Core is the domain a gateway test runs on.
type Core[S Store] struct {
	Store  S
	Hasher *authcore.Hasher
	Tokens *authcore.AccessTokens
}

// SQLite is a Core over an in-memory, migrated SQLite store, closed at
// the end of the test.
func SQLite(tb testing.TB) *Core[*sqlite.Store] {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := sqlite.Open(ctx, sqlite.MemoryPath, sqlite.Options{})
	if err != nil {
		tb.Fatalf("gatewaytest: open sqlite: %v", err)
	}
	return newCore(ctx, tb, st)
}

// Postgres is a Core over the migrated Postgres database at url (from
// pgtest.NewDatabase), closed at the end of the test.
func Postgres(tb testing.TB, url string) *Core[*postgres.Store] {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := postgres.Open(ctx, url, postgres.Options{MaxConns: 4, ConnectTimeout: 2 * time.Second})
	if err != nil {
		tb.Fatalf("gatewaytest: open postgres: %v", err)
	}
	return newCore(ctx, tb, st)
}

type migrator interface {
	Store
	MigrateUp(ctx context.Context) error
	Close() error
}

func newCore[S migrator](ctx context.Context, tb testing.TB, st S) *Core[S] {
	tb.Helper()
	tb.Cleanup(func() { _ = st.Close() })
	if err := st.MigrateUp(ctx); err != nil {
		tb.Fatalf("gatewaytest: migrate: %v", err)
	}
	tokens, err := authcore.NewAccessTokens(authcore.TokenOptions{Secret: Secret})
	if err != nil {
		tb.Fatalf("gatewaytest: tokens: %v", err)
	}
	return &Core[S]{Store: st, Hasher: authcore.NewHasher(authcore.HasherOptions{Params: fastArgon2}), Tokens: tokens}
}

// Service is the authcore.Service over the core with opts.
func (c *Core[S]) Service(opts authcore.ServiceOptions) *authcore.Service {
	return authcore.NewService(c.Store, c.Hasher, c.Tokens, opts)
}
