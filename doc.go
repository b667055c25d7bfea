// Package alchemy is SQLAlchemy's connection model for Go: an Engine per database
// URL owning a pool with SQLAlchemy's rules (size, overflow, timeout, recycle,
// pre-ping, reset on return, invalidation); Conns checked out of it and always
// returned; transactions that nest as SQLAlchemy's do; Results that give their
// connection back once read; and textual SQL with :name binds in each dialect's
// placeholder style.
//
// It runs on database/sql drivers (pgx, go-sql-driver/mysql, modernc.org/sqlite,
// go-mssqldb), whose scanning and type conversion it keeps. The engine's sql.DB
// only makes connections; the engine pools them itself.
//
// The package Example is a tour: engine, connection, binds, transaction blocks,
// nesting, a savepoint, and reading into structs.
//
// # Statements and the compiled cache
//
// A statement (Executable) writes its SQL into an expr.Compiler for the engine's
// dialect and server version (read when a statement first asks for a feature).
// Placeholders are numbered once, at the end, so a Text nests as a fragment,
// subquery or CTE. Compiled SQL is kept in a bounded cache under the statement's
// cache key (QueryCacheSize, Engine.CacheStats; CLOCK eviction, lookups that never
// wait on one another); a Text's key is its SQL, so one built per request is
// compiled once. A statement needing a feature the server
// lacks fails with ErrUnsupported before anything is sent.
//
// # Transactions
//
// Outside a transaction each statement commits on its own. Conn.Begin opens one;
// a Begin inside it joins it: only the outermost Commit commits, and any Rollback
// rolls back the whole. Conn.BeginNested opens a SAVEPOINT. A transaction broken
// by a lost connection or a failed commit refuses every statement
// (ErrPendingRollback) until rolled back, so nothing runs outside the transaction
// the caller believes open.
//
// The engine sends BEGIN, COMMIT and ROLLBACK itself, each bounded by its own
// call's context: a context given to Begin ends nothing later. Commit sends
// nothing if its context has ended; once COMMIT is sent it waits for the answer,
// so a transaction reported failed was not committed. A connection in an unknown
// state (a statement or COMMIT cut off by its context, a lost connection, a
// Result closed after its context ended) is invalidated, that one only.
//
// # Concurrency
//
// Engine and Conn are safe for concurrent use. Statements on a Conn run one at a
// time; one issued while a Result of that Conn is open first reads the Result's
// remaining rows into memory, so both go on. The context Transact gives its
// function may be shared by goroutines (an errgroup): their statements run one at
// a time on the one transaction and commit or roll back together. Transact checks
// out its connection at the first statement. ContextWithConn and ConnFromContext
// put a connection, with its open transaction, into a context and find it again.
//
// # Reading results
//
// Read a Result with Next and Scan, as database/sql's Rows; Result.Row gives the
// current row by index and name. All, One and First read whole rows, Scalar and
// Scalars the first column; each closes the Result. The type parameter says how
// a row is read: a struct (or pointer to one) by `db` tags or snake_case field
// names; Row or map[string]any whole; any other type from exactly one column, as
// database/sql scans it.
//
// # One way to do each thing
//
//   - Run a statement: Execute, on the Engine (connectionless, or on the
//     connection the context carries) or on a Conn. Code that only runs
//     statements takes an Executor. Executemany is Execute given a slice of
//     parameter sets.
//   - A transaction block: RunInTx, on the Engine or a Conn (bun's name, pgx's
//     BeginFunc); Transact is that block carried by a context. Explicit: Conn.Begin,
//     then Tx.Commit or Tx.Rollback. A savepoint: Conn.BeginNested, or WithSavepoint
//     for a block.
//   - The isolation level: the engine's with IsolationLevel, a connection's with
//     Conn.SetExecutionOptions, one transaction's with WithIsolation.
//   - CreateEngine options carry the name of SQLAlchemy's create_engine argument
//     where there is one (PoolSize for pool_size, IsolationLevel for isolation_level),
//     else
//     of what they set (Tracer, StatementTimeout, PoolConnectBackoff). Transaction
//     options start with With: TxOption for Conn.Begin; BlockOption, adding
//     WithRetry and WithSavepoint, for the blocks.
//   - Watching the engine: a Tracer (statements, transactions, checkouts,
//     connects, errors); Echo logs statements. Acting on pooled connections
//     (refusing one at checkout, keeping data with it): PoolListener.
//
// # Errors
//
// Driver failures come as *Error: statement, parameters (unless HideParameters),
// SQLSTATE or error number; it unwraps to the driver's error. Branch on
// errors.Is(err, ErrDisconnect), IsSerializationFailure, IsUniqueViolation, and the
// sentinels ErrNoRows (which also matches sql.ErrNoRows), ErrPoolTimeout,
// ErrClosed, ErrTxDone, ErrPendingRollback, ErrRolledBack, ErrCommitUnknown,
// ErrBindParameter and ErrUnsupported.
package alchemy
