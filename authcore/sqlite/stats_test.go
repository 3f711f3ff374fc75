package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/authgate/gatewayd/authcore/sqlite"
)

func TestStatsCountsBothPools(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "stats.db"), sqlite.Options{MaxReadConns: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	st := s.Stats()
	if st.MaxOpen != 1+3 {
		t.Errorf("MaxOpen = %d, want the writer plus 3 readers", st.MaxOpen)
	}
	if st.Open < 2 || st.Open != st.InUse+st.Idle {
		t.Errorf("after a ping of both pools: %+v", st)
	}
}
