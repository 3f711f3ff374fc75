package sqlite

import (
	"database/sql"

	"github.com/authgate/gatewayd/authcore"
)

// Stats reports the pools as they are now. An in-memory database pins one
// extra read connection to keep the database alive; it shows as in use.
func (s *Store) Stats() authcore.PoolStats {
	var out authcore.PoolStats
	for _, db := range [...]*sql.DB{s.write, s.read} {
		if db == nil {
			continue
		}
		st := db.Stats()
		out.InUse += int64(st.InUse)
		out.Idle += int64(st.Idle)
		out.Open += int64(st.OpenConnections)
		out.MaxOpen += int64(st.MaxOpenConnections)
		out.WaitCount += st.WaitCount
	}
	return out
}
