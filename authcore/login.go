package authcore

import (
	"context"
	"errors"
	"fmt"
)

// Register creates an account with the DefaultRoles and signs it in. It
// returns ErrRegistrationClosed when self-service sign-up is off, one
// *ValidationError listing every bad field, or ErrEmailTaken.
func (s *Service) Register(ctx context.Context, email, password string, meta ClientMeta) (*Session, error) {
	if !s.open {
		return nil, ErrRegistrationClosed
	}
	u, err := s.createUser(ctx, "register", email, password, s.roles)
	if err != nil {
		return nil, err
	}
	sess, err := s.newSession(ctx, "register", u, meta)
	if err != nil {
		return nil, err
	}
	s.emit(EventRegister)
	return sess, nil
}

// Login checks credentials and opens a session.
//
// Security: unknown email, wrong password and disabled account all return
// the same ErrInvalidCredentials after the same argon2 work (a dummy verify
// when there is no hash to check), so neither the answer nor its timing
// tells an attacker which accounts exist. The throttle counts unknown
// emails too, or it would become that oracle. It takes its slot before any
// argon2 work, so a refusal costs none, and a parallel burst gets at most
// the limit's number of password checks (issue 9).
func (s *Service) Login(ctx context.Context, email, password string, meta ClientMeta) (*Session, error) {
	normalized, code := normalizeEmail(email)
	if code != "" {
		if err := s.hasher.DummyVerify(ctx, boundPassword(password)); err != nil {
			return nil, fmt.Errorf("authcore: login: %w", err)
		}
		s.emit(EventLoginFailure)
		return nil, ErrInvalidCredentials
	}
	if s.throttle != nil {
		if err := s.throttle.Take(ctx, normalized); err != nil {
			return nil, err
		}
	}
	sess, err := s.login(ctx, normalized, password, meta)
	if s.throttle != nil && !errors.Is(err, ErrInvalidCredentials) {
		// A success, or no verdict at all (hasher busy, store down): only
		// a wrong guess keeps its slot. WithoutCancel: a client that hangs
		// up after a correct password must still get its slot back; the
		// throttle bounds the call with its own timeout.
		s.throttleNote(s.throttle.Refund(context.WithoutCancel(ctx), normalized))
	}
	return sess, err
}

// login is Login after the email is normalized and the throttle's slot is
// taken.
func (s *Service) login(ctx context.Context, normalized, password string, meta ClientMeta) (*Session, error) {
	if len(password) > MaxPasswordBytes {
		// Registration never accepts such a password, so it cannot match;
		// the dummy verify keeps the cost uniform.
		return s.loginFailed(ctx, password, true)
	}
	u, err := s.store.UserByEmail(ctx, normalized)
	if errors.Is(err, ErrNotFound) {
		return s.loginFailed(ctx, password, true)
	}
	if err != nil {
		return nil, fmt.Errorf("authcore: login: %w", err)
	}
	// A disabled account's password is still verified, so disabled and
	// active accounts cost the same.
	ok, needsRehash, err := s.hasher.Verify(ctx, password, u.PasswordHash)
	if err != nil {
		return nil, fmt.Errorf("authcore: login: %w", err)
	}
	if !ok || u.Disabled {
		return s.loginFailed(ctx, "", false)
	}
	if needsRehash {
		s.upgradeHash(ctx, u, password)
	}
	sess, err := s.newSession(ctx, "login", u, meta)
	if err != nil {
		return nil, err
	}
	s.emit(EventLoginSuccess)
	return sess, nil
}

// loginFailed finishes a failed login: the dummy verify when no real hash
// was checked, the event and the one error. The throttle slot taken before
// the check stays used.
func (s *Service) loginFailed(ctx context.Context, password string, dummy bool) (*Session, error) {
	if dummy {
		if err := s.hasher.DummyVerify(ctx, boundPassword(password)); err != nil {
			return nil, fmt.Errorf("authcore: login: %w", err)
		}
	}
	s.emit(EventLoginFailure)
	return nil, ErrInvalidCredentials
}

// throttleNote reports a Refund error as an event. Such an error must not
// change the login's answer: the credentials were checked, and the
// throttle's own store-failure policy decides how it degrades.
func (s *Service) throttleNote(err error) {
	if err != nil {
		s.emit(EventThrottleError)
	}
}

// upgradeHash re-hashes password with the current parameters after a
// successful login, the only moment the plain password is available. A
// failure is not a login failure; it is reported and retried next login.
func (s *Service) upgradeHash(ctx context.Context, u *User, password string) {
	hash, err := s.hasher.Hash(ctx, password)
	if err == nil {
		err = s.store.UpdatePasswordHash(ctx, u.ID, hash)
	}
	if err != nil {
		s.emit(EventRehashFailed)
		return
	}
	u.PasswordHash = hash
}

// boundPassword caps the input a dummy verify normalizes and hashes.
func boundPassword(password string) string {
	if len(password) > MaxPasswordBytes {
		return password[:MaxPasswordBytes]
	}
	return password
}

// createUser validates, hashes and stores a new account.
func (s *Service) createUser(ctx context.Context, op, email, password string, roles []string) (*User, error) {
	normalized, err := s.validateCredentials(email, password)
	if err != nil {
		return nil, err
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return nil, fmt.Errorf("authcore: %s: %w", op, err)
	}
	u := &User{
		ID:           newUserID(),
		Email:        normalized,
		PasswordHash: hash,
		Roles:        append([]string{}, roles...),
	}
	if err := s.store.CreateUser(ctx, u); err != nil {
		return nil, fmt.Errorf("authcore: %s: %w", op, err)
	}
	return u, nil
}
