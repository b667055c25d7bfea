package alchemy

import (
	"context"
	"time"
)

// ExecuteTracer traces statements. The end hook runs when the statement is over:
// for one with rows, when its Result is exhausted or closed, so that the reading
// counts in its duration and error.
type ExecuteTracer interface {
	TraceExecuteStart(ctx context.Context, c *Conn, data ExecuteStart) context.Context
	TraceExecuteEnd(ctx context.Context, c *Conn, data ExecuteEnd)
}

// ExecuteStart describes a statement about to be sent.
type ExecuteStart struct {
	Statement Executable // the statement object (a Text, an expression)
	SQL       string     // as sent, in the dialect's placeholder style
	Params    []any      // bound values (an executemany's first set); nil with HideParameters
	Many      int        // an executemany's number of parameter sets, else 0
}

// ExecuteEnd describes a statement that is over.
type ExecuteEnd struct {
	Statement Executable
	SQL       string
	Rows      int64 // rows read; without rows, RowsAffected (-1 if unknown)
	Duration  time.Duration
	Err       error // of the statement or of reading its rows
}

// TxTracer traces BEGIN, COMMIT, ROLLBACK and savepoints of the real transaction,
// not a Begin that joins it. The end hook's event has Duration and Err.
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

// TxEvent describes a transaction operation. Op is "begin", "commit", "rollback",
// "savepoint", "release savepoint" or "rollback to savepoint", as in Error.Op.
type TxEvent struct {
	Op        string
	Savepoint string // the savepoint's name, for savepoint operations
	Duration  time.Duration
	Err       error
}

// ConnectTracer traces the making of each database connection.
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

// CheckoutEnd describes a checkout that is over. Conn is nil when Err is set; the
// hook must not call its methods (it may be busy starting a statement).
type CheckoutEnd struct {
	Conn     *Conn
	Duration time.Duration
	Err      error
}

// ErrorHandler sees each driver error (of a statement, begin, commit, rollback or
// connect) before the engine acts on it, and may change ev.Disconnect and
// ev.InvalidatePool.
type ErrorHandler interface {
	HandleError(ev *ErrorEvent)
}

// ErrorEvent describes a driver error for ErrorHandler. Conn is nil while
// connecting; the handler must not call its methods (it is busy with the failed
// work).
type ErrorEvent struct {
	Conn      *Conn
	Op        string // what failed, as Error.Op
	Statement string
	Err       error // the driver's
	// Disconnect: the error counts as a lost connection (the dialect's verdict).
	Disconnect bool
	// InvalidatePool: a lost connection discards every connection made before it
	// (default true, as SQLAlchemy); false discards that one only.
	InvalidatePool bool
}

// Tracer adds a tracer: a value implementing one or more of ExecuteTracer,
// TxTracer, ConnectTracer, CheckoutTracer and ErrorHandler (none is an error).
// A start hook returns the context the work and its end hook get. Start hooks run
// in the order tracers were given, end hooks in reverse. Hooks run on the working
// goroutine: they must not block, nor call methods of the Conn they get; their
// context does not carry it, so a statement run with it gets its own connection.
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
	ctx     context.Context    // the last start hook's, which the statement runs with
	ctxs    []context.Context  // each tracer's own, for its end hook
	ctx1    [1]context.Context // backs ctxs for one tracer: no second allocation
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
		tr.ctxs = tr.ctx1[:0]
		for _, t := range ts {
			ctx = t.TraceExecuteStart(ctx, c, data)
			tr.ctxs = append(tr.ctxs, ctx)
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
