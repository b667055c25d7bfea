// Package alchemyotel traces and measures alchemy engines with OpenTelemetry,
// following the semantic conventions for database clients (v1.44: database
// spans, SQL, PostgreSQL, MySQL, MariaDB, and the database client metrics).
// It depends on the OpenTelemetry API only; the application chooses the SDK.
//
//	tr, err := alchemyotel.New() // the global providers; or WithTracerProvider, WithMeterProvider
//	eng, err := alchemy.CreateEngine(url, tr.EngineOptions()...)
//	stop, err := tr.InstrumentPool(eng) // the pool's gauges
//	defer stop()
//
// # Spans
//
// Each statement is a span, a child of the span in the context it runs with,
// ended when the statement is over: for one with rows, when they have been read
// or the Result closed, with the error of reading them. It is named by its
// db.query.summary ("SELECT users", "INSERT orders SELECT carts"; "BATCH INSERT
// users" for an executemany of two or more sets), has kind CLIENT, and carries:
//
//   - db.system.name: postgresql, mysql, mariadb, sqlite, microsoft.sql_server
//     (from the engine's dialect: a mysql:// URL reports mysql whatever server
//     answers; use mariadb:// for MariaDB), else other_sql;
//   - db.namespace: the URL's database (for PostgreSQL without the schema, as
//     known when the connection was made); server.address and server.port: the
//     URL's host and port, never its user or password;
//   - db.query.text: the SQL as sent, with its placeholders ($1, ?, @p1), never
//     values; db.query.summary: the operations and tables the SQL names, in
//     order, read from it by a small tokenizer (at most 255 bytes);
//   - db.operation.name and db.collection.name: for statements of the
//     expression language (expr.SelectStmt, InsertStmt, UpdateStmt, DeleteStmt
//     and the DDL statements), whose operation alchemy knows, and whose table is
//     set when it is the only one; not for a Text, as the conventions ask not to
//     take them from query text;
//   - db.operation.batch.size for an executemany of two or more sets;
//   - on failure: status Error, error.type and, when the database gave one,
//     db.response.status_code (SQLSTATE, or MySQL's error number, as
//     alchemy.Error.Code has it). error.type is that code, else the name of the
//     alchemy or context sentinel the error matches (alchemy.ErrPoolTimeout,
//     context.DeadlineExceeded...), else the driver error's Go type, else
//     _OTHER. The status description is error.type: the error's text may quote
//     the statement's values;
//   - db.query.parameter.<index>: only with WithQueryParameters, and never on a
//     batch.
//
// BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE SAVEPOINT and ROLLBACK TO
// SAVEPOINT are spans of those names (kind CLIENT, db.operation.name the same).
// Making a connection is an "alchemy.connect" span (kind CLIENT); a checkout
// that had to wait for a connection at least WithMinCheckoutWait, or failed, is
// an "alchemy.checkout" span (kind INTERNAL) from its start, beside the
// statement it served.
//
// # Metrics
//
//   - db.client.operation.duration (histogram, s, buckets 0.001 ... 10): every
//     statement and transaction operation, with the span's attributes but
//     db.query.text and the parameters;
//   - db.client.connection.create_time, .wait_time, .use_time (histograms, s):
//     each connection made, each checkout (waiting or not), each checkout to its
//     checkin (alchemy's CheckinTracer hook);
//   - with InstrumentPool, observed from Engine.PoolStatus at each collection:
//     db.client.connection.count (db.client.connection.state idle, used),
//     .idle.max, .idle.min (0: alchemy's pools keep no minimum), .max (unless
//     unlimited), .pending_requests, .timeouts.
//
// Every pool metric has db.client.connection.pool.name: WithPoolName, else the
// engine's LoggingName, else server.address:server.port/db.namespace.
//
// # Failure
//
// The database work never depends on the telemetry: a hook that panics (a span
// processor or a synchronous exporter that panics) is contained, counted
// (Tracer.Panics) and reported once through otel.Handle. Hooks run on the
// statement's goroutine, so a span processor that blocks in OnEnd (a
// synchronous exporter that hangs) would hold the statement up: use the SDK's
// batch span processor, which drops spans instead when its exporter is stuck.
package alchemyotel
