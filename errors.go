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
	// ErrClosed is returned by a Conn, Result or Engine used after Close or Dispose.
	ErrClosed = errors.New("alchemy: closed")
	// ErrNoRows is returned when a statement that must return a row returned none.
	// It is not a failure to log: "not found" is an answer. errors.Is(err,
	// sql.ErrNoRows) holds for it too.
	ErrNoRows error = noRowsError{}
	// ErrMultipleRows is returned by One when more than one row came back.
	ErrMultipleRows = errors.New("alchemy: multiple rows in result where one was expected")
	// ErrDisconnect is satisfied by an error that means the database connection was
	// lost. The connection has been invalidated; the next checkout gets a fresh one.
	ErrDisconnect = pool.ErrDisconnect
	// ErrPoolTimeout is satisfied by a checkout that waited the pool's timeout in vain.
	ErrPoolTimeout = pool.ErrTimeout
	// ErrConnectBackoff is satisfied by a checkout that failed at once because
	// connecting failed a moment ago (see PoolConnectBackoff); the error also wraps
	// that connect error.
	ErrConnectBackoff = pool.ErrConnectBackoff
	// ErrTxDone is returned by Commit or Rollback on a transaction already ended,
	// and by Commit, Begin and statements after an inner block rolled the whole
	// transaction back.
	ErrTxDone = errors.New("alchemy: transaction has already been committed or rolled back")
	// ErrPendingRollback is returned by every statement on a connection whose
	// transaction broke (a lost connection inside it, a failed commit) until the caller
	// rolls that transaction back. Nothing runs outside the transaction the caller
	// believes is open.
	ErrPendingRollback = errors.New("alchemy: this connection's transaction failed and must be rolled back before anything else runs on it")
	// ErrRolledBack is returned by Commit when the server rolled the transaction
	// back instead: a statement in it had failed (PostgreSQL refuses to commit such
	// a transaction). The transaction is over; none of its work was kept.
	ErrRolledBack = errors.New("alchemy: the transaction was rolled back, not committed: a statement in it had failed")
	// ErrCommitUnknown is returned by Commit when the answer to a COMMIT already
	// sent did not arrive within a short grace after the caller's context ended: the
	// server may or may not have committed. The connection has been invalidated.
	ErrCommitUnknown = errors.New("alchemy: the outcome of COMMIT is unknown: its answer never came")
	// ErrNotAvailable is returned by RowsAffected and LastInsertID when the statement
	// or the driver cannot give that figure.
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

// Error is a failure reported by the database or its driver, with what alchemy was
// doing at the time. It unwraps to the driver's error, and satisfies ErrDisconnect
// when the dialect classifies it as a lost connection.
type Error struct {
	// Op is what failed: "execute", "begin", "commit", "rollback", "savepoint", "connect"...
	Op string
	// Dialect is the backend name ("postgresql").
	Dialect string
	// Code is the SQLSTATE or error number the driver reported, or "".
	Code string
	// Statement is the SQL sent, or "".
	Statement string
	// Params are the bound values; nil when hidden (HideParameters) or none.
	Params []any
	// ParamsHidden reports that parameters were withheld from this error.
	ParamsHidden bool
	// Disconnect reports that the connection was lost and has been invalidated;
	// for Op "connect", that the server could not be reached (refused, reset,
	// unreachable), as against answering with an error (a wrong password).
	Disconnect bool
	// SerializationFailure reports a serialization failure or deadlock: the
	// transaction may be retried.
	SerializationFailure bool
	// UniqueViolation reports a unique or primary key violation.
	UniqueViolation bool
	// Hint says what may fix the error (a URL option to set), or "".
	Hint string
	// Err is the driver's error.
	Err error

	ctxErr         error // the context's error, when the statement was cut off by it
	invalidatePool bool
}

// Error renders the failure with its statement and, unless hidden, its parameters.
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

// Unwrap returns the driver's error and, when the statement was cut off by its
// context, the context's error, so that errors.Is(err, context.DeadlineExceeded) holds.
func (e *Error) Unwrap() []error {
	if e.ctxErr != nil {
		return []error{e.Err, e.ctxErr}
	}
	return []error{e.Err}
}

// Is makes errors.Is(err, ErrDisconnect) true for a lost connection.
func (e *Error) Is(target error) bool {
	return target == ErrDisconnect && e.Disconnect
}

// IsSerializationFailure reports whether err is a serialization failure or a deadlock
// (PostgreSQL 40001/40P01, MySQL 1213/1205...): the transaction may be retried.
func IsSerializationFailure(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.SerializationFailure
}

// IsUniqueViolation reports whether err is a unique or primary key violation.
func IsUniqueViolation(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.UniqueViolation
}
