package alchemyprom

import (
	"github.com/go-alchemy/alchemy/pool"
	"github.com/prometheus/client_golang/prometheus"
)

// Label names the collector sets itself.
const (
	// PoolNameLabel is the label that names the pool on every metric.
	PoolNameLabel = "pool_name"
	// StateLabel is the label of db_client_connections: "idle" or "used".
	StateLabel = "state"
)

// The values of StateLabel.
const (
	StateIdle = "idle" // connections checked in (pool.Status.CheckedIn)
	StateUsed = "used" // connections checked out (pool.Status.CheckedOut)
)

// Names of the metrics; the package documentation has the table.
const (
	MetricConnections     = "db_client_connections"
	MetricOpen            = "db_client_connection_open"
	MetricOverflow        = "db_client_connection_overflow"
	MetricMax             = "db_client_connection_max"
	MetricIdleMax         = "db_client_connection_idle_max"
	MetricPendingRequests = "db_client_connection_pending_requests"
	MetricCreated         = "db_client_connection_created_total"
	MetricClosed          = "db_client_connection_closed_total"
	MetricInvalidated     = "db_client_connection_invalidated_total"
	MetricPrePingFailures = "db_client_connection_pre_ping_failures_total"
	MetricWaits           = "db_client_connection_waits_total"
	MetricWaitTime        = "db_client_connection_wait_time_seconds_total"
	MetricTimeouts        = "db_client_connection_timeouts_total"
	MetricLeaked          = "db_client_connection_leaked_total"
	MetricConnectAttempts = "db_client_connection_connect_attempts_total"
	MetricConnectFailures = "db_client_connection_connect_failures_total"
	MetricConnectFailFast = "db_client_connection_connect_fail_fast_total"
)

// metric is one single-sample metric: its name, help, type, and how to read it
// from a status (ok false: no sample in this scrape).
type metric struct {
	name  string
	help  string
	kind  prometheus.ValueType
	value func(s pool.Status) (v float64, ok bool)
}

// isQueuePool tells the pools that have a size.
func isQueuePool(s pool.Status) bool { return s.Kind == "QueuePool" }

func always(f func(s pool.Status) float64) func(pool.Status) (float64, bool) {
	return func(s pool.Status) (float64, bool) { return f(s), true }
}

// metrics are all but db_client_connections, which has the state label.
var metrics = []metric{
	{MetricOpen, "Connections open, being opened or being closed: the pool's slots taken.", prometheus.GaugeValue,
		always(func(s pool.Status) float64 { return float64(s.Open) })},
	{MetricOverflow, "Connections open beyond the pool size; negative while fewer than the pool size are open (QueuePool only).", prometheus.GaugeValue,
		func(s pool.Status) (float64, bool) { return float64(s.Overflow), isQueuePool(s) }},
	{MetricMax, "The most connections the pool may open: pool size plus max overflow (QueuePool with a limit only).", prometheus.GaugeValue,
		func(s pool.Status) (float64, bool) {
			return float64(s.Size + s.MaxOverflow), isQueuePool(s) && s.MaxOverflow >= 0
		}},
	{MetricIdleMax, "The most idle connections the pool keeps: the pool size (QueuePool only).", prometheus.GaugeValue,
		func(s pool.Status) (float64, bool) { return float64(s.Size), isQueuePool(s) }},
	{MetricPendingRequests, "Checkouts waiting for a connection now.", prometheus.GaugeValue,
		always(func(s pool.Status) float64 { return float64(s.Waiters) })},
	{MetricCreated, "Connections opened to the database.", prometheus.CounterValue,
		always(func(s pool.Status) float64 { return float64(s.Created) })},
	{MetricClosed, "Connections closed.", prometheus.CounterValue,
		always(func(s pool.Status) float64 { return float64(s.Closed) })},
	{MetricInvalidated, "Connections invalidated (hard, soft, or by the pool's invalidation).", prometheus.CounterValue,
		always(func(s pool.Status) float64 { return float64(s.Invalidated) })},
	{MetricPrePingFailures, "Pre-pings that failed at checkout.", prometheus.CounterValue,
		always(func(s pool.Status) float64 { return float64(s.PingsFailed) })},
	{MetricWaits, "Checkouts that had to wait for a connection.", prometheus.CounterValue,
		always(func(s pool.Status) float64 { return float64(s.Waits) })},
	{MetricWaitTime, "Total time checkouts spent waiting for a connection.", prometheus.CounterValue,
		always(func(s pool.Status) float64 { return s.WaitTime.Seconds() })},
	{MetricTimeouts, "Checkouts that timed out waiting for a connection.", prometheus.CounterValue,
		always(func(s pool.Status) float64 { return float64(s.Timeouts) })},
	{MetricLeaked, "Checked-out connections garbage-collected without being returned.", prometheus.CounterValue,
		always(func(s pool.Status) float64 { return float64(s.Leaked) })},
	{MetricConnectAttempts, "Attempts to open a connection to the database.", prometheus.CounterValue,
		always(func(s pool.Status) float64 { return float64(s.ConnectAttempts) })},
	{MetricConnectFailures, "Attempts to open a connection that failed or timed out.", prometheus.CounterValue,
		always(func(s pool.Status) float64 { return float64(s.ConnectFailures) })},
	{MetricConnectFailFast, "Checkouts failed at once, without trying to connect, during a connect back-off.", prometheus.CounterValue,
		always(func(s pool.Status) float64 { return float64(s.ConnectFailFast) })},
}

// connectionsHelp is db_client_connections' help.
const connectionsHelp = "Connections in the pool by state: idle (checked in) or used (checked out)."
