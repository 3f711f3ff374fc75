package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/authgate/gatewayd/authcore"
)

// PostgreSQL SQLSTATE codes this package interprets
// (https://www.postgresql.org/docs/current/errcodes-appendix.html).
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
	codeInvalidTextRepr     = "22P02"
	codeSerializationFail   = "40001"
	codeDeadlockDetected    = "40P01"
)

// emailConstraint is the named UNIQUE constraint on users.email in
// migrations/postgres. Only a violation of this constraint means "email
// taken"; any other unique violation (say, a reused id) is a bug and must
// not be reported to a client as a friendly 409.
const emailConstraint = "users_email_key"

// mapError turns a driver error into the authcore outcome it stands for, or
// wraps it unchanged. op names the operation for the message.
func mapError(op string, err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("postgres: %s: %w", op, authcore.ErrNotFound)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == codeUniqueViolation && pgErr.ConstraintName == emailConstraint:
			return fmt.Errorf("postgres: %s: %w", op, authcore.ErrEmailTaken)
		case pgErr.Code == codeInvalidTextRepr:
			// A malformed uuid can name no row. Answering ErrNotFound
			// rather than an internal error keeps a garbage id in a URL or
			// token from becoming a 500.
			return fmt.Errorf("postgres: %s: %w", op, authcore.ErrNotFound)
		case pgErr.Code == codeForeignKeyViolation:
			// The only foreign key is refresh_tokens.user_id: the user is
			// gone (or never existed).
			return fmt.Errorf("postgres: %s: user: %w", op, authcore.ErrNotFound)
		}
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// errLostRace is returned inside a transaction that found its premise
// changed by a concurrent one; inTx rolls back and runs it again.
var errLostRace = errors.New("lost a race with a concurrent transaction")

// retryable reports whether a transaction failed only because of a
// concurrent one and can simply be run again.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.Is(err, errLostRace) || errors.As(err, &pgErr) &&
		(pgErr.Code == codeDeadlockDetected || pgErr.Code == codeSerializationFail)
}

// maxTxAttempts bounds how often inTx runs a transaction that keeps losing
// races. One retry settles a lost rotation race (the retry sees the token
// revoked); the rest absorb rare deadlocks, e.g. with a concurrent purge.
const maxTxAttempts = 4

// inTx runs fn in a READ COMMITTED transaction, committing when fn returns
// nil, and runs it again after a deadlock, a serialization failure or
// errLostRace. Running it again is correct because fn re-reads everything
// it decides on.
func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := pgx.BeginFunc(ctx, s.pool, fn)
		if err == nil || attempt == maxTxAttempts || !retryable(err) {
			return err
		}
	}
}
