package authcore

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/authgate/gatewayd/internal/fielderr"
	"golang.org/x/crypto/argon2"
)

// Argon2Params are argon2id cost parameters. Memory is in KiB.
type Argon2Params struct {
	Memory      uint32 // KiB
	Iterations  uint32
	Parallelism uint8
	SaltLength  uint32 // bytes
	KeyLength   uint32 // bytes
}

// DefaultArgon2Params returns the OWASP Password Storage Cheat Sheet
// recommendation: m=19456 KiB, t=2, p=1, 16-byte salt, 32-byte key. It is a
// function, not a variable, so nobody can change the defaults at run time.
func DefaultArgon2Params() Argon2Params {
	return Argon2Params{Memory: 19456, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}
}

// Bounds on parameters, whether configured or read from a stored hash. A
// stored hash is data, and data can be corrupt or planted: without bounds,
// one row saying m=4294967295 would make every login for that email try to
// allocate 4 TiB.
const (
	maxArgon2MemoryKiB  = 4 << 20 // 4 GiB
	maxArgon2Iterations = 1024
	minArgon2SaltLen    = 8 // the PHC string format's minimum
	maxArgon2SaltLen    = 256
	minArgon2KeyLen     = 16
	maxArgon2KeyLen     = 256
	maxPHCLength        = 1024
)

// Validate reports every way p is unusable, as joined *fielderr.Error
// values naming the field (issue 10: authcore owns these bounds; config
// only maps the field names to its keys). The bounds are memory
// 8×parallelism KiB to 4 GiB, iterations 1–1024, parallelism ≥ 1, salt
// 8–256 bytes and key 16–256 bytes. They apply to stored hashes too
// (parsePHC), which is why the salt floor here is the PHC format's;
// HasherOptions.Validate adds the stricter floor for new hashes.
func (p Argon2Params) Validate() error {
	var errs []error
	if p.Parallelism == 0 {
		errs = append(errs, fielderr.New("Parallelism", "must be at least 1"))
	}
	// RFC 9106 §3.1: memory must be at least 8×parallelism KiB.
	if minMem := 8 * uint32(max(p.Parallelism, 1)); p.Memory < minMem || p.Memory > maxArgon2MemoryKiB {
		errs = append(errs, fielderr.New("Memory", "must be between %d and %d KiB (at least 8 × parallelism)", minMem, maxArgon2MemoryKiB))
	}
	if p.Iterations < 1 || p.Iterations > maxArgon2Iterations {
		errs = append(errs, fielderr.New("Iterations", "must be between 1 and %d", maxArgon2Iterations))
	}
	if p.SaltLength < minArgon2SaltLen || p.SaltLength > maxArgon2SaltLen {
		errs = append(errs, fielderr.New("SaltLength", "must be between %d and %d bytes", minArgon2SaltLen, maxArgon2SaltLen))
	}
	if p.KeyLength < minArgon2KeyLen || p.KeyLength > maxArgon2KeyLen {
		errs = append(errs, fielderr.New("KeyLength", "must be between %d and %d bytes", minArgon2KeyLen, maxArgon2KeyLen))
	}
	return errors.Join(errs...)
}

// withDefaults fills every zero field from DefaultArgon2Params, so a
// partially filled Params (e.g. only Memory lowered in tests) still works.
func (p Argon2Params) withDefaults() Argon2Params {
	d := DefaultArgon2Params()
	if p.Memory == 0 {
		p.Memory = d.Memory
	}
	if p.Iterations == 0 {
		p.Iterations = d.Iterations
	}
	if p.Parallelism == 0 {
		p.Parallelism = d.Parallelism
	}
	if p.SaltLength == 0 {
		p.SaltLength = d.SaltLength
	}
	if p.KeyLength == 0 {
		p.KeyLength = d.KeyLength
	}
	return p
}

// phcHash is a parsed argon2id PHC string.
type phcHash struct {
	params Argon2Params
	salt   []byte
	key    []byte
}

// encodePHC renders the standard argon2id PHC string, with unpadded
// standard base64 as the reference implementation writes it:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>
func encodePHC(p Argon2Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Iterations, p.Parallelism,
		base64.RawStdEncoding.EncodeToString(salt),
		base64.RawStdEncoding.EncodeToString(key))
}

// parsePHC parses and bounds-checks an argon2id PHC string. Every failure
// wraps ErrInvalidHash and never includes the hash itself.
func parsePHC(s string) (phcHash, error) {
	h, err := parsePHCParts(s)
	if err != nil {
		return phcHash{}, fmt.Errorf("authcore: parse password hash: %w: %w", ErrInvalidHash, err)
	}
	return h, nil
}

func parsePHCParts(s string) (phcHash, error) {
	if len(s) > maxPHCLength {
		return phcHash{}, errors.New("too long")
	}
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" {
		return phcHash{}, errors.New("not a PHC string")
	}
	if parts[1] != "argon2id" {
		return phcHash{}, errors.New("algorithm is not argon2id")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return phcHash{}, errors.New("unsupported argon2 version")
	}
	m, t, p, err := parseArgon2Costs(parts[3])
	if err != nil {
		return phcHash{}, err
	}
	salt, err := base64.RawStdEncoding.Strict().DecodeString(parts[4])
	if err != nil {
		return phcHash{}, errors.New("salt is not unpadded base64")
	}
	key, err := base64.RawStdEncoding.Strict().DecodeString(parts[5])
	if err != nil {
		return phcHash{}, errors.New("key is not unpadded base64")
	}
	params := Argon2Params{Memory: m, Iterations: t, Parallelism: p,
		SaltLength: uint32(len(salt)), KeyLength: uint32(len(key))}
	if err := params.Validate(); err != nil {
		return phcHash{}, fmt.Errorf("argon2 parameters: %w", err)
	}
	return phcHash{params: params, salt: salt, key: key}, nil
}

// parseArgon2Costs parses "m=19456,t=2,p=1", strictly in that order.
func parseArgon2Costs(s string) (m, t uint32, p uint8, err error) {
	fields := strings.Split(s, ",")
	if len(fields) != 3 {
		return 0, 0, 0, errors.New("parameters are not m,t,p")
	}
	var vals [3]uint64
	for i, name := range [3]string{"m=", "t=", "p="} {
		num, ok := strings.CutPrefix(fields[i], name)
		if !ok {
			return 0, 0, 0, errors.New("parameters are not m,t,p")
		}
		bits := 32
		if i == 2 {
			bits = 8 // parallelism above 255 cannot be represented
		}
		vals[i], err = strconv.ParseUint(num, 10, bits)
		if err != nil {
			return 0, 0, 0, fmt.Errorf("parameter %s out of range", strings.TrimSuffix(name, "="))
		}
	}
	return uint32(vals[0]), uint32(vals[1]), uint8(vals[2]), nil
}
