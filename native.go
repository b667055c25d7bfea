package alchemy

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
)

// The native path (dialect.Native): a dialect that offers it runs the engine's
// statements on the driver connection under the reserved sql.Conn, and hands
// out the values its driver would hand database/sql. nativeRows reads them and
// scans them by database/sql's rules: the conversions whose result is plain
// (a value into a pointer to its own type, a Scanner, *any) it makes itself; a
// row with any other destination is scanned by database/sql's own Rows.Scan,
// over the same values (slow, below). What a caller can scan, and what it gets,
// does not depend on the path.

// nativeRows is a rowReader over a dialect's native rows. Each connection
// keeps one and reuses it from one statement to the next.
type nativeRows struct {
	e      *Engine
	ctx    context.Context // the statement's
	rows   dialect.Rows
	vals   []driver.Value // the current row
	cols   []string       // made when asked for
	err    error
	onRow  bool
	closed bool      // Close was called, or the rows ended (a Close after that returns nil, as database/sql's does)
	n      int       // rows read
	slow   *sql.Rows // database/sql's Rows over the current row, made at the first scan that needs it
	slowN  int       // the row slow is on
}

// start makes r read rows.
func (r *nativeRows) start(e *Engine, ctx context.Context, rows dialect.Rows) *nativeRows {
	if r.rows != nil && !r.closed { // still open: do not share (the engine never does this)
		r = &nativeRows{}
	}
	vals := r.vals
	n := rows.NumColumns()
	if cap(vals) < n {
		vals = make([]driver.Value, n)
	}
	*r = nativeRows{e: e, ctx: ctx, rows: rows, vals: vals[:n]}
	return r
}

// Next reads the next row. As database/sql's Rows, it ends (closes the rows)
// when its context has ended, with the context's error.
func (r *nativeRows) Next() bool {
	if r.closed {
		return false
	}
	r.onRow = false
	if err := r.ctx.Err(); err != nil {
		r.end(err)
		return false
	}
	if err := r.rows.Next(r.vals); err != nil {
		if err == io.EOF {
			err = nil
		} else if ctxErr := r.ctx.Err(); ctxErr != nil {
			err = ctxErr
		}
		r.end(err)
		return false
	}
	r.onRow = true
	r.n++
	return true
}

// end closes the rows after their last row or an error.
func (r *nativeRows) end(err error) {
	r.err = err
	_ = r.close()
}

// Err returns the error that ended the rows, if any.
func (r *nativeRows) Err() error { return r.err }

// Close closes the rows.
func (r *nativeRows) Close() error {
	if r.closed {
		return nil
	}
	return r.close()
}

func (r *nativeRows) close() error {
	r.closed, r.onRow, r.ctx = true, false, nil
	if r.slow != nil {
		_ = r.slow.Close()
		r.slow = nil
	}
	clear(r.vals)
	return r.rows.Close()
}

// Columns returns the column names.
func (r *nativeRows) Columns() ([]string, error) {
	if r.cols == nil {
		if r.closed {
			return nil, errRowsClosed
		}
		r.cols = r.rows.Columns()
	}
	return r.cols, nil
}

var errRowsClosed = errors.New("alchemy: rows are closed")

func (r *nativeRows) typeNames() []string {
	if r.closed {
		return nil
	}
	names := make([]string, len(r.vals))
	for i := range names {
		names[i] = r.rows.ColumnTypeDatabaseTypeName(i)
	}
	return names
}

// Scan copies the current row into dest as database/sql's Rows.Scan does.
func (r *nativeRows) Scan(dest ...any) error {
	if !r.onRow || len(dest) != len(r.vals) {
		return r.slowScan(dest)
	}
	for i, d := range dest {
		if !plain(d, r.vals[i]) {
			return r.slowScan(dest)
		}
	}
	for i, d := range dest {
		if err := assign(d, r.vals[i]); err != nil {
			cols, _ := r.Columns()
			return fmt.Errorf("sql: Scan error on column index %d, name %q: %w", i, cols[i], err)
		}
	}
	return nil
}

// slowScan scans the current row with database/sql's Rows.Scan, through the
// engine's replay database: its Rows reads the row the native rows are on.
func (r *nativeRows) slowScan(dest []any) error {
	if r.slow == nil {
		if _, err := r.Columns(); err != nil {
			return err
		}
		rows, err := r.e.replayDB().QueryContext(context.Background(), "", r)
		if err != nil {
			return fmt.Errorf("alchemy: scan: %w", err)
		}
		r.slow, r.slowN = rows, 0
	}
	if r.onRow && r.slowN != r.n {
		r.slowN = r.n
		if !r.slow.Next() {
			return fmt.Errorf("alchemy: scan: %w", r.slow.Err())
		}
	}
	return r.slow.Scan(dest...)
}

// liveRows is the driver side of nativeRows.slow: each Next gives the row the
// native rows are on.
type liveRows struct{ r *nativeRows }

func (l liveRows) Columns() []string { return l.r.cols }
func (l liveRows) Close() error      { return nil }

func (l liveRows) Next(dest []driver.Value) error {
	if !l.r.onRow {
		return io.EOF
	}
	copy(dest, l.r.vals)
	return nil
}

func (l liveRows) ColumnTypeDatabaseTypeName(i int) string {
	if l.r.closed {
		return ""
	}
	return l.r.rows.ColumnTypeDatabaseTypeName(i)
}

// plain reports whether assign converts src into dest exactly as database/sql's
// convertAssign does: a value into a pointer to its own type, a driver value
// into *any, a string or bytes into *string, bytes into *[]byte, an int64 into
// *int when int has 64 bits, and any value into a sql.Scanner that is none of
// the pointer types database/sql converts into itself. A nil pointer is left to
// database/sql, for its error.
func plain(dest, src any) bool {
	switch d := dest.(type) {
	case *any:
		return d != nil
	case *string:
		switch src.(type) {
		case string, []byte:
			return d != nil
		}
		return false
	case *[]byte:
		_, ok := src.([]byte)
		return ok && d != nil
	case *int64:
		_, ok := src.(int64)
		return ok && d != nil
	case *int:
		_, ok := src.(int64)
		return ok && d != nil && strconv.IntSize == 64
	case *float64:
		_, ok := src.(float64)
		return ok && d != nil
	case *bool:
		_, ok := src.(bool)
		return ok && d != nil
	case *time.Time:
		_, ok := src.(time.Time)
		return ok && d != nil
	case *sql.RawBytes:
		return false
	case sql.Scanner:
		return true
	}
	return false
}

// assign makes the conversion plain allows.
func assign(dest, src any) error {
	switch d := dest.(type) {
	case *any:
		if b, ok := src.([]byte); ok {
			*d = bytes.Clone(b)
		} else {
			*d = src
		}
	case *string:
		if b, ok := src.([]byte); ok {
			*d = string(b)
		} else {
			*d = src.(string)
		}
	case *[]byte:
		*d = bytes.Clone(src.([]byte))
	case *int64:
		*d = src.(int64)
	case *int:
		*d = int(src.(int64))
	case *float64:
		*d = src.(float64)
	case *bool:
		*d = src.(bool)
	case *time.Time:
		*d = src.(time.Time)
	case sql.Scanner:
		return d.Scan(src)
	}
	return nil
}

// hasNamedArg reports whether params hold a sql.NamedArg, which database/sql
// checks and unwraps before the driver sees it: such a statement takes
// database/sql's path.
func hasNamedArg(params []any) bool {
	for _, p := range params {
		if _, ok := p.(sql.NamedArg); ok {
			return true
		}
	}
	return false
}
