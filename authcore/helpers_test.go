package authcore_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

// testSecret is 48 characters, like `openssl rand -base64 32` output.
const testSecret = "test-secret-0123456789abcdefghijklmnopqrstuvwxyz"

// fastParams keep argon2 cheap in tests that are not about its cost.
var fastParams = authcore.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// fakeClock is an injectable clock; tests advance it instead of sleeping.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// events records Service events.
type events struct {
	mu   sync.Mutex
	list []authcore.Event
}

func (e *events) On(ev authcore.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, ev)
}

func (e *events) Has(ev authcore.Event) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Contains(e.list, ev)
}

// throttle records LoginThrottle calls and can refuse.
type throttle struct {
	mu              sync.Mutex
	refuse          error
	taken, refunded []string
}

func (t *throttle) Take(_ context.Context, email string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.taken = append(t.taken, email)
	return t.refuse
}

func (t *throttle) Refund(_ context.Context, email string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.refunded = append(t.refunded, email)
	return nil
}

// fixture is a Service over a memStore with a fake clock.
type fixture struct {
	store    *memStore
	hasher   *authcore.Hasher
	tokens   *authcore.AccessTokens
	clock    *fakeClock
	events   *events
	throttle *throttle
	revs     *authcore.Revocations
	svc      *authcore.Service
}

type fixtureOpt func(*authcore.HasherOptions, *authcore.ServiceOptions)

func newFixture(t *testing.T, opts ...fixtureOpt) *fixture {
	t.Helper()
	f := &fixture{store: newMemStore(), clock: newClock(), events: &events{}, throttle: &throttle{}, revs: authcore.NewRevocations()}
	hopts := authcore.HasherOptions{Params: fastParams}
	sopts := authcore.ServiceOptions{
		RegistrationOpen: true,
		DefaultRoles:     []string{"user"},
		Throttle:         f.throttle,
		OnEvent:          f.events.On,
		Revocations:      f.revs,
		Now:              f.clock.Now,
	}
	for _, o := range opts {
		o(&hopts, &sopts)
	}
	f.hasher = authcore.NewHasher(hopts)
	var err error
	f.tokens, err = authcore.NewAccessTokens(authcore.TokenOptions{Secret: testSecret, Revocations: f.revs, Now: f.clock.Now})
	if err != nil {
		t.Fatalf("NewAccessTokens: %v", err)
	}
	f.svc = authcore.NewService(f.store, f.hasher, f.tokens, sopts)
	return f
}

func (f *fixture) register(t *testing.T, email, password string) *authcore.Session {
	t.Helper()
	s, err := f.svc.Register(context.Background(), email, password, authcore.ClientMeta{IP: "192.0.2.1", UserAgent: "test"})
	if err != nil {
		t.Fatalf("Register(%q): %v", email, err)
	}
	return s
}

func (f *fixture) login(t *testing.T, email, password string) *authcore.Session {
	t.Helper()
	s, err := f.svc.Login(context.Background(), email, password, authcore.ClientMeta{IP: "192.0.2.1", UserAgent: "test"})
	if err != nil {
		t.Fatalf("Login(%q): %v", email, err)
	}
	return s
}

// validationCodes returns "field:code" for every entry of a *ValidationError.
func validationCodes(t *testing.T, err error) []string {
	t.Helper()
	var ve *authcore.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v is not a *ValidationError", err)
	}
	var out []string
	for _, f := range ve.Fields {
		out = append(out, f.Field+":"+f.Code)
	}
	return out
}
