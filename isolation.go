package alchemy

import (
	"fmt"
	"strings"
	"time"
)

// Isolation is a transaction isolation level, named as in SQL. The zero value is
// the database's default.
type Isolation string

// Isolation levels. Autocommit, SQLAlchemy's, runs with no transaction: Begin,
// Commit and Rollback send nothing and every statement commits on its own.
const (
	ReadUncommitted Isolation = "READ UNCOMMITTED"
	ReadCommitted   Isolation = "READ COMMITTED"
	RepeatableRead  Isolation = "REPEATABLE READ"
	Serializable    Isolation = "SERIALIZABLE"
	Autocommit      Isolation = "AUTOCOMMIT"
)

func (l Isolation) validate() error {
	switch Isolation(strings.ToUpper(string(l))) {
	case "", ReadUncommitted, ReadCommitted, RepeatableRead, Serializable, Autocommit:
		return nil
	}
	return fmt.Errorf("alchemy: unknown isolation level %q (want READ UNCOMMITTED, READ COMMITTED, REPEATABLE READ, SERIALIZABLE or AUTOCOMMIT)", string(l))
}

func (l Isolation) autocommit() bool {
	return strings.EqualFold(string(l), string(Autocommit))
}

// ExecutionOptions are a connection's settings (SQLAlchemy's execution options).
// The engine's defaults come from IsolationLevel and StatementTimeout;
// Conn.SetExecutionOptions changes them for one checkout.
type ExecutionOptions struct {
	// Isolation applies to each transaction begun on the connection (SQLite's are
	// all SERIALIZABLE).
	Isolation Isolation
	Timeout   time.Duration // bounds each statement and its rows, when non-zero
	// YieldPer, when positive, reads a SELECT's rows in batches of that many
	// (SQLAlchemy's yield_per). Inside a transaction, on a dialect with server-side
	// cursors (dialect.ServerCursors: PostgreSQL), the SELECT runs as a cursor, and
	// a statement issued while its Result is open buffers only the rest of the
	// current batch. COMMIT and ROLLBACK still read what the cursor has left first,
	// so no row is lost. Elsewhere rows stream from the driver anyway, and a
	// statement issued mid-read buffers the rest.
	YieldPer int
}
