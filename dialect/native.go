package dialect

import (
	"context"
	"database/sql/driver"
)

// Native is an optional interface of a Dialect whose driver can run the engine's
// statements itself, without database/sql's layer per statement (its Rows, its
// context watcher, its conversion of each value into a new interface). The
// connections stay database/sql's (the engine reserves them from its factory
// sql.DB); the native path runs statements on the driver connection under one.
//
// The native path must not change what a caller sees: a NativeConn hands out
// the values the driver would hand database/sql (the engine scans them by
// database/sql's rules), and returns the errors the driver would return to it,
// driver.ErrBadConn included.
type Native interface {
	// NativePath reports whether the engine for u takes the native path (the
	// default the dialect documents, or what u's query asks for).
	NativePath(u URL) bool
	// NativeConn returns the native side of one connection. driverConn is what
	// sql.Conn.Raw hands out.
	NativeConn(driverConn any) (NativeConn, error)
}

// NativeConn runs statements on one driver connection. It is used by one
// goroutine at a time, with at most one Rows open, closed before the next
// statement.
type NativeConn interface {
	// Query runs a statement that returns rows. args are as database/sql would
	// hand them to the driver's QueryContext (driver.Valuer values included).
	Query(ctx context.Context, query string, args []any) (Rows, error)
	// Exec runs a statement without rows.
	Exec(ctx context.Context, query string, args []any) (driver.Result, error)
}

// Rows is a native query's rows. Next fills dest (one value per column) with
// the values the driver would give database/sql, and returns io.EOF after the
// last row; the values are valid until the next call. The Rows may be reused by
// its NativeConn after Close.
type Rows interface {
	driver.Rows
	driver.RowsColumnTypeDatabaseTypeName
	// NumColumns returns the number of columns, without making their names.
	NumColumns() int
}
