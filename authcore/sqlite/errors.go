package sqlite

import (
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
)

// mapError turns a driver error into the authcore outcome it stands for, or
// wraps it unchanged. op names the operation for the message. A UNIQUE
// violation is left to the caller: only CreateUser knows it means a taken
// email.
func mapError(op string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: %s: %w", op, authcore.ErrNotFound)
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
