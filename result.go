package alchemy

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// Result is what a statement returned. Read rows with Next and Scan (or All, One...)
// and check Err; the cursor closes at the end of the rows, or at Close, and then a
// connectionless Result's connection goes back. Without rows, RowsAffected and
// LastInsertID tell what it did, and there is nothing to close.
type Result struct {
	conn      *Conn
	pc        *poolConn       // the connection the rows come from, to tell a stale Result
	ctx       context.Context // the statement's, to tell a fetch cut off by it
	rows      rowReader       // the driver's, or the rows read into memory (buffered)
	res       sql.Result
	cancel    context.CancelFunc
	query     string
	params    []any
	cols      []string
	types     []string // the columns' database type names, read by Row
	err       error
	closed    bool
	closeConn bool       // connectionless execution: the connection goes back with the result
	onRow     bool       // Next reported a row that is still current
	drained   bool       // Next reached the end of the rows without an error
	buffered  bool       // the remaining rows were read into memory; the connection is free
	trace     *execTrace // ended when the rows are
	nread     int64      // rows read so far, for the trace
	cur       *cursor    // the server-side cursor the rows come through (YieldPer), if any
}

// tracedResult is a Result with its statement's trace, in one allocation.
type tracedResult struct {
	Result
	tr execTrace
}

// newResult returns a new Result, with its trace when the engine traces or
// echoes statements (else tr is nil).
func (c *Conn) newResult() (res *Result, tr *execTrace) {
	if !c.tracesExec() {
		return &Result{}, nil
	}
	t := &tracedResult{}
	t.trace = &t.tr
	return &t.Result, &t.tr
}

// Next advances to the next row, if there is one; if not, it closes the Result.
func (r *Result) Next() bool {
	if r.res != nil { // a statement without rows
		return false
	}
	r.conn.lockWait()
	defer r.conn.unlock()
	return r.next()
}

func (r *Result) next() bool {
	if r.closed || r.rows == nil {
		return false
	}
	if r.rows.Next() {
		r.onRow = true
		r.nread++
		if r.cur != nil {
			r.cur.got++
		}
		return true
	}
	r.onRow = false
	if err := r.rows.Err(); err != nil {
		switch {
		case r.buffered:
			r.err = err // classified when it was read
		case r.stale():
			r.err = fmt.Errorf("alchemy: fetch: %w", err) // its connection is gone already
		default:
			r.conn.result = nil
			r.err = r.conn.fail(r.ctx, "fetch", r.query, r.params, err)
		}
	} else if r.cur != nil && r.nextBatch() {
		return r.next()
	} else if r.err == nil {
		r.drained = true
	}
	r.finish()
	return false
}

// Scan copies the current row's columns into dest, as database/sql's Scan.
func (r *Result) Scan(dest ...any) error {
	r.conn.lockWait()
	defer r.conn.unlock()
	return r.scan(dest)
}

// scan is Scan for the holder of the turn.
func (r *Result) scan(dest []any) error {
	if r.closed || r.rows == nil {
		return fmt.Errorf("%w: result (no current row)", ErrClosed)
	}
	if err := scanCurrent(r.rows, dest); err != nil {
		return fmt.Errorf("alchemy: scan: %w", err)
	}
	return nil
}

// Err returns the error that ended the rows, if any.
func (r *Result) Err() error {
	r.conn.lockWait()
	defer r.conn.unlock()
	return r.err
}

// Close closes the cursor (and a connectionless Result's connection goes back). A
// second Close does nothing.
func (r *Result) Close() error {
	r.conn.lockWait()
	defer r.conn.unlock()
	if r.closed {
		return nil
	}
	return r.finish()
}

// finish closes the cursor and, for a connectionless Result, the connection. The
// caller holds the turn.
func (r *Result) finish() error {
	r.release(nil)
	if r.closeConn {
		return r.conn.close()
	}
	return nil
}

// release closes the cursor and frees the connection for the next statement. A
// cursor closed before its end by a context that has ended, or whose close failed,
// leaves the connection in a state nobody knows: it is invalidated. reason, when
// not nil, is why the Result ends early (its connection is going away), and
// becomes its error if rows were left unread. The caller holds the turn.
func (r *Result) release(reason error) {
	if r.closed {
		return
	}
	r.closed = true
	r.onRow = false
	c := r.conn
	if c.result == r {
		c.result = nil
	}

	var unknown error
	if r.rows != nil {
		err := r.rows.Close()
		if err != nil && r.err == nil {
			r.err = err
		}
		live := !r.buffered && !r.stale() && reason == nil
		if r.drained && live && r.ctx.Err() != nil {
			c.checkAlive()
		}
		if !r.drained && live {
			if ctxErr := r.ctx.Err(); ctxErr != nil {
				unknown = fmt.Errorf("alchemy: a Result was closed after its context ended: %w", ctxErr)
			} else if err != nil {
				unknown = fmt.Errorf("alchemy: closing a Result failed: %w", err)
			}
		}
		if reason != nil && !r.drained && r.err == nil {
			r.err = fmt.Errorf("alchemy: the Result ended before all its rows were read: %w", reason)
		}
	}
	if r.cancel != nil {
		r.cancel()
		r.cancel = nil
	}
	if unknown != nil {
		c.invalidate(unknown, false)
	}
	if r.cur != nil {
		r.closeCursor(reason)
	}
	r.endTrace()
}

// endTrace runs the end hooks of the Result's statement, once. The caller holds the
// turn.
func (r *Result) endTrace() {
	if r.trace == nil {
		return
	}
	tr := r.trace
	r.trace = nil
	if r.buffered {
		c := r.conn
		c.traced = slices.DeleteFunc(c.traced, func(b *Result) bool { return b == r })
	}
	tr.end(r.conn, r.nread, r.err)
}

// stale reports whether the connection the rows came from has been replaced.
func (r *Result) stale() bool { return r.pc != r.conn.pc }

// ReturnsRows reports whether the statement returned rows (even none).
func (r *Result) ReturnsRows() bool { return r.res == nil }

// Columns returns the column names; nil without rows.
func (r *Result) Columns() []string {
	if r.res != nil {
		return nil
	}
	r.conn.lockWait()
	defer r.conn.unlock()
	return r.columns()
}

func (r *Result) columns() []string {
	if r.cols == nil && r.rows != nil && !r.closed {
		r.cols, _ = r.rows.Columns()
	}
	return r.cols
}

// RowsAffected returns the rows an INSERT, UPDATE or DELETE changed (an
// executemany's total); ErrNotAvailable for a statement with rows.
func (r *Result) RowsAffected() (int64, error) {
	if r.res == nil {
		return 0, fmt.Errorf("%w: RowsAffected of a statement that returns rows", ErrNotAvailable)
	}
	n, err := r.res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrNotAvailable, err)
	}
	return n, nil
}

// LastInsertID returns the id generated by an INSERT (SQLite, MySQL); PostgreSQL
// has none: use RETURNING.
func (r *Result) LastInsertID() (int64, error) {
	if r.res == nil {
		return 0, fmt.Errorf("%w: LastInsertID of a statement that returns rows", ErrNotAvailable)
	}
	n, err := r.res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrNotAvailable, err)
	}
	return n, nil
}

// Row is one row's values, by index (Values) and by name (Get).
type Row struct {
	cols []string
	vals []any
}

// Columns returns the column names.
func (r Row) Columns() []string { return r.cols }

// Values returns the values in column order.
func (r Row) Values() []any { return r.vals }

// Get returns the named column's value, and whether there is one.
func (r Row) Get(name string) (any, bool) {
	for i, c := range r.cols {
		if c == name {
			return r.vals[i], true
		}
	}
	for i, c := range r.cols {
		if strings.EqualFold(c, name) {
			return r.vals[i], true
		}
	}
	return nil, false
}

// asMap returns the row as a map from column name to value.
func (r Row) asMap() map[string]any {
	m := make(map[string]any, len(r.cols))
	for i, c := range r.cols {
		m[c] = r.vals[i]
	}
	return m
}

// Row reads the current row. Text a driver gives as bytes (MySQL) becomes a
// string; binary columns stay []byte.
func (r *Result) Row() (Row, error) {
	r.conn.lockWait()
	defer r.conn.unlock()
	cols := r.columns()
	if r.closed || r.rows == nil {
		return Row{}, fmt.Errorf("%w: result (no current row)", ErrClosed)
	}
	if r.types == nil {
		r.types = r.rows.typeNames() // to tell text from binary bytes
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := r.rows.Scan(ptrs...); err != nil {
		return Row{}, fmt.Errorf("alchemy: scan: %w", err)
	}
	for i, v := range vals {
		if b, ok := v.([]byte); ok && !r.binaryColumn(i) {
			vals[i] = string(b)
		}
	}
	return Row{cols: cols, vals: vals}, nil
}

// binaryColumn reports whether column i holds bytes rather than text: a binary
// type, or no declared type at all (an SQLite expression), where bytes are kept.
func (r *Result) binaryColumn(i int) bool {
	if i >= len(r.types) {
		return true
	}
	t := strings.ToUpper(r.types[i])
	if t == "" {
		return true
	}
	for _, b := range []string{"BLOB", "BINARY", "BYTEA", "IMAGE", "BIT", "GEOMETRY"} {
		if strings.Contains(t, b) {
			return true
		}
	}
	return false
}

func (r *Result) noRow() error {
	if err := r.Err(); err != nil {
		return err
	}
	if r.res != nil {
		return fmt.Errorf("%w: the statement returns no rows", ErrNoRows)
	}
	return ErrNoRows
}
