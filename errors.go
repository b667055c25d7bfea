package alchemy

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/go-alchemy/alchemy/pool"
)

// Sentinel errors. Test for them with errors.Is.
var (
	// ErrClosed: a Conn, Result or Engine used after Close or Dispose.
	ErrClosed = errors.New("alchemy: closed")
	// ErrNoRows: no row where one was needed. "Not found" is an answer, not a
	// failure to log. It also matches sql.ErrNoRows.
	ErrNoRows error = noRowsError{}
	// ErrMultipleRows: One got more than one row.
	ErrMultipleRows = errors.New("alchemy: multiple rows in result where one was expected")
	// ErrDisconnect: the connection was lost, and has been invalidated.
	ErrDisconnect = pool.ErrDisconnect
	// ErrPoolTimeout: a checkout waited the pool's timeout in vain.
	ErrPoolTimeout = pool.ErrTimeout
	// ErrConnectBackoff: a checkout failed at once because connecting failed a
	// moment ago (PoolConnectBackoff); the error wraps that failure.
	ErrConnectBackoff = pool.ErrConnectBackoff
	// ErrTxDone: the transaction already ended, or an inner block rolled the
	// whole of it back.
	ErrTxDone = errors.New("alchemy: transaction has already been committed or rolled back")
	// ErrPendingRollback: the connection's transaction broke (a lost connection,
	// a failed commit); every statement fails until the caller rolls it back.
	ErrPendingRollback = errors.New("alchemy: this connection's transaction failed and must be rolled back before anything else runs on it")
	// ErrRolledBack: Commit found the server rolled back instead (a statement in
	// the transaction had failed; PostgreSQL). Nothing was kept.
	ErrRolledBack = errors.New("alchemy: the transaction was rolled back, not committed: a statement in it had failed")
	// ErrCommitUnknown: COMMIT was sent, and no answer came within a short grace
	// after the context ended; it may have committed. The connection is invalidated.
	ErrCommitUnknown = errors.New("alchemy: the outcome of COMMIT is unknown: its answer never came")
	// ErrNotAvailable: RowsAffected or LastInsertID has no figure to give.
	ErrNotAvailable = errors.New("alchemy: not available for this result")
)

// errTxInactive is the ErrTxDone of a transaction an inner block rolled back.
var errTxInactive = fmt.Errorf("%w: an inner transaction rolled it back", ErrTxDone)

// noRowsError is ErrNoRows: an error of its own that also matches sql.ErrNoRows,
// so that code written for database/sql keeps working.
type noRowsError struct{}

func (noRowsError) Error() string { return "alchemy: no rows in result" }

// Is makes errors.Is(ErrNoRows, sql.ErrNoRows) hold.
func (noRowsError) Is(target error) bool { return target == sql.ErrNoRows }

// Error is a failure the database or driver reported, with what alchemy was doing.
// It unwraps to the driver's error and matches ErrDisconnect for a lost connection.
type Error struct {
	Op           string // what failed: "execute", "begin", "commit", "connect"...
	Dialect      string // "postgresql"...
	Code         string // SQLSTATE or error number, or ""
	Statement    string // the SQL sent, or ""
	Params       []any  // bound values; nil when none or hidden
	ParamsHidden bool   // HideParameters withheld them
	// Disconnect: the connection was lost and invalidated; for "connect", the
	// server was unreachable (not, say, a wrong password).
	Disconnect           bool
	SerializationFailure bool   // or a deadlock: the transaction may be retried
	UniqueViolation      bool   // unique or primary key
	Hint                 string // what may fix it (a URL option), or ""
	Err                  error  // the driver's

	ctxErr         error // the context's error, when the statement was cut off by it
	invalidatePool bool
}

// Error renders the failure with its statement and parameters (unless hidden).
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("alchemy: ")
	b.WriteString(e.Op)
	if e.Dialect != "" {
		b.WriteString(" (")
		b.WriteString(e.Dialect)
		b.WriteByte(')')
	}
	switch {
	case e.Op == "connect":
		b.WriteString(" failed") // a connection never made was not lost
	case e.Disconnect:
		b.WriteString(" lost the connection")
	}
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	if e.Statement != "" {
		b.WriteString(" [SQL: ")
		b.WriteString(e.Statement)
		b.WriteByte(']')
	}
	switch {
	case e.ParamsHidden:
		b.WriteString(" [parameters hidden]")
	case len(e.Params) > 0:
		fmt.Fprintf(&b, " [parameters: %v]", e.Params)
	}
	if e.Hint != "" {
		b.WriteString(" (hint: ")
		b.WriteString(e.Hint)
		b.WriteByte(')')
	}
	return b.String()
}

// Unwrap returns the driver's error and, for a statement cut off by its context,
// the context's error (errors.Is(err, context.DeadlineExceeded) holds).
func (e *Error) Unwrap() []error {
	if e.ctxErr != nil {
		return []error{e.Err, e.ctxErr}
	}
	return []error{e.Err}
}

// Is matches ErrDisconnect for a lost connection.
func (e *Error) Is(target error) bool {
	return target == ErrDisconnect && e.Disconnect
}

// IsSerializationFailure reports a serialization failure or deadlock (PostgreSQL
// 40001/40P01, MySQL 1213/1205...): the transaction may be retried.
func IsSerializationFailure(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.SerializationFailure
}

// IsUniqueViolation reports a unique or primary key violation.
func IsUniqueViolation(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.UniqueViolation
}
