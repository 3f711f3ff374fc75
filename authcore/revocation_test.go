package authcore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

// TestRevocationCutoffIsTheNextWholeSecond: iat has one-second precision,
// so a revocation at 10.7 s must reject every iat=10 token.
func TestRevocationCutoffIsTheNextWholeSecond(t *testing.T) {
	base := time.Date(2030, 1, 2, 3, 4, 10, 0, time.UTC)
	for _, tt := range []struct {
		at   time.Duration
		want time.Time
	}{
		{0, base.Add(time.Second)},
		{700 * time.Millisecond, base.Add(time.Second)},
		{999 * time.Millisecond, base.Add(time.Second)},
	} {
		if got := authcore.RevocationCutoff(base.Add(tt.at)); !got.Equal(tt.want) {
			t.Errorf("RevocationCutoff(+%v) = %v, want %v", tt.at, got, tt.want)
		}
	}
}

// revokedActions are the operations that must end a user's access tokens
// (issue 13 §2). Each gets a registered user and its session.
var revokedActions = []struct {
	name string
	do   func(t *testing.T, f *fixture, s *authcore.Session)
}{
	{"users disable", func(t *testing.T, f *fixture, s *authcore.Session) {
		if err := f.svc.SetDisabled(context.Background(), s.User.Email, true); err != nil {
			t.Fatal(err)
		}
	}},
	{"users revoke-sessions", func(t *testing.T, f *fixture, s *authcore.Session) {
		if _, err := f.svc.RevokeSessions(context.Background(), s.User.Email); err != nil {
			t.Fatal(err)
		}
	}},
	{"logout-all", func(t *testing.T, f *fixture, s *authcore.Session) {
		if err := f.svc.LogoutAll(context.Background(), s.User.ID); err != nil {
			t.Fatal(err)
		}
	}},
	{"users set-roles", func(t *testing.T, f *fixture, s *authcore.Session) {
		if err := f.svc.SetRoles(context.Background(), s.User.Email, []string{}); err != nil {
			t.Fatal(err)
		}
	}},
	{"refresh-token reuse", func(t *testing.T, f *fixture, s *authcore.Session) {
		if _, err := refresh(f, s.RefreshToken); err != nil {
			t.Fatal(err)
		}
		_, err := refresh(f, s.RefreshToken) // the replay
		if !errors.Is(err, authcore.ErrRefreshTokenReused) {
			t.Fatalf("replay: %v, want reuse", err)
		}
	}},
}

// TestAccessTokenIssuedBeforeRevocationIsRejected: each revoking action
// kills a token issued earlier in the same second (the iat granularity
// trap), cached or not, and records the cutoff in the store.
func TestAccessTokenIssuedBeforeRevocationIsRejected(t *testing.T) {
	for _, a := range revokedActions {
		t.Run(a.name, func(t *testing.T) {
			f := newFixture(t)
			f.clock.Advance(200 * time.Millisecond) // 12:00:00.2
			s := f.register(t, "ada@example.com", "long enough password")
			if _, err := f.tokens.Verify(s.AccessToken); err != nil {
				t.Fatalf("fresh token: %v", err) // now in the verified-token cache
			}
			f.clock.Advance(500 * time.Millisecond) // 12:00:00.7, same iat second
			a.do(t, f, s)
			_, err := f.tokens.Verify(s.AccessToken)
			wantReason(t, nil, err, authcore.TokenRevoked)
			revs, err := f.store.RevocationsSince(context.Background(), time.Time{})
			if err != nil || len(revs) != 1 || revs[0].UserID != s.User.ID {
				t.Fatalf("store revocations = %v, %v; want the user's", revs, err)
			}
		})
	}
}

// TestLoginAfterRevocationWorks: on the real clock, a login right after a
// revocation (the same second, most of the time) yields a token that is
// valid at once even with zero leeway, while the old token stays dead.
func TestLoginAfterRevocationWorks(t *testing.T) {
	revs := authcore.NewRevocations()
	tokens, err := authcore.NewAccessTokens(authcore.TokenOptions{Secret: testSecret, Leeway: 0, Revocations: revs})
	if err != nil {
		t.Fatal(err)
	}
	store := newMemStore()
	svc := authcore.NewService(store, authcore.NewHasher(authcore.HasherOptions{Params: fastParams}), tokens,
		authcore.ServiceOptions{RegistrationOpen: true, Revocations: revs})
	ctx := context.Background()
	before, err := svc.Register(ctx, "ada@example.com", "long enough password", authcore.ClientMeta{})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.LogoutAll(ctx, before.User.ID); err != nil {
		t.Fatal(err)
	}
	after, err := svc.Login(ctx, "ada@example.com", "long enough password", authcore.ClientMeta{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.Verify(after.AccessToken); err != nil {
		t.Fatalf("token from the login after the revocation: %v", err)
	}
	_, err = tokens.Verify(before.AccessToken)
	wantReason(t, nil, err, authcore.TokenRevoked)
}

// TestRevocationsNeverMoveBack: a stale message or poll cannot revive
// tokens a newer revocation killed.
func TestRevocationsNeverMoveBack(t *testing.T) {
	r := authcore.NewRevocations()
	now := time.Unix(1_900_000_000, 0)
	if n := r.Apply(authcore.Revocation{UserID: "u", Before: now}); n != 1 {
		t.Fatalf("Apply = %d, want 1", n)
	}
	if n := r.Apply(authcore.Revocation{UserID: "u", Before: now.Add(-time.Minute)}); n != 0 {
		t.Fatalf("older Apply = %d, want 0", n)
	}
	if !r.Revoked("u", now.Unix()-1) || r.Revoked("u", now.Unix()) || r.Revoked("other", 0) {
		t.Fatal("Revoked answers do not follow iat < cutoff for the user")
	}
	r.Prune(now.Add(-time.Second))
	if r.Len() != 1 {
		t.Fatal("Prune dropped a cutoff younger than the window")
	}
	r.Prune(now)
	if r.Len() != 0 {
		t.Fatal("Prune kept a cutoff older than the window")
	}
}

// TestRevocationWakesOnlyCoveredWatchers: a stream opened with a token
// issued after the cutoff is not closed by it; one opened before is.
func TestRevocationWakesOnlyCoveredWatchers(t *testing.T) {
	r := authcore.NewRevocations()
	now := time.Unix(1_900_000_000, 0)
	old, stopOld := r.Watch("u", now.Add(-time.Minute))
	defer stopOld()
	fresh, stopFresh := r.Watch("u", now.Add(time.Second))
	defer stopFresh()
	other, stopOther := r.Watch("v", now.Add(-time.Minute))
	defer stopOther()
	r.Apply(authcore.Revocation{UserID: "u", Before: now})
	select {
	case <-old:
	default:
		t.Fatal("the stream of a revoked token was not woken")
	}
	for name, ch := range map[string]<-chan struct{}{"newer token": fresh, "other user": other} {
		select {
		case <-ch:
			t.Errorf("%s woken", name)
		default:
		}
	}
	// Watching an already revoked token wakes at once.
	late, stop := r.Watch("u", now.Add(-time.Hour))
	defer stop()
	select {
	case <-late:
	default:
		t.Fatal("a watch on an already revoked token was not woken")
	}
}

// TestSyncLoadsRecentRevocationsAndPrunesOld: the startup load and the
// poll pick up cutoffs stored by another replica and forget old ones.
func TestSyncLoadsRecentRevocationsAndPrunesOld(t *testing.T) {
	f := newFixture(t)
	s := f.register(t, "ada@example.com", "long enough password")
	if _, err := f.svc.RevokeSessions(context.Background(), s.User.Email); err != nil {
		t.Fatal(err)
	}
	other := authcore.NewRevocations() // another replica's set
	n, err := other.Sync(context.Background(), f.store, f.clock.Now(), time.Minute)
	if err != nil || n != 1 || other.Len() != 1 {
		t.Fatalf("Sync = %d, %v (len %d); want the one revocation", n, err, other.Len())
	}
	if _, err := other.Sync(context.Background(), f.store, f.clock.Now().Add(time.Hour), time.Minute); err != nil {
		t.Fatal(err)
	}
	if other.Len() != 0 {
		t.Fatal("a cutoff older than the window survived Sync")
	}
}

// TestCachedTokenOfRevokedUserIsRejected: the verified-token cache never
// answers for a token whose user was revoked after it was cached, and the
// uncached path agrees (issue 13 §2).
func TestCachedTokenOfRevokedUserIsRejected(t *testing.T) {
	for name, size := range map[string]int{"cached": 0, "cache off": -1} {
		t.Run(name, func(t *testing.T) {
			clock := newClock()
			revs := authcore.NewRevocations()
			tokens := newTokens(t, clock, func(o *authcore.TokenOptions) { o.Revocations = revs; o.CacheSize = size })
			tok := issue(t, tokens)
			if _, err := tokens.Verify(tok); err != nil {
				t.Fatal(err)
			}
			revs.Apply(authcore.Revocation{UserID: "someone-else", Before: authcore.RevocationCutoff(clock.Now())})
			if _, err := tokens.Verify(tok); err != nil {
				t.Fatalf("another user's revocation rejected this token: %v", err)
			}
			revs.Apply(authcore.Revocation{UserID: testUser.ID, Before: authcore.RevocationCutoff(clock.Now())})
			id, err := tokens.Verify(tok)
			wantReason(t, id, err, authcore.TokenRevoked)
		})
	}
}

// failingPublisher records what it was asked to publish and fails.
type failingPublisher struct{ got []authcore.Revocation }

func (p *failingPublisher) PublishRevocation(_ context.Context, rev authcore.Revocation) error {
	p.got = append(p.got, rev)
	return errors.New("redis down")
}

// TestRevocationStandsWhenPublishingFails: a Redis failure does not fail
// the logout; the revocation is stored (other replicas poll it) and
// applied here, and the failure is reported as an event.
func TestRevocationStandsWhenPublishingFails(t *testing.T) {
	pub := &failingPublisher{}
	f := newFixture(t, func(_ *authcore.HasherOptions, o *authcore.ServiceOptions) { o.Publisher = pub })
	s := f.register(t, "ada@example.com", "long enough password")
	if err := f.svc.LogoutAll(context.Background(), s.User.ID); err != nil {
		t.Fatalf("LogoutAll with Redis down: %v", err)
	}
	if len(pub.got) != 1 || pub.got[0].UserID != s.User.ID {
		t.Fatalf("published %v, want the user's revocation", pub.got)
	}
	if !f.events.Has(authcore.EventRevocationPublishFailed) {
		t.Error("no revocation_publish_failed event")
	}
	if _, err := f.tokens.Verify(s.AccessToken); !errors.Is(err, authcore.ErrInvalidToken) {
		t.Fatalf("token after LogoutAll: %v, want revoked", err)
	}
	if revs, _ := f.store.RevocationsSince(context.Background(), time.Time{}); len(revs) != 1 {
		t.Fatalf("stored revocations %v, want one", revs)
	}
}
