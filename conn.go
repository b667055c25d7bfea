package alchemy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/pool"
)

// ErrConnBusy is returned by a statement on a Conn whose previous Result is still
// open: read it to the end or close it first.
var ErrConnBusy = errors.New("alchemy: connection busy: a Result is still open on it (read it to the end or close it)")

// Conn is a connection checked out of an engine's pool. Close returns it, rolling back
// whatever it left open; defer conn.Close() is Go's form of SQLAlchemy's
// "with engine.connect() as conn". A Conn is for one goroutine at a time.
//
// Outside a transaction each statement commits on its own (autocommit). Begin opens a
// transaction; a Begin while one is open joins it, and only the outermost Commit
// commits. BeginNested opens a savepoint.
type Conn struct {
	eng    *Engine
	pc     *pool.Conn // nil after an invalidation until the next use reconnects
	dc     *dbConn
	opts   ExecutionOptions
	tx     *txState
	result *Result // the Result still reading rows, if any
	spSeq  int
	closed bool
}

// Executable is a statement a Conn can run: Text, or a statement of the expression
// language. Render returns the SQL for the dialect and the driver's arguments for the
// values in args.
type Executable interface {
	Render(d dialect.Dialect, args []any) (query string, driverArgs []any, err error)
}

// RowsReturner is an optional interface of an Executable that knows whether it
// returns rows. Without it, alchemy looks at the statement's first word (SELECT,
// WITH, VALUES, SHOW, PRAGMA, EXPLAIN...) and for a RETURNING or OUTPUT clause.
type RowsReturner interface {
	ReturnsRows() bool
}

// querier is what both *sql.Conn and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

func (c *Conn) checkout(ctx context.Context) error {
	pc, err := c.eng.pool.Get(ctx)
	if err != nil {
		return err
	}
	c.pc = pc
	c.dc = pc.Connection().(*dbConn)
	return nil
}

// Engine returns the engine the connection came from.
func (c *Conn) Engine() *Engine { return c.eng }

// SetExecutionOptions changes the connection's execution options (isolation level,
// statement timeout) until it goes back to the pool. The isolation level applies to
// transactions begun afterwards.
func (c *Conn) SetExecutionOptions(o ExecutionOptions) error {
	if err := o.IsolationLevel.validate(); err != nil {
		return err
	}
	c.opts = o
	return nil
}

// ExecutionOptions returns the connection's execution options.
func (c *Conn) ExecutionOptions() ExecutionOptions { return c.opts }

// SetIsolationLevel is SetExecutionOptions for the isolation level alone.
func (c *Conn) SetIsolationLevel(level IsolationLevel) error {
	o := c.opts
	o.IsolationLevel = level
	return c.SetExecutionOptions(o)
}

// ready checks that a statement may run, and reconnects after an invalidation.
func (c *Conn) ready(ctx context.Context) error {
	if c.closed {
		return fmt.Errorf("%w: connection", ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		// Nothing was sent: the connection is as good as it was.
		return fmt.Errorf("alchemy: not run: %w", err)
	}
	if c.tx != nil && c.tx.broken {
		return ErrPendingRollback
	}
	if c.tx != nil && !c.tx.active {
		return ErrTxInactive
	}
	if c.result != nil {
		return ErrConnBusy
	}
	if c.pc == nil {
		if c.eng.closed.Load() {
			return fmt.Errorf("%w: engine %s is disposed", ErrClosed, c.eng.name())
		}
		return c.checkout(ctx)
	}
	return nil
}

func (c *Conn) target() querier {
	if c.tx != nil && c.tx.sqlTx != nil {
		return c.tx.sqlTx
	}
	return c.dc.sc
}

// Execute runs a statement with its bind values: a Params map, a struct with db
// tags, or positional values. A statement that returns rows gives a Result to read;
// any other gives a Result with RowsAffected and nothing to close (closing does no
// harm).
func (c *Conn) Execute(ctx context.Context, stmt Executable, args ...any) (*Result, error) {
	if stmt == nil {
		return nil, errors.New("alchemy: Execute of a nil statement")
	}
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	query, params, err := stmt.Render(c.eng.dialect, args)
	if err != nil {
		return nil, err
	}
	return c.run(ctx, query, params, returnsRows(c.eng.dialect, stmt, query))
}

// instrument runs do between the BeforeExecute and AfterExecute events and the
// echo log line, when anyone listens; otherwise it just runs it.
func (c *Conn) instrument(ctx context.Context, query string, params []any, many int, do func() error) error {
	lis := c.eng.listeners()
	if len(lis) == 0 && !c.eng.cfg.echo {
		return do()
	}
	ev := &ExecuteEvent{Conn: c, Statement: query, Params: params, Many: many}
	c.eng.beforeExecute(ctx, lis, ev)
	start := time.Now()
	err := do()
	ev.Duration, ev.Err = time.Since(start), err
	c.eng.afterExecute(ctx, lis, ev)
	return err
}

func (c *Conn) run(ctx context.Context, query string, params []any, rows bool) (*Result, error) {
	var cancel context.CancelFunc
	if c.opts.Timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, c.opts.Timeout)
	}
	res := &Result{conn: c, ctx: ctx, query: query, params: params, cancel: cancel}
	err := c.instrument(ctx, query, params, 0, func() (err error) {
		if rows {
			res.rows, err = c.target().QueryContext(ctx, query, params...)
		} else {
			res.res, err = c.target().ExecContext(ctx, query, params...)
		}
		return err
	})
	if err != nil {
		if cancel != nil {
			cancel()
		}
		return nil, c.fail(ctx, "execute", query, params, err)
	}
	if res.rows != nil {
		c.result = res
	} else if cancel != nil {
		cancel()
		res.cancel = nil
	}
	return res, nil
}

// ExecuteMany runs one statement once for each parameter set (executemany), on one
// prepared statement, and returns a Result whose RowsAffected is the total. Each set
// is what Execute takes as its one argument: a Params map, a struct, or a []any of
// positional values.
func (c *Conn) ExecuteMany(ctx context.Context, stmt Executable, sets []any) (*Result, error) {
	if stmt == nil {
		return nil, errors.New("alchemy: ExecuteMany of a nil statement")
	}
	if len(sets) == 0 {
		return nil, fmt.Errorf("%w: ExecuteMany with no parameter sets", ErrBindParameter)
	}
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	d := c.eng.dialect
	rendered := make([][]any, len(sets))
	var query string
	for i, set := range sets {
		args := []any{set}
		if pos, ok := set.([]any); ok {
			args = pos
		}
		q, params, err := stmt.Render(d, args)
		if err != nil {
			return nil, fmt.Errorf("parameter set %d: %w", i, err)
		}
		if i > 0 && q != query {
			return nil, fmt.Errorf("%w: parameter set %d renders different SQL", ErrBindParameter, i)
		}
		query, rendered[i] = q, params
	}
	if c.opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.opts.Timeout)
		defer cancel()
	}
	var total int64
	err := c.instrument(ctx, query, rendered[0], len(sets), func() (err error) {
		total, err = c.execMany(ctx, query, rendered)
		return err
	})
	if err != nil {
		return nil, c.fail(ctx, "executemany", query, nil, err)
	}
	return &Result{conn: c, query: query, res: manyResult(total)}, nil
}

// execMany runs the sets on one prepared statement. Outside a transaction it runs
// them in one of its own, so that a failing set leaves none of them committed, as a
// DBAPI executemany does.
func (c *Conn) execMany(ctx context.Context, query string, sets [][]any) (total int64, err error) {
	target := c.target()
	if c.tx == nil && !c.opts.IsolationLevel.autocommit() {
		tx, berr := c.dc.sc.BeginTx(ctx, &sql.TxOptions{Isolation: c.opts.IsolationLevel.sql()})
		if berr != nil {
			return 0, berr
		}
		defer func() { // err is the named result: the outcome of the sets
			if err != nil {
				_ = tx.Rollback()
			} else {
				err = tx.Commit()
			}
		}()
		target = tx
	}
	st, err := target.PrepareContext(ctx, query)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	for _, params := range sets {
		r, err := st.ExecContext(ctx, params...)
		if err != nil {
			return total, err
		}
		if n, err := r.RowsAffected(); err == nil {
			total += n
		}
	}
	return total, nil
}

type manyResult int64

func (m manyResult) LastInsertId() (int64, error) { return 0, ErrNotAvailable }
func (m manyResult) RowsAffected() (int64, error) { return int64(m), nil }

// fail wraps a driver error and cleans up after it: a lost connection (or a statement
// cut off by its context, which leaves the connection in an unknown state) is
// invalidated, and a transaction it was part of must be rolled back by the caller.
func (c *Conn) fail(ctx context.Context, op, query string, params []any, err error) error {
	e := c.eng.wrapErr(c, op, query, params, err)
	ctxErr := ctx.Err()
	if ctxErr != nil && !errors.Is(err, ctxErr) {
		e.ctxErr = ctxErr
	}
	if e.Disconnect || ctxErr != nil {
		c.invalidate(e, e.Disconnect && e.invalidatePool)
	}
	return e
}

// Invalidate closes the connection's database connection at once and discards it:
// it is never reused. A transaction that was open must be rolled back; the next
// statement then runs on a fresh connection from the pool.
func (c *Conn) Invalidate() error {
	if c.closed {
		return fmt.Errorf("%w: connection", ErrClosed)
	}
	c.invalidate(errors.New("alchemy: invalidated by the caller"), false)
	return nil
}

// Invalidated reports whether the connection has been invalidated and not yet
// replaced.
func (c *Conn) Invalidated() bool { return !c.closed && c.pc == nil }

func (c *Conn) invalidate(reason error, wholePool bool) {
	if c.result != nil {
		c.result.release()
	}
	if c.tx != nil {
		if c.tx.sqlTx != nil {
			_ = c.tx.sqlTx.Rollback() // a dead connection fails at once; the tx must end before closing
			c.forgetSQLTx()
		}
		c.tx.broken = true
		c.tx.active = false
	}
	if c.pc == nil {
		return
	}
	pc := c.pc
	c.pc, c.dc = nil, nil
	pc.Invalidate(reason)
	_ = c.eng.pool.Put(pc)
	if wholePool {
		c.eng.pool.InvalidateAll(reason)
	}
}

// Close returns the connection to the pool. An open Result is closed; an open
// transaction is rolled back (or committed, with PoolResetOnReturn(pool.ResetCommit)).
// A second Close does nothing.
func (c *Conn) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	if c.result != nil {
		c.result.release()
	}
	if c.tx != nil {
		c.abandonTx()
	}
	if c.pc == nil {
		return nil
	}
	pc := c.pc
	c.pc, c.dc = nil, nil
	return c.eng.pool.Put(pc)
}

// abandonTx ends the transaction a closing Conn left open. Its *sql.Tx is already
// known to the dbConn, so the pool's reset on return commits it (ResetCommit) or
// rolls it back; with ResetNone it is rolled back here, since a reserved connection
// cannot be handed on inside a transaction.
func (c *Conn) abandonTx() {
	st := c.tx
	c.tx = nil
	mode := c.eng.cfg.pool.ResetOnReturn
	if st.sqlTx != nil && mode == pool.ResetNone {
		_ = st.sqlTx.Rollback()
		c.dc.tx = nil
	}
	committed := mode == pool.ResetCommit && st.sqlTx != nil && st.active
	st.sqlTx = nil
	if committed {
		c.eng.fireTx(c, func(l Listener) func(*Conn) { return l.Commit })
	} else {
		c.eng.fireTx(c, func(l Listener) func(*Conn) { return l.Rollback })
	}
}

// forgetSQLTx records that the database/sql transaction has ended.
func (c *Conn) forgetSQLTx() {
	if c.tx != nil {
		c.tx.sqlTx = nil
	}
	if c.dc != nil {
		c.dc.tx = nil
	}
}

// Raw runs fn with the driver's own connection (pgx's *stdlib.Conn, say), for what
// alchemy does not offer. fn must not close it or keep it.
func (c *Conn) Raw(fn func(driverConn any) error) error {
	if err := c.ready(context.Background()); err != nil {
		return err
	}
	return c.dc.sc.Raw(fn)
}

// InTransaction reports whether a transaction is open on the connection.
func (c *Conn) InTransaction() bool { return c.tx != nil }
