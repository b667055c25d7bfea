package alchemy

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/pool"
)

// commitGrace is how long a COMMIT already sent is waited for after the caller's
// context ends. Abandoning it at once would leave its outcome unknown (the server
// may have committed); waiting a little lets the answer arrive in all but a dead
// network, where the connection is then invalidated and the error says the
// outcome is unknown.
const commitGrace = 2 * time.Second

// txState is the one real transaction of a Conn, shared by every Tx that joined it.
type txState struct {
	opts       dialect.TxOptions
	autocommit bool  // AUTOCOMMIT: Begin, Commit and Rollback send nothing
	lazy       bool  // BEGIN waits for the first statement (transaction blocks)
	begun      bool  // BEGIN ran, and no COMMIT, ROLLBACK or lost connection ended it
	active     bool  // false once an inner Rollback rolled the whole of it back
	broken     bool  // a lost connection, failed commit or serialization failure: only Rollback may follow
	savepoints []*Tx // open savepoints, innermost last
}

type txKind int

const (
	txRoot      txKind = iota // began the real transaction
	txJoined                  // a Begin inside an open transaction
	txSavepoint               // BeginNested
)

// Tx is a transaction on a Conn. A Begin while one is open returns a Tx that joins
// it: its Commit does nothing, its Rollback rolls back the whole, and the outer
// Commit then fails with ErrTxDone (SQLAlchemy's method_a / method_b nesting). A
// savepoint's Commit releases it; its Rollback rolls back to it.
//
// BEGIN, COMMIT and ROLLBACK are each bounded by their own call's context: Begin's
// ends nothing later. A statement cut off by its context, a lost connection or a
// failed COMMIT or ROLLBACK invalidates the connection; then roll back.
type Tx struct {
	conn  *Conn
	state *txState
	kind  txKind
	name  string // the savepoint's
	done  bool
	// A savepoint's: the block that opened it, whether statements from outside
	// that block ran inside it, and its fate when an enclosing savepoint ended it.
	block   *block
	foreign bool
	gone    int
}

// txSettings are the options of one transaction that reach the database.
type txSettings struct {
	isolation Isolation // overrides the connection's when set
	readOnly  bool
}

// newTxState resolves the options of a transaction about to begin on c.
func (c *Conn) newTxState(o txSettings) (*txState, error) {
	level := c.opts.Isolation
	if o.isolation != "" {
		if err := o.isolation.validate(); err != nil {
			return nil, err
		}
		level = o.isolation
	}
	st := &txState{active: true, autocommit: level.autocommit()}
	if !st.autocommit {
		st.opts = dialect.TxOptions{Isolation: strings.ToUpper(string(level)), ReadOnly: o.readOnly}
	}
	return st, nil
}

// Begin begins a transaction, or joins the open one (keeping its settings).
func (c *Conn) Begin(ctx context.Context, opts ...TxOption) (*Tx, error) {
	return c.begin(ctx, txOptionsOf(opts).tx, false)
}

// begin begins (or joins) a transaction; lazily, BEGIN waits for the first statement.
func (c *Conn) begin(ctx context.Context, o txSettings, lazy bool) (*Tx, error) {
	if ctx == nil {
		return nil, errNilContext
	}
	if err := c.lock(ctx); err != nil {
		return nil, err
	}
	defer c.unlock()
	if c.tx != nil || !lazy {
		if err := c.ready(ctx); err != nil {
			return nil, err
		}
	} else if c.closed {
		return nil, fmt.Errorf("%w: connection", ErrClosed)
	}
	if c.tx != nil {
		return &Tx{conn: c, state: c.tx, kind: txJoined}, nil
	}
	st, err := c.newTxState(o)
	if err != nil {
		return nil, err
	}
	switch {
	case st.autocommit:
		_ = c.traceTx(ctx, opBegin, "", nil)
	case lazy:
		st.lazy = true
	default:
		if err := c.beginNow(ctx, st); err != nil {
			return nil, err
		}
	}
	c.tx = st
	return &Tx{conn: c, state: st, kind: txRoot}, nil
}

// beginNow sends the BEGIN of st. The caller holds the turn and a connection.
func (c *Conn) beginNow(ctx context.Context, st *txState) error {
	stmts, err := dialect.BeginSQL(c.eng.dialect, c.eng.url, st.opts)
	if err != nil {
		return err
	}
	err = c.traceTx(ctx, opBegin, "", func(ctx context.Context) error {
		for _, q := range stmts {
			if err := c.exec(ctx, opBegin, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	st.lazy, st.begun = false, true
	c.dc.inTx.Store(true)
	return nil
}

// BeginNested opens a savepoint in the open transaction, or else begins one.
func (c *Conn) BeginNested(ctx context.Context) (*Tx, error) {
	if ctx == nil {
		return nil, errNilContext
	}
	if err := c.lock(ctx); err != nil {
		return nil, err
	}
	unlocked := false
	defer func() {
		if !unlocked {
			c.unlock()
		}
	}()
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	if c.tx == nil {
		c.unlock()
		unlocked = true
		return c.Begin(ctx)
	}
	if c.tx.autocommit {
		return nil, errors.New("alchemy: a savepoint needs a transaction, and this connection runs in AUTOCOMMIT")
	}
	c.noteStatement(ctx)
	c.spSeq++
	name := "alchemy_sp_" + strconv.Itoa(c.spSeq)
	create, _, _ := c.eng.dialect.SavepointSQL(name)
	err := c.traceTx(ctx, opSavepoint, name, func(ctx context.Context) error { return c.exec(ctx, opSavepoint, create) })
	if err != nil {
		return nil, err
	}
	sp := &Tx{conn: c, state: c.tx, kind: txSavepoint, name: name, block: blockOf(ctx)}
	c.tx.savepoints = append(c.tx.savepoints, sp)
	return sp, nil
}

// IsActive reports whether the transaction can still commit.
func (t *Tx) IsActive() bool {
	t.conn.lockWait()
	defer t.conn.unlock()
	return t.active()
}

// active is IsActive for the holder of the turn.
func (t *Tx) active() bool {
	return !t.done && t.state.active && !t.state.broken && t.conn.tx == t.state
}

// Commit commits the transaction t began, marks a joined Tx done, or releases a
// savepoint. After an inner Rollback it fails with ErrTxDone. An open Result is
// read into memory first, so none of its rows is lost.
//
// If ctx has ended, nothing is sent and the transaction stays open: roll it back.
// Once COMMIT is sent, Commit waits for the answer past the end of ctx (for a
// grace, see ErrCommitUnknown): a failed Commit did not commit. A failed COMMIT
// invalidates the connection.
func (t *Tx) Commit(ctx context.Context) error {
	if ctx == nil {
		return errNilContext
	}
	c := t.conn
	if err := c.lock(ctx); err != nil {
		return fmt.Errorf("alchemy: commit not sent: %w", err)
	}
	defer c.unlock()
	if t.done || c.tx != t.state {
		return ErrTxDone
	}
	switch t.kind {
	case txJoined:
		t.done = true
		if t.state.broken {
			return ErrPendingRollback
		}
		if !t.state.active {
			return errTxInactive
		}
		return nil
	case txSavepoint:
		return t.release(ctx)
	}
	st := t.state
	if st.broken {
		return ErrPendingRollback
	}
	if !st.active {
		t.done = true
		c.tx = nil
		return errTxInactive
	}
	commit := func(ctx context.Context) error { return c.commitNow(ctx, st) }
	var err error
	if st.begun || st.autocommit { // a transaction that never began has nothing to trace
		err = c.traceTx(ctx, opCommit, "", commit)
	} else {
		err = commit(ctx)
	}
	if err != nil {
		if !st.begun && !st.broken { // rolled back instead: over
			t.done = true
			c.tx = nil
		}
		return err
	}
	t.done = true
	c.tx = nil
	return nil
}

// commitNow sends COMMIT for st, if BEGIN was sent. The caller holds the turn.
// On an error st is either still open (nothing was sent), rolled back (begun and
// broken both false), or broken (the connection was invalidated).
func (c *Conn) commitNow(ctx context.Context, st *txState) error {
	if !st.begun {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("alchemy: commit not sent: %w", err)
	}
	if err := c.free(); err != nil { // an open Result is read first: none of its rows is lost
		return err
	}
	if err := c.keepCursorRows(ctx, 0); err != nil {
		return err
	}
	if r, ok := c.eng.dialect.(dialect.FailedTxReporter); ok {
		failed := false
		_ = c.dc.sc.Raw(func(dc any) error { failed = r.TxFailed(dc); return nil })
		if failed {
			return errors.Join(ErrRolledBack, c.rollbackNow(ctx, st))
		}
	}
	// COMMIT runs past the end of ctx, for commitGrace at most.
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	sent := make(chan struct{})
	defer close(sent)
	stop := context.AfterFunc(ctx, func() {
		t := time.NewTimer(commitGrace)
		defer t.Stop()
		select {
		case <-t.C:
			cancel()
		case <-sent:
		}
	})
	defer stop()
	err := c.exec(sctx, opCommit, "COMMIT")
	if err == nil {
		st.begun = false
		c.dc.inTx.Store(false)
		return nil
	}
	st.begun, st.broken = false, true
	if c.pc != nil {
		c.invalidate(err, false)
	}
	if sctx.Err() != nil {
		return fmt.Errorf("%w: %w", ErrCommitUnknown, err)
	}
	return err
}

// rollbackNow ends st on the server: ROLLBACK, or, when ctx has already ended,
// closing the connection, which rolls back as surely. The caller holds the turn.
func (c *Conn) rollbackNow(ctx context.Context, st *txState) error {
	if !st.begun || c.pc == nil {
		st.begun = false
		return nil
	}
	st.begun = false
	if err := ctx.Err(); err != nil {
		c.invalidate(fmt.Errorf("alchemy: rollback with an ended context (%w): connection closed instead", err), false)
		return nil
	}
	err := c.exec(ctx, opRollback, "ROLLBACK")
	if err != nil && c.pc != nil {
		c.invalidate(err, false)
	}
	if c.dc != nil {
		c.dc.inTx.Store(false)
	}
	return err
}

// Rollback rolls back the whole transaction, or to the savepoint. On an ended Tx it
// returns ErrTxDone, so a deferred Rollback is harmless. If ctx has ended, it closes
// the connection instead (the server rolls back). An open Result is read first.
func (t *Tx) Rollback(ctx context.Context) error {
	if ctx == nil {
		return errNilContext
	}
	c := t.conn
	c.lockWait()
	defer c.unlock()
	if t.done || c.tx != t.state {
		return ErrTxDone
	}
	t.done = true
	if t.kind == txSavepoint {
		return t.rollbackTo(ctx)
	}
	st := t.state
	_ = c.free() // an open Result is read first, so that it can still be read
	_ = c.keepCursorRows(ctx, 0)
	rollback := func(ctx context.Context) error { return c.rollbackNow(ctx, st) }
	var err error
	if !st.lazy { // a transaction that never began has nothing to trace
		err = c.traceTx(ctx, opRollback, "", rollback)
	} else {
		err = rollback(ctx)
	}
	st.active = false
	st.lazy = false
	st.savepoints = nil
	if t.kind == txRoot {
		c.tx = nil
	}
	return err
}

// spIndex finds t among the open savepoints.
func (t *Tx) spIndex() int {
	for i, sp := range t.state.savepoints {
		if sp == t {
			return i
		}
	}
	return -1
}

func (t *Tx) release(ctx context.Context) error {
	c := t.conn
	i := t.spIndex()
	if t.state.broken {
		return ErrPendingRollback
	}
	if i < 0 && t.gone == spMerged { // an enclosing savepoint's release took this one's work along
		t.done = true
		return nil
	}
	if i < 0 || !t.state.begun {
		t.done = true
		return ErrTxDone
	}
	if !t.state.active {
		t.done = true
		return errTxInactive
	}
	_, rel, _ := c.eng.dialect.SavepointSQL(t.name)
	err := c.traceTx(ctx, opRelease, t.name, func(ctx context.Context) error {
		if rel == "" {
			return nil
		}
		return c.exec(ctx, opRelease, rel)
	})
	if err != nil {
		return err
	}
	t.done = true
	t.state.popSavepoints(i, spMerged)
	return nil
}

func (t *Tx) rollbackTo(ctx context.Context) error {
	c := t.conn
	if t.state.broken {
		return ErrPendingRollback
	}
	i := t.spIndex()
	if i < 0 && t.gone == spMerged {
		// Its work went into an enclosing savepoint, released by another block:
		// it cannot be undone alone, and the transaction must not commit it.
		t.state.broken = true
		return fmt.Errorf("alchemy: rollback to savepoint %s: an enclosing savepoint was released by another block, taking this one's work along: %w", t.name, ErrPendingRollback)
	}
	if i < 0 || !t.state.begun {
		return ErrTxDone
	}
	if t.foreign {
		// Statements of other blocks ran inside it: rolling back to it would
		// undo their work behind their backs. The whole transaction fails instead.
		t.state.broken = true
		return fmt.Errorf("alchemy: rollback to savepoint %s: statements of other goroutines or blocks ran inside it, and rolling it back would undo their work: %w", t.name, ErrPendingRollback)
	}
	if err := c.keepCursorRows(ctx, i+1); err != nil { // the rollback closes the cursors declared inside
		return err
	}
	_, _, rb := c.eng.dialect.SavepointSQL(t.name)
	err := c.traceTx(ctx, opRollbackTo, t.name, func(ctx context.Context) error { return c.exec(ctx, opRollbackTo, rb) })
	if err != nil {
		return err
	}
	t.state.popSavepoints(i, spUndone)
	return nil
}

// Fates of a savepoint ended by an enclosing one.
const (
	spOpen   = iota
	spMerged // an enclosing savepoint was released: its work is in the transaction
	spUndone // an enclosing savepoint was rolled back: its work is gone
)

// popSavepoints ends the savepoint at i; those opened after it share fate.
func (st *txState) popSavepoints(i int, fate int) {
	for _, later := range st.savepoints[i+1:] {
		later.gone = fate
	}
	st.savepoints = st.savepoints[:i]
}

// noteStatement records, on every open savepoint, a statement that ran inside it
// from outside the block that opened it (see Transact's WithSavepoint). The caller
// holds the turn.
func (c *Conn) noteStatement(ctx context.Context) {
	if c.tx == nil || len(c.tx.savepoints) == 0 {
		return
	}
	b := blockOf(ctx)
	for _, sp := range c.tx.savepoints {
		if !b.within(sp.block) {
			sp.foreign = true
		}
	}
}

// abandonTx ends the transaction a closing Conn left open. A healthy one is left to
// the pool's reset on return, which commits it (ResetCommit) or rolls it back; one
// that is broken or inactive, or any with ResetNone, is rolled back here, since a
// connection is never handed on inside a transaction. The caller holds the turn.
func (c *Conn) abandonTx() {
	st := c.tx
	c.tx = nil
	if !st.begun && !st.autocommit {
		return // never began, or already ended on the server by a lost connection
	}
	ctx, cancel := detached(context.Background())
	defer cancel()
	mode := c.eng.cfg.pool.ResetOnReturn
	if !st.begun || c.dc == nil || mode == pool.ResetNone || st.broken || !st.active {
		_ = c.traceTx(ctx, opRollback, "", func(ctx context.Context) error { return c.rollbackNow(ctx, st) })
		return
	}
	// The pool's reset on return ends it, after this Conn has let go: traced here
	// as what it will be.
	op := opRollback
	if mode == pool.ResetCommit {
		op = opCommit
	}
	_ = c.traceTx(ctx, op, "", nil)
}
