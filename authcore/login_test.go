package authcore_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/authgate/gatewayd/authcore"
)

func TestRegisterCreatesUserAndSession(t *testing.T) {
	f := newFixture(t)
	s := f.register(t, "  New.User@Example.COM ", "long enough password")
	if s.User.Email != "new.user@example.com" {
		t.Errorf("stored email %q is not normalized", s.User.Email)
	}
	if id, err := uuid.Parse(s.User.ID); err != nil || id.Version() != 4 {
		t.Errorf("user id %q is not a v4 UUID", s.User.ID)
	}
	if !slices.Equal(s.User.Roles, []string{"user"}) {
		t.Errorf("roles = %v, want DefaultRoles [user]", s.User.Roles)
	}
	if !strings.HasPrefix(s.User.PasswordHash, "$argon2id$") {
		t.Errorf("password hash %q is not argon2id", s.User.PasswordHash)
	}
	id, err := f.tokens.Verify(s.AccessToken)
	if err != nil || id.UserID != s.User.ID || id.Email != s.User.Email || !slices.Equal(id.Roles, []string{"user"}) {
		t.Fatalf("access token identity = %+v, %v", id, err)
	}
	if !s.RefreshExpiresAt.Equal(f.clock.Now().Add(authcore.DefaultRefreshTTL)) {
		t.Errorf("refresh expiry = %v, want now + 14 days", s.RefreshExpiresAt)
	}
	if !f.events.Has(authcore.EventRegister) {
		t.Error("no register event")
	}
}

func TestRegisterValidationListsAllFields(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, email, password string
		want                  []string
	}{
		{"both bad", "not-an-email", "short", []string{"email:invalid_email", "password:password_too_short"}},
		{"email only", "Bob <bob@example.com>", "long enough password", []string{"email:invalid_email"}},
		{"password only", "bob@example.com", strings.Repeat("p", 1025), []string{"password:password_too_long"}},
		{"long email and short password", strings.Repeat("a", 250) + "@x.com", "", []string{"email:email_too_long", "password:password_too_short"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.Register(context.Background(), tt.email, tt.password, authcore.ClientMeta{})
			if got := validationCodes(t, err); !slices.Equal(got, tt.want) {
				t.Fatalf("codes = %v, want %v", got, tt.want)
			}
		})
	}
	if f.store.Calls() != 0 {
		t.Fatal("invalid registrations reached the store")
	}
}

func TestRegisterClosed(t *testing.T) {
	f := newFixture(t, func(_ *authcore.HasherOptions, s *authcore.ServiceOptions) { s.RegistrationOpen = false })
	_, err := f.svc.Register(context.Background(), "bob@example.com", "long enough password", authcore.ClientMeta{})
	if !errors.Is(err, authcore.ErrRegistrationClosed) {
		t.Fatalf("Register = %v, want ErrRegistrationClosed", err)
	}
}

func TestRegisterDuplicateEmailIsTaken(t *testing.T) {
	f := newFixture(t)
	f.register(t, "bob@example.com", "long enough password")
	_, err := f.svc.Register(context.Background(), "BOB@example.com", "another password", authcore.ClientMeta{})
	if !errors.Is(err, authcore.ErrEmailTaken) {
		t.Fatalf("Register = %v, want ErrEmailTaken", err)
	}
}

func TestLoginSuccess(t *testing.T) {
	f := newFixture(t)
	reg := f.register(t, "bob@example.com", "long enough password")
	s := f.login(t, " BOB@example.com", "long enough password")
	if s.User.ID != reg.User.ID || s.RefreshToken == reg.RefreshToken {
		t.Fatalf("login session = %+v", s)
	}
	if _, err := f.tokens.Verify(s.AccessToken); err != nil {
		t.Fatal(err)
	}
	rt, ok := f.store.Token(authcore.HashRefreshToken(s.RefreshToken))
	if !ok || rt.UserID != reg.User.ID || rt.ClientIP != "192.0.2.1" || rt.UserAgent != "test" {
		t.Fatalf("stored refresh token = %+v, %v", rt, ok)
	}
	if !slices.Equal(f.throttle.taken, []string{"bob@example.com"}) || !slices.Equal(f.throttle.refunded, []string{"bob@example.com"}) {
		t.Errorf("throttle calls: taken %v refunded %v", f.throttle.taken, f.throttle.refunded)
	}
	if !f.events.Has(authcore.EventLoginSuccess) {
		t.Error("no login_success event")
	}
}

func TestLoginWithNFKCEquivalentPassword(t *testing.T) {
	f := newFixture(t)
	f.register(t, "bob@example.com", "\ufb01ne-password") // "ﬁne-password"
	f.login(t, "bob@example.com", "fine-password")
}

func TestLoginSameErrorForUnknownEmailWrongPasswordDisabledUser(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice@example.com", "alice's password")
	disabled := f.register(t, "dora@example.com", "dora's password")
	if err := f.store.SetDisabled(context.Background(), disabled.User.ID, true); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, email, password string }{
		{"unknown email", "nobody@example.com", "alice's password"},
		{"wrong password", "alice@example.com", "wrong password!"},
		{"disabled user, right password", "dora@example.com", "dora's password"},
		{"malformed email", "not an email", "alice's password"},
		{"oversized password", "alice@example.com", strings.Repeat("x", authcore.MaxPasswordBytes+1)},
	}
	var messages []string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := f.svc.Login(context.Background(), tt.email, tt.password, authcore.ClientMeta{})
			// The very same error value: nothing (type, wrapping, message)
			// distinguishes the cases.
			if s != nil || err != authcore.ErrInvalidCredentials {
				t.Fatalf("Login = %v, %v; want exactly ErrInvalidCredentials", s, err)
			}
			messages = append(messages, err.Error())
		})
	}
	if len(slices.Compact(slices.Clone(messages))) != 1 {
		t.Fatalf("messages differ: %v", messages)
	}
	// Failures count against the throttle for existing and unknown
	// accounts alike, or the throttle would reveal which exist; a malformed
	// email has no account to count against.
	wantTaken := []string{"nobody@example.com", "alice@example.com", "dora@example.com", "alice@example.com"}
	if !slices.Equal(f.throttle.taken, wantTaken) {
		t.Fatalf("throttle.Take calls = %v, want %v", f.throttle.taken, wantTaken)
	}
	if len(f.throttle.refunded) != 0 {
		t.Fatalf("a failed login refunded its slot: %v", f.throttle.refunded)
	}
}

func TestDummyVerifyForUnknownUser(t *testing.T) {
	// With the only hashing slot held and no queueing allowed, any argon2
	// work fails with ErrServerBusy. That makes "did the login path run a
	// (dummy) verify?" observable without measuring time.
	f := newFixture(t, func(h *authcore.HasherOptions, _ *authcore.ServiceOptions) {
		h.MaxConcurrent, h.QueueWait = 1, -1
	})
	f.register(t, "alice@example.com", "alice's password")
	tests := []struct{ name, email, password string }{
		{"unknown email", "nobody@example.com", "some password"},
		{"malformed email", "not an email", "some password"},
		{"oversized password", "alice@example.com", strings.Repeat("x", authcore.MaxPasswordBytes+1)},
		{"known email (control)", "alice@example.com", "wrong password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := f.hasher.AcquireSlotForTest(context.Background()); err != nil {
				t.Fatal(err)
			}
			refused := f.hasher.Refused()
			_, err := f.svc.Login(context.Background(), tt.email, tt.password, authcore.ClientMeta{})
			f.hasher.ReleaseSlotForTest()
			if !errors.Is(err, authcore.ErrServerBusy) || f.hasher.Refused() != refused+1 {
				t.Fatalf("Login with the hasher saturated = %v; want ErrServerBusy, proving argon2 work was attempted", err)
			}
			_, err = f.svc.Login(context.Background(), tt.email, tt.password, authcore.ClientMeta{})
			if !errors.Is(err, authcore.ErrInvalidCredentials) {
				t.Fatalf("Login = %v, want ErrInvalidCredentials", err)
			}
		})
	}
}

func TestLoginThrottleRefusalRunsNoArgon2(t *testing.T) {
	f := newFixture(t, func(h *authcore.HasherOptions, _ *authcore.ServiceOptions) {
		h.MaxConcurrent, h.QueueWait = 1, -1
	})
	f.register(t, "alice@example.com", "alice's password")
	limited := errors.New("ratelimit: too many attempts")
	f.throttle.refuse = limited
	if err := f.hasher.AcquireSlotForTest(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer f.hasher.ReleaseSlotForTest()
	for _, email := range []string{"alice@example.com", "nobody@example.com"} {
		_, err := f.svc.Login(context.Background(), email, "alice's password", authcore.ClientMeta{})
		if err != limited { // unchanged: compared by identity
			t.Fatalf("Login = %v, want the throttle's error unchanged", err)
		}
	}
	if f.hasher.Refused() != 0 {
		t.Fatal("a throttled login attempted argon2 work")
	}
	if len(f.throttle.refunded) != 0 {
		t.Fatal("a throttled login was refunded a slot it never got")
	}
}

func TestRehashOnLoginAfterParamChange(t *testing.T) {
	f := newFixture(t)
	reg := f.register(t, "bob@example.com", "long enough password")
	stronger := authcore.NewHasher(authcore.HasherOptions{Params: authcore.Argon2Params{Memory: 128, Iterations: 2, Parallelism: 1}})
	svc := authcore.NewService(f.store, stronger, f.tokens, authcore.ServiceOptions{Now: f.clock.Now, OnEvent: f.events.On})
	if _, err := svc.Login(context.Background(), "bob@example.com", "long enough password", authcore.ClientMeta{}); err != nil {
		t.Fatalf("login after a parameter change: %v", err)
	}
	u, err := f.store.UserByID(context.Background(), reg.User.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=128,t=2,p=1$") {
		t.Fatalf("hash after login = %q, want upgraded to m=128,t=2", u.PasswordHash)
	}
	if ok, rehash, err := stronger.Verify(context.Background(), "long enough password", u.PasswordHash); !ok || rehash || err != nil {
		t.Fatalf("upgraded hash: ok=%v rehash=%v err=%v", ok, rehash, err)
	}
	if f.events.Has(authcore.EventRehashFailed) {
		t.Fatal("rehash reported as failed")
	}
}

func TestRehashFailureDoesNotFailLogin(t *testing.T) {
	f := newFixture(t)
	reg := f.register(t, "bob@example.com", "long enough password")
	f.store.failUpdateHash = errors.New("disk full")
	stronger := authcore.NewHasher(authcore.HasherOptions{Params: authcore.Argon2Params{Memory: 128, Iterations: 2, Parallelism: 1}})
	svc := authcore.NewService(f.store, stronger, f.tokens, authcore.ServiceOptions{Now: f.clock.Now, OnEvent: f.events.On})
	if _, err := svc.Login(context.Background(), "bob@example.com", "long enough password", authcore.ClientMeta{}); err != nil {
		t.Fatalf("login must succeed when the hash upgrade fails: %v", err)
	}
	if !f.events.Has(authcore.EventRehashFailed) {
		t.Fatal("no rehash_failed event")
	}
	u, _ := f.store.UserByID(context.Background(), reg.User.ID)
	if u.PasswordHash != reg.User.PasswordHash {
		t.Fatal("hash changed despite the failure")
	}
}

func TestLoginStoreErrorIsWrapped(t *testing.T) {
	f := newFixture(t)
	reg := f.register(t, "bob@example.com", "long enough password")
	// A corrupt stored hash is a server error, not "invalid credentials".
	if err := f.store.UpdatePasswordHash(context.Background(), reg.User.ID, "$2a$10$bcrypt"); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Login(context.Background(), "bob@example.com", "long enough password", authcore.ClientMeta{})
	if !errors.Is(err, authcore.ErrInvalidHash) || errors.Is(err, authcore.ErrInvalidCredentials) || !strings.HasPrefix(err.Error(), "authcore: login:") {
		t.Fatalf("Login = %v, want wrapped ErrInvalidHash", err)
	}
}

// TestLoginRefundsOnlyWhatIsNotAFailedGuess: the throttle's slot is taken
// before any argon2 work and given back for a success or for an attempt
// that ended without a verdict (hasher busy); a wrong password keeps it.
func TestLoginRefundsOnlyWhatIsNotAFailedGuess(t *testing.T) {
	f := newFixture(t, func(h *authcore.HasherOptions, _ *authcore.ServiceOptions) {
		h.MaxConcurrent, h.QueueWait = 1, -1
	})
	f.register(t, "alice@example.com", "alice's password")
	ctx := context.Background()
	if _, err := f.svc.Login(ctx, "alice@example.com", "wrong password", authcore.ClientMeta{}); !errors.Is(err, authcore.ErrInvalidCredentials) {
		t.Fatal(err)
	}
	if err := f.hasher.AcquireSlotForTest(ctx); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Login(ctx, "alice@example.com", "wrong password", authcore.ClientMeta{})
	f.hasher.ReleaseSlotForTest()
	if !errors.Is(err, authcore.ErrServerBusy) {
		t.Fatalf("Login with the hasher saturated = %v, want ErrServerBusy", err)
	}
	f.login(t, "alice@example.com", "alice's password")
	want := []string{"alice@example.com", "alice@example.com", "alice@example.com"}
	if !slices.Equal(f.throttle.taken, want) {
		t.Fatalf("taken = %v, want %v", f.throttle.taken, want)
	}
	if want := want[:2]; !slices.Equal(f.throttle.refunded, want) {
		t.Fatalf("refunded = %v, want the busy attempt and the success only", f.throttle.refunded)
	}
}
