package alchemy

// Streaming with ExecutionOptions.YieldPer, and what it bounds where.
//
// Without it, a Result reads rows from the driver as Next asks for them (pgx,
// go-sql-driver/mysql and modernc sqlite all read on demand), so a Result read to
// its end holds one row at a time. What is unbounded is buffering: a statement
// issued while the Result is open needs the connection, so the Result's remaining
// rows are read into memory first (buffered.go), however many there are.
//
// With YieldPer = n on a dialect with dialect.ServerCursors (PostgreSQL), inside a
// transaction, a SELECT runs as DECLARE <cursor> NO SCROLL CURSOR FOR <select>
// (with its binds), and the Result reads FETCH FORWARD n batches from it, one at a
// time, and sends CLOSE when it is exhausted or closed. A statement issued while
// the Result is open then buffers the rest of the current batch only (at most n
// rows); the next batch is fetched when the Result reaches it. Memory is bounded by
// n rows however the reading and other statements interleave, with two exceptions
// where rows would otherwise be lost: COMMIT and ROLLBACK (and ROLLBACK TO a
// savepoint opened before the cursor), which end the cursor on the server, first
// read what it has left into memory, as they do for any open Result.
//
// Outside a transaction (a cursor without WITH HOLD lives in one) and on the other
// dialects (MySQL's cursors exist only in stored programs; SQLite has none in SQL),
// YieldPer changes nothing: the rows already stream from the driver, and buffering
// must still read all of them, since the driver's stream must be consumed before
// the connection can serve another statement, and no row may be dropped.
//
// A cursor follows the core's rules. Its context (the statement's, with the
// Timeout) bounds the whole reading: once it has ended, a batch still arriving,
// the next FETCH and the CLOSE are all cut off, and nothing is sent past it, so
// the connection, whose cursor is left in a state nobody knows, is invalidated,
// as it is for a statement cut off by its context. So is one whose FETCH or CLOSE
// lost the connection. A FETCH that the server refuses (the transaction failed)
// ends the Result with that error; the transaction's end closes the cursor.

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/expr"
)

// cursorSeq numbers cursors. Names are never reused, so that a driver that
// prepares and caches statements (pgx) never meets a cached FETCH whose result
// type was described for another cursor of the same name.
var cursorSeq atomic.Uint64

// cursor is the server-side cursor a Result reads its rows through.
type cursor struct {
	fetch, close string
	fetchAll     string
	n            int  // rows per batch
	got          int  // rows of the current batch read so far
	depth        int  // savepoints open when it was declared
	open         bool // on the server: neither closed nor ended with its transaction
	last         bool // the current batch is the last one
	pending      *rowBuffer
}

// query runs a statement that returns rows: as a cursor when the connection's
// YieldPer asks for one and one can be declared (see above), else as a plain query.
// The caller holds the turn.
func (c *Conn) query(ctx context.Context, stmt Executable, r *Result, query string, params []any) (rowReader, error) {
	d, ok := c.eng.dialect.(dialect.ServerCursors)
	if !ok || c.opts.YieldPer <= 0 || c.tx == nil || !c.tx.begun || c.tx.autocommit || !cursorable(stmt, query) {
		return c.dc.query(ctx, query, params)
	}
	name := "alchemy_cursor_" + strconv.FormatUint(cursorSeq.Add(1), 10)
	declare, fetch, closeSQL := d.CursorSQL(name, query, c.opts.YieldPer)
	_, fetchAll, _ := d.CursorSQL(name, query, 0)
	fetchAll = strings.Replace(fetchAll, "FORWARD 0", "FORWARD ALL", 1)
	if _, err := c.dc.exec(ctx, declare, params); err != nil {
		return nil, err
	}
	r.cur = &cursor{fetch: fetch, close: closeSQL, fetchAll: fetchAll, n: c.opts.YieldPer, depth: len(c.tx.savepoints), open: true}
	return c.dc.query(ctx, fetch, nil)
}

// cursorable reports whether stmt is a query a cursor may be declared for: a
// SELECT of the expression language, or a Text whose SQL begins with SELECT, VALUES
// or TABLE. Anything else (a WITH that may hold an INSERT, a RETURNING, SHOW) runs
// as a plain query: a DECLARE that failed would abort the caller's transaction.
func cursorable(stmt Executable, query string) bool {
	switch stmt.(type) {
	case *expr.SelectStmt:
		return true
	case *expr.TextClause:
		word := firstWord(query)
		return strings.EqualFold(word, "select") || strings.EqualFold(word, "values") || strings.EqualFold(word, "table")
	}
	return false
}

// firstWord returns the first keyword of query, past white space, opening
// parentheses and comments.
func firstWord(q string) string {
	for {
		q = strings.TrimLeft(q, " \t\r\n(")
		switch {
		case strings.HasPrefix(q, "--"):
			i := strings.IndexByte(q, '\n')
			if i < 0 {
				return ""
			}
			q = q[i+1:]
		case strings.HasPrefix(q, "/*"):
			i := strings.Index(q, "*/")
			if i < 0 {
				return ""
			}
			q = q[i+2:]
		default:
			end := strings.IndexFunc(q, func(r rune) bool {
				return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
			})
			if end < 0 {
				return q
			}
			return q[:end]
		}
	}
}

// nextBatch moves r to its cursor's next batch when the current one is over, and
// reports whether there is one; when there is none because something failed, r.err
// says what. The caller holds the turn.
func (r *Result) nextBatch() bool {
	cur, c := r.cur, r.conn
	if c.result == r {
		c.result = nil
	}
	if r.rows != nil {
		_ = r.rows.Close()
		r.rows = nil
	}
	if cur.pending != nil { // the rest, read into memory when the transaction ended
		b := cur.pending
		cur.pending, cur.last = nil, true
		return r.replay(b)
	}
	if cur.last || cur.got < cur.n { // a short batch is the last
		return false
	}
	cur.got = 0
	switch {
	case !cur.open || r.stale():
		r.err = fmt.Errorf("alchemy: the Result ended before all its rows were read: its cursor is gone with its connection: %w", ErrDisconnect)
		return false
	case c.closed:
		r.err = fmt.Errorf("alchemy: the Result ended before all its rows were read: %w", errConnClosed)
		return false
	}
	if err := r.ctx.Err(); err != nil {
		r.err = fmt.Errorf("alchemy: fetch: %w", err)
		c.invalidate(fmt.Errorf("alchemy: a cursor's reading was cut off by its context: %w", err), false)
		return false
	}
	if err := c.free(); err != nil { // another Result still reading is read into memory first
		cur.open = false
		r.err = err
		return false
	}
	rows, err := c.dc.query(r.ctx, cur.fetch, nil)
	if err != nil {
		cur.open = false // a failed FETCH aborts the transaction, and the cursor with it
		r.err = c.fail(r.ctx, "fetch", r.query, r.params, err)
		return false
	}
	r.rows, r.buffered = rows, false
	c.result = r
	return true
}

// replay makes b the Result's current batch, read from memory.
func (r *Result) replay(b *rowBuffer) bool {
	rows, err := r.conn.eng.replayDB().QueryContext(context.Background(), "", b)
	if err != nil {
		r.err = fmt.Errorf("alchemy: buffering a Result: %w", err)
		return false
	}
	r.rows, r.buffered = sqlRows{rows}, true
	return true
}

// closeCursor ends r's cursor on the server when the Result closes: CLOSE, unless
// the connection went away (reason, or a stale Result), taking the cursor with it,
// or r's context has ended, when the connection is invalidated instead. The
// caller holds the turn.
func (r *Result) closeCursor(reason error) {
	cur, c := r.cur, r.conn
	c.cursors = slices.DeleteFunc(c.cursors, func(x *Result) bool { return x == r })
	if !cur.open {
		return
	}
	cur.open = false
	if reason != nil || r.stale() || c.closed || c.dc == nil {
		return
	}
	if c.result != nil && c.result != r {
		if err := c.free(); err != nil {
			return
		}
	}
	if err := r.ctx.Err(); err != nil {
		c.invalidate(fmt.Errorf("alchemy: a cursor's Result was closed after its context ended: %w", err), false)
		return
	}
	if _, err := c.dc.exec(r.ctx, cur.close, nil); err != nil {
		// A transaction that failed refuses CLOSE and ends the cursor itself;
		// a lost connection, or a CLOSE cut off by the context, is invalidated
		// by fail.
		_ = c.fail(r.ctx, "close cursor", cur.close, nil, err)
	}
}

// keepCursorRows reads into memory every row that the open cursors declared at
// savepoint depth depth or deeper have not yet given, before a COMMIT, ROLLBACK or
// ROLLBACK TO SAVEPOINT ends them on the server: their Results then go on from
// memory, and no row is lost. It fails when the connection was lost doing so. The
// caller holds the turn.
func (c *Conn) keepCursorRows(ctx context.Context, depth int) error {
	for _, r := range slices.Clone(c.cursors) {
		if r.closed || r.cur.depth < depth {
			continue
		}
		r.keepRest(ctx)
	}
	if c.pc == nil && c.tx != nil {
		return fmt.Errorf("alchemy: the connection was lost reading the rest of an open Result: %w", ErrDisconnect)
	}
	return nil
}

// keepRest reads the rest of r's cursor into memory: the current batch, then
// FETCH FORWARD ALL. The caller holds the turn.
func (r *Result) keepRest(ctx context.Context) {
	cur, c := r.cur, r.conn
	c.cursors = slices.DeleteFunc(c.cursors, func(x *Result) bool { return x == r })
	if c.result == r {
		r.buffer()
	}
	if r.trace != nil && r.buffered {
		// From here on the Result reads from memory alone: its trace ends at the
		// latest when the Conn closes, as a buffered Result's does.
		c.traced = append(c.traced, r)
	}
	if !cur.open || cur.last || r.stale() {
		cur.open = false
		return
	}
	cur.open = false // the end of the transaction closes it
	b := &rowBuffer{}
	rows, err := c.dc.query(ctx, cur.fetchAll, nil)
	if err == nil {
		err = readRows(rows, b)
	}
	if err != nil {
		b.err = c.fail(ctx, "fetch", r.query, r.params, err)
	}
	cur.pending = b
}

// readRows reads rows into b and closes them.
func readRows(rows rowReader, b *rowBuffer) error {
	defer rows.Close()
	b.cols, _ = rows.Columns()
	b.types = rows.typeNames()
	for rows.Next() {
		vals := make([]any, len(b.cols))
		ptrs := make([]any, len(b.cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		b.rows = append(b.rows, vals)
	}
	return rows.Err()
}

// endCursors ends the Results reading through cursors on a connection that is
// going away (closed or invalidated), with reason as their error. The caller
// holds the turn.
func (c *Conn) endCursors(reason error) {
	for _, r := range slices.Clone(c.cursors) {
		r.release(reason)
	}
	c.cursors = nil
}
