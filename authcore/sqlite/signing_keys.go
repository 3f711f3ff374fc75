package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/authgate/gatewayd/authcore"
)

const signingKeyColumns = `kid, private_key, created_at, retired_at`

// EnsureSigningKey stores k unless a current key exists and returns the
// current key; the partial unique index signing_keys_one_current decides,
// so two processes on one file cannot both create one.
func (s *Store) EnsureSigningKey(ctx context.Context, k *authcore.SigningKeyRecord) (*authcore.SigningKeyRecord, error) {
	_, err := s.write.ExecContext(ctx,
		`INSERT INTO signing_keys (kid, private_key, created_at) VALUES (?, ?, ?)
		 ON CONFLICT DO NOTHING`,
		k.KID, k.PrivateKey, micros(k.CreatedAt))
	if err != nil {
		return nil, mapError("ensure signing key", err)
	}
	row := s.write.QueryRowContext(ctx,
		`SELECT `+signingKeyColumns+` FROM signing_keys WHERE retired_at IS NULL`)
	cur, err := scanSigningKey(row)
	if err != nil {
		return nil, mapError("ensure signing key", err)
	}
	return cur, nil
}

// RotateSigningKey retires the current key and inserts k as current in one
// write transaction.
func (s *Store) RotateSigningKey(ctx context.Context, k *authcore.SigningKeyRecord, now time.Time) error {
	err := s.inWriteTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE signing_keys SET retired_at = ? WHERE retired_at IS NULL`, micros(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx,
			`INSERT INTO signing_keys (kid, private_key, created_at) VALUES (?, ?, ?)`,
			k.KID, k.PrivateKey, micros(k.CreatedAt))
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
	rows, err := s.read.QueryContext(ctx,
		`SELECT `+signingKeyColumns+` FROM signing_keys
		 ORDER BY retired_at IS NOT NULL, retired_at DESC, created_at DESC, kid`)
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
		return nil, fmt.Errorf("sqlite: signing keys: %w", err)
	}
	return out, nil
}

func scanSigningKey(row interface{ Scan(...any) error }) (*authcore.SigningKeyRecord, error) {
	var (
		k         authcore.SigningKeyRecord
		created   int64
		retiredAt sql.NullInt64
	)
	if err := row.Scan(&k.KID, &k.PrivateKey, &created, &retiredAt); err != nil {
		return nil, err
	}
	k.CreatedAt = fromMicros(created)
	k.RetiredAt = nullMicros(retiredAt)
	return &k, nil
}
