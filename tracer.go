package alchemy

import (
	"context"
	"errors"
	"time"

	"github.com/go-alchemy/alchemy/pool"
)

// ExecuteTracer traces statements. The end hook runs when the statement is over:
// for one with rows, when its Result is exhausted or closed, so that the reading
// counts in its duration and error. A start hook may keep a value for its end
// hook in *ExecuteStart.State: no wrapping context to allocate.
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
	// State is a slot alchemy keeps for this tracer and this statement: what
	// the start hook stores in *State, the end hook gets as ExecuteEnd.State
	// (a pointer stored there costs no allocation). Never nil.
	State *any
}

// ExecuteEnd describes a statement that is over.
type ExecuteEnd struct {
	Statement Executable
	SQL       string
	Rows      int64 // rows read; without rows, RowsAffected (-1 if unknown)
	Duration  time.Duration
	Err       error // of the statement or of reading its rows
	State     any   // what this tracer's start hook stored in *ExecuteStart.State
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
	// Waited: the pool had no connection free, and the checkout waited for one
	// (or for a slot to make one). Only a QueuePool makes checkouts wait. Of
	// failed checkouts, one that timed out has Waited.
	Waited bool
}

// CheckinTracer traces the return of each connection to the engine's pool, with
// how long it was held: from the end of its checkout to the end of its checkin
// (the reset on return included), alchemy's clock readings of both, so that the
// tracer reads none.
type CheckinTracer interface {
	TraceCheckin(e *Engine, data CheckinEnd)
}

// CheckinEnd describes a checkin that is over.
type CheckinEnd struct {
	Used time.Duration // since the checkout ended
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
// TxTracer, ConnectTracer, CheckoutTracer, CheckinTracer and ErrorHandler (none
// is an error).
// A start hook returns the context the work and its end hook get. Start hooks run
// in the order tracers were given, end hooks in reverse. Hooks run on the working
// goroutine: they must not block, nor call methods of the Conn they get; their
// context does not carry it, so a statement run with it gets its own connection.
func Tracer(t any) Option {
	return func(c *config) {
		if !c.tracers.add(t) {
			c.fail("option Tracer: %T implements none of ExecuteTracer, TxTracer, ConnectTracer, CheckoutTracer, CheckinTracer and ErrorHandler", t)
		}
	}
}

// tracers are an engine's hooks, sorted by kind once, when the engine is made.
type tracers struct {
	exec     []ExecuteTracer
	tx       []TxTracer
	connect  []ConnectTracer
	checkout []CheckoutTracer
	checkin  []CheckinTracer
	errs     []ErrorHandler
}

func (ts *tracers) add(t any) bool {
	n := ts.count()
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
	if x, ok := t.(CheckinTracer); ok {
		ts.checkin = append(ts.checkin, x)
	}
	if x, ok := t.(ErrorHandler); ok {
		ts.errs = append(ts.errs, x)
	}
	return ts.count() > n
}

func (ts *tracers) count() int {
	return len(ts.exec) + len(ts.tx) + len(ts.connect) + len(ts.checkout) + len(ts.checkin) + len(ts.errs)
}

// clockStart anchors the engine's duration readings: time.Since(clockStart)
// reads the monotonic clock once, where time.Now reads both clocks.
var clockStart = time.Now()

// monotonic returns the time since clockStart, for measuring durations.
func monotonic() time.Duration { return time.Since(clockStart) }

// execTrace is one statement between its start and end hooks (and its Echo line).
type execTrace struct {
	ctx     context.Context // the last start hook's, which the statement runs with
	hooks   []execHook      // each tracer's, for its end hook
	hook1   [1]execHook     // backs hooks for one tracer: no second allocation
	start   time.Duration   // monotonic()
	data    ExecuteStart
	nparams int // before HideParameters took them away, for Echo's "[hidden]"
}

// execHook is what one tracer's start hook left for its end hook.
type execHook struct {
	ctx   context.Context // the context it returned
	state any             // what it stored in ExecuteStart.State
}

// tracesExec reports whether the engine traces or echoes statements.
func (c *Conn) tracesExec() bool { return len(c.eng.cfg.tracers.exec) > 0 || c.eng.cfg.echo }

// traceExecStart runs the start hooks of a statement; nil when nothing traces or
// echoes it. The context returned is the one the statement runs with.
func (c *Conn) traceExecStart(ctx context.Context, data ExecuteStart) (context.Context, *execTrace) {
	if !c.tracesExec() {
		return ctx, nil
	}
	tr := &execTrace{}
	return tr.begin(ctx, c, data), tr
}

// begin runs the start hooks of a statement into tr and returns the context
// the statement runs with; a nil tr (nothing traces or echoes) returns ctx.
func (tr *execTrace) begin(ctx context.Context, c *Conn, data ExecuteStart) context.Context {
	if tr == nil {
		return ctx
	}
	ts := c.eng.cfg.tracers.exec
	tr.nparams = len(data.Params)
	if c.eng.cfg.hideParams {
		data.Params = nil
	}
	tr.data = data
	if len(ts) > 0 {
		ctx = c.withoutSelf(ctx)
		tr.hooks = tr.hook1[:]
		if len(ts) > 1 {
			tr.hooks = make([]execHook, len(ts))
		}
		for i, t := range ts {
			h := &tr.hooks[i]
			data.State = &h.state
			ctx = t.TraceExecuteStart(ctx, c, data)
			h.ctx = ctx
		}
	}
	tr.ctx, tr.start = ctx, monotonic()
	return ctx
}

// end runs the end hooks of the statement, and logs it with Echo.
func (tr *execTrace) end(c *Conn, rows int64, err error) {
	if tr == nil {
		return
	}
	ts := c.eng.cfg.tracers.exec
	data := ExecuteEnd{Statement: tr.data.Statement, SQL: tr.data.SQL, Rows: rows, Duration: monotonic() - tr.start, Err: err}
	for i := len(ts) - 1; i >= 0; i-- {
		data.State = tr.hooks[i].state
		ts[i].TraceExecuteEnd(tr.hooks[i].ctx, c, data)
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
	start := monotonic()
	var err error
	if do != nil {
		err = do(tctx) // the work runs with the context the start hooks returned
	}
	data := TxEvent{Op: op, Savepoint: savepoint, Duration: monotonic() - start, Err: err}
	for i := len(ts) - 1; i >= 0; i-- {
		ts[i].TraceTxEnd(ctxs[i], c, data)
	}
	return err
}

// traceCheckout runs a checkout between the checkout hooks, and notes when it
// ended for the checkin hooks.
func (e *Engine) traceCheckout(ctx context.Context, c *Conn, do func(ctx context.Context) error) error {
	ts := e.cfg.tracers.checkout
	if len(ts) == 0 {
		err := do(ctx)
		if err == nil && len(e.cfg.tracers.checkin) > 0 {
			c.outAt = monotonic()
		}
		return err
	}
	ctxs := make([]context.Context, len(ts))
	for i, t := range ts {
		ctx = t.TraceCheckoutStart(ctx, e)
		ctxs[i] = ctx
	}
	start := monotonic()
	err := do(ctx)
	end := monotonic()
	data := CheckoutEnd{Duration: end - start, Err: err}
	if err == nil {
		data.Conn, data.Waited, c.outAt = c, c.pc.Waited(), end
	} else {
		var te *pool.TimeoutError
		data.Waited = errors.As(err, &te)
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
	start := monotonic()
	err := do(ctx)
	data := ConnectEnd{Duration: monotonic() - start, Err: err}
	for i := len(ts) - 1; i >= 0; i-- {
		ts[i].TraceConnectEnd(ctxs[i], e, data)
	}
	return err
}

// putBack checks pc in, then runs the checkin hooks with how long it was out.
func (c *Conn) putBack(pc *poolConn) error {
	err := c.eng.pool.Put(pc)
	if ts := c.eng.cfg.tracers.checkin; len(ts) > 0 {
		data := CheckinEnd{Used: monotonic() - c.outAt}
		for _, t := range ts {
			t.TraceCheckin(c.eng, data)
		}
	}
	return err
}
