package alchemy

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
)

// buffer reads the rows a Result has not yet read into memory and frees the
// connection for the next statement (or for a COMMIT): the Result goes on giving
// the same rows, scanned by database/sql as before. It is what lets a statement run
// while a Result of the same connection is still open, from another goroutine or
// from a loop over that Result. The caller holds the turn.
func (r *Result) buffer() {
	c := r.conn
	if c.result == r {
		c.result = nil
	}
	if r.closed || r.buffered || r.rows == nil {
		return
	}
	b := &rowBuffer{}
	b.cols, _ = r.rows.Columns()
	b.types = r.rows.typeNames()
	read := func() error {
		vals := make([]any, len(b.cols))
		ptrs := make([]any, len(b.cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := r.rows.Scan(ptrs...); err != nil {
			return err
		}
		b.rows = append(b.rows, vals)
		return nil
	}
	var err error
	if r.onRow {
		err = read()
	}
	for err == nil && r.rows.Next() {
		err = read()
	}
	if err == nil {
		err = r.rows.Err()
	}
	_ = r.rows.Close() // before fail, which may close the connection under it
	if err != nil {
		b.err = c.fail(r.ctx, "fetch", r.query, r.params, err)
	}
	if r.cancel != nil && r.cur == nil { // a cursor's next batches still need it
		r.cancel()
		r.cancel = nil
	}
	rows, qerr := c.eng.replayDB().QueryContext(context.Background(), "", b)
	if qerr != nil { // the in-memory driver does not fail; keep the error if it does
		r.rows = nil
		r.err = fmt.Errorf("alchemy: buffering a Result: %w", qerr)
		r.closed = true
		return
	}
	r.rows = sqlRows{rows}
	r.buffered = true
	if r.trace != nil && r.cur == nil { // a cursor's is ended by its Result or Conn
		c.traced = append(c.traced, r)
	}
	if r.onRow && len(b.rows) > 0 {
		rows.Next() // the row the reader was on stays current
	}
}

// rowBuffer is a Result's remaining rows, held in memory.
type rowBuffer struct {
	cols  []string
	types []string // database type names, for Result.Row's text-or-bytes choice
	rows  [][]any
	err   error // what ended the reading early, given after the last row
}

// replayDB serves rowBuffers back through database/sql, so that a buffered Result
// scans its values with database/sql's own conversions. There is one per engine,
// made at the first use and closed by Dispose; a buffered Result needs no
// connection, so it stays readable after its Conn, or the block that made it, ends.
func (e *Engine) replayDB() *sql.DB {
	e.replayMu.Lock()
	defer e.replayMu.Unlock()
	if e.replay == nil {
		e.replay = sql.OpenDB(replayConnector{})
	}
	return e.replay
}

type replayConnector struct{}

func (replayConnector) Connect(context.Context) (driver.Conn, error) { return replayConn{}, nil }
func (replayConnector) Driver() driver.Driver                        { return replayDriver{} }

type replayDriver struct{}

func (replayDriver) Open(string) (driver.Conn, error) { return replayConn{}, nil }

var errReplayOnly = errors.New("alchemy: the in-memory row buffer only replays rows")

type replayConn struct{}

func (replayConn) Prepare(string) (driver.Stmt, error)      { return nil, errReplayOnly }
func (replayConn) Close() error                             { return nil }
func (replayConn) Begin() (driver.Tx, error)                { return nil, errReplayOnly }
func (replayConn) CheckNamedValue(*driver.NamedValue) error { return nil }

func (replayConn) QueryContext(_ context.Context, _ string, args []driver.NamedValue) (driver.Rows, error) {
	if len(args) != 1 {
		return nil, errReplayOnly
	}
	switch src := args[0].Value.(type) {
	case *rowBuffer:
		return &replayRows{b: src}, nil
	case *nativeRows:
		return liveRows{src}, nil
	}
	return nil, errReplayOnly
}

type replayRows struct {
	b *rowBuffer
	i int
}

func (r *replayRows) Columns() []string { return r.b.cols }
func (r *replayRows) Close() error      { return nil }

func (r *replayRows) Next(dest []driver.Value) error {
	if r.i >= len(r.b.rows) {
		if r.b.err != nil {
			return r.b.err
		}
		return io.EOF
	}
	for i, v := range r.b.rows[r.i] {
		dest[i] = v
	}
	r.i++
	return nil
}

// ColumnTypeDatabaseTypeName gives the type names of the original columns.
func (r *replayRows) ColumnTypeDatabaseTypeName(i int) string {
	if i < len(r.b.types) {
		return r.b.types[i]
	}
	return ""
}
