package sqlite

import "database/sql"

// WriteDB and ReadDB expose the pools to the black-box tests, which check
// per-connection settings and row state the Store interface cannot show.
func WriteDB(s *Store) *sql.DB { return s.write }

// ReadDB: see WriteDB.
func ReadDB(s *Store) *sql.DB { return s.read }
