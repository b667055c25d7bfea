package alchemy

import (
	"fmt"
	"strings"
	"time"
)

// Isolation is a transaction isolation level, named as in SQL. The zero value is
// the database's default.
type Isolation string

// Isolation levels. Autocommit is not a level but SQLAlchemy's name for running with
// no transaction at all: Begin, Commit and Rollback then do nothing on the database and
// every statement commits on its own.
const (
	DefaultIsolation Isolation = ""
	ReadUncommitted  Isolation = "READ UNCOMMITTED"
	ReadCommitted    Isolation = "READ COMMITTED"
	RepeatableRead   Isolation = "REPEATABLE READ"
	Serializable     Isolation = "SERIALIZABLE"
	Autocommit       Isolation = "AUTOCOMMIT"
)

func (l Isolation) validate() error {
	switch Isolation(strings.ToUpper(string(l))) {
	case DefaultIsolation, ReadUncommitted, ReadCommitted, RepeatableRead, Serializable, Autocommit:
		return nil
	}
	return fmt.Errorf("alchemy: unknown isolation level %q (want READ UNCOMMITTED, READ COMMITTED, REPEATABLE READ, SERIALIZABLE or AUTOCOMMIT)", string(l))
}

func (l Isolation) autocommit() bool {
	return strings.EqualFold(string(l), string(Autocommit))
}

// ExecutionOptions are the per-connection settings SQLAlchemy calls execution
// options. Each has one way to be set at each level: the engine's default (the
// options IsolationLevel and StatementTimeout), a connection's own for one checkout
// (Conn.SetExecutionOptions; forgotten when it goes back to the pool), and, for the
// isolation level, one transaction's (WithIsolation).
type ExecutionOptions struct {
	// Isolation applies to every transaction begun on the connection (a
	// statement outside one runs at the database's default); Autocommit runs without
	// transactions. SQLite runs every transaction SERIALIZABLE whatever is asked.
	Isolation Isolation
	// Timeout bounds each statement, and the reading of its rows, when non-zero.
	Timeout time.Duration
	// YieldPer, when positive, reads a SELECT's rows from the server in batches of
	// that many (SQLAlchemy's yield_per). On a dialect with server-side cursors
	// (dialect.ServerCursors: PostgreSQL), inside a transaction, the SELECT runs
	// as a cursor (DECLARE, FETCH FORWARD YieldPer, CLOSE), and a statement issued
	// while its Result is open reads into memory only the rest of the current
	// batch, not the rest of the result. COMMIT and ROLLBACK, which end the
	// cursor, still read all that is left first, so that no row is lost.
	// Elsewhere rows already stream from the driver one at a time, and YieldPer
	// changes nothing: a statement issued mid-read buffers the rest.
	YieldPer int
}
