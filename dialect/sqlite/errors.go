package sqlite

import (
	"database/sql/driver"
	"errors"
	"strconv"

	modernc "modernc.org/sqlite"
)

// SQLite result codes this package classifies. A *sqlite.Error carries the extended
// code (the primary code in its low 8 bits).
const (
	CodeBusy                 = 5    // SQLITE_BUSY: another connection holds a lock
	CodeLocked               = 6    // SQLITE_LOCKED: a conflict inside this connection or shared cache
	CodeConstraintPrimaryKey = 1555 // SQLITE_CONSTRAINT_PRIMARYKEY
	CodeConstraintUnique     = 2067 // SQLITE_CONSTRAINT_UNIQUE
)

// code returns the extended result code of the *sqlite.Error in err's chain.
func code(err error) (int, bool) {
	var e *modernc.Error
	if errors.As(err, &e) {
		return e.Code(), true
	}
	return 0, false
}

// IsDisconnect reports whether err means the connection is no longer usable. An
// SQLite connection is a handle on a file in this process: there is no server or
// socket to lose, and no result code means that the handle itself is gone (an I/O
// error or a corrupt file fails the statement, and a new connection would fail the
// same way). So only driver.ErrBadConn, which database/sql and the driver use for a
// connection that was closed under them, counts.
func IsDisconnect(err error) bool {
	return err != nil && errors.Is(err, driver.ErrBadConn)
}

// IsSerializationFailure reports whether err is SQLITE_BUSY or SQLITE_LOCKED, with any
// extended code (SQLITE_BUSY_SNAPSHOT is WAL's true serialization failure): a lock
// was not granted, and running the transaction again may succeed.
func IsSerializationFailure(err error) bool {
	c, ok := code(err)
	return ok && (c&0xff == CodeBusy || c&0xff == CodeLocked)
}

// IsUniqueViolation reports whether err is SQLITE_CONSTRAINT_UNIQUE or
// SQLITE_CONSTRAINT_PRIMARYKEY.
func IsUniqueViolation(err error) bool {
	c, ok := code(err)
	return ok && (c == CodeConstraintUnique || c == CodeConstraintPrimaryKey)
}

// ErrorCode returns the extended result code carried by err as decimal text ("2067"),
// or "" when err carries none.
func ErrorCode(err error) string {
	if c, ok := code(err); ok {
		return strconv.Itoa(c)
	}
	return ""
}
