package sqlite_test

import (
	"testing"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/authcore/sqlite"
	"github.com/authgate/gatewayd/authcore/storetest"
)

// The one contract every Store passes, on both ways this store runs: a
// private in-memory database (shared cache) and a WAL file.
func TestStoreContract(t *testing.T) {
	for _, tc := range []struct {
		name string
		path func(testing.TB) string
	}{
		{"memory", func(testing.TB) string { return sqlite.MemoryPath }},
		{"file", tempPath},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T) authcore.Store {
				return mustOpen(t, tc.path(t))
			})
		})
	}
}
