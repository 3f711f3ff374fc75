package authcore

// PoolStats is a snapshot of a store's database connection pool, in the
// terms both drivers share, so the metrics wiring reads any store through
// PoolReporter instead of switching on concrete store types (issue 10).
type PoolStats struct {
	InUse int64 // running a query or transaction now
	Idle  int64 // open and waiting
	Open  int64 // in use + idle (pgx: also being opened)
	// MaxOpen is the pool's cap (SQLite: writer and readers together).
	MaxOpen int64
	// WaitCount counts acquisitions that had to wait for a free
	// connection; a rising rate means the pool is too small.
	WaitCount int64
}

// PoolReporter is implemented by stores that keep a connection pool.
type PoolReporter interface {
	Stats() PoolStats
}
