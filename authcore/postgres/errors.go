package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

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
	codeTooManyConnections  = "53300"
	// Class 08 (connection exception) and the 57P0x shutdown codes: the
	// server is going away or not accepting connections yet.
	classConnectionException = "08"
	codeAdminShutdown        = "57P01"
	codeCrashShutdown        = "57P02"
	codeCannotConnectNow     = "57P03"
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
	if unavailable(err) {
		return fmt.Errorf("postgres: %s: %w: %w", op, authcore.ErrUnavailable, err)
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

// unavailable reports whether err means the database could not be reached
// or did not answer in time, rather than refusing this statement (issue
// 11). It is decided on types and SQLSTATE codes, never on message text:
//   - *pgconn.ConnectError: dialing or the startup handshake failed
//     (connection refused, DNS, TLS, "the database system is starting up");
//   - a net.Error or an EOF: the connection broke mid-statement, as when the
//     server is killed;
//   - pgconn.Timeout and context.DeadlineExceeded: a deadline ran out while
//     waiting for a pooled connection or for the reply. context.Canceled is
//     left alone: it means the client left, which is not an outage;
//   - SQLSTATE class 08, 57P01-57P03 and 53300: the server is shutting down,
//     starting up, or out of connection slots.
func unavailable(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var (
		connectErr *pgconn.ConnectError
		netErr     net.Error
		pgErr      *pgconn.PgError
	)
	switch {
	case errors.As(err, &connectErr), errors.As(err, &netErr),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, context.DeadlineExceeded), pgconn.Timeout(err):
		return true
	case errors.As(err, &pgErr):
		return strings.HasPrefix(pgErr.Code, classConnectionException) ||
			pgErr.Code == codeAdminShutdown || pgErr.Code == codeCrashShutdown ||
			pgErr.Code == codeCannotConnectNow || pgErr.Code == codeTooManyConnections
	}
	return false
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
