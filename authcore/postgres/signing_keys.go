package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/authgate/gatewayd/authcore"
)

// EnsureSigningKey stores k unless a current key exists and returns the
// current key. The partial unique index signing_keys_one_current makes the
// insert a no-op for every replica but the first, so concurrent first
// starts agree on one key without a lock.
func (s *Store) EnsureSigningKey(ctx context.Context, k *authcore.SigningKeyRecord) (*authcore.SigningKeyRecord, error) {
	_, err := s.pool.Exec(ctx,
		`INSERT INTO signing_keys (kid, private_key, created_at) VALUES ($1, $2, $3)
		 ON CONFLICT DO NOTHING`,
		k.KID, k.PrivateKey, k.CreatedAt)
	if err != nil {
		return nil, mapError("ensure signing key", err)
	}
	row := s.pool.QueryRow(ctx,
		`SELECT kid, private_key, created_at, retired_at FROM signing_keys WHERE retired_at IS NULL`)
	cur, err := scanSigningKey(row)
	if err != nil {
		return nil, mapError("ensure signing key", err)
	}
	return cur, nil
}

// RotateSigningKey retires the current key and inserts k as current in one
// transaction. Two concurrent rotations cannot both succeed: the second
// one's insert violates signing_keys_one_current and it fails.
func (s *Store) RotateSigningKey(ctx context.Context, k *authcore.SigningKeyRecord, now time.Time) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL`, now); err != nil {
			return err
		}
		_, err := tx.Exec(ctx,
			`INSERT INTO signing_keys (kid, private_key, created_at) VALUES ($1, $2, $3)`,
			k.KID, k.PrivateKey, k.CreatedAt)
		return err
	})
	if err != nil {
		return mapError("rotate signing key", err)
	}
	return nil
}

// SigningKeys returns the current key first, then retired keys, most
// recently retired first.
func (s *Store) SigningKeys(ctx context.Context) ([]*authcore.SigningKeyRecord, error) {
	rows, err := s.pool.Query(ctx,
		`SELECT kid, private_key, created_at, retired_at FROM signing_keys
		 ORDER BY retired_at DESC NULLS FIRST, created_at DESC, kid`)
	if err != nil {
		return nil, mapError("signing keys", err)
	}
	defer rows.Close()
	out := []*authcore.SigningKeyRecord{}
	for rows.Next() {
		k, err := scanSigningKey(rows)
		if err != nil {
			return nil, mapError("signing keys", err)
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, mapError("signing keys", err)
	}
	return out, nil
}

func scanSigningKey(row pgx.Row) (*authcore.SigningKeyRecord, error) {
	var k authcore.SigningKeyRecord
	if err := row.Scan(&k.KID, &k.PrivateKey, &k.CreatedAt, &k.RetiredAt); err != nil {
		return nil, err
	}
	k.CreatedAt = k.CreatedAt.UTC()
	if k.RetiredAt != nil {
		t := k.RetiredAt.UTC()
		k.RetiredAt = &t
	}
	return &k, nil
}
