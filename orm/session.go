package orm

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/expr"
)

// Session runs statements in a transaction of its own, and keeps the objects it
// loaded and was given, as SQLAlchemy's Session does.
//
// Connections: it checks a connection out of the engine's pool at its first
// statement (not before), and begins its transaction there. Commit and Rollback
// end the transaction and give the connection back; the next statement checks
// one out and begins a new transaction. Close rolls back what is open and gives
// the connection back; a session used after Close fails with an error wrapping
// alchemy.ErrClosed. A session whose tables are bound to several engines holds
// a connection and a transaction on each it used.
//
// Objects: Add, Delete, Get, Merge, Refresh, Expire; Select[T] queries. Its
// identity map holds one object per row: a query returning a row already loaded
// returns that object. Flush writes what changed (package doc, Unit of work).
//
// A Session is safe for concurrent use by goroutines sharing a request: their
// statements run one at a time in the one transaction. The objects are the
// caller's: goroutines changing them need their own synchronisation.
type Session struct {
	sm *Sessionmaker

	mu     sync.Mutex
	binds  []*bound // the engines used in this transaction, in order of first use
	closed bool
	// failed is set by a failed flush, whose transaction was rolled back: the
	// session refuses work until Rollback.
	failed error
	uow    unitOfWork
}

// bound is a session's connection and transaction on one engine.
type bound struct {
	eng  *alchemy.Engine
	conn *alchemy.Conn
	tx   *alchemy.Tx
}

var errClosed = fmt.Errorf("orm: session used after Close: %w", alchemy.ErrClosed)

// GetBind returns the engine that statements about target run on: target is a
// mapped object or a pointer to one, an *expr.Table, or nil for the
// Sessionmaker's own engine.
func (s *Session) GetBind(target any) *alchemy.Engine { return s.sm.bindFor(target) }

// Dialect returns the engine's dialect, so that a Session is an
// expr.Executor (expr.CreateAll, expr.Reflect).
func (s *Session) Dialect() dialect.Dialect { return s.sm.eng.Dialect() }

// usable reports why the session cannot be used, if it cannot. s.mu must be held.
func (s *Session) usable() error {
	if s.closed {
		return errClosed
	}
	return s.failed
}

// begin returns the session's connection on eng, checking one out and
// beginning the transaction when not done yet. s.mu must be held.
func (s *Session) begin(ctx context.Context, eng *alchemy.Engine) (*alchemy.Conn, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	for _, b := range s.binds {
		if b.eng == eng {
			return b.conn, nil
		}
	}
	conn, err := eng.Connect(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := conn.Begin(ctx, s.sm.txOpts...)
	if err != nil {
		return nil, errors.Join(err, conn.Close())
	}
	s.binds = append(s.binds, &bound{eng: eng, conn: conn, tx: tx})
	return conn, nil
}

// release gives the connections back. s.mu must be held.
func (s *Session) release() error {
	var errs []error
	for _, b := range s.binds {
		errs = append(errs, b.conn.Close())
	}
	s.binds = nil
	return errors.Join(errs...)
}

// Execute runs a statement in the session's transaction, beginning it if
// needed (alchemy.Conn.Execute says what args may be), after flushing the
// session's changes when autoflush is on, so that the statement sees them. It
// runs on the Sessionmaker's engine (queries of mapped types, Select[T], go to
// their binds). A Session is an alchemy.Executor.
func (s *Session) Execute(ctx context.Context, stmt alchemy.Executable, args ...any) (*alchemy.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.autoflush(ctx); err != nil {
		return nil, err
	}
	conn, err := s.begin(ctx, s.sm.eng)
	if err != nil {
		return nil, err
	}
	return conn.Execute(ctx, stmt, args...)
}

// Conn returns the session's connection to the Sessionmaker's engine, with its
// transaction begun, for Core statements inside it. It is the session's until
// Commit, Rollback or Close: do not close it.
func (s *Session) Conn(ctx context.Context) (*alchemy.Conn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.begin(ctx, s.sm.eng)
}

// BeginNested flushes, then opens a savepoint in the session's transaction on
// the Sessionmaker's engine (beginning it if needed). Its Commit releases the
// savepoint, its Rollback rolls back to it. Rolling back to a savepoint leaves
// the session's objects as they are: Expire or Refresh those it touched.
func (s *Session) BeginNested(ctx context.Context) (*alchemy.Tx, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.flush(ctx); err != nil {
		return nil, err
	}
	conn, err := s.begin(ctx, s.sm.eng)
	if err != nil {
		return nil, err
	}
	return conn.BeginNested(ctx)
}

// InTransaction reports whether the session has a transaction open.
func (s *Session) InTransaction() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.binds) > 0
}

// Commit flushes, then commits the session's transaction, if one began, and
// gives its connection back; the session goes on, and its next statement
// begins a new transaction. With expire-on-commit (the default) every object is
// then expired: the next query or Get reads it again. A failed Commit committed
// nothing: the transaction is rolled back, the objects are as after Rollback,
// and the connection is given back all the same. (With tables bound to several
// engines, the engines commit one after another, without two-phase commit.)
func (s *Session) Commit(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return err
	}
	if err := s.flush(ctx); err != nil {
		return err
	}
	var err error
	for i, b := range s.binds {
		if err = b.tx.Commit(ctx); err != nil {
			// The caller's ctx may be over: the rollback still has to happen.
			for _, r := range s.binds[i:] {
				if rerr := r.tx.Rollback(context.WithoutCancel(ctx)); rerr != nil && !errors.Is(rerr, alchemy.ErrTxDone) {
					err = errors.Join(err, rerr)
				}
			}
			break
		}
	}
	if err != nil {
		s.uow.afterRollback()
	} else {
		s.uow.afterCommit(s.sm.expireOnCommit)
	}
	return errors.Join(err, s.release())
}

// Rollback rolls back the session's transaction, if one began, and gives its
// connection back; the session goes on. The objects are expired and their
// mapped fields set back to what the database had when the transaction began;
// objects added in it are expunged, and those deleted in it come back;
// relationships read ErrNotLoaded until loaded again. After a failed flush,
// Rollback makes the session usable again.
func (s *Session) Rollback(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	s.failed = nil
	return s.rollback(ctx)
}

// rollback rolls back and releases. s.mu must be held.
func (s *Session) rollback(ctx context.Context) error {
	s.uow.afterRollback()
	var errs []error
	for _, b := range s.binds {
		if err := b.tx.Rollback(ctx); err != nil && !errors.Is(err, alchemy.ErrTxDone) {
			errs = append(errs, err)
		}
	}
	return errors.Join(append(errs, s.release())...)
}

// Close rolls back an open transaction, gives the connection back and forgets
// the session's objects, which keep their fields as they are (Rollback is the
// one that sets them back). The session is then unusable. A second Close does
// nothing.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	// The objects leave the session as they are: nothing to put back.
	s.uow = unitOfWork{}
	s.uow.init(s)
	return s.rollbackTx(context.Background())
}

var (
	_ alchemy.Executor               = (*Session)(nil)
	_ expr.Executor[*alchemy.Result] = (*Session)(nil)
)

type sessionKey struct{}

// ContextWithSession returns a context carrying s, found by SessionFrom.
func ContextWithSession(ctx context.Context, s *Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

// SessionFrom returns the Session ctx carries (Middleware's, Scope's).
func SessionFrom(ctx context.Context) (*Session, bool) {
	s, ok := ctx.Value(sessionKey{}).(*Session)
	return s, ok
}

// typeOf returns the struct type a target names (an object, a pointer to one).
func typeOf(target any) reflect.Type {
	t := reflect.TypeOf(target)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}
