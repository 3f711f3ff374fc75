package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/authgate/gatewayd/authcore"
)

// SQLite extended result codes this package interprets
// (https://www.sqlite.org/rescode.html). The code, not the message text,
// decides, because messages change between SQLite versions.
const (
	codeUnique     = sqlite3.SQLITE_CONSTRAINT_UNIQUE
	codeForeignKey = sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	// Primary result codes: the low byte of an extended code.
	primaryBusy   = sqlite3.SQLITE_BUSY
	primaryLocked = sqlite3.SQLITE_LOCKED
)

// mapError turns a driver error into the authcore outcome it stands for, or
// wraps it unchanged. op names the operation for the message. A UNIQUE
// violation is left to the caller: only CreateUser knows it means a taken
// email.
func mapError(op string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: %s: %w", op, authcore.ErrNotFound)
	}
	if unavailable(err) {
		return fmt.Errorf("sqlite: %s: %w: %w", op, authcore.ErrUnavailable, err)
	}
	if hasCode(err, codeForeignKey) {
		// The only foreign key is refresh_tokens.user_id: the user is gone
		// (or never existed).
		return fmt.Errorf("sqlite: %s: user: %w", op, authcore.ErrNotFound)
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// hasCode reports whether err carries the SQLite extended result code.
func hasCode(err error, code int) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == code
}

// unavailable reports whether err means the database could not serve the
// statement in time rather than refusing it (issue 11): SQLITE_BUSY or
// SQLITE_LOCKED (any extended variant) still held after busy_timeout, or a
// deadline that ran out while waiting for a pooled connection. Another
// process holding the write lock for longer is an outage from the client's
// point of view, so it is a 503 with Retry-After, not a 500.
// context.Canceled is left alone: the client left.
func unavailable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	primary := se.Code() & 0xff
	return primary == primaryBusy || primary == primaryLocked
}
