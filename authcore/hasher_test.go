package authcore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

func TestArgon2idOWASPDefaultsAndPerUserSalt(t *testing.T) {
	h := authcore.NewHasher(authcore.HasherOptions{})
	if got, want := h.Params(), authcore.DefaultArgon2Params(); got != want {
		t.Fatalf("Params() = %+v, want OWASP defaults %+v", got, want)
	}
	ctx := context.Background()
	a, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatal("two hashes of one password are equal: salt is not random")
	}
	for _, phc := range []string{a, b} {
		if !strings.HasPrefix(phc, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Errorf("hash %q does not carry the OWASP parameters", phc)
		}
		parts := strings.Split(phc, "$")
		// 16-byte salt and 32-byte key in unpadded base64: 22 and 43 chars.
		if len(parts) != 6 || len(parts[4]) != 22 || len(parts[5]) != 43 {
			t.Errorf("hash %q is not a PHC string with 16-byte salt and 32-byte key", phc)
		}
		ok, rehash, err := h.Verify(ctx, "correct horse battery staple", phc)
		if err != nil || !ok || rehash {
			t.Errorf("Verify(right password) = %v, %v, %v; want true, false, nil", ok, rehash, err)
		}
	}
}

func TestVerifyRejectsWrongPassword(t *testing.T) {
	h := authcore.NewHasher(authcore.HasherOptions{Params: fastParams})
	phc, err := h.Hash(context.Background(), "password-one")
	if err != nil {
		t.Fatal(err)
	}
	ok, rehash, err := h.Verify(context.Background(), "password-two", phc)
	if err != nil || ok || rehash {
		t.Fatalf("Verify(wrong password) = %v, %v, %v; want false, false, nil", ok, rehash, err)
	}
}

func TestVerifyReadsParamsFromStoredHash(t *testing.T) {
	ctx := context.Background()
	old := authcore.NewHasher(authcore.HasherOptions{Params: fastParams})
	phc, err := old.Hash(ctx, "s3cret-passphrase")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		params     authcore.Argon2Params
		wantRehash bool
	}{
		{"same params", fastParams, false},
		{"more memory", authcore.Argon2Params{Memory: 128, Iterations: 1, Parallelism: 1}, true},
		{"more iterations", authcore.Argon2Params{Memory: 64, Iterations: 3, Parallelism: 1}, true},
		{"more parallelism", authcore.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 2}, true},
		{"longer key", authcore.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, KeyLength: 64}, true},
		{"longer salt", authcore.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 32}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := authcore.NewHasher(authcore.HasherOptions{Params: tt.params})
			ok, rehash, err := h.Verify(ctx, "s3cret-passphrase", phc)
			if err != nil || !ok {
				t.Fatalf("Verify = %v, %v; a parameter change must never lock anyone out", ok, err)
			}
			if rehash != tt.wantRehash {
				t.Errorf("needsRehash = %v, want %v", rehash, tt.wantRehash)
			}
		})
	}
}

func TestVerifyRejectsAbsurdStoredParams(t *testing.T) {
	h := authcore.NewHasher(authcore.HasherOptions{Params: fastParams})
	const salt, key = "c2FsdHNhbHRzYWx0c2FsdA", "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"
	tests := []struct{ name, phc string }{
		{"memory above 4 GiB", "$argon2id$v=19$m=4194305,t=1,p=1$" + salt + "$" + key},
		{"memory overflows uint32", "$argon2id$v=19$m=99999999999,t=1,p=1$" + salt + "$" + key},
		{"parallelism zero", "$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key},
		{"parallelism above 255", "$argon2id$v=19$m=4096,t=1,p=256$" + salt + "$" + key},
		{"iterations zero", "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key},
		{"iterations absurd", "$argon2id$v=19$m=64,t=100000,p=1$" + salt + "$" + key},
		{"memory below 8p", "$argon2id$v=19$m=8,t=1,p=4$" + salt + "$" + key},
		{"short salt", "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$" + key},
		{"short key", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$a2V5"},
		{"argon2i", "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key},
		{"old version", "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key},
		{"params out of order", "$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key},
		{"padded base64", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key},
		{"extra field", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key + "$x"},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"empty", ""},
		{"huge", "$argon2id$v=19$m=64,t=1,p=1$" + strings.Repeat("A", 5000) + "$" + key},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, _, err := h.Verify(context.Background(), "pw", tt.phc)
			if ok || !errors.Is(err, authcore.ErrInvalidHash) {
				t.Fatalf("Verify = %v, %v; want ErrInvalidHash", ok, err)
			}
		})
	}
}

func TestNewHasherPanicsOnInvalidParams(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("NewHasher accepted 8 GiB of memory per hash")
		}
	}()
	authcore.NewHasher(authcore.HasherOptions{Params: authcore.Argon2Params{Memory: 8 << 20}})
}

func TestArgon2ParamsValidate(t *testing.T) {
	tests := []struct {
		name string
		p    authcore.Argon2Params
		ok   bool
	}{
		{"defaults", authcore.DefaultArgon2Params(), true},
		{"zero", authcore.Argon2Params{}, false},
		{"no parallelism", authcore.Argon2Params{Memory: 64, Iterations: 1, SaltLength: 16, KeyLength: 32}, false},
		{"salt too short", authcore.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 4, KeyLength: 32}, false},
		{"key too short", authcore.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 8}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.p.Validate(); (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestHashConcurrencyCapReturnsServerBusy(t *testing.T) {
	ctx := context.Background()
	h := authcore.NewHasher(authcore.HasherOptions{Params: fastParams, MaxConcurrent: 2, QueueWait: 10 * time.Millisecond})
	phc, err := h.Hash(ctx, "password")
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := h.AcquireSlotForTest(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := h.InFlight(); got != 2 {
		t.Fatalf("InFlight() = %d, want 2", got)
	}
	ops := map[string]func() error{
		"Hash":        func() error { _, err := h.Hash(ctx, "password"); return err },
		"Verify":      func() error { _, _, err := h.Verify(ctx, "password", phc); return err },
		"DummyVerify": func() error { return h.DummyVerify(ctx, "password") },
	}
	refused := h.Refused()
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			if err := op(); !errors.Is(err, authcore.ErrServerBusy) {
				t.Fatalf("%s with every slot taken = %v, want ErrServerBusy", name, err)
			}
			refused++
			if got := h.Refused(); got != refused {
				t.Fatalf("Refused() = %d, want %d", got, refused)
			}
		})
	}
	h.ReleaseSlotForTest()
	if _, err := h.Hash(ctx, "password"); err != nil {
		t.Fatalf("Hash after a slot was freed: %v", err)
	}
	h.ReleaseSlotForTest()
	if got := h.InFlight(); got != 0 {
		t.Fatalf("InFlight() after release = %d, want 0", got)
	}
}

func TestHashWaitsForFreedSlot(t *testing.T) {
	ctx := context.Background()
	h := authcore.NewHasher(authcore.HasherOptions{Params: fastParams, MaxConcurrent: 1, QueueWait: time.Minute})
	if err := h.AcquireSlotForTest(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := h.Hash(ctx, "password"); done <- err }()
	h.ReleaseSlotForTest()
	if err := <-done; err != nil {
		t.Fatalf("Hash waiting for a slot: %v", err)
	}
}

func TestHashQueueRespectsContext(t *testing.T) {
	h := authcore.NewHasher(authcore.HasherOptions{Params: fastParams, MaxConcurrent: 1, QueueWait: time.Hour})
	if err := h.AcquireSlotForTest(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer h.ReleaseSlotForTest()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := h.Hash(ctx, "password"); done <- err }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Hash with cancelled context = %v, want context.Canceled", err)
	}
	if h.Refused() != 0 {
		t.Fatal("a cancelled wait counted as refused")
	}
}

func TestHashNegativeQueueWaitFailsFast(t *testing.T) {
	h := authcore.NewHasher(authcore.HasherOptions{Params: fastParams, MaxConcurrent: 1, QueueWait: -1})
	if err := h.AcquireSlotForTest(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer h.ReleaseSlotForTest()
	// A context with no deadline and a one-hour wait would hang here if the
	// negative QueueWait were ignored.
	if _, err := h.Hash(context.Background(), "password"); !errors.Is(err, authcore.ErrServerBusy) {
		t.Fatalf("Hash = %v, want ErrServerBusy", err)
	}
}

func TestPasswordNFKCBeforeHashAndVerify(t *testing.T) {
	ctx := context.Background()
	h := authcore.NewHasher(authcore.HasherOptions{Params: fastParams})
	tests := []struct{ name, stored, typed string }{
		{"ligature fi", "\ufb01sh-and-chips", "fish-and-chips"},
		{"composed vs decomposed e-acute", "caf\u00e9-au-lait", "cafe\u0301-au-lait"},
		{"fullwidth digits", "pin-\uff11\uff12\uff13\uff14", "pin-1234"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			phc, err := h.Hash(ctx, tt.stored)
			if err != nil {
				t.Fatal(err)
			}
			if ok, _, err := h.Verify(ctx, tt.typed, phc); err != nil || !ok {
				t.Fatalf("Verify(%q) against hash of %q = %v, %v; want match", tt.typed, tt.stored, ok, err)
			}
		})
	}
}

// TestOutdatedHashesAreCounted: Outdated tells the operator which stored
// hashes an upgrade of the argon2 parameters has not reached yet (issue
// 11); `gatewayd users list` counts them.
func TestOutdatedHashesAreCounted(t *testing.T) {
	ctx := t.Context()
	old := authcore.NewHasher(authcore.HasherOptions{Params: authcore.Argon2Params{Memory: 1024, Iterations: 1}})
	now := authcore.NewHasher(authcore.HasherOptions{Params: authcore.Argon2Params{Memory: 2048, Iterations: 1}})
	oldHash, err := old.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	newHash, err := now.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, phc string
		want      bool
	}{
		{"older parameters", oldHash, true},
		{"current parameters", newHash, false},
		{"not a PHC string", "garbage", true},
	} {
		if got := now.Outdated(c.phc); got != c.want {
			t.Errorf("%s: Outdated = %v, want %v", c.name, got, c.want)
		}
	}
	// A wrong password against the outdated hash is still just false.
	if ok, rehash, err := now.Verify(ctx, "wrong password", oldHash); ok || rehash || err != nil {
		t.Errorf("Verify(wrong, outdated) = %v, %v, %v", ok, rehash, err)
	}
}
