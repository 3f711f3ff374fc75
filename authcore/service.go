package authcore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
)

// ClientMeta is recorded with refresh tokens for the user's session list.
type ClientMeta struct {
	IP        string
	UserAgent string
}

// Session is what a successful register/login/refresh hands back.
// RefreshToken is the only copy of the raw token: the store keeps its hash.
type Session struct {
	AccessToken      string
	AccessExpiresAt  time.Time
	RefreshToken     string
	RefreshExpiresAt time.Time
	User             *User
}

// Event names an auth outcome, for metrics. Values are stable and few, so
// they are safe as a Prometheus label.
type Event string

// Events the Service reports through ServiceOptions.OnEvent.
const (
	EventLoginSuccess Event = "login_success"
	EventLoginFailure Event = "login_failure"
	EventRegister     Event = "register"
	EventRefresh      Event = "refresh"
	// EventRefreshReuse means a rotated refresh token came back after the
	// reuse grace: either the client raced itself or the token was stolen.
	// All of the user's sessions were revoked.
	EventRefreshReuse Event = "refresh_reuse"
	EventLogout       Event = "logout"
	// EventRehashFailed means a login succeeded but upgrading the stored
	// hash to the current parameters did not; the next login retries.
	EventRehashFailed Event = "rehash_failed"
	// EventThrottleError means LoginThrottle.Refund returned an error. The
	// login outcome is unaffected; the account keeps one slot too few.
	EventThrottleError Event = "throttle_error"
)

// LoginThrottle limits failed logins per account across all IPs (issue 4).
// Emails passed in are normalized. Take's error is returned to the caller
// unchanged, so the throttle decides how "too many attempts" looks.
//
// Every attempt is counted as a failure before its password is checked,
// and refunded when it was not one (issue 9): counting only afterwards let
// a parallel burst past the limit, each guess costing a full argon2 check.
type LoginThrottle interface {
	// Take claims one failure slot for the account, atomically, and
	// refuses the attempt when none is left.
	Take(ctx context.Context, email string) error
	// Refund returns the slot of an attempt that was not a failed guess:
	// a successful login, or one that ended without a verdict.
	Refund(ctx context.Context, email string) error
}

// ServiceOptions configure a Service. Zero values take the defaults.
type ServiceOptions struct {
	RefreshTTL time.Duration // default DefaultRefreshTTL
	// RefreshReuseGrace is how long after a rotation the rotated token may
	// come back without counting as theft (0: never; see ReplayIsReuse).
	RefreshReuseGrace time.Duration
	RegistrationOpen  bool          // false: Register returns ErrRegistrationClosed
	DefaultRoles      []string      // roles given to self-registered users
	PasswordMinLength int           // runes after NFKC; default DefaultPasswordMinLength
	Throttle          LoginThrottle // optional per-account login limiter
	OnEvent           func(Event)   // optional; called synchronously, keep it cheap
	// Revocations is this replica's revocation set (the one AccessTokens
	// checks): revocations made here apply to it at once. Nil: none.
	Revocations *Revocations
	// Publisher tells other replicas about a revocation; nil: only
	// polling spreads it (issue 13 §2).
	Publisher RevocationPublisher
	Now       func() time.Time
}

// Service is the use-case layer: every rule about who may register, log in
// and refresh lives here, over a Store, a Hasher and AccessTokens.
// It is safe for concurrent use.
type Service struct {
	store       Store
	hasher      *Hasher
	tokens      *AccessTokens
	refreshTTL  time.Duration
	reuseGrace  time.Duration
	open        bool
	roles       []string
	minLength   int
	throttle    LoginThrottle
	onEvent     func(Event)
	revocations *Revocations
	publisher   RevocationPublisher
	now         func() time.Time
}

// NewService wires the Service. Every dependency is passed in; nothing is
// looked up globally.
func NewService(store Store, hasher *Hasher, tokens *AccessTokens, opts ServiceOptions) *Service {
	s := &Service{
		store:       store,
		hasher:      hasher,
		tokens:      tokens,
		refreshTTL:  opts.RefreshTTL,
		reuseGrace:  opts.RefreshReuseGrace,
		open:        opts.RegistrationOpen,
		roles:       slices.Clone(opts.DefaultRoles),
		minLength:   opts.PasswordMinLength,
		throttle:    opts.Throttle,
		onEvent:     opts.OnEvent,
		revocations: opts.Revocations,
		publisher:   opts.Publisher,
		now:         opts.Now,
	}
	if s.refreshTTL <= 0 {
		s.refreshTTL = DefaultRefreshTTL
	}
	if s.minLength <= 0 {
		s.minLength = DefaultPasswordMinLength
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// emit reports an event if anyone listens.
func (s *Service) emit(e Event) {
	if s.onEvent != nil {
		s.onEvent(e)
	}
}

// clock returns the current time in UTC, the zone stores round-trip.
func (s *Service) clock() time.Time { return s.now().UTC() }

// newSession issues an access token and stores a new refresh token for u.
func (s *Service) newSession(ctx context.Context, op string, u *User, meta ClientMeta) (*Session, error) {
	if err := s.awaitCutoff(ctx, u.ID); err != nil {
		return nil, err
	}
	access, accessExp, err := s.tokens.Issue(u)
	if err != nil {
		return nil, fmt.Errorf("authcore: %s: %w", op, err)
	}
	raw := newRefreshToken()
	rt := s.newRefreshRecord(raw, meta)
	rt.UserID = u.ID
	if err := s.store.CreateRefreshToken(ctx, rt); err != nil {
		return nil, fmt.Errorf("authcore: %s: store refresh token: %w", op, err)
	}
	return &Session{
		AccessToken:      access,
		AccessExpiresAt:  accessExp,
		RefreshToken:     raw,
		RefreshExpiresAt: rt.ExpiresAt,
		User:             u,
	}, nil
}

// newRefreshRecord builds the stored form of raw; UserID is left to the
// caller (or, on rotation, to the store).
func (s *Service) newRefreshRecord(raw string, meta ClientMeta) *RefreshToken {
	now := s.clock()
	return &RefreshToken{
		ID:        uuid.NewString(),
		TokenHash: HashRefreshToken(raw),
		IssuedAt:  now,
		ExpiresAt: now.Add(s.refreshTTL),
		ClientIP:  meta.IP,
		UserAgent: meta.UserAgent,
	}
}

// validateCredentials normalizes email and checks both fields, returning
// one *ValidationError listing every bad field so a client can fix all of
// them in one round trip.
func (s *Service) validateCredentials(email, password string) (string, error) {
	var fields []FieldError
	normalized, code := normalizeEmail(email)
	if code != "" {
		fields = append(fields, FieldError{Field: "email", Code: code})
	}
	if code := passwordProblem(password, s.minLength); code != "" {
		fields = append(fields, FieldError{Field: "password", Code: code})
	}
	if len(fields) > 0 {
		return "", &ValidationError{Fields: fields}
	}
	return normalized, nil
}
