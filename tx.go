package alchemy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
)

// txState is the one real transaction of a Conn, shared by every Tx that joined it.
type txState struct {
	sqlTx      *sql.Tx // nil under AUTOCOMMIT, and once ended
	active     bool    // false once an inner Rollback rolled the whole of it back
	broken     bool    // a lost connection or failed commit: only Rollback may follow
	savepoints []*Tx   // open savepoints, innermost last
}

type txKind int

const (
	txRoot      txKind = iota // began the real transaction
	txJoined                  // a Begin inside an open transaction
	txSavepoint               // BeginNested
)

// Tx is a transaction on a Conn. The first Begin on a connection begins the real
// transaction; a Begin while it is open returns a Tx that joins it: its Commit does
// nothing, and its Rollback rolls back the whole transaction, after which the outer
// Commit fails with ErrTxInactive (SQLAlchemy's method_a / method_b nesting).
// BeginNested returns a savepoint: its Commit releases it and its Rollback rolls back
// to it.
type Tx struct {
	conn  *Conn
	state *txState
	kind  txKind
	name  string // the savepoint's
	done  bool
}

// TxOptions are the options of one transaction.
type TxOptions struct {
	// Isolation overrides the connection's isolation level for this transaction.
	Isolation IsolationLevel
	// ReadOnly asks for a read-only transaction where the database has one.
	ReadOnly bool
}

// Begin begins a transaction, or joins the one already open.
func (c *Conn) Begin(ctx context.Context) (*Tx, error) { return c.BeginTx(ctx, TxOptions{}) }

// BeginTx is Begin with options. The options apply only when a real transaction
// begins; joining one keeps its settings.
func (c *Conn) BeginTx(ctx context.Context, o TxOptions) (*Tx, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	if c.tx != nil {
		return &Tx{conn: c, state: c.tx, kind: txJoined}, nil
	}
	level := c.opts.IsolationLevel
	if o.Isolation != DefaultIsolation {
		if err := o.Isolation.validate(); err != nil {
			return nil, err
		}
		level = o.Isolation
	}
	st := &txState{active: true}
	if !level.autocommit() {
		t, err := c.dc.sc.BeginTx(ctx, &sql.TxOptions{Isolation: level.sql(), ReadOnly: o.ReadOnly})
		if err != nil {
			return nil, c.fail(ctx, "begin", "", nil, err)
		}
		st.sqlTx = t
		c.dc.tx = t // so that a leaked or invalidated connection ends it before closing
	}
	c.tx = st
	c.eng.fireTx(c, func(l Listener) func(*Conn) { return l.Begin })
	return &Tx{conn: c, state: st, kind: txRoot}, nil
}

// BeginNested opens a savepoint inside the open transaction; with none open it
// begins a real transaction instead (whose Commit commits).
func (c *Conn) BeginNested(ctx context.Context) (*Tx, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	if c.tx == nil {
		return c.Begin(ctx)
	}
	if c.tx.sqlTx == nil {
		return nil, errors.New("alchemy: a savepoint needs a transaction, and this connection runs in AUTOCOMMIT")
	}
	c.spSeq++
	name := "alchemy_sp_" + strconv.Itoa(c.spSeq)
	create, _, _ := c.eng.dialect.SavepointSQL(name)
	if _, err := c.tx.sqlTx.ExecContext(ctx, create); err != nil {
		return nil, c.fail(ctx, "savepoint", create, nil, err)
	}
	sp := &Tx{conn: c, state: c.tx, kind: txSavepoint, name: name}
	c.tx.savepoints = append(c.tx.savepoints, sp)
	c.eng.fireSavepoint(c, name, func(l Listener) func(*Conn, string) { return l.Savepoint })
	return sp, nil
}

// IsActive reports whether the transaction can still commit.
func (t *Tx) IsActive() bool {
	return !t.done && t.state.active && !t.state.broken && t.conn.tx == t.state
}

// Nested reports whether t is a savepoint.
func (t *Tx) Nested() bool { return t.kind == txSavepoint }

// Commit commits the transaction if t began it; a joined Tx only marks itself done;
// a savepoint is released. After an inner Rollback it fails with ErrTxInactive and
// ends the transaction.
func (t *Tx) Commit() error {
	if t.done || t.conn.tx != t.state {
		return ErrTxDone
	}
	c := t.conn
	switch t.kind {
	case txJoined:
		t.done = true
		if !t.state.active {
			return ErrTxInactive
		}
		return nil
	case txSavepoint:
		return t.release()
	}
	// The outermost transaction.
	if t.state.broken {
		return ErrPendingRollback
	}
	if !t.state.active {
		t.done = true
		c.tx = nil
		return ErrTxInactive
	}
	if c.result != nil {
		c.result.release() // database/sql closes a transaction's rows at commit
	}
	if t.state.sqlTx != nil {
		if err := t.state.sqlTx.Commit(); err != nil {
			// The transaction is over on the server; the caller must still roll
			// back before the connection runs anything else.
			c.forgetSQLTx()
			t.state.broken = true
			return c.fail(context.Background(), "commit", "", nil, err)
		}
		c.forgetSQLTx()
	}
	t.done = true
	c.tx = nil
	c.eng.fireTx(c, func(l Listener) func(*Conn) { return l.Commit })
	return nil
}

// Rollback rolls back the whole transaction (for a Tx that began or joined it) or
// back to the savepoint. It returns ErrTxDone when t has already ended, so that a
// deferred Rollback after Commit is harmless.
func (t *Tx) Rollback() error {
	if t.done || t.conn.tx != t.state {
		return ErrTxDone
	}
	c := t.conn
	t.done = true
	if t.kind == txSavepoint {
		return t.rollbackTo()
	}
	var err error
	ending := t.state.sqlTx != nil || (t.state.active && !t.state.broken) // AUTOCOMMIT has no sqlTx
	if t.state.sqlTx != nil {
		if c.result != nil {
			c.result.release()
		}
		err = t.state.sqlTx.Rollback()
		c.forgetSQLTx()
		if err != nil && !errors.Is(err, sql.ErrTxDone) {
			err = c.fail(context.Background(), "rollback", "", nil, err)
		} else {
			err = nil
		}
	}
	if ending {
		c.eng.fireTx(c, func(l Listener) func(*Conn) { return l.Rollback })
	}
	t.state.active = false
	t.state.savepoints = nil
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

func (t *Tx) release() error {
	c := t.conn
	i := t.spIndex()
	if i < 0 || t.state.sqlTx == nil {
		t.done = true
		return ErrTxDone
	}
	if !t.state.active || t.state.broken {
		t.done = true
		return ErrTxInactive
	}
	_, rel, _ := c.eng.dialect.SavepointSQL(t.name)
	if rel != "" {
		if _, err := t.state.sqlTx.ExecContext(context.Background(), rel); err != nil {
			return c.fail(context.Background(), "release savepoint", rel, nil, err)
		}
	}
	t.done = true
	t.state.savepoints = t.state.savepoints[:i]
	c.eng.fireSavepoint(c, t.name, func(l Listener) func(*Conn, string) { return l.ReleaseSavepoint })
	return nil
}

func (t *Tx) rollbackTo() error {
	c := t.conn
	i := t.spIndex()
	if i < 0 || t.state.sqlTx == nil {
		return ErrTxDone
	}
	if t.state.broken {
		return ErrPendingRollback
	}
	if c.result != nil {
		c.result.release()
	}
	_, _, rb := c.eng.dialect.SavepointSQL(t.name)
	if _, err := t.state.sqlTx.ExecContext(context.Background(), rb); err != nil {
		return c.fail(context.Background(), "rollback to savepoint", rb, nil, err)
	}
	t.state.savepoints = t.state.savepoints[:i]
	c.eng.fireSavepoint(c, t.name, func(l Listener) func(*Conn, string) { return l.RollbackSavepoint })
	return nil
}

// String describes the transaction.
func (t *Tx) String() string {
	kind := [...]string{"transaction", "joined transaction", "savepoint " + t.name}[t.kind]
	state := "active"
	if !t.IsActive() {
		state = "inactive"
	}
	return fmt.Sprintf("alchemy.Tx(%s, %s)", kind, state)
}
