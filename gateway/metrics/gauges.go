package metrics

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// The Watch methods register series whose value is read from a component at
// scrape time. Reading on scrape costs nothing per request and can never
// drift from the component's own counters. Each may be called once per
// Metrics; a second call returns an error instead of panicking.

// HasherStats is what WatchHasher reads (*authcore.Hasher implements it).
type HasherStats interface {
	// InFlight is the number of argon2 hashes running now.
	InFlight() int
	// Refused is how many hash requests were refused with ErrServerBusy.
	Refused() uint64
}

// WatchHasher exports gateway_argon2_hashes_in_flight and
// gateway_argon2_hashes_refused_total. A refused count that rises means
// logins are being answered 503: raise password.max_concurrent or add
// capacity.
func (m *Metrics) WatchHasher(h HasherStats) error {
	return m.register("argon2 hasher",
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: namespace, Name: "argon2_hashes_in_flight",
			Help: "Password hashes (argon2id) being computed right now.",
		}, func() float64 { return float64(h.InFlight()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: namespace, Name: "argon2_hashes_refused_total",
			Help: "Password hash requests refused because every hashing slot stayed busy for password.queue_wait.",
		}, func() float64 { return float64(h.Refused()) }),
	)
}

// WatchRateLimitStore exports gateway_ratelimit_store_degraded, 1 while the
// rate limiter bypasses Redis (*ratelimit.Limiter.Degraded). What requests
// get meanwhile depends on ratelimit.on_store_error: per-instance counting
// (fallback), no limits (allow) or 429s (deny).
func (m *Metrics) WatchRateLimitStore(degraded func() bool) error {
	return m.register("rate-limit store",
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: namespace, Name: "ratelimit_store_degraded",
			Help: "1 while the rate limiter cannot reach Redis and answers by ratelimit.on_store_error instead.",
		}, func() float64 {
			if degraded() {
				return 1
			}
			return 0
		}),
	)
}

// DBPoolStats is a snapshot of the database connection pool, in terms both
// pgxpool and database/sql can fill.
type DBPoolStats struct {
	// InUse are connections running a query or transaction now.
	InUse int64
	// Idle are open connections waiting for work.
	Idle int64
	// Open are all open connections (in use + idle, and for pgx also those
	// being established).
	Open int64
	// MaxOpen is the pool's cap (0 when unlimited).
	MaxOpen int64
	// WaitCount counts acquisitions that had to wait for a free
	// connection; a rising rate means the pool is too small.
	WaitCount int64
}

// WatchDBPool exports gateway_db_pool_connections{state},
// gateway_db_pool_max_connections and gateway_db_pool_wait_total from
// stats, which is called once per scrape.
func (m *Metrics) WatchDBPool(stats func() DBPoolStats) error {
	conns := prometheus.NewDesc(prometheus.BuildFQName(namespace, "db_pool", "connections"),
		"Database connections by state (in_use, idle, open).", []string{"state"}, nil)
	maxConns := prometheus.NewDesc(prometheus.BuildFQName(namespace, "db_pool", "max_connections"),
		"The database pool's connection cap.", nil, nil)
	waits := prometheus.NewDesc(prometheus.BuildFQName(namespace, "db_pool", "wait_total"),
		"Connection acquisitions that had to wait because the pool was exhausted.", nil, nil)
	return m.register("database pool", &poolCollector{stats: stats, conns: conns, max: maxConns, waits: waits})
}

// poolCollector reads all pool series from one snapshot per scrape, so the
// states are consistent with each other.
type poolCollector struct {
	stats             func() DBPoolStats
	conns, max, waits *prometheus.Desc
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.conns
	ch <- c.max
	ch <- c.waits
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.stats()
	ch <- prometheus.MustNewConstMetric(c.conns, prometheus.GaugeValue, float64(s.InUse), "in_use")
	ch <- prometheus.MustNewConstMetric(c.conns, prometheus.GaugeValue, float64(s.Idle), "idle")
	ch <- prometheus.MustNewConstMetric(c.conns, prometheus.GaugeValue, float64(s.Open), "open")
	ch <- prometheus.MustNewConstMetric(c.max, prometheus.GaugeValue, float64(s.MaxOpen))
	ch <- prometheus.MustNewConstMetric(c.waits, prometheus.CounterValue, float64(s.WaitCount))
}

// register adds collectors, all or none, naming what in the error.
func (m *Metrics) register(what string, cs ...prometheus.Collector) error {
	for i, c := range cs {
		if err := m.reg.Register(c); err != nil {
			for _, done := range cs[:i] {
				m.reg.Unregister(done)
			}
			return fmt.Errorf("metrics: register %s: %w", what, err)
		}
	}
	return nil
}
