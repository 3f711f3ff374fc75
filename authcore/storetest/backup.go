package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

// Account is a user made for a backup rehearsal: the credentials to log in
// with on the restored copy and a refresh token that must still work there.
type Account struct {
	UserID       string
	Email        string
	Password     string
	RefreshToken string
}

// rehearsalSecret signs the rehearsal's access tokens; the same on the
// original and the restored store, as it is across a real restore.
const rehearsalSecret = "backup-rehearsal-secret-0123456789abcdef"

// RehearsalService builds a Service over st with cheap argon2id (the
// rehearsal is about the data, not the hash cost) and a fixed JWT secret.
func RehearsalService(tb testing.TB, st authcore.Store) *authcore.Service {
	tb.Helper()
	tokens, err := authcore.NewAccessTokens(authcore.TokenOptions{
		Secret: rehearsalSecret, Issuer: "gatewayd", Audience: "gatewayd", TTL: 15 * time.Minute,
	})
	if err != nil {
		tb.Fatal(err)
	}
	hasher := authcore.NewHasher(authcore.HasherOptions{
		Params: authcore.Argon2Params{Memory: 1024, Iterations: 1, Parallelism: 1},
	})
	return authcore.NewService(st, hasher, tokens, authcore.ServiceOptions{RegistrationOpen: true})
}

// SeedAccounts registers n users on st, each with one rotated session (so
// the backup holds both revoked and live refresh tokens), and returns them.
func SeedAccounts(tb testing.TB, st authcore.Store, n int) []Account {
	tb.Helper()
	ctx := context.Background()
	svc := RehearsalService(tb, st)
	accounts := make([]Account, 0, n)
	for i := range n {
		a := Account{Email: fmt.Sprintf("backup-%d@example.com", i), Password: fmt.Sprintf("rehearsal password %d", i)}
		reg, err := svc.Register(ctx, a.Email, a.Password, authcore.ClientMeta{})
		if err != nil {
			tb.Fatalf("register %s: %v", a.Email, err)
		}
		rotated, err := svc.Refresh(ctx, reg.RefreshToken, authcore.ClientMeta{})
		if err != nil {
			tb.Fatalf("refresh %s: %v", a.Email, err)
		}
		a.UserID, a.RefreshToken = reg.User.ID, rotated.RefreshToken
		accounts = append(accounts, a)
	}
	return accounts
}

// CheckRestored proves a restored store carries the accounts: each logs in
// with its password as the same user, and its refresh token from before the
// backup still rotates.
func CheckRestored(tb testing.TB, st authcore.Store, accounts []Account) {
	tb.Helper()
	ctx := context.Background()
	svc := RehearsalService(tb, st)
	for _, a := range accounts {
		s, err := svc.Login(ctx, a.Email, a.Password, authcore.ClientMeta{})
		if err != nil {
			tb.Fatalf("restored: login %s: %v", a.Email, err)
		}
		if s.User.ID != a.UserID {
			tb.Fatalf("restored: %s logged in as %s, want %s", a.Email, s.User.ID, a.UserID)
		}
		r, err := svc.Refresh(ctx, a.RefreshToken, authcore.ClientMeta{})
		if err != nil {
			tb.Fatalf("restored: refresh token of %s: %v", a.Email, err)
		}
		if r.User.ID != a.UserID {
			tb.Fatalf("restored: refresh of %s gave user %s", a.Email, r.User.ID)
		}
	}
}
