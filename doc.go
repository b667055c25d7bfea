// Package alchemy is SQLAlchemy's connection model for Go: an Engine made once per
// database URL, which owns a connection pool with SQLAlchemy's rules (size, overflow,
// checkout timeout, recycle, pre-ping, reset on return, invalidation); Connections
// checked out of it and always returned; Transactions that nest the way SQLAlchemy's
// do; Results that give their connection back when they are read; and textual SQL
// with :name binds rendered in each dialect's placeholder style.
//
// It stands on database/sql: the dialects open real database/sql drivers (pgx,
// go-sql-driver/mysql, modernc.org/sqlite, go-mssqldb), and scanning and type
// conversion are database/sql's. The engine uses its sql.DB only as a factory of
// connections and pools the reserved connections itself.
//
// # A tour
//
//	import (
//		"github.com/go-alchemy/alchemy"
//		_ "github.com/go-alchemy/alchemy/dialect/postgresql"
//	)
//
//	eng, err := alchemy.CreateEngine("postgresql://scott:tiger@localhost/test",
//		alchemy.PoolSize(20), alchemy.MaxOverflow(10), alchemy.PoolPrePing(true))
//	if err != nil { ... }
//	defer eng.Dispose()
//
//	conn, err := eng.Connect(ctx)        // checked out of the pool
//	if err != nil { ... }
//	defer conn.Close()                    // back to the pool, rolled back if needed
//	res, err := conn.Execute(ctx, alchemy.Text("select name from users where id = :id"),
//		alchemy.Params{"id": 5})
//	name, err := alchemy.Scalar[string](res)
//
//	// A transaction: commit on nil, rollback on error or panic.
//	err = eng.RunInTx(ctx, func(conn *alchemy.Conn) error {
//		_, err := conn.Execute(ctx, alchemy.Text("update users set name = :name where id = :id"),
//			alchemy.Params{"id": 5, "name": "ed"})
//		return err
//	})
//
//	// A transaction carried by the context: code below joins it.
//	err = alchemy.Transact(ctx, eng, func(ctx context.Context) error {
//		res, err := eng.Execute(ctx, alchemy.Text("delete from users where id = :id"), 5)
//		...
//	})
//
// # Statements and the compiled cache
//
// A statement (Executable) writes its SQL into an expr.Compiler for the engine's
// dialect and server version (read once, when a statement first asks for a server
// feature), which numbers its placeholders once at the end: a Text can be a fragment
// of another statement, a subquery or a CTE, and its binds are numbered in the whole.
// The engine keeps a bounded LRU of compiled SQL (QueryCacheSize, default 500;
// Engine.CacheStats) under each statement's cache key, a Text's being its SQL: a Text
// built afresh for every request is parsed and compiled once. Only the binding of the
// call's arguments runs per execution. A statement that needs a feature the server
// lacks (expr.Compiler.Require) fails with ErrUnsupported before anything is sent.
//
// # Transactions
//
// Outside a transaction each statement commits on its own. Conn.Begin opens a
// transaction; a Begin while one is open joins it and only the outermost Commit
// commits, while any Rollback rolls back the whole (SQLAlchemy's nesting of
// transaction blocks). Conn.BeginNested opens a SAVEPOINT. A transaction broken by a
// lost connection or a failed commit refuses every statement (ErrPendingRollback)
// until it is rolled back: nothing runs outside the transaction the caller believes
// is open.
//
// The engine owns each transaction: it sends BEGIN, COMMIT and ROLLBACK itself, each
// bounded by the context given to that call (Tx.Commit(ctx), Tx.Rollback(ctx)), so a
// context given to Begin that ends later ends nothing behind the caller's back.
// Commit sends nothing when its context has already ended; once COMMIT is sent it
// waits for the answer, so a transaction reported failed is one the server did not
// commit. A connection whose state is unknown (a statement or COMMIT cut off by its
// context, a lost connection, a Result closed after its context ended) is
// invalidated, that one only, and never handed out again.
//
// # Concurrency
//
// An Engine and a Conn are safe for concurrent use. Statements on one Conn run one
// at a time; a statement issued while a Result of the same Conn is still open first
// reads that Result's remaining rows into memory, so both go on (a loop over rows
// that updates each one works, and so does a fan-out of goroutines). The context
// Transact hands its function may be shared by many goroutines (an errgroup): their
// statements are serialised onto the one transaction and commit or roll back
// together. Transact checks its connection out at the first statement, so a request
// that never touches the database takes none. ContextWithConn and ConnFromContext
// put a connection (and the transaction open on it) into a context and find it
// again.
//
// # Reading results
//
// A Result is read row by row with Next and Scan, as database/sql's Rows, and Row
// gives the current row as values by index and name. The readers in the style of
// pgx's collectors each read and close it: All, One and First read whole rows,
// Scalar and Scalars the first column. Their type parameter says how a row is read:
// a struct (or a pointer to one) takes columns by its fields' `db` tags, or their
// names in snake_case; Row and map[string]any take the whole row; any other type
// takes a row of exactly one column, scanned as database/sql scans it.
//
// # One way to do each thing
//
//   - Run a statement: Execute, on the Engine (connectionless, or on the connection
//     the context carries) or on a Conn; code that only runs statements takes an
//     Executor. Executemany is Execute given a slice of parameter sets.
//   - A transaction block: RunInTx, on the Engine or on a Conn (bun's name; pgx's
//     BeginFunc); Transact is the same block carried by a context. An explicit
//     transaction: Conn.Begin, then Tx.Commit or Tx.Rollback; a savepoint:
//     Conn.BeginNested, or WithSavepoint for a block.
//   - The isolation level: the engine's default with the option IsolationLevel, a
//     connection's own with Conn.SetExecutionOptions, one transaction's with
//     WithIsolation.
//   - Options to CreateEngine are named after SQLAlchemy's create_engine argument
//     where there is one (PoolSize for pool_size, PoolClass for poolclass,
//     IsolationLevel for isolation_level, QueryCacheSize for query_cache_size), and
//     for what they set otherwise (Tracer, StatementTimeout, PoolConnectBackoff).
//     Options of a transaction start with With: TxOption for Conn.Begin, and
//     BlockOption, which adds WithRetry and WithSavepoint, for the blocks.
//   - Watching the engine: tracers (Tracer), for statements, transactions,
//     checkouts, connects and errors; Echo logs statements. Acting on the pool's
//     connections (refusing one at checkout, keeping data with it): PoolListener.
//
// # Errors
//
// Driver failures come wrapped in *Error, which carries the statement, the
// parameters (unless HideParameters), the SQLSTATE or error number, and unwraps to
// the driver's error. Branch on behaviour with errors.Is(err, ErrDisconnect),
// IsSerializationFailure and IsUniqueViolation, and on the sentinels ErrNoRows,
// ErrPoolTimeout, ErrClosed, ErrTxDone, ErrPendingRollback, ErrRolledBack,
// ErrCommitUnknown, ErrBindParameter and ErrUnsupported. ErrNoRows also matches
// database/sql's sql.ErrNoRows.
package alchemy
