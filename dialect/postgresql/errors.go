package postgresql

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// refusalClass reports whether code is one a server sends when it refuses a new
// connection (28 invalid authorization, 3D invalid catalog name, 53 insufficient
// resources such as 53300): FATAL, but no sign that an established connection broke.
func refusalClass(code string) bool {
	return strings.HasPrefix(code, "28") || strings.HasPrefix(code, "3D") || strings.HasPrefix(code, "53")
}

// SQLSTATE codes this package classifies.
const (
	CodeSerializationFailure = "40001" // serialization_failure
	CodeDeadlockDetected     = "40P01" // deadlock_detected
	CodeUniqueViolation      = "23505" // unique_violation
	CodeAdminShutdown        = "57P01" // admin_shutdown: pg_terminate_backend, smart/fast shutdown
	CodeCrashShutdown        = "57P02" // crash_shutdown: another backend crashed
	CodeCannotConnectNow     = "57P03" // cannot_connect_now: starting up, shutting down, recovering
	CodeTooManyConnections   = "53300" // too_many_connections
)

// disconnectCodes are SQLSTATEs after which the session is gone. Class 08
// (connection_exception) is matched by its prefix.
var disconnectCodes = map[string]bool{
	CodeAdminShutdown:    true,
	CodeCrashShutdown:    true,
	CodeCannotConnectNow: true,
	"57P04":              true, // database_dropped
	"57P05":              true, // idle_session_timeout (PostgreSQL 14+)
	"25P03":              true, // idle_in_transaction_session_timeout: the server closes the session
}

// disconnectErrnos are socket errors that mean the connection is, or was never, there.
var disconnectErrnos = []syscall.Errno{
	syscall.ECONNRESET, syscall.EPIPE, syscall.ECONNREFUSED, syscall.ECONNABORTED,
	syscall.ETIMEDOUT, syscall.ENETUNREACH, syscall.EHOSTUNREACH, syscall.ENOTCONN,
	syscall.ENETDOWN, syscall.ENETRESET,
}

// IsDisconnect reports whether err means the connection is no longer usable, so that
// the pool must discard it (and, as SQLAlchemy does, the connections made before it).
//
// It is true for, anywhere in err's chain:
//   - a server error of class 08 (connection_exception), 57P01 admin_shutdown (as
//     pg_terminate_backend sends), 57P02 crash_shutdown, 57P03 cannot_connect_now,
//     57P04 database_dropped, 57P05 idle_session_timeout, 25P03
//     idle_in_transaction_session_timeout;
//   - any other server error of severity FATAL or PANIC on an established connection
//     (pgx closes the connection on these), except those of the classes a server uses
//     to refuse a new connection (28, 3D, 53);
//   - driver.ErrBadConn, pgconn.ErrConnClosed ("conn closed"), io.EOF,
//     io.ErrUnexpectedEOF, net.ErrClosed;
//   - a socket error: ECONNRESET, EPIPE, ECONNREFUSED, ECONNABORTED, ETIMEDOUT,
//     ENETUNREACH, EHOSTUNREACH, ENOTCONN, ENETDOWN, ENETRESET, and any other
//     net.Error that is not a timeout.
//
// A failed connection attempt (*pgconn.ConnectError) counts when its cause does: a
// refused or reset connection does; an error the server answered with does not (a
// wrong password, even one PgBouncer reports as 08P01, an unknown database, a server
// starting up).
// Neither does 53300 too_many_connections: it refuses a new connection and says
// nothing about the established ones, so discarding them would only make the storm
// worse. An error that carries context.Canceled or context.DeadlineExceeded is the
// caller's own deadline, not a disconnect, even though pgx closes a connection whose
// query it interrupts: whoever holds that connection should check it
// (database/sql's driver.ErrBadConn on its next use) rather than invalidate the pool.
func IsDisconnect(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		var connectErr *pgconn.ConnectError
		if errors.As(err, &connectErr) {
			// The server answered a new connection with an error: authentication
			// (PgBouncer reports a failed one as 08P01), limits, names, start-up.
			return false
		}
		if strings.HasPrefix(pgErr.Code, "08") || disconnectCodes[pgErr.Code] {
			return true
		}
		if refusalClass(pgErr.Code) {
			return false
		}
		sev := pgErr.SeverityUnlocalized
		if sev == "" {
			sev = pgErr.Severity
		}
		return sev == "FATAL" || sev == "PANIC"
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return true
	}
	for _, errno := range disconnectErrnos {
		if errors.Is(err, errno) {
			return true
		}
	}
	var netErr net.Error
	return errors.As(err, &netErr) && !netErr.Timeout()
}

// IsSerializationFailure reports whether err is a serialization failure (40001) or a
// deadlock (40P01): the transaction failed through no fault of its own, and running
// it again may succeed.
func IsSerializationFailure(err error) bool {
	code := ErrorCode(err)
	return code == CodeSerializationFailure || code == CodeDeadlockDetected
}

// IsUniqueViolation reports whether err is a unique or primary key violation (23505).
func IsUniqueViolation(err error) bool { return ErrorCode(err) == CodeUniqueViolation }

// ErrorCode returns the SQLSTATE carried by err (a *pgconn.PgError, or any error in
// the chain with a SQLState method), or "" when it carries none.
func ErrorCode(err error) string {
	var s interface{ SQLState() string }
	if errors.As(err, &s) {
		return s.SQLState()
	}
	return ""
}
