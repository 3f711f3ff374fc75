package authcore

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/authgate/gatewayd/internal/fielderr"
	"golang.org/x/crypto/argon2"
)

// DefaultQueueWait is how long a caller waits for a hashing slot when
// HasherOptions.QueueWait is zero.
const DefaultQueueWait = 2 * time.Second

// MinNewSaltLength is the shortest salt for NEW hashes: RFC 9106 §3.1
// recommends 128 bits. Stored hashes with shorter salts (down to the PHC
// format's 8 bytes) still verify, so raising it locks nobody out.
const MinNewSaltLength = 16

// HasherOptions configure a Hasher.
type HasherOptions struct {
	// Params are the cost parameters for new hashes; zero fields take the
	// OWASP defaults. Existing hashes keep verifying with the parameters
	// stored in them, so changing Params never locks anyone out.
	Params Argon2Params
	// MaxConcurrent caps simultaneous hash/verify operations. Zero means
	// DefaultMaxConcurrent. Peak hashing memory is MaxConcurrent ×
	// Params.Memory KiB: size containers for it.
	MaxConcurrent int
	// QueueWait is how long a caller waits for a slot before getting
	// ErrServerBusy. Zero means DefaultQueueWait; negative means do not
	// wait at all.
	QueueWait time.Duration
}

// DefaultMaxConcurrent is the hashing cap when none is configured: half
// the cores, at least one. Argon2id with p=1 keeps one core busy for its
// whole run, so a cap of GOMAXPROCS or more lets a login flood take every
// core and starve the proxied traffic the gateway exists for; measured on
// 2 cores, a cap of 4 (the old default of 2 × GOMAXPROCS) put the p99 of
// an authenticated proxied route during a flood at many times its idle
// value (bench/README.md, issue 11). Half the cores keeps the other half
// for proxying while still using the machine for logins.
func DefaultMaxConcurrent() int { return max(1, runtime.GOMAXPROCS(0)/2) }

// Hasher hashes and verifies passwords with argon2id in PHC format.
//
// Argon2id is memory-hard on purpose, so an unbounded number of concurrent
// logins would exhaust RAM. A semaphore caps the work in flight and turns
// overload into a fast, explicit ErrServerBusy (HTTP 503) instead of an
// OOM kill.
type Hasher struct {
	params    Argon2Params
	sem       chan struct{}
	queueWait time.Duration
	dummy     phcHash
	// currentCost is a moving average of how long deriving a key with the
	// current parameters takes (nanoseconds); padOutdated uses it.
	currentCost atomic.Int64
	inFlight    atomic.Int64
	refused     atomic.Uint64
	verified    atomic.Uint64
}

// Validate reports every problem with opts, after the documented zero
// defaults, as joined *fielderr.Error values ("Params.SaltLength",
// "MaxConcurrent"). NewHasher refuses exactly what Validate refuses, so a
// caller that validates first (cmd's plan, `config check`) never meets
// NewHasher's panic.
func (opts HasherOptions) Validate() error {
	params := opts.Params.withDefaults()
	errs := []error{fielderr.Prefix("Params", params.Validate())}
	if params.SaltLength < MinNewSaltLength {
		errs = append(errs, fielderr.New("Params.SaltLength", "must be at least %d bytes for new hashes", MinNewSaltLength))
	}
	if opts.MaxConcurrent < 0 {
		errs = append(errs, fielderr.New("MaxConcurrent", "must not be negative (0 means 2 × GOMAXPROCS)"))
	}
	return errors.Join(errs...)
}

// NewHasher builds a Hasher and precomputes the dummy hash DummyVerify
// compares against. It panics if opts fail Validate: configuration is
// validated before anything is built (cmd's plan), so an invalid value
// here is a programming error, like a bad regexp literal.
func NewHasher(opts HasherOptions) *Hasher {
	if err := opts.Validate(); err != nil {
		panic(fmt.Sprintf("authcore: NewHasher: %v", err))
	}
	params := opts.Params.withDefaults()
	n := opts.MaxConcurrent
	if n <= 0 {
		n = DefaultMaxConcurrent()
	}
	wait := opts.QueueWait
	if wait == 0 {
		wait = DefaultQueueWait
	}
	h := &Hasher{params: params, sem: make(chan struct{}, n), queueWait: wait}
	// The dummy hash uses the CURRENT parameters and a random password no
	// one knows, so verifying against it costs exactly what verifying a
	// real, freshly hashed account costs.
	secret := rand.Text()
	salt := randomBytes(params.SaltLength)
	start := time.Now()
	h.dummy = phcHash{params: params, salt: salt, key: derive(secret, salt, params)}
	h.currentCost.Store(int64(time.Since(start)))
	return h
}

// MaxConcurrent reports the hashing cap in force.
func (h *Hasher) MaxConcurrent() int { return cap(h.sem) }

// Params returns the parameters new hashes use.
func (h *Hasher) Params() Argon2Params { return h.params }

// Hash returns an argon2id PHC string for password with a fresh random
// salt. The password is NFKC-normalized first (see NormalizePassword).
// It waits for a slot like Verify and may return ErrServerBusy.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	password = NormalizePassword(password)
	salt := randomBytes(h.params.SaltLength)
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	key := derive(password, salt, h.params)
	h.release()
	return encodePHC(h.params, salt, key), nil
}

// Verify checks password against phc using the parameters stored in phc,
// so hashes made under older settings keep working. needsRehash is true
// only when ok and the stored parameters differ from the current ones: the
// caller should then store a fresh Hash. A phc this package cannot accept
// wraps ErrInvalidHash.
func (h *Hasher) Verify(ctx context.Context, password, phc string) (ok, needsRehash bool, err error) {
	stored, err := parsePHC(phc)
	if err != nil {
		return false, false, err
	}
	ok, took, err := h.verify(ctx, NormalizePassword(password), stored)
	if err != nil {
		return false, false, err
	}
	if !ok {
		if stored.params != h.params {
			h.padOutdated(ctx, took)
		}
		return false, false, nil
	}
	return true, stored.params != h.params, nil
}

// padOutdated makes a failed Verify against a hash with older (cheaper)
// parameters last as long as one with the current parameters, which is
// what DummyVerify costs for an unknown email (issue 11). Without it, a
// wrong password for a dormant account that still has a pre-upgrade hash
// answers measurably faster than an unknown email, and tells an attacker
// the account exists. The wait is a sleep, outside the hashing slot: it
// costs no CPU or memory. It cannot help when the stored parameters are
// costlier than the current ones (the cost was lowered): SECURITY.md
// documents that residual.
func (h *Hasher) padOutdated(ctx context.Context, took time.Duration) {
	wait := time.Duration(h.currentCost.Load()) - took
	if wait <= 0 {
		return
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// Outdated reports whether a stored hash was made with parameters other
// than the current ones (or cannot be parsed), for the operator's count of
// hashes an upgrade has not reached yet (`gatewayd users list`).
func (h *Hasher) Outdated(phc string) bool {
	stored, err := parsePHC(phc)
	return err != nil || stored.params != h.params
}

// DummyVerify spends the same time as a failed Verify, for unknown users:
// without it, "no such email" would answer in microseconds and "wrong
// password" in tens of milliseconds, and the difference enumerates
// accounts. It takes a semaphore slot like Verify, so it also counts
// against capacity exactly like a real attempt. Only ErrServerBusy or a
// context error are returned.
func (h *Hasher) DummyVerify(ctx context.Context, password string) error {
	_, _, err := h.verify(ctx, NormalizePassword(password), h.dummy)
	return err
}

// InFlight reports hashes running now (a metrics gauge).
func (h *Hasher) InFlight() int { return int(h.inFlight.Load()) }

// Refused reports how many hash requests were refused with ErrServerBusy (a metrics counter).
func (h *Hasher) Refused() uint64 { return h.refused.Load() }

// Verified reports how many password verifications (real and dummy) ran
// argon2. It is how a test proves that a throttled login cost no hashing,
// without measuring time.
func (h *Hasher) Verified() uint64 { return h.verified.Load() }

// verify derives a key for the normalized password with stored's own
// parameters, compares it in constant time, and reports how long deriving
// took (the wait for a slot excluded).
func (h *Hasher) verify(ctx context.Context, password string, stored phcHash) (bool, time.Duration, error) {
	if err := h.acquire(ctx); err != nil {
		return false, 0, err
	}
	start := time.Now()
	key := derive(password, stored.salt, stored.params)
	took := time.Since(start)
	h.release()
	h.verified.Add(1)
	if stored.params == h.params {
		// Moving average over 8 runs, so the padding follows the machine's
		// load without one slow run setting it. Racing updates may lose
		// one sample; that only blurs the average.
		old := h.currentCost.Load()
		h.currentCost.Store(old + (int64(took)-old)/8)
	}
	// Constant-time so the comparison leaks nothing about how many leading
	// bytes matched.
	return subtle.ConstantTimeCompare(key, stored.key) == 1, took, nil
}

// acquire takes a hashing slot, waiting at most queueWait.
func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		h.inFlight.Add(1)
		return nil
	default:
	}
	if h.queueWait < 0 {
		h.refused.Add(1)
		return ErrServerBusy
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("authcore: waiting for a hashing slot: %w", err)
	}
	timer := time.NewTimer(h.queueWait)
	defer timer.Stop()
	select {
	case h.sem <- struct{}{}:
		h.inFlight.Add(1)
		return nil
	case <-timer.C:
		h.refused.Add(1)
		return ErrServerBusy
	case <-ctx.Done():
		return fmt.Errorf("authcore: waiting for a hashing slot: %w", ctx.Err())
	}
}

// release returns a slot taken by acquire.
func (h *Hasher) release() {
	h.inFlight.Add(-1)
	<-h.sem
}

func derive(password string, salt []byte, p Argon2Params) []byte {
	return argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLength)
}

// randomBytes reads n bytes from crypto/rand, which never fails (Go 1.24+
// crashes the program instead of returning weak randomness).
func randomBytes(n uint32) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}
