package authcore

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"time"
)

// LoadAssertionKeys returns the assertion key set. With a configured
// private key (configured != nil) that key signs and the store is not
// touched. Otherwise the current key comes from the store; if there is
// none yet, one is generated and stored with EnsureSigningKey, which lets
// exactly one of several replicas starting at once win: every other one
// reads the winner's key back. previous are configured public keys that
// stay in the JWKS after a rotation.
//
// Replicas call it again at an interval to pick up `gatewayd keys rotate`
// (see Assertions.SetKeys).
func LoadAssertionKeys(ctx context.Context, store SigningKeyStore, configured ed25519.PrivateKey, previous []ed25519.PublicKey, now time.Time) (*AssertionKeySet, error) {
	if configured != nil {
		return NewAssertionKeySet(configured, previous)
	}
	recs, err := store.SigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("authcore: load assertion keys: %w", err)
	}
	if len(recs) == 0 || recs[0].RetiredAt != nil {
		k, err := NewSigningKeyRecord(now)
		if err != nil {
			return nil, err
		}
		if _, err := store.EnsureSigningKey(ctx, k); err != nil {
			return nil, fmt.Errorf("authcore: store assertion key: %w", err)
		}
		if recs, err = store.SigningKeys(ctx); err != nil {
			return nil, fmt.Errorf("authcore: load assertion keys: %w", err)
		}
	}
	return AssertionKeySetFromRecords(recs, previous)
}

// RotateAssertionKey generates a new signing key and makes it current in
// the store; the old one is retired and stays in the JWKS. Replicas switch
// to the new key at their next reload.
func RotateAssertionKey(ctx context.Context, store SigningKeyStore, now time.Time) (*SigningKeyRecord, error) {
	k, err := NewSigningKeyRecord(now)
	if err != nil {
		return nil, err
	}
	if err := store.RotateSigningKey(ctx, k, now); err != nil {
		return nil, fmt.Errorf("authcore: rotate assertion key: %w", err)
	}
	return k, nil
}
