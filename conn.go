package alchemy

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/pool"
)

// errConnClosed ends the Results a closing Conn leaves unread.
var errConnClosed = errors.New("alchemy: the connection was closed")

// errNilContext is returned by a call given a nil context.
var errNilContext = errors.New("alchemy: nil context (pass context.Background() or context.TODO())")

// Conn is a connection checked out of an engine's pool; defer conn.Close() is
// SQLAlchemy's "with engine.connect() as conn". It is safe for concurrent use:
// statements run one at a time. One issued while a Result of the Conn is open
// first reads that Result's remaining rows into memory, so both go on.
type Conn struct {
	eng  *Engine
	turn turn // whoever holds it may use the fields below

	pc     *poolConn // nil after an invalidation until the next use reconnects
	dc     *dbConn
	opts   ExecutionOptions
	tx     *txState
	result *Result // the Result still reading rows from the connection, if any
	// cursors are the open Results reading through server-side cursors (YieldPer),
	// each between batches or c.result.
	cursors []*Result
	// traced are the Results read into memory whose statements are still traced:
	// their end hooks run when they are read or closed, or at the latest when the
	// Conn closes.
	traced []*Result
	spSeq  int
	// outAt is when the checkout of pc ended (monotonic), for CheckinTracer.
	outAt  time.Duration
	closed bool
	// invalidated: the connection was discarded and not yet replaced.
	invalidated bool
	// owned is set for the connection of a transaction block (Engine.RunInTx,
	// Transact): the block returns it to the pool, and Close does nothing.
	owned bool
}

// Executable is a statement to run (expr.Statement): a Text or an expression. It
// writes its SQL into the engine's compiler; one with a cache key (expr.CacheKeyer)
// is compiled once per engine and server version (QueryCacheSize).
type Executable = expr.Statement

func (e *Engine) newConn() *Conn {
	return &Conn{eng: e, opts: e.cfg.execOptions}
}

// lock takes the connection's turn, waiting at most until ctx ends.
func (c *Conn) lock(ctx context.Context) error { return c.turn.lockCtx(ctx) }

// lockWait takes the connection's turn, however long it takes: for reading rows
// and closing, which must not be abandoned half-way.
func (c *Conn) lockWait() { c.turn.lock() }

func (c *Conn) unlock() { c.turn.unlock() }

// checkout takes a connection from the pool.
func (c *Conn) checkout(ctx context.Context) error {
	return c.eng.traceCheckout(ctx, c, c.checkoutNow)
}

func (c *Conn) checkoutNow(ctx context.Context) error {
	pc, err := c.eng.pool.Get(ctx)
	if err != nil {
		if errors.Is(err, pool.ErrClosed) && !errors.Is(err, ErrClosed) {
			return fmt.Errorf("%w: %w", ErrClosed, err)
		}
		return err
	}
	c.pc, c.dc = pc, pc.Connection() // a checkout never hands out an invalidated connection
	c.invalidated = false
	return nil
}

// Engine returns the connection's engine.
func (c *Conn) Engine() *Engine { return c.eng }

// SetExecutionOptions replaces the connection's execution options until it goes
// back to the pool (to change one, start from ExecutionOptions()). The isolation
// level applies to transactions begun afterwards.
func (c *Conn) SetExecutionOptions(o ExecutionOptions) error {
	if err := o.Isolation.validate(); err != nil {
		return err
	}
	if o.YieldPer < 0 {
		return fmt.Errorf("alchemy: negative YieldPer %d", o.YieldPer)
	}
	c.lockWait()
	defer c.unlock()
	c.opts = o
	return nil
}

// ExecutionOptions returns the connection's execution options.
func (c *Conn) ExecutionOptions() ExecutionOptions {
	c.lockWait()
	defer c.unlock()
	return c.opts
}

// ready checks that a statement may run; it reads an open Result into memory,
// reconnects after an invalidation, and begins a transaction that waited for its
// first statement. The caller holds the turn.
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
		return errTxInactive
	}
	if err := c.free(); err != nil && c.tx != nil {
		return err // outside a transaction a lost connection is simply replaced
	}
	if c.pc == nil {
		if c.eng.closed.Load() {
			return fmt.Errorf("%w: engine %s is disposed", ErrClosed, c.eng.name())
		}
		if err := c.checkout(ctx); err != nil {
			return err
		}
	}
	if c.tx != nil && c.tx.lazy {
		return c.beginNow(ctx, c.tx)
	}
	return nil
}

// Execute runs a statement with its binds: a Params map, a struct with db tags, or
// positional values. A statement with rows gives a Result to read; any other, one
// with RowsAffected and nothing to close.
//
// Given a slice of parameter sets ([]Params, []T of structs, [][]any), Execute runs
// the statement once per set (executemany); RowsAffected is the total. Outside a
// transaction the sets run in one of their own, so a failing set commits none
// (under AUTOCOMMIT each commits on its own).
func (c *Conn) Execute(ctx context.Context, stmt Executable, args ...any) (*Result, error) {
	if ctx == nil {
		return nil, errNilContext
	}
	if stmt == nil {
		return nil, errors.New("alchemy: Execute of a nil statement")
	}
	if sets, ok := paramSets(args); ok {
		if len(sets) != 1 {
			return c.executeMany(ctx, stmt, sets)
		}
		args = setArgs(sets[0]) // one set is a plain execute, as in SQLAlchemy
	}
	if err := c.lock(ctx); err != nil {
		return nil, err
	}
	defer c.unlock()
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	compiled, prep, err := c.eng.compile(ctx, c, stmt)
	if err != nil {
		return nil, err
	}
	params, err := bindArgs(compiled, prep, args)
	releasePrepared(prep) // the parameters are a slice of their own
	if err != nil {
		return nil, err
	}
	c.noteStatement(ctx)
	return c.run(ctx, stmt, compiled.SQL, params, compiled.ReturnsRows)
}

// withoutSelf returns ctx without c in it, for tracers: a hook that runs a statement
// with the context it is given (an audit log, say) then gets a connection of its
// own, instead of waiting for c, which is busy with the traced work.
func (c *Conn) withoutSelf(ctx context.Context) context.Context {
	cc, _ := ctx.Value(ctxKey{}).(*ctxConn)
	var keep []*Conn
	found := false
	for ; cc != nil; cc = cc.parent {
		if cc.conn == c {
			found = true
		} else {
			keep = append(keep, cc.conn)
		}
	}
	if !found {
		return ctx
	}
	var chain *ctxConn
	for i := len(keep) - 1; i >= 0; i-- {
		chain = &ctxConn{conn: keep[i], parent: chain}
	}
	return context.WithValue(ctx, ctxKey{}, chain)
}

func (c *Conn) run(ctx context.Context, stmt Executable, query string, params []any, rows bool) (*Result, error) {
	var cancel context.CancelFunc
	if c.opts.Timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, c.opts.Timeout)
	}
	if err := c.free(); err != nil {
		if cancel != nil {
			cancel()
		}
		return nil, err
	}
	res, tr := c.newResult()
	ctx = tr.begin(ctx, c, ExecuteStart{Statement: stmt, SQL: query, Params: params})
	res.conn, res.pc, res.ctx, res.query, res.params, res.cancel = c, c.pc, ctx, query, params, cancel
	var err error
	if rows {
		res.rows, err = c.query(ctx, stmt, res, query, params)
	} else {
		res.res, err = c.dc.exec(ctx, query, params)
	}
	if err == nil && ctx.Err() != nil {
		if res.rows != nil {
			_ = res.rows.Close() // before checkAlive may close the connection under them
			res.rows = nil
		}
		c.checkAlive()
		if c.pc == nil || rows {
			err = fmt.Errorf("alchemy: the context ended as the statement returned: %w", ctx.Err())
		}
	}
	if err != nil {
		if cancel != nil {
			cancel()
		}
		err = c.fail(ctx, "execute", query, params, err)
		tr.end(c, 0, err)
		return nil, err
	}
	if res.rows != nil {
		c.result = res // traced to its end by release
		if res.cur != nil {
			c.cursors = append(c.cursors, res)
		}
		return res, nil
	}
	if cancel != nil {
		cancel()
		res.cancel = nil
	}
	n, aerr := res.res.RowsAffected()
	if aerr != nil {
		n = -1
	}
	tr.end(c, n, nil)
	res.trace = nil
	return res, nil
}

// free reads a Result still open on the connection into memory (see Result), so
// that the next statement, COMMIT or ROLLBACK can run. It fails when reading the
// rest lost the connection. The caller holds the turn.
func (c *Conn) free() error {
	if c.result == nil {
		return nil
	}
	c.result.buffer()
	if c.pc != nil {
		return nil
	}
	if c.tx != nil && c.tx.broken {
		return ErrPendingRollback
	}
	return fmt.Errorf("alchemy: the connection was lost reading the rest of an open Result: %w", ErrDisconnect)
}

// exec runs a statement of the engine's own (BEGIN, COMMIT, SAVEPOINT...): echoed,
// as SQLAlchemy's echo shows them, but traced by TxTracer rather than as
// statements. A failure is cleaned up after as any
// statement's is.
func (c *Conn) exec(ctx context.Context, op, query string) error {
	if err := c.free(); err != nil {
		return err
	}
	var start time.Time
	if c.eng.cfg.echo {
		start = time.Now()
	}
	_, err := c.dc.exec(ctx, query, nil)
	if c.eng.cfg.echo {
		c.eng.echo(ctx, query, nil, 0, 0, time.Since(start), err)
	}
	if err != nil {
		return c.fail(ctx, op, query, nil, err)
	}
	if ctx.Err() != nil {
		c.checkAlive()
		if c.pc == nil {
			return fmt.Errorf("alchemy: %s: the connection closed as the context ended: %w", op, ctx.Err())
		}
	}
	return nil
}

// checkAlive invalidates the connection if the driver has closed it. A driver may
// do that on its own goroutine when a context ends just as a statement returns
// (go-sql-driver/mysql): the statement succeeded, and the connection is dead. The
// caller holds the turn.
func (c *Conn) checkAlive() {
	if c.dc == nil {
		return
	}
	if !c.dc.valid() {
		c.invalidate(errors.New("alchemy: the driver closed the connection as its context ended"), false)
	}
}

// executeMany runs stmt once for each parameter set (see Execute). Each set is what
// Execute takes as its one argument: a Params map, a struct, or a []any of
// positional values.
func (c *Conn) executeMany(ctx context.Context, stmt Executable, sets []any) (*Result, error) {
	if len(sets) == 0 {
		return nil, fmt.Errorf("%w: executemany with no parameter sets", ErrBindParameter)
	}
	if err := c.lock(ctx); err != nil {
		return nil, err
	}
	defer c.unlock()
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	compiled, prep, err := c.eng.compile(ctx, c, stmt)
	if err != nil {
		return nil, err
	}
	defer releasePrepared(prep)
	if compiled.ReturnsRows {
		return nil, fmt.Errorf("%w: executemany of a statement that returns rows (%d parameter sets): its rows would be lost; run it once per set", ErrBindParameter, len(sets))
	}
	query := compiled.SQL
	rendered := make([][]any, len(sets))
	for i, set := range sets {
		params, err := bindArgs(compiled, prep, setArgs(set))
		if err != nil {
			return nil, fmt.Errorf("alchemy: parameter set %d: %w", i, err)
		}
		rendered[i] = params
	}
	if c.opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.opts.Timeout)
		defer cancel()
	}
	c.noteStatement(ctx)
	own := c.tx == nil && !c.opts.Isolation.autocommit()
	var st *txState
	if own {
		st = &txState{active: true}
		if err := c.beginNow(ctx, st); err != nil {
			return nil, err
		}
		c.tx = st
	}
	tctx, tr := c.traceExecStart(ctx, ExecuteStart{Statement: stmt, SQL: query, Params: rendered[0], Many: len(sets)})
	total, err := c.execMany(tctx, query, rendered)
	if err != nil {
		err = c.fail(tctx, "executemany", query, nil, err)
	}
	tr.end(c, total, err)
	if own {
		c.tx = nil
		if err == nil {
			err = c.traceTx(ctx, opCommit, "", func(ctx context.Context) error { return c.commitNow(ctx, st) })
		}
		if st.begun { // the sets failed, or COMMIT was never sent
			rctx, cancel := detached(ctx)
			_ = c.traceTx(rctx, opRollback, "", func(ctx context.Context) error { return c.rollbackNow(ctx, st) })
			cancel()
		}
	}
	if err != nil {
		return nil, err
	}
	return &Result{conn: c, query: query, res: manyResult(total), closed: true}, nil
}

// execMany runs the sets one after the other: on one prepared statement, unless the
// driver prepares statements itself (dialect.SelfPreparing).
func (c *Conn) execMany(ctx context.Context, query string, sets [][]any) (int64, error) {
	exec := func(params []any) (sql.Result, error) { return c.dc.sc.ExecContext(ctx, query, params...) }
	if sp, ok := c.eng.dialect.(dialect.SelfPreparing); !ok || !sp.PreparesStatements() {
		st, err := c.dc.sc.PrepareContext(ctx, query)
		if err != nil {
			return 0, err
		}
		defer st.Close()
		exec = func(params []any) (sql.Result, error) { return st.ExecContext(ctx, params...) }
	}
	var total int64
	for _, params := range sets {
		r, err := exec(params)
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

// fail wraps a driver error and cleans up after it. A connection whose state is no
// longer known is invalidated (that one only, unless the dialect says the server
// dropped it, when the whole pool follows as SQLAlchemy's does): a lost connection,
// database/sql's ErrBadConn or ErrConnDone, or a statement cut off by its context.
// A transaction it was part of must then be rolled back by the caller, and so must
// one that failed with a serialization failure or deadlock, which the server has
// rolled back already (MySQL would otherwise run what follows in autocommit).
func (c *Conn) fail(ctx context.Context, op, query string, params []any, err error) error {
	e := c.eng.wrapErr(c, op, query, params, err)
	ctxErr := ctx.Err()
	if ctxErr != nil && !errors.Is(err, ctxErr) {
		e.ctxErr = ctxErr
	}
	unknown := ctxErr != nil || errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone)
	if e.Disconnect || unknown {
		c.invalidate(e, e.Disconnect && e.invalidatePool && ctxErr == nil)
	} else if c.tx != nil && e.SerializationFailure {
		c.tx.broken = true
	}
	return e
}

// Invalidate closes the database connection now; it is never reused. An open
// transaction must be rolled back; the next statement gets a fresh connection.
func (c *Conn) Invalidate() error {
	c.lockWait()
	defer c.unlock()
	if c.closed {
		return fmt.Errorf("%w: connection", ErrClosed)
	}
	c.invalidate(errors.New("alchemy: invalidated by the caller"), false)
	return nil
}

// Invalidated reports whether the connection was invalidated and not yet replaced.
func (c *Conn) Invalidated() bool {
	c.lockWait()
	defer c.unlock()
	return !c.closed && c.invalidated
}

// invalidate discards the database connection: its open Result ends, a transaction
// on it is broken (the server rolls it back as the connection closes), and the
// pool never hands it out again. The caller holds the turn.
func (c *Conn) invalidate(reason error, wholePool bool) {
	if c.result != nil {
		c.result.release(reason)
	}
	c.endCursors(reason)
	if c.tx != nil && !c.tx.lazy {
		c.tx.begun = false
		c.tx.broken = true
	}
	if c.pc == nil {
		return
	}
	pc := c.pc
	c.pc, c.dc = nil, nil
	c.invalidated = true
	pc.Invalidate(reason)
	_ = c.putBack(pc)
	if wholePool {
		c.eng.pool.InvalidateAll(reason)
	}
}

// Close returns the connection to the pool, closing an open Result and rolling
// back an open transaction (see PoolResetOnReturn). A second Close does nothing,
// as does closing a block's connection (RunInTx, Transact): the block ends it.
func (c *Conn) Close() error {
	if c.owned {
		return nil
	}
	c.lockWait()
	defer c.unlock()
	return c.close()
}

// close is Close for the holder of the turn.
func (c *Conn) close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	if c.result != nil {
		c.result.release(errConnClosed)
	}
	c.endCursors(errConnClosed)
	for _, r := range c.traced { // still readable from memory; their statements are over
		r.endTrace()
	}
	c.traced = nil
	if c.tx != nil {
		c.abandonTx()
	}
	// A driver may have closed the connection on its own as a context ended (a
	// connect or statement that returned success just then): never pool it.
	c.checkAlive()
	if c.pc == nil {
		return nil
	}
	pc := c.pc
	c.pc, c.dc = nil, nil
	return c.putBack(pc)
}

// Raw runs fn with the driver's connection (pgx's *stdlib.Conn, say). fn must not
// close or keep it, nor call methods of c.
func (c *Conn) Raw(fn func(driverConn any) error) error {
	c.lockWait()
	defer c.unlock()
	if err := c.ready(context.Background()); err != nil {
		return err
	}
	return c.dc.sc.Raw(fn)
}

// InTransaction reports whether a transaction is open.
func (c *Conn) InTransaction() bool {
	c.lockWait()
	defer c.unlock()
	return c.tx != nil
}

// withConn runs fn with the database connection, its turn held.
func (c *Conn) withConn(ctx context.Context, fn func(sc *sql.Conn) error) error {
	if err := c.lock(ctx); err != nil {
		return err
	}
	defer c.unlock()
	if err := c.ready(ctx); err != nil {
		return err
	}
	return fn(c.dc.sc)
}

// Dialect returns the dialect of the connection's engine.
func (c *Conn) Dialect() dialect.Dialect { return c.eng.dialect }
