// Package alchemyprom exports an alchemy engine's connection pool to
// Prometheus.
//
// NewCollector returns a prometheus.Collector that reads Engine.PoolStatus at
// each scrape and reports it as gauges and counters. PoolStatus reads the pool's
// atomics one by one and takes none of its locks, so a scrape never holds up a
// checkout; under load two figures of one scrape may disagree by one in-flight
// checkout.
//
// # Metrics
//
// Every name starts with db_client_connection, after the OpenTelemetry
// database client pool instruments (db.client.connection.*): where an
// instrument exists, the metric is its name as Prometheus spells it (dots
// become underscores, seconds get _seconds, counters _total). Every sample
// carries the pool_name label (see WithPoolName) and the constant labels of
// WithConstLabels; pool_name and state stand for OpenTelemetry's
// db.client.connection.pool.name and db.client.connection.state.
//
//	name                                          type     pool.Status         OpenTelemetry instrument
//	db_client_connections{state="idle"}           gauge    CheckedIn           db.client.connection.count
//	db_client_connections{state="used"}           gauge    CheckedOut          db.client.connection.count
//	db_client_connection_open                     gauge    Open
//	db_client_connection_overflow                 gauge    Overflow *
//	db_client_connection_max                      gauge    Size+MaxOverflow *  db.client.connection.max
//	db_client_connection_idle_max                 gauge    Size *              db.client.connection.idle.max
//	db_client_connection_pending_requests         gauge    Waiters             db.client.connection.pending_requests
//	db_client_connection_created_total            counter  Created
//	db_client_connection_closed_total             counter  Closed
//	db_client_connection_invalidated_total        counter  Invalidated
//	db_client_connection_pre_ping_failures_total  counter  PingsFailed
//	db_client_connection_waits_total              counter  Waits
//	db_client_connection_wait_time_seconds_total  counter  WaitTime            sum of db.client.connection.wait_time
//	db_client_connection_timeouts_total           counter  Timeouts            db.client.connection.timeouts
//	db_client_connection_leaked_total             counter  Leaked
//	db_client_connection_connect_attempts_total   counter  ConnectAttempts
//	db_client_connection_connect_failures_total   counter  ConnectFailures
//	db_client_connection_connect_fail_fast_total  counter  ConnectFailFast
//
//	* QueuePool only; max only when MaxOverflow is not -1.
//
// The count of connections by state is db_client_connections rather than
// OpenTelemetry's db_client_connection_count: Prometheus keeps the _count
// suffix for histograms and summaries, and promlint rejects a gauge that
// ends in it. db_client_connection_max is absent when the pool has no limit
// (MaxOverflow -1); it, overflow and idle_max are reported for a QueuePool
// only, as the other pools (NullPool, StaticPool, AssertionPool) have no size.
// wait_time is a histogram in OpenTelemetry; the pool keeps the sum only, so
// rate(..._wait_time_seconds_total) / rate(..._waits_total) is the mean wait.
//
// # Several engines
//
// Register one collector per engine. The pool name is a constant label, so two
// collectors with the same pool_name (and the same constant labels) in one
// registry are refused by Register with a prometheus.AlreadyRegisteredError:
// name the engines apart with WithPoolName or alchemy.LoggingName. The registry
// also wants one set of label names per metric name: give every collector in
// one registry the same constant label names (their values may differ).
//
// A bad option (an empty pool name, a constant label that is not a valid
// label name or that is one of the collector's own labels) or a nil engine
// does not panic: the collector's Describe reports it, so Register returns the
// error.
package alchemyprom
