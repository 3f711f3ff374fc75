package authcore

// DRAFT SIGNATURES — the authcore implementer replaces this file with real
// files (hasher.go, token.go, refresh.go, service.go, email.go, password.go)
// keeping these exported names and signatures exactly.

import (
	"context"
	"errors"
	"time"
)

var errUnimplemented = errors.New("unimplemented")

// Argon2Params are argon2id cost parameters. Memory is in KiB.
type Argon2Params struct {
	Memory      uint32
	Iterations  uint32
	Parallelism uint8
	SaltLength  uint32
	KeyLength   uint32
}

// DefaultArgon2Params returns the OWASP recommendation: m=19456 KiB, t=2, p=1, 16-byte salt, 32-byte key.
func DefaultArgon2Params() Argon2Params {
	return Argon2Params{Memory: 19456, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}
}

// HasherOptions configure a Hasher.
type HasherOptions struct {
	Params        Argon2Params
	MaxConcurrent int           // cap on simultaneous hash/verify operations (0 → 2*GOMAXPROCS)
	QueueWait     time.Duration // how long a caller waits for a slot before ErrServerBusy
}

// Hasher hashes and verifies passwords with argon2id in PHC format.
type Hasher struct{}

// NewHasher builds a Hasher.
func NewHasher(opts HasherOptions) *Hasher { return &Hasher{} }

// Hash returns a PHC string for password (already NFKC-normalized by the caller or by Hash itself).
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) { return "", errUnimplemented }

// Verify checks password against phc using the parameters stored in phc.
func (h *Hasher) Verify(ctx context.Context, password, phc string) (ok, needsRehash bool, err error) {
	return false, false, errUnimplemented
}

// DummyVerify spends the same time as a failed Verify, for unknown users.
func (h *Hasher) DummyVerify(ctx context.Context, password string) error { return errUnimplemented }

// InFlight reports hashes running now (a metrics gauge).
func (h *Hasher) InFlight() int { return 0 }

// Refused reports how many hash requests were refused with ErrServerBusy (a metrics counter).
func (h *Hasher) Refused() uint64 { return 0 }

// TokenOptions configure access-token signing and verification.
type TokenOptions struct {
	Secret          string
	PreviousSecrets []string
	Issuer          string
	Audience        string
	TTL             time.Duration
	Leeway          time.Duration
	CacheSize       int
	Now             func() time.Time
}

// Identity is what a verified access token says about its bearer.
type Identity struct {
	UserID    string
	Email     string
	Roles     []string
	TokenID   string
	ExpiresAt time.Time
}

// HasAnyRole reports whether the identity holds at least one of roles; an empty list always matches.
func (id *Identity) HasAnyRole(roles []string) bool { return false }

// AccessTokens issues and verifies HS256 access JWTs over a key ring.
type AccessTokens struct{}

// NewAccessTokens validates opts (secret >= 32 chars, etc.) and builds the key ring.
func NewAccessTokens(opts TokenOptions) (*AccessTokens, error) { return nil, errUnimplemented }

// Issue signs an access token for u.
func (t *AccessTokens) Issue(u *User) (token string, expiresAt time.Time, err error) {
	return "", time.Time{}, errUnimplemented
}

// Verify checks a token; failures are *TokenError.
func (t *AccessTokens) Verify(token string) (*Identity, error) { return nil, errUnimplemented }

// TTL is the access-token lifetime.
func (t *AccessTokens) TTL() time.Duration { return 0 }

// ClientMeta is recorded with refresh tokens for the user's session list.
type ClientMeta struct {
	IP        string
	UserAgent string
}

// Session is what a successful register/login/refresh hands back.
type Session struct {
	AccessToken      string
	AccessExpiresAt  time.Time
	RefreshToken     string
	RefreshExpiresAt time.Time
	User             *User
}

// Event names an auth outcome, for metrics.
type Event string

// LoginThrottle limits failed logins per account across all IPs (issue 4).
type LoginThrottle interface {
	Check(ctx context.Context, email string) error
	Failed(ctx context.Context, email string) error
	Succeeded(ctx context.Context, email string) error
}

// ServiceOptions configure a Service.
type ServiceOptions struct {
	RefreshTTL        time.Duration
	RegistrationOpen  bool
	DefaultRoles      []string
	PasswordMinLength int
	Throttle          LoginThrottle
	OnEvent           func(Event)
	Now               func() time.Time
}

// Service is the use-case layer.
type Service struct{}

// NewService wires the Service.
func NewService(store Store, hasher *Hasher, tokens *AccessTokens, opts ServiceOptions) *Service {
	return &Service{}
}

func (s *Service) Register(ctx context.Context, email, password string, meta ClientMeta) (*Session, error) {
	return nil, errUnimplemented
}
func (s *Service) Login(ctx context.Context, email, password string, meta ClientMeta) (*Session, error) {
	return nil, errUnimplemented
}
func (s *Service) Refresh(ctx context.Context, refreshToken string, meta ClientMeta) (*Session, error) {
	return nil, errUnimplemented
}
func (s *Service) Logout(ctx context.Context, refreshToken string) error { return errUnimplemented }
func (s *Service) LogoutAll(ctx context.Context, userID string) error   { return errUnimplemented }
func (s *Service) Me(ctx context.Context, userID string) (*User, error) { return nil, errUnimplemented }
