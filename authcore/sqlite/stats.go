package sqlite

import "database/sql"

// PoolStats is a snapshot of the store's two connection pools (the single
// writer and the readers) added together, shaped for metrics gauges so the
// metrics code needs no database/sql import. It mirrors what
// database/sql.DBStats offers; it has the same meaning as postgres.PoolStats
// where the two overlap.
type PoolStats struct {
	InUse   int // connections running a query or transaction now
	Idle    int // open and waiting
	Open    int // in use + idle
	MaxOpen int // the pools' combined cap
	// WaitCount counts queries that had to wait for a free connection. On
	// the writer this is normal under concurrent writes (SQLite allows
	// one); a steadily rising rate on reads means MaxReadConns is small.
	WaitCount int64
}

// Stats reports the pools as they are now. An in-memory database pins one
// extra read connection to keep the database alive; it shows as in use.
func (s *Store) Stats() PoolStats {
	var out PoolStats
	for _, db := range [...]*sql.DB{s.write, s.read} {
		if db == nil {
			continue
		}
		st := db.Stats()
		out.InUse += st.InUse
		out.Idle += st.Idle
		out.Open += st.OpenConnections
		out.MaxOpen += st.MaxOpenConnections
		out.WaitCount += st.WaitCount
	}
	return out
}
