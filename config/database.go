package config

import (
	"net/url"
	"strings"
)

// Database kinds returned by Config.DatabaseKind.
const (
	DatabasePostgres = "postgres"
	DatabaseSQLite   = "sqlite"
)

// DatabaseKind returns "postgres" or "sqlite" from database.url's scheme,
// or "" when the URL is invalid (Validate reports that).
func (c *Config) DatabaseKind() string {
	u := c.Database.URL.Reveal()
	switch {
	case strings.HasPrefix(u, "sqlite:"):
		return DatabaseSQLite
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		return DatabasePostgres
	}
	return ""
}

// SQLitePath returns the database file of a "sqlite:" URL, as the
// authcore/sqlite adapter's Open expects it: "sqlite:gw.db" and
// "sqlite:///var/lib/gw/gw.db" give "gw.db" and "/var/lib/gw/gw.db", and
// "sqlite::memory:" gives ":memory:" (a throwaway database, for trying
// things out). It returns "" for a non-SQLite URL.
func (c *Config) SQLitePath() string {
	rest, ok := strings.CutPrefix(c.Database.URL.Reveal(), "sqlite:")
	if !ok {
		return ""
	}
	return strings.TrimPrefix(rest, "//")
}

// validateDatabase checks the database section. Messages never contain the URL:
// it usually carries the database password.
func (c *Config) validateDatabase(ps *Problems) {
	const badURL = "not a valid URL (scheme must be postgres://, postgresql:// or sqlite:)"
	switch c.DatabaseKind() {
	case DatabaseSQLite:
		switch p := c.SQLitePath(); {
		case p == "":
			ps.addf("database.url", "sqlite: needs a file path, e.g. sqlite:gateway.db")
		case strings.ContainsAny(p, "?#"):
			// The adapter sets its own pragmas; a query string here would
			// silently become part of the file name instead.
			ps.addf("database.url", "sqlite: takes a plain file path without ? options; the gateway sets SQLite options itself")
		}
	case DatabasePostgres:
		if _, err := url.Parse(c.Database.URL.Reveal()); err != nil {
			ps.addf("database.url", badURL)
		}
	default:
		if c.Database.URL == "" {
			ps.addf("database.url", "is required (DATABASE_URL), e.g. sqlite:gateway.db or postgres://user:pass@host/db")
		} else {
			ps.addf("database.url", badURL)
		}
	}
	if c.Database.MaxConns < 1 {
		ps.addf("database.max_conns", "must be at least 1")
	}
}
