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
// tells an attacker which accounts exist. Throttle failures are counted
// for unknown emails too, or the throttle itself would become that oracle.
// A throttle refusal is returned unchanged and costs no argon2 work.
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
		if err := s.throttle.Check(ctx, normalized); err != nil {
			return nil, err
		}
	}
	if len(password) > MaxPasswordBytes {
		// Registration never accepts such a password, so it cannot match;
		// the dummy verify keeps the cost uniform.
		return s.loginFailed(ctx, normalized, password, true)
	}
	u, err := s.store.UserByEmail(ctx, normalized)
	if errors.Is(err, ErrNotFound) {
		return s.loginFailed(ctx, normalized, password, true)
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
		return s.loginFailed(ctx, normalized, "", false)
	}
	if s.throttle != nil {
		s.throttleNote(s.throttle.Succeeded(ctx, normalized))
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
// was checked, the throttle count, the event and the one error.
func (s *Service) loginFailed(ctx context.Context, email, password string, dummy bool) (*Session, error) {
	if dummy {
		if err := s.hasher.DummyVerify(ctx, boundPassword(password)); err != nil {
			return nil, fmt.Errorf("authcore: login: %w", err)
		}
	}
	if s.throttle != nil {
		s.throttleNote(s.throttle.Failed(ctx, email))
	}
	s.emit(EventLoginFailure)
	return nil, ErrInvalidCredentials
}

// throttleNote reports a Failed/Succeeded error as an event. Such an error
// must not change the login's answer: the credentials were checked, and
// the throttle's own store-failure policy decides how it degrades.
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
