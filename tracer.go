package alchemy

import (
	"context"
	"time"
)

// A tracer is any value given to Tracer; the engine calls the hooks it
// implements, found by type assertion: ExecuteTracer, TxTracer, ConnectTracer,
// CheckoutTracer and ErrorHandler (pgx's tracers work the same way). A start hook
// returns the context that the work it announces runs with, and that its end hook
// gets, so that a span started there is the parent of what follows. With several
// tracers, start hooks run in the order the tracers were given, each given the
// context the one before returned; end hooks run in reverse order, each given the
// context its own start hook returned.
//
// Hooks run on the goroutine doing the work, and those of statements and
// transactions while the connection is busy with it: they must not block, and must
// not call the methods of the Conn they are given. The context they get does not
// carry that Conn, so a hook that runs a statement with it (an audit log, say) gets
// a connection of its own.

// ExecuteTracer traces statements.
type ExecuteTracer interface {
	// TraceExecuteStart runs before the statement is sent.
	TraceExecuteStart(ctx context.Context, c *Conn, data ExecuteStart) context.Context
	// TraceExecuteEnd runs when the statement is over: as it returns, for one without
	// rows; when its Result is exhausted or closed, for one with rows, so that its
	// duration includes the reading and its error the reading's.
	TraceExecuteEnd(ctx context.Context, c *Conn, data ExecuteEnd)
}

// ExecuteStart describes a statement about to be sent.
type ExecuteStart struct {
	// Statement is the statement object: Text, or an expression that knows its
	// table and operation.
	Statement Executable
	// SQL is the SQL sent, in the dialect's placeholder style.
	SQL string
	// Params are the bound values (those of the first set of an executemany); nil
	// with HideParameters.
	Params []any
	// Many is the number of parameter sets of an executemany, else 0.
	Many int
}

// ExecuteEnd describes a statement that is over.
type ExecuteEnd struct {
	Statement Executable
	SQL       string
	// Rows is the number of rows read from the Result, or, for a statement without
	// rows, the number it changed (RowsAffected; -1 when the driver cannot tell).
	Rows int64
	// Duration runs from the start hook to the end of the statement or its rows.
	Duration time.Duration
	// Err is what failed: the statement, or reading its rows.
	Err error
}

// TxTracer traces BEGIN, COMMIT, ROLLBACK and savepoints: the real transaction's,
// not a Begin that joins an open one. The end hook's event has the Duration and Err.
type TxTracer interface {
	TraceTxStart(ctx context.Context, c *Conn, ev TxEvent) context.Context
	TraceTxEnd(ctx context.Context, c *Conn, ev TxEvent)
}

// Transaction operations, as TxEvent.Op and Error.Op name them.
const (
	opBegin      = "begin"
	opCommit     = "commit"
	opRollback   = "rollback"
	opSavepoint  = "savepoint"
	opRelease    = "release savepoint"
	opRollbackTo = "rollback to savepoint"
)

// TxEvent describes a transaction operation.
type TxEvent struct {
	// Op is "begin", "commit", "rollback", "savepoint", "release savepoint" or
	// "rollback to savepoint", as in Error.Op.
	Op string
	// Savepoint is the savepoint's name, for the savepoint operations.
	Savepoint string
	// Duration and Err are the operation's, for the end hook.
	Duration time.Duration
	Err      error
}

// ConnectTracer traces the making of a new database connection.
type ConnectTracer interface {
	TraceConnectStart(ctx context.Context, e *Engine) context.Context
	TraceConnectEnd(ctx context.Context, e *Engine, data ConnectEnd)
}

// ConnectEnd describes a connection attempt that is over.
type ConnectEnd struct {
	Duration time.Duration
	Err      error
}

// CheckoutTracer traces checkouts from the engine's pool, waiting included.
type CheckoutTracer interface {
	TraceCheckoutStart(ctx context.Context, e *Engine) context.Context
	TraceCheckoutEnd(ctx context.Context, e *Engine, data CheckoutEnd)
}

// CheckoutEnd describes a checkout that is over.
type CheckoutEnd struct {
	// Conn is the connection checked out; nil when Err is set. The hook must not
	// call its methods: a checkout may run while the Conn is busy starting a
	// statement (the first one of Transact, or one after an invalidation).
	Conn     *Conn
	Duration time.Duration
	Err      error
}

// ErrorHandler sees every error a statement, begin, commit, rollback or connect
// gets from the driver, before the engine acts on it. It may change ev.Disconnect
// (whether the error counts as a lost connection) and ev.InvalidatePool (whether
// every connection made before it is discarded, not only this one).
type ErrorHandler interface {
	HandleError(ev *ErrorEvent)
}

// ErrorEvent describes a driver error for ErrorHandler.
type ErrorEvent struct {
	// Conn is the connection the error happened on; nil while connecting. The
	// handler must not call its methods: the Conn is busy with the failed work.
	Conn *Conn
	// Op is what failed ("execute", "commit"...).
	Op string
	// Statement is the SQL, if any.
	Statement string
	// Err is the driver's error.
	Err error
	// Disconnect says whether the error counts as a lost connection; the dialect's
	// classification is filled in, and a handler may change it.
	Disconnect bool
	// InvalidatePool says whether a lost connection invalidates the whole pool.
	InvalidatePool bool
}

// Tracer adds a tracer: a value implementing one or more of ExecuteTracer,
// TxTracer, ConnectTracer, CheckoutTracer and ErrorHandler. A value implementing
// none of them is an error.
func Tracer(t any) Option {
	return func(c *config) {
		if !c.tracers.add(t) {
			c.fail("option Tracer: %T implements none of ExecuteTracer, TxTracer, ConnectTracer, CheckoutTracer and ErrorHandler", t)
		}
	}
}

// tracers are an engine's hooks, sorted by kind once, when the engine is made.
type tracers struct {
	exec     []ExecuteTracer
	tx       []TxTracer
	connect  []ConnectTracer
	checkout []CheckoutTracer
	errs     []ErrorHandler
}

func (ts *tracers) add(t any) bool {
	n := len(ts.exec) + len(ts.tx) + len(ts.connect) + len(ts.checkout) + len(ts.errs)
	if x, ok := t.(ExecuteTracer); ok {
		ts.exec = append(ts.exec, x)
	}
	if x, ok := t.(TxTracer); ok {
		ts.tx = append(ts.tx, x)
	}
	if x, ok := t.(ConnectTracer); ok {
		ts.connect = append(ts.connect, x)
	}
	if x, ok := t.(CheckoutTracer); ok {
		ts.checkout = append(ts.checkout, x)
	}
	if x, ok := t.(ErrorHandler); ok {
		ts.errs = append(ts.errs, x)
	}
	return len(ts.exec)+len(ts.tx)+len(ts.connect)+len(ts.checkout)+len(ts.errs) > n
}

// execTrace is one statement between its start and end hooks (and its Echo line).
type execTrace struct {
	ctx     context.Context   // the last start hook's, which the statement runs with
	ctxs    []context.Context // each tracer's own, for its end hook
	start   time.Time
	data    ExecuteStart
	nparams int // before HideParameters took them away, for Echo's "[hidden]"
}

// traceExecStart runs the start hooks of a statement; nil when nothing traces or
// echoes it. The context returned is the one the statement runs with.
func (c *Conn) traceExecStart(ctx context.Context, data ExecuteStart) (context.Context, *execTrace) {
	ts := c.eng.cfg.tracers.exec
	if len(ts) == 0 && !c.eng.cfg.echo {
		return ctx, nil
	}
	tr := &execTrace{nparams: len(data.Params)}
	if c.eng.cfg.hideParams {
		data.Params = nil
	}
	if len(ts) > 0 {
		ctx = c.withoutSelf(ctx)
		tr.ctxs = make([]context.Context, len(ts))
		for i, t := range ts {
			ctx = t.TraceExecuteStart(ctx, c, data)
			tr.ctxs[i] = ctx
		}
	}
	tr.ctx, tr.start, tr.data = ctx, time.Now(), data
	return ctx, tr
}

// end runs the end hooks of the statement, and logs it with Echo.
func (tr *execTrace) end(c *Conn, rows int64, err error) {
	if tr == nil {
		return
	}
	ts := c.eng.cfg.tracers.exec
	data := ExecuteEnd{Statement: tr.data.Statement, SQL: tr.data.SQL, Rows: rows, Duration: time.Since(tr.start), Err: err}
	for i := len(ts) - 1; i >= 0; i-- {
		ts[i].TraceExecuteEnd(tr.ctxs[i], c, data)
	}
	if c.eng.cfg.echo {
		c.eng.echo(tr.ctx, tr.data.SQL, tr.data.Params, tr.nparams, tr.data.Many, data.Duration, err)
	}
}

// traceTx runs do between the transaction hooks of op (do may be nil: an operation
// that sends nothing, such as BEGIN under AUTOCOMMIT).
func (c *Conn) traceTx(ctx context.Context, op, savepoint string, do func(ctx context.Context) error) error {
	ts := c.eng.cfg.tracers.tx
	if len(ts) == 0 {
		if do == nil {
			return nil
		}
		return do(ctx)
	}
	tctx := c.withoutSelf(ctx)
	ctxs := make([]context.Context, len(ts))
	for i, t := range ts {
		tctx = t.TraceTxStart(tctx, c, TxEvent{Op: op, Savepoint: savepoint})
		ctxs[i] = tctx
	}
	start := time.Now()
	var err error
	if do != nil {
		err = do(tctx) // the work runs with the context the start hooks returned
	}
	data := TxEvent{Op: op, Savepoint: savepoint, Duration: time.Since(start), Err: err}
	for i := len(ts) - 1; i >= 0; i-- {
		ts[i].TraceTxEnd(ctxs[i], c, data)
	}
	return err
}

// traceCheckout runs a checkout between the checkout hooks.
func (e *Engine) traceCheckout(ctx context.Context, c *Conn, do func(ctx context.Context) error) error {
	ts := e.cfg.tracers.checkout
	if len(ts) == 0 {
		return do(ctx)
	}
	ctxs := make([]context.Context, len(ts))
	for i, t := range ts {
		ctx = t.TraceCheckoutStart(ctx, e)
		ctxs[i] = ctx
	}
	start := time.Now()
	err := do(ctx)
	data := CheckoutEnd{Duration: time.Since(start), Err: err}
	if err == nil {
		data.Conn = c
	}
	for i := len(ts) - 1; i >= 0; i-- {
		ts[i].TraceCheckoutEnd(ctxs[i], e, data)
	}
	return err
}

// traceConnect runs a connection attempt between the connect hooks.
func (e *Engine) traceConnect(ctx context.Context, do func(ctx context.Context) error) error {
	ts := e.cfg.tracers.connect
	if len(ts) == 0 {
		return do(ctx)
	}
	ctxs := make([]context.Context, len(ts))
	for i, t := range ts {
		ctx = t.TraceConnectStart(ctx, e)
		ctxs[i] = ctx
	}
	start := time.Now()
	err := do(ctx)
	data := ConnectEnd{Duration: time.Since(start), Err: err}
	for i := len(ts) - 1; i >= 0; i-- {
		ts[i].TraceConnectEnd(ctxs[i], e, data)
	}
	return err
}
