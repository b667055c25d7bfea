package alchemy

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// TxOption configures Engine.Begin and Transact.
type TxOption func(*txOptions)

type txOptions struct {
	tx     TxOptions
	retry  RetryPolicy
	nested bool
}

func txOptionsOf(opts []TxOption) txOptions {
	var o txOptions
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	return o
}

// WithIsolation sets the isolation level of the transaction.
func WithIsolation(level IsolationLevel) TxOption {
	return func(o *txOptions) { o.tx.Isolation = level }
}

// WithReadOnly asks for a read-only transaction.
func WithReadOnly() TxOption { return func(o *txOptions) { o.tx.ReadOnly = true } }

// WithRetry retries the whole transaction when it fails with a serialization
// failure or a deadlock (or what p.Retryable accepts). It applies only where the
// transaction begins: a Transact that joins an outer one cannot retry on its own.
func WithRetry(p RetryPolicy) TxOption { return func(o *txOptions) { o.retry = p } }

// WithSavepoint makes a Transact that finds a transaction in its context open a
// savepoint inside it, so that its failure rolls back only its own work.
func WithSavepoint() TxOption { return func(o *txOptions) { o.nested = true } }

// RetryPolicy says how often and when to retry a transaction.
type RetryPolicy struct {
	// MaxAttempts counts every run, the first included; 0 or 1 means no retry.
	MaxAttempts int
	// Backoff is the pause before attempt n (n = 2 for the first retry). The default
	// doubles from 10ms up to 1s, with jitter.
	Backoff func(attempt int) time.Duration
	// Retryable decides which errors are retried; the default is IsSerializationFailure.
	Retryable func(err error) bool
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

// inTx runs fn in a transaction on c: commit on nil, rollback on an error or a panic
// (which is raised again).
func (c *Conn) inTx(ctx context.Context, o txOptions, fn func(*Conn) error) (err error) {
	var tx *Tx
	if o.nested {
		tx, err = c.BeginNested(ctx)
	} else {
		tx, err = c.BeginTx(ctx, o.tx)
	}
	if err != nil {
		return err
	}
	finished := false
	defer func() {
		if !finished { // fn panicked (or called runtime.Goexit)
			_ = tx.Rollback()
			if p := recover(); p != nil {
				panic(p)
			}
		}
	}()
	err = fn(c)
	finished = true
	if err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, ErrTxDone) {
			return errors.Join(err, rbErr)
		}
		return err
	}
	return tx.Commit()
}

// txKey is the context key of the connection Transact carries.
type txKey struct{}

var ctxKey = &txKey{}

type txContext struct {
	eng    *Engine
	conn   *Conn
	parent *txContext
}

func connFromContext(ctx context.Context, e *Engine) *Conn {
	if ctx == nil {
		return nil
	}
	tc, _ := ctx.Value(ctxKey).(*txContext)
	for ; tc != nil; tc = tc.parent {
		if tc.eng == e {
			return tc.conn
		}
	}
	return nil
}

// ConnFromContext returns the connection a Transact on e put into ctx, if any.
func ConnFromContext(ctx context.Context, e *Engine) (*Conn, bool) {
	c := connFromContext(ctx, e)
	return c, c != nil
}

// Transact runs fn in a transaction carried by its context: the Go form of
// SQLAlchemy's threadlocal strategy. Code below fn that calls Transact with that
// context joins the transaction (or opens a savepoint, WithSavepoint), and
// e.Execute with it runs on the transaction's connection. Transact commits when fn
// returns nil and rolls back when it returns an error or panics.
func Transact(ctx context.Context, e *Engine, fn func(ctx context.Context) error, opts ...TxOption) error {
	o := txOptionsOf(opts)
	if c := connFromContext(ctx, e); c != nil {
		return c.inTx(ctx, o, func(*Conn) error { return fn(ctx) })
	}
	return o.retry.run(ctx, func() error {
		conn, err := e.Connect(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		parent, _ := ctx.Value(ctxKey).(*txContext)
		inner := context.WithValue(ctx, ctxKey, &txContext{eng: e, conn: conn, parent: parent})
		return conn.inTx(inner, o, func(*Conn) error { return fn(inner) })
	})
}
