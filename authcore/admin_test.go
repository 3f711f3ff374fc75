package authcore_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

func TestAdminCreateUserBypassesClosedRegistration(t *testing.T) {
	f := newFixture(t, func(_ *authcore.HasherOptions, s *authcore.ServiceOptions) { s.RegistrationOpen = false })
	ctx := context.Background()
	tests := []struct {
		name, email string
		roles       []string
		want        []string
	}{
		{"explicit roles, deduplicated", "root@example.com", []string{"admin", "user", "admin"}, []string{"admin", "user"}},
		{"nil roles take the defaults", "plain@example.com", nil, []string{"user"}},
		{"empty roles mean none", "none@example.com", []string{}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := f.svc.CreateUser(ctx, tt.email, "long enough password", tt.roles)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(u.Roles, tt.want) {
				t.Fatalf("roles = %v, want %v", u.Roles, tt.want)
			}
		})
	}
	f.login(t, "root@example.com", "long enough password")
	users, err := f.svc.ListUsers(ctx)
	if err != nil || len(users) != 3 || users[0].Email != "root@example.com" {
		t.Fatalf("ListUsers = %v, %v", users, err)
	}
}

func TestAdminInputIsValidated(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.register(t, "bob@example.com", "long enough password")
	tests := []struct {
		name string
		call func() error
		want []string
	}{
		{"create: bad role", func() error {
			_, err := f.svc.CreateUser(ctx, "x@example.com", "long enough password", []string{"user,admin"})
			return err
		}, []string{"roles:invalid_role"}},
		{"create: bad email and password", func() error {
			_, err := f.svc.CreateUser(ctx, "x", "short", nil)
			return err
		}, []string{"email:invalid_email", "password:password_too_short"}},
		{"set roles: header injection", func() error {
			return f.svc.SetRoles(ctx, "bob@example.com", []string{"user\r\nX-Admin: 1"})
		}, []string{"roles:invalid_role"}},
		{"set disabled: bad email", func() error { return f.svc.SetDisabled(ctx, "bob", true) }, []string{"email:invalid_email"}},
		{"set password: too short", func() error { return f.svc.SetPassword(ctx, "bob@example.com", "short") }, []string{"password:password_too_short"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := validationCodes(t, tt.call()); !slices.Equal(got, tt.want) {
				t.Fatalf("codes = %v, want %v", got, tt.want)
			}
		})
	}
	if _, err := f.svc.RevokeSessions(ctx, "ghost@example.com"); !errors.Is(err, authcore.ErrNotFound) {
		t.Fatalf("RevokeSessions(unknown) = %v, want ErrNotFound", err)
	}
}

func TestAdminSetDisabledRevokesSessions(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	s := f.register(t, "bob@example.com", "long enough password")
	if err := f.svc.SetDisabled(ctx, "BOB@example.com", true); err != nil {
		t.Fatal(err)
	}
	if n := f.store.ActiveTokens(s.User.ID); n != 0 {
		t.Fatalf("%d sessions survive disabling", n)
	}
	if _, err := f.svc.Login(ctx, "bob@example.com", "long enough password", authcore.ClientMeta{}); err != authcore.ErrInvalidCredentials {
		t.Fatalf("login while disabled: %v", err)
	}
	if err := f.svc.SetDisabled(ctx, "bob@example.com", false); err != nil {
		t.Fatal(err)
	}
	f.login(t, "bob@example.com", "long enough password")
}

func TestAdminSetPasswordRevokesSessions(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	s := f.register(t, "bob@example.com", "old password!")
	if err := f.svc.SetPassword(ctx, "bob@example.com", "new password!"); err != nil {
		t.Fatal(err)
	}
	if n := f.store.ActiveTokens(s.User.ID); n != 0 {
		t.Fatalf("%d sessions survive a password reset", n)
	}
	if _, err := f.svc.Login(ctx, "bob@example.com", "old password!", authcore.ClientMeta{}); err != authcore.ErrInvalidCredentials {
		t.Fatalf("old password: %v", err)
	}
	f.login(t, "bob@example.com", "new password!")
}

func TestAdminRevokeSessionsCounts(t *testing.T) {
	f := newFixture(t)
	f.register(t, "bob@example.com", "long enough password")
	f.login(t, "bob@example.com", "long enough password")
	f.register(t, "eve@example.com", "long enough password")
	n, err := f.svc.RevokeSessions(context.Background(), "bob@example.com")
	if err != nil || n != 2 {
		t.Fatalf("RevokeSessions = %d, %v; want 2", n, err)
	}
	f.login(t, "eve@example.com", "long enough password") // others untouched
}

func TestPurgeExpiredKeepsRevokedUntilExpiry(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	old := f.register(t, "bob@example.com", "long enough password")
	if _, err := refresh(f, old.RefreshToken); err != nil { // old is now revoked, not expired
		t.Fatal(err)
	}
	n, err := f.svc.PurgeExpired(ctx)
	if err != nil || n != 0 {
		t.Fatalf("PurgeExpired = %d, %v; want 0 (revoked rows are kept for reuse detection)", n, err)
	}
	// Reuse is still detected because the revoked row survived the purge.
	if _, err := refresh(f, old.RefreshToken); !errors.Is(err, authcore.ErrRefreshTokenReused) {
		t.Fatalf("reuse after purge: %v", err)
	}
	f.clock.Advance(authcore.DefaultRefreshTTL + time.Second)
	n, err = f.svc.PurgeExpired(ctx)
	if err != nil || n != 2 {
		t.Fatalf("PurgeExpired after expiry = %d, %v; want 2", n, err)
	}
}
