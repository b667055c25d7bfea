package mysql

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strconv"
	"syscall"

	gomysql "github.com/go-sql-driver/mysql"
)

// Server and client error numbers this package classifies.
const (
	ErServerShutdown           = 1053 // ER_SERVER_SHUTDOWN: the server is shutting down
	ErLockWaitTimeout          = 1205 // ER_LOCK_WAIT_TIMEOUT
	ErLockDeadlock             = 1213 // ER_LOCK_DEADLOCK
	ErQueryInterrupted         = 1317 // ER_QUERY_INTERRUPTED: KILL QUERY, max_statement_time
	ErDupEntry                 = 1062 // ER_DUP_ENTRY
	ErDupEntryWithKeyName      = 1586 // ER_DUP_ENTRY_WITH_KEY_NAME
	ErConnectionKilled         = 1927 // MariaDB ER_CONNECTION_KILLED
	CrServerGoneError          = 2006 // CR_SERVER_GONE_ERROR: MySQL server has gone away
	CrServerLost               = 2013 // CR_SERVER_LOST: lost connection during query
	CrCommandsOutOfSync        = 2014 // CR_COMMANDS_OUT_OF_SYNC
	CrSharedMemoryConnect      = 2045 // CR_SHARED_MEMORY_CONNECT_ERROR
	CrServerLostExtended       = 2055 // CR_SERVER_LOST_EXTENDED: lost connection at a stage
	ErClientInteractionTimeout = 4031 // ER_CLIENT_INTERACTION_TIMEOUT: idle too long (MySQL 8.0.24+)
)

// disconnectNumbers are the error numbers after which the connection is gone.
var disconnectNumbers = map[uint16]bool{
	ErServerShutdown:           true,
	ErConnectionKilled:         true,
	CrServerGoneError:          true,
	CrServerLost:               true,
	CrCommandsOutOfSync:        true,
	CrSharedMemoryConnect:      true,
	CrServerLostExtended:       true,
	ErClientInteractionTimeout: true,
}

// IsDisconnect reports whether err means the connection is no longer usable:
//
//   - the driver's mysql.ErrInvalidConn, a malformed or out-of-sync packet
//     (mysql.ErrMalformPkt, mysql.ErrPktSync, mysql.ErrPktSyncMul: the driver closes
//     the connection), and driver.ErrBadConn;
//   - a server error numbered 1053 (shutdown), 1927 (MariaDB: connection killed),
//     2006, 2013, 2014, 2045, 2055 (gone away, lost, out of sync) or 4031
//     (disconnected for inactivity);
//   - io.EOF, io.ErrUnexpectedEOF, net.ErrClosed, any *net.OpError, and
//     ECONNRESET, EPIPE, ECONNREFUSED or ECONNABORTED however wrapped.
//
// 1317 (query execution was interrupted) is not a disconnect: KILL QUERY and
// max_statement_time stop the statement and leave the connection usable, so taking
// it for one would needlessly discard the whole pool. When the connection itself was
// killed, its next use fails with one of the errors above.
//
// A context's cancellation or deadline is not a disconnect either: the driver closes
// that one connection, and its next use reports driver.ErrBadConn.
func IsDisconnect(err error) bool {
	if err == nil {
		return false
	}
	if me := mysqlError(err); me != nil {
		return disconnectNumbers[me.Number]
	}
	for _, target := range []error{
		gomysql.ErrInvalidConn, gomysql.ErrMalformPkt, gomysql.ErrPktSync, gomysql.ErrPktSyncMul,
		driver.ErrBadConn, io.EOF, io.ErrUnexpectedEOF, net.ErrClosed,
		syscall.ECONNRESET, syscall.EPIPE, syscall.ECONNREFUSED, syscall.ECONNABORTED,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	var opErr *net.OpError
	return errors.As(err, &opErr)
}

// IsSerializationFailure reports whether err is a deadlock (1213, the transaction was
// rolled back) or a lock wait timeout (1205): the work may be retried in a new
// transaction.
func IsSerializationFailure(err error) bool {
	me := mysqlError(err)
	return me != nil && (me.Number == ErLockDeadlock || me.Number == ErLockWaitTimeout)
}

// IsUniqueViolation reports whether err is a duplicate entry for a unique or primary
// key (1062, or 1586 when the server names the key).
func IsUniqueViolation(err error) bool {
	me := mysqlError(err)
	return me != nil && (me.Number == ErDupEntry || me.Number == ErDupEntryWithKeyName)
}

// ErrorCode returns the server's error number carried by err, as "1213", or "" when
// err carries none.
func ErrorCode(err error) string {
	if me := mysqlError(err); me != nil {
		return strconv.Itoa(int(me.Number))
	}
	return ""
}

// SQLState returns the SQLSTATE the server sent with err, as "40001", or "" when err
// carries none.
func SQLState(err error) string {
	if me := mysqlError(err); me != nil && me.SQLState != [5]byte{} {
		return string(me.SQLState[:])
	}
	return ""
}

func mysqlError(err error) *gomysql.MySQLError {
	var me *gomysql.MySQLError
	if errors.As(err, &me) && me != nil {
		return me
	}
	return nil
}
