package alchemy

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/pool"
)

// resetTimeout bounds the ROLLBACK (or COMMIT) the pool's reset on return sends
// for a transaction a Conn left open; a reset that takes longer invalidates the
// connection, which ends the transaction on the server just as well.
const resetTimeout = 5 * time.Second

// enginePool is the engine's pool, typed by the connection it holds: nothing
// converts what it hands out.
type enginePool = pool.Pool[*dbConn]

// poolConn is a connection checked out of the engine's pool.
type poolConn = pool.Conn[*dbConn]

// dbConn is what the engine's pool holds: a connection reserved from the factory
// sql.DB. Transactions on it are the engine's own (BEGIN, COMMIT and ROLLBACK sent
// as statements), never database/sql's Tx, so no context given to a Begin can end
// one behind the engine's back. inTx records that one is open on the server, so
// that the pool's reset on return ends it.
type dbConn struct {
	sc   *sql.Conn
	raw  any // the driver's connection, captured when made, for dialect.CloseWaiter
	d    dialect.Dialect
	inTx atomic.Bool // shared by the Conns of a StaticPool
	// stmts are its prepared statements; nil when the driver keeps its own.
	stmts *stmtCache
	// native runs its statements when the dialect offers a native path
	// (dialect.Native) and the engine takes it; nil otherwise.
	native dialect.NativeConn
	e      *Engine    // for the native rows' scans that database/sql makes
	rows   nativeRows // the native path's rows, reused statement after statement
}

// Close closes the connection; the server rolls back a transaction still open.
// The factory keeps no idle connections, so the driver connection is closed, not
// pooled by database/sql, and Close returns once the driver has let go of it.
func (d *dbConn) Close() error {
	d.inTx.Store(false)
	// The prepared statements close with the connection: database/sql closes
	// them after any Rows still open on them (a context ending mid-read closes
	// those from a goroutine of its own), where closing them here first would
	// pull them from under those Rows.
	err := d.sc.Close()
	if w, ok := d.d.(dialect.CloseWaiter); ok && d.raw != nil {
		w.WaitClosed(d.raw)
	}
	if errors.Is(err, sql.ErrConnDone) {
		return nil
	}
	return err
}

// query runs a statement with rows: on the native path when the connection has
// one, else through database/sql, on a prepared statement the connection keeps
// when its driver does not keep its own and the statement has parameters.
func (d *dbConn) query(ctx context.Context, query string, params []any) (rowReader, error) {
	if d.native != nil && !hasNamedArg(params) {
		rows, err := d.native.Query(ctx, query, params)
		if err != nil {
			return nil, err
		}
		return d.rows.start(d.e, ctx, rows), nil
	}
	var rows *sql.Rows
	var err error
	if d.stmts == nil || len(params) == 0 {
		rows, err = d.sc.QueryContext(ctx, query, params...)
	} else {
		rows, err = d.stmtQuery(ctx, query, params)
	}
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

func (d *dbConn) stmtQuery(ctx context.Context, query string, params []any) (*sql.Rows, error) {
	st, err := d.stmts.get(ctx, d.sc, query)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, params...)
	if err != nil {
		d.stmts.drop(query)
	}
	return rows, stmtErr(err)
}

// stmtErr restores what a prepared statement's error hides: database/sql
// reports a connection the driver found bad (driver.ErrBadConn) as
// sql.ErrConnDone when the statement was prepared on it.
func stmtErr(err error) error {
	if errors.Is(err, sql.ErrConnDone) {
		return fmt.Errorf("%w (%w)", driver.ErrBadConn, err)
	}
	return err
}

// exec is query for a statement without rows.
func (d *dbConn) exec(ctx context.Context, query string, params []any) (sql.Result, error) {
	if d.native != nil && !hasNamedArg(params) {
		res, err := d.native.Exec(ctx, query, params)
		if err != nil {
			return nil, err
		}
		return res, nil
	}
	if d.stmts == nil || len(params) == 0 {
		return d.sc.ExecContext(ctx, query, params...)
	}
	st, err := d.stmts.get(ctx, d.sc, query)
	if err != nil {
		return nil, err
	}
	res, err := st.ExecContext(ctx, params...)
	if err != nil {
		d.stmts.drop(query)
	}
	return res, stmtErr(err)
}

// valid reports whether the driver still holds the connection open (or cannot
// tell: no driver.Validator). On the native path nothing of database/sql's
// runs on the connection, so the driver is asked directly; otherwise through
// Raw, under database/sql's lock, as a Rows' context watcher may be closing it.
func (d *dbConn) valid() bool {
	if d.native != nil {
		return validConn(d.raw)
	}
	alive := false
	_ = d.sc.Raw(func(dc any) error { alive = validConn(dc); return nil })
	return alive
}

func validConn(dc any) bool {
	v, ok := dc.(driver.Validator)
	return !ok || v.IsValid()
}

// Ping checks that the server still answers.
func (d *dbConn) Ping(ctx context.Context) error { return d.sc.PingContext(ctx) }

// Reset ends the transaction left open, if any: committed with ResetCommit, rolled
// back otherwise. With nothing open it costs nothing. A failure makes the pool
// invalidate the connection.
func (d *dbConn) Reset(ctx context.Context, mode pool.ResetMode) error {
	if !d.inTx.Swap(false) {
		return nil
	}
	q := "ROLLBACK"
	if mode == pool.ResetCommit {
		q = "COMMIT"
	}
	ctx, cancel := context.WithTimeout(ctx, resetTimeout)
	defer cancel()
	_, err := d.exec(ctx, q, nil)
	return err
}
