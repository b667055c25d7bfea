package alchemy

import (
	"context"
	"time"
)

// Listener holds engine event handlers; every field is optional. Add one with
// WithListener at CreateEngine or Engine.Listen later. Handlers run on the goroutine
// that caused the event, while the connection is busy with it: they must not block,
// and must not call methods of the Conn they are given (which would wait for the
// event's own statement to finish). Pool events (connect, checkout, checkin,
// reset, invalidate...) are pool.Listener's, added with PoolListener.
type Listener struct {
	// BeforeExecute runs before a statement is sent.
	BeforeExecute func(ctx context.Context, ev *ExecuteEvent)
	// AfterExecute runs after a statement returned, with its duration and error.
	AfterExecute func(ctx context.Context, ev *ExecuteEvent)
	// Begin, Commit and Rollback run when a real (outermost) transaction does so.
	Begin, Commit, Rollback func(c *Conn)
	// Savepoint, ReleaseSavepoint and RollbackSavepoint run for nested transactions.
	Savepoint, ReleaseSavepoint, RollbackSavepoint func(c *Conn, name string)
	// HandleError sees every error a statement, begin, commit or rollback returns
	// from the driver. It may change ev.Disconnect (whether the error counts as a lost
	// connection) and ev.InvalidatePool (whether every connection made before it is
	// discarded, not only this one).
	HandleError func(ev *ErrorEvent)
}

// ExecuteEvent describes one statement for BeforeExecute and AfterExecute.
type ExecuteEvent struct {
	// Conn is the connection the statement runs on.
	Conn *Conn
	// Statement is the SQL sent, in the dialect's placeholder style.
	Statement string
	// Params are the bound values; for an executemany, those of the first set.
	Params []any
	// Many is the number of parameter sets of an executemany, else 0.
	Many int
	// Duration and Err are set for AfterExecute.
	Duration time.Duration
	Err      error
}

// ErrorEvent describes a driver error for HandleError.
type ErrorEvent struct {
	// Conn is the connection the error happened on; nil while connecting.
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

func (e *Engine) listeners() []Listener {
	if p := e.lis.Load(); p != nil {
		return *p
	}
	return nil
}

// Listen adds engine event listeners. It is safe to call while the engine is in use.
func (e *Engine) Listen(l Listener) {
	e.lisMu.Lock()
	defer e.lisMu.Unlock()
	old := e.listeners()
	n := make([]Listener, len(old), len(old)+1)
	copy(n, old)
	n = append(n, l)
	e.lis.Store(&n)
}

func (e *Engine) fireTx(c *Conn, pick func(Listener) func(*Conn)) {
	for _, l := range e.listeners() {
		if fn := pick(l); fn != nil {
			fn(c)
		}
	}
}

func (e *Engine) fireSavepoint(c *Conn, name string, pick func(Listener) func(*Conn, string)) {
	for _, l := range e.listeners() {
		if fn := pick(l); fn != nil {
			fn(c, name)
		}
	}
}
