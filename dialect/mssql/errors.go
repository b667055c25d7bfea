package mssql

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"

	mssqldb "github.com/microsoft/go-mssqldb"
)

// SQL Server error numbers this package classifies.
const (
	ErrNoProcessOnPipe       = 233   // no process is on the other end of the pipe
	ErrSessionKilled         = 596   // cannot continue: the session is in the kill state
	ErrDeadlockVictim        = 1205  // chosen as the deadlock victim
	ErrDuplicateKeyIndex     = 2601  // duplicate key row in a unique index
	ErrUniqueConstraint      = 2627  // violation of a PRIMARY KEY or UNIQUE constraint
	ErrSnapshotConflict      = 3960  // snapshot isolation update conflict
	ErrSnapshotDDL           = 3961  // snapshot isolation: object changed by DDL
	ErrShutdownInProgress    = 6005  // SHUTDOWN is in progress
	ErrTransportAborted      = 10053 // transport-level error: connection aborted
	ErrTransportReset        = 10054 // transport-level error: connection reset by peer
	ErrAzureServiceError     = 40197 // Azure SQL: error processing the request; reconnect
	ErrAzureDatabaseNotReady = 40613 // Azure SQL: database not currently available
)

// fatalClass is the lowest severity at which SQL Server ends the connection.
const fatalClass = 20

var disconnectNumbers = map[int32]bool{
	ErrNoProcessOnPipe:       true,
	ErrSessionKilled:         true,
	ErrShutdownInProgress:    true,
	ErrTransportAborted:      true,
	ErrTransportReset:        true,
	ErrAzureServiceError:     true,
	ErrAzureDatabaseNotReady: true,
}

// sendFailures are the messages go-mssqldb gives, without wrapping the network
// error, when it could not write a request; it marks the connection bad after each.
var sendFailures = []string{
	"failed to send SQL Batch",
	"failed to send RPC",
	"failed to send BeginXact",
	"failed to send RollbackXact",
	"faild to send CommitXact", // sic, in go-mssqldb
	"failed to send CommitXact",
}

// IsDisconnect reports whether err means the connection is no longer usable:
//
//   - driver.ErrBadConn (go-mssqldb's RetryableError satisfies it), and
//     go-mssqldb's StreamError (a broken TDS stream) and ServerError (a fatal
//     server error that severed the connection);
//   - a server error of severity 20 or more, which always ends the connection, or
//     numbered 233, 596 (session killed), 6005 (shutdown), 10053, 10054 (transport
//     errors), 40197 or 40613 (Azure SQL asks for a reconnect);
//   - go-mssqldb's "failed to send ..." errors, and its "login error: ..." errors
//     for a timeout, EOF, reset, refused or closed socket, which flatten the network
//     error into text;
//   - io.EOF, io.ErrUnexpectedEOF, net.ErrClosed, any *net.OpError (as the "TCP
//     Provider" errors of ODBC: a refused, reset or timed-out socket), and ECONNRESET,
//     EPIPE, ECONNREFUSED or ECONNABORTED however wrapped.
//
// This is the Go form of SQLAlchemy's pyodbc list (08S01, 08001, 08003, 01002,
// HYT00...), which names ODBC states that go-mssqldb does not produce. A context's
// cancellation or deadline is not a disconnect: go-mssqldb cancels the request and
// keeps the connection.
func IsDisconnect(err error) bool {
	if err == nil {
		return false
	}
	var streamErr mssqldb.StreamError
	var serverErr mssqldb.ServerError
	if errors.As(err, &streamErr) || errors.As(err, &serverErr) {
		return true
	}
	if e, ok := serverError(err); ok && (e.Class >= fatalClass || disconnectNumbers[e.Number]) {
		return true
	}
	for _, target := range []error{
		driver.ErrBadConn, io.EOF, io.ErrUnexpectedEOF, net.ErrClosed,
		syscall.ECONNRESET, syscall.EPIPE, syscall.ECONNREFUSED, syscall.ECONNABORTED,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return true
	}
	return anyInChain(err, func(e error) bool {
		msg := e.Error()
		for _, p := range sendFailures {
			if strings.HasPrefix(msg, p) {
				return true
			}
		}
		if strings.HasPrefix(msg, "login error: ") {
			for _, w := range loginNetworkFailures {
				if strings.Contains(msg, w) {
					return true
				}
			}
		}
		return false
	})
}

// loginNetworkFailures are the network failures that go-mssqldb, while logging in,
// reports as text after "login error: ": ODBC's login timeout (HYT00) and lost link
// (08S01).
var loginNetworkFailures = []string{
	"i/o timeout", "EOF", "connection reset", "broken pipe", "connection refused", "use of closed network connection",
}

// IsSerializationFailure reports whether err is a deadlock victim (1205) or a
// snapshot isolation conflict (3960, 3961): SQL Server rolled the transaction back,
// and the work may be retried in a new one.
func IsSerializationFailure(err error) bool {
	e, ok := serverError(err)
	return ok && (e.Number == ErrDeadlockVictim || e.Number == ErrSnapshotConflict || e.Number == ErrSnapshotDDL)
}

// IsUniqueViolation reports whether err is a primary key or unique constraint
// violation (2627) or a duplicate key in a unique index (2601).
func IsUniqueViolation(err error) bool {
	e, ok := serverError(err)
	return ok && (e.Number == ErrUniqueConstraint || e.Number == ErrDuplicateKeyIndex)
}

// ErrorCode returns SQL Server's error number carried by err, as "1205", or "" when
// err carries none. SQL Server sends no SQLSTATE.
func ErrorCode(err error) string {
	if e, ok := serverError(err); ok {
		return strconv.Itoa(int(e.Number))
	}
	return ""
}

// serverError finds go-mssqldb's Error in err's chain. When the server sent
// several, as it does for a batch, the one that decides is the first among them
// that the classifiers know, else the last (the driver's own choice).
func serverError(err error) (mssqldb.Error, bool) {
	var e mssqldb.Error
	if !errors.As(err, &e) {
		return e, false
	}
	for _, one := range e.All {
		if one.Class >= fatalClass || disconnectNumbers[one.Number] ||
			one.Number == ErrDeadlockVictim || one.Number == ErrSnapshotConflict || one.Number == ErrSnapshotDDL ||
			one.Number == ErrUniqueConstraint || one.Number == ErrDuplicateKeyIndex {
			return one, true
		}
	}
	return e, true
}

// anyInChain reports whether f holds for err or any error it wraps.
func anyInChain(err error, f func(error) bool) bool {
	for err != nil {
		if f(err) {
			return true
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if anyInChain(e, f) {
					return true
				}
			}
			return false
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		default:
			return false
		}
	}
	return false
}
