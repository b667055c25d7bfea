package alchemy

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// BlockOption configures a block (RunInTx, Transact): a TxOption, WithRetry or
// WithSavepoint.
type BlockOption interface {
	apply(o *txOptions)
}

// TxOption configures a transaction that begins (Conn.Begin, or a block); joining
// keeps the open one's settings.
type TxOption interface {
	BlockOption
	txOption()
}

// txOpt is a TxOption; blockOpt is a BlockOption only.
type (
	txOpt    func(*txOptions)
	blockOpt func(*txOptions)
)

func (f txOpt) apply(o *txOptions)    { f(o) }
func (txOpt) txOption()               {}
func (f blockOpt) apply(o *txOptions) { f(o) }

type txOptions struct {
	tx     txSettings
	retry  RetryPolicy
	nested bool
}

func txOptionsOf[O BlockOption](opts []O) txOptions {
	var o txOptions
	for _, opt := range opts {
		if any(opt) != nil {
			opt.apply(&o)
		}
	}
	return o
}

// WithIsolation sets the transaction's isolation level.
func WithIsolation(level Isolation) TxOption {
	return txOpt(func(o *txOptions) { o.tx.isolation = level })
}

// WithReadOnly asks for a read-only transaction.
func WithReadOnly() TxOption { return txOpt(func(o *txOptions) { o.tx.readOnly = true }) }

// WithRetry reruns a block that begins its transaction when it fails with a
// serialization failure or deadlock (or what p.Retryable accepts).
func WithRetry(p RetryPolicy) BlockOption { return blockOpt(func(o *txOptions) { o.retry = p }) }

// WithSavepoint makes a block inside an open transaction use a savepoint, so its
// failure rolls back only its own work.
func WithSavepoint() BlockOption { return blockOpt(func(o *txOptions) { o.nested = true }) }

// RetryPolicy says how often and when to retry a transaction.
type RetryPolicy struct {
	MaxAttempts int // runs, the first included; 0 or 1: no retry
	// Backoff is the pause before attempt n (2 for the first retry); by default
	// it doubles from 10ms to 1s, with jitter.
	Backoff   func(attempt int) time.Duration
	Retryable func(err error) bool // default IsSerializationFailure
}

func (p RetryPolicy) run(ctx context.Context, fn func() error) error {
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || attempt >= p.MaxAttempts || !p.retryable(err) {
			return err
		}
		pause := p.backoff(attempt + 1)
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(err, ctx.Err())
		case <-t.C:
		}
	}
}

func (p RetryPolicy) retryable(err error) bool {
	if p.Retryable != nil {
		return p.Retryable(err)
	}
	return IsSerializationFailure(err)
}

func (p RetryPolicy) backoff(attempt int) time.Duration {
	if p.Backoff != nil {
		return p.Backoff(attempt)
	}
	d := 10 * time.Millisecond << min(attempt-2, 7)
	d = min(d, time.Second)
	return d/2 + rand.N(d/2+1)
}

// detached gives the cleanup a block does after fn (a rollback) a context that the
// caller's cancellation does not reach, bounded on its own.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), resetTimeout)
}

// inTx runs fn in a transaction on c: commit on nil, rollback on an error or a panic
// (which is raised again). lazy defers BEGIN, and the checkout, to fn's first
// statement.
func (c *Conn) inTx(ctx context.Context, o txOptions, lazy bool, fn func(*Conn) error) (err error) {
	var tx *Tx
	if o.nested {
		tx, err = c.BeginNested(ctx)
	} else {
		tx, err = c.begin(ctx, o.tx, lazy)
	}
	if err != nil {
		return err
	}
	rollback := func() error {
		rctx, cancel := detached(ctx)
		defer cancel()
		return tx.Rollback(rctx)
	}
	finished := false
	defer func() {
		if !finished { // fn panicked (or called runtime.Goexit)
			_ = rollback()
			if p := recover(); p != nil {
				panic(p)
			}
		}
	}()
	err = fn(c)
	finished = true
	if err != nil {
		if rbErr := rollback(); rbErr != nil && !errors.Is(rbErr, ErrTxDone) {
			return errors.Join(err, rbErr)
		}
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		_ = rollback() // ends what Commit left open; ErrTxDone when it ended it
		return err
	}
	return nil
}

// RunInTx runs fn in a transaction on c, or in c's open one, joined (only the
// outermost block commits): commit when fn returns nil, rollback when it fails or
// panics (the panic goes on).
func (c *Conn) RunInTx(ctx context.Context, fn func(conn *Conn) error, opts ...BlockOption) error {
	if ctx == nil {
		return errNilContext
	}
	o := txOptionsOf(opts)
	if c.InTransaction() {
		return c.inTx(ctx, o, false, fn)
	}
	return o.retry.run(ctx, func() error { return c.inTx(ctx, o, false, fn) })
}

// runTx runs fn in a transaction: the one ctx carries for e, joined (or a savepoint
// inside it, WithSavepoint), or else a new one on a connection of its own, returned
// when the block ends; lazy defers its checkout and BEGIN to fn's first statement.
// fn gets the context its statements should use: with a new transaction, one that
// carries its connection; with a savepoint and markBlock, one that marks the block,
// so that statements from outside it are told apart (see Transact). A
// serialization failure retries the new transaction as the RetryPolicy says.
func (e *Engine) runTx(ctx context.Context, o txOptions, lazy, markBlock bool, fn func(ctx context.Context, c *Conn) error) error {
	if ctx == nil {
		return errNilContext
	}
	if c := connFromContext(ctx, e); c != nil {
		if o.nested && markBlock {
			ctx = context.WithValue(ctx, blockKey{}, &block{parent: blockOf(ctx)})
		}
		return c.inTx(ctx, o, false, func(c *Conn) error { return fn(ctx, c) })
	}
	o.nested = false // nothing to nest in
	return o.retry.run(ctx, func() error {
		if e.closed.Load() {
			return fmt.Errorf("%w: engine %s is disposed", ErrClosed, e.name())
		}
		c := e.newConn()
		c.owned = true
		defer func() {
			c.lockWait()
			_ = c.close()
			c.unlock()
		}()
		inner := ContextWithConn(ctx, c)
		return c.inTx(inner, o, lazy, func(c *Conn) error { return fn(inner, c) })
	})
}

// blockKey is the context key of the savepoint block a Transact runs.
type blockKey struct{}

// block is one savepoint block of Transact (WithSavepoint), inside its parent's.
type block struct{ parent *block }

// blockOf returns the innermost block ctx runs in; nil outside any.
func blockOf(ctx context.Context) *block {
	b, _ := ctx.Value(blockKey{}).(*block)
	return b
}

// within reports whether b is a or runs inside it; everything is within nil.
func (b *block) within(a *block) bool {
	for ; b != nil; b = b.parent {
		if b == a {
			return true
		}
	}
	return a == nil
}

// ctxKey is the context key of the connections ContextWithConn records.
type ctxKey struct{}

// ctxConn is one connection recorded in a context, over those of other engines.
type ctxConn struct {
	conn   *Conn
	parent *ctxConn
}

func connFromContext(ctx context.Context, e *Engine) *Conn {
	if ctx == nil {
		return nil
	}
	cc, _ := ctx.Value(ctxKey{}).(*ctxConn)
	for ; cc != nil; cc = cc.parent {
		if cc.conn.eng == e {
			return cc.conn
		}
	}
	return nil
}

// ContextWithConn returns a context carrying c: Engine.Execute, Engine.RunInTx and
// Transact given it run on c, in its open transaction. The caller still closes c.
// A context carries one connection per engine; a later one replaces the earlier.
func ContextWithConn(ctx context.Context, c *Conn) context.Context {
	parent, _ := ctx.Value(ctxKey{}).(*ctxConn)
	return context.WithValue(ctx, ctxKey{}, &ctxConn{conn: c, parent: parent})
}

// ConnFromContext returns the connection ctx carries for e: its Transact block's
// (closing it does nothing), or one from ContextWithConn.
func ConnFromContext(ctx context.Context, e *Engine) (*Conn, bool) {
	c := connFromContext(ctx, e)
	return c, c != nil
}

// Transact runs fn in a transaction carried by its context, the Go form of
// SQLAlchemy's threadlocal strategy: Transact and Engine.RunInTx given that
// context join it (or open a savepoint, WithSavepoint), and Engine.Execute runs on
// its connection. Goroutines may share the context: their statements run one at a
// time and commit or roll back together. The connection is checked out at the
// first statement. Transact commits when fn returns nil, rolls back when it fails
// or panics.
//
// Rolling back a WithSavepoint block that other goroutines' statements ran inside
// would undo their work: it fails the whole transaction (ErrPendingRollback).
func Transact(ctx context.Context, e *Engine, fn func(ctx context.Context) error, opts ...BlockOption) error {
	return e.runTx(ctx, txOptionsOf(opts), true, true, func(ctx context.Context, _ *Conn) error { return fn(ctx) })
}
