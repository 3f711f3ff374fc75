package sqlite

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Column encodings SQLite has no native type for. Each has exactly one
// encoder and one decoder here so the two directions cannot drift apart.

// micros encodes a time as the INTEGER unix-microsecond column value.
// Sub-microsecond precision is dropped, as Postgres drops it.
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros decodes a unix-microsecond column value into a UTC time.
func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

// nullMicros decodes a nullable unix-microsecond column.
func nullMicros(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMicros(v.Int64)
	return &t
}

// nullString decodes a nullable TEXT column.
func nullString(v sql.NullString) *string {
	if !v.Valid {
		return nil
	}
	s := v.String
	return &s
}

// encodeRoles stores roles as a JSON array; nil becomes [] so the column
// never holds JSON null.
func encodeRoles(roles []string) (string, error) {
	if roles == nil {
		roles = []string{}
	}
	b, err := json.Marshal(roles)
	if err != nil {
		return "", fmt.Errorf("encode roles: %w", err)
	}
	return string(b), nil
}

// decodeRoles reads the JSON array back. The result is never nil, matching
// what Postgres returns for an empty text[].
func decodeRoles(s string) ([]string, error) {
	roles := []string{}
	if err := json.Unmarshal([]byte(s), &roles); err != nil {
		return nil, fmt.Errorf("decode roles: %w", err)
	}
	if roles == nil {
		roles = []string{}
	}
	return roles, nil
}

// boolInt encodes a bool for an INTEGER column of a STRICT table.
func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
