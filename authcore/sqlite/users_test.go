package sqlite_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/authcore/sqlite"
)

// stepClock returns a clock that starts at start and advances by step on
// every call, so each write gets a distinct, known time.
func stepClock(start time.Time, step time.Duration) func() time.Time {
	next := start
	return func() time.Time {
		now := next
		next = next.Add(step)
		return now
	}
}

// Times are stored as UTC microseconds: whatever zone and precision the
// clock has, what CreateUser hands back is exactly what a read returns.
func TestUserTimesRoundTripInUTCMicroseconds(t *testing.T) {
	ctx := context.Background()
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	local := time.Date(2031, 6, 7, 8, 9, 10, 987654321, zone)
	s := mustOpenBare(t, sqlite.MemoryPath, sqlite.Options{Now: func() time.Time { return local }})
	if err := s.MigrateUp(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	u := mustUser(t, s)
	want := local.UTC().Truncate(time.Microsecond)
	if !u.CreatedAt.Equal(want) || u.CreatedAt.Location() != time.UTC || u.CreatedAt != u.UpdatedAt {
		t.Fatalf("CreatedAt = %v, UpdatedAt = %v; want %v in UTC", u.CreatedAt, u.UpdatedAt, want)
	}
	got, err := s.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatalf("user by id: %v", err)
	}
	if got.CreatedAt != u.CreatedAt || got.UpdatedAt != u.UpdatedAt {
		t.Fatalf("read back %v/%v, created %v/%v", got.CreatedAt, got.UpdatedAt, u.CreatedAt, u.UpdatedAt)
	}

	tok := newToken(u.ID, time.Hour)
	tok.IssuedAt, tok.ExpiresAt = local, local.Add(time.Hour)
	if err := s.CreateRefreshToken(ctx, tok); err != nil {
		t.Fatalf("create token: %v", err)
	}
	rt, err := s.RefreshTokenByHash(ctx, tok.TokenHash)
	if err != nil {
		t.Fatalf("token by hash: %v", err)
	}
	if rt.IssuedAt != want || rt.ExpiresAt != want.Add(time.Hour) || rt.RevokedAt != nil || rt.ReplacedBy != nil {
		t.Fatalf("token read back %+v", rt)
	}
}

func TestCreateUserErrors(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, sqlite.MemoryPath)
	existing := mustUser(t, s)

	t.Run("duplicate email is ErrEmailTaken", func(t *testing.T) {
		u := &authcore.User{ID: uuid.NewString(), Email: existing.Email, PasswordHash: "x"}
		if err := s.CreateUser(ctx, u); !errors.Is(err, authcore.ErrEmailTaken) {
			t.Fatalf("err = %v, want ErrEmailTaken", err)
		}
	})
	// A clashing id is a caller bug; reporting it as "email taken" would
	// tell a client something false.
	t.Run("duplicate id is not ErrEmailTaken", func(t *testing.T) {
		u := &authcore.User{ID: existing.ID, Email: "other@example.test", PasswordHash: "x"}
		err := s.CreateUser(ctx, u)
		if err == nil || errors.Is(err, authcore.ErrEmailTaken) {
			t.Fatalf("err = %v, want a non-domain error", err)
		}
	})
}

func TestUserUpdates(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	s := mustOpenBare(t, sqlite.MemoryPath, sqlite.Options{Now: stepClock(start, time.Second)})
	if err := s.MigrateUp(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	u := &authcore.User{ID: uuid.NewString(), Email: "a@example.test", PasswordHash: "h1"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatalf("create: %v", err)
	}
	if err := s.UpdatePasswordHash(ctx, u.ID, "h2"); err != nil {
		t.Fatalf("update hash: %v", err)
	}
	if err := s.SetDisabled(ctx, u.ID, true); err != nil {
		t.Fatalf("disable: %v", err)
	}
	if err := s.SetRoles(ctx, u.ID, []string{"admin", "user"}); err != nil {
		t.Fatalf("set roles: %v", err)
	}
	got, err := s.UserByEmail(ctx, u.Email)
	if err != nil {
		t.Fatalf("by email: %v", err)
	}
	if got.PasswordHash != "h2" || !got.Disabled || !slices.Equal(got.Roles, []string{"admin", "user"}) ||
		!got.UpdatedAt.Equal(start.Add(3*time.Second)) || !got.CreatedAt.Equal(start) {
		t.Fatalf("after updates: %+v", got)
	}
	if err := s.SetRoles(ctx, u.ID, nil); err != nil {
		t.Fatalf("clear roles: %v", err)
	}
	if got, _ := s.UserByID(ctx, u.ID); got.Roles == nil || len(got.Roles) != 0 {
		t.Fatalf("roles after clearing = %#v, want empty non-nil", got.Roles)
	}

	missing := uuid.NewString()
	for name, update := range map[string]func() error{
		"UpdatePasswordHash": func() error { return s.UpdatePasswordHash(ctx, missing, "h") },
		"SetDisabled":        func() error { return s.SetDisabled(ctx, missing, true) },
		"SetRoles":           func() error { return s.SetRoles(ctx, missing, []string{"x"}) },
	} {
		t.Run(name+" on a missing user is ErrNotFound", func(t *testing.T) {
			if err := update(); !errors.Is(err, authcore.ErrNotFound) {
				t.Fatalf("err = %v, want ErrNotFound", err)
			}
		})
	}
}

func TestListUsersOldestFirst(t *testing.T) {
	ctx := context.Background()
	// A clock that runs backwards proves the order comes from created_at,
	// not from insertion order.
	s := mustOpenBare(t, sqlite.MemoryPath, sqlite.Options{Now: stepClock(t0, -time.Second)})
	if err := s.MigrateUp(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	var want []string
	for range 3 {
		want = append([]string{mustUser(t, s).ID}, want...)
	}
	users, err := s.ListUsers(ctx)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	var got []string
	for _, u := range users {
		got = append(got, u.ID)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("order = %v, want %v", got, want)
	}
}
