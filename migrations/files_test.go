package migrations

import (
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"
)

// TestDialectsShareVersions keeps the two schemas in step: a migration added
// for one store without the other would leave one backend behind the
// contract suite.
func TestDialectsShareVersions(t *testing.T) {
	names := map[Dialect][]string{}
	for _, d := range []Dialect{Postgres, SQLite} {
		matches, err := fs.Glob(files, string(d)+"/*.sql")
		if err != nil {
			t.Fatalf("glob %s: %v", d, err)
		}
		if len(matches) == 0 {
			t.Fatalf("no embedded migrations for %s", d)
		}
		for _, m := range matches {
			names[d] = append(names[d], path.Base(m))
		}
	}
	if !slices.Equal(names[Postgres], names[SQLite]) {
		t.Fatalf("migration files differ: postgres %v, sqlite %v", names[Postgres], names[SQLite])
	}
}

// TestEveryMigrationCanBeUndone requires a Down section, so `gatewayd
// migrate down` works for every step.
func TestEveryMigrationCanBeUndone(t *testing.T) {
	matches, err := fs.Glob(files, "*/*.sql")
	if err != nil {
		t.Fatalf("glob: %v", err)
	}
	for _, m := range matches {
		t.Run(m, func(t *testing.T) {
			b, err := fs.ReadFile(files, m)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			for _, marker := range []string{"-- +goose Up", "-- +goose Down"} {
				if !strings.Contains(string(b), marker) {
					t.Errorf("%s lacks %q", m, marker)
				}
			}
		})
	}
}
