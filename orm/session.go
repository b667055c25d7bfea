package orm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/expr"
)

// Sessionmaker makes Sessions bound to one engine: SQLAlchemy's sessionmaker.
// Make one per engine and share it; it is safe for concurrent use.
type Sessionmaker struct {
	eng    *alchemy.Engine
	txOpts []alchemy.TxOption
	logger *slog.Logger
}

// Option configures NewSessionmaker.
type Option func(*Sessionmaker)

// TxOptions sets the options of the transactions sessions begin (isolation
// level, read only).
func TxOptions(opts ...alchemy.TxOption) Option {
	return func(sm *Sessionmaker) { sm.txOpts = append(sm.txOpts, opts...) }
}

// Logger sets where Middleware logs a failed commit or rollback (default
// slog.Default()).
func Logger(l *slog.Logger) Option {
	return func(sm *Sessionmaker) { sm.logger = l }
}

// NewSessionmaker returns a Sessionmaker whose sessions run on eng.
func NewSessionmaker(eng *alchemy.Engine, opts ...Option) *Sessionmaker {
	sm := &Sessionmaker{eng: eng}
	for _, o := range opts {
		o(sm)
	}
	if sm.logger == nil {
		sm.logger = slog.Default()
	}
	return sm
}

// New returns a new Session. It holds no connection until first used.
func (sm *Sessionmaker) New() *Session { return &Session{sm: sm} }

// GetBind returns the engine the Sessionmaker's sessions run on.
func (sm *Sessionmaker) GetBind() *alchemy.Engine { return sm.eng }

// Session runs statements in a transaction of its own, as SQLAlchemy's Session
// does. It checks a connection out of the engine's pool at its first statement
// (not before), and begins its transaction there. Commit and Rollback end the
// transaction and give the connection back; the next statement checks one out
// and begins a new transaction. Close rolls back what is open and gives the
// connection back; a session used after Close fails with an error wrapping
// alchemy.ErrClosed.
//
// A Session is safe for concurrent use by goroutines sharing a request: their
// statements run one at a time in the one transaction.
type Session struct {
	sm *Sessionmaker

	mu     sync.Mutex
	conn   *alchemy.Conn // nil until the first statement, and after Commit or Rollback
	tx     *alchemy.Tx   // the session's transaction, open while conn is set
	closed bool
}

var errClosed = fmt.Errorf("orm: session used after Close: %w", alchemy.ErrClosed)

// GetBind returns the engine the session runs on.
func (s *Session) GetBind() *alchemy.Engine { return s.sm.eng }

// Dialect returns the engine's dialect, so that a Session is an
// expr.Executor (expr.CreateAll, expr.Reflect).
func (s *Session) Dialect() dialect.Dialect { return s.sm.eng.Dialect() }

// begin checks out a connection and begins the transaction, when not done yet.
// s.mu must be held.
func (s *Session) begin(ctx context.Context) (*alchemy.Conn, error) {
	if s.closed {
		return nil, errClosed
	}
	if s.conn != nil {
		return s.conn, nil
	}
	conn, err := s.sm.eng.Connect(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := conn.Begin(ctx, s.sm.txOpts...)
	if err != nil {
		return nil, errors.Join(err, conn.Close())
	}
	s.conn, s.tx = conn, tx
	return conn, nil
}

// release gives the connection back. s.mu must be held.
func (s *Session) release() error {
	if s.conn == nil {
		return nil
	}
	err := s.conn.Close()
	s.conn, s.tx = nil, nil
	return err
}

// Execute runs a statement in the session's transaction, beginning it if
// needed (alchemy.Conn.Execute says what args may be). A Session is an
// alchemy.Executor.
func (s *Session) Execute(ctx context.Context, stmt alchemy.Executable, args ...any) (*alchemy.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	conn, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	return conn.Execute(ctx, stmt, args...)
}

// Conn returns the session's connection, with its transaction begun, for Core
// statements inside it. It is the session's until Commit, Rollback or Close:
// do not close it.
func (s *Session) Conn(ctx context.Context) (*alchemy.Conn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.begin(ctx)
}

// BeginNested opens a savepoint in the session's transaction (beginning it if
// needed). Its Commit releases the savepoint, its Rollback rolls back to it.
func (s *Session) BeginNested(ctx context.Context) (*alchemy.Tx, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	conn, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	return conn.BeginNested(ctx)
}

// InTransaction reports whether the session has a transaction open.
func (s *Session) InTransaction() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conn != nil
}

// Commit commits the session's transaction, if one began, and gives its
// connection back; the session goes on, and its next statement begins a new
// transaction. A failed Commit committed nothing: the transaction is rolled
// back and the connection given back all the same.
func (s *Session) Commit(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	if s.conn == nil {
		return nil
	}
	err := s.tx.Commit(ctx)
	if err != nil {
		// The caller's ctx may be over: the rollback still has to happen.
		if rerr := s.tx.Rollback(context.WithoutCancel(ctx)); rerr != nil && !errors.Is(rerr, alchemy.ErrTxDone) {
			err = errors.Join(err, rerr)
		}
	}
	return errors.Join(err, s.release())
}

// Rollback rolls back the session's transaction, if one began, and gives its
// connection back; the session goes on.
func (s *Session) Rollback(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	return s.rollback(ctx)
}

// rollback rolls back and releases. s.mu must be held.
func (s *Session) rollback(ctx context.Context) error {
	if s.conn == nil {
		return nil
	}
	err := s.tx.Rollback(ctx)
	if errors.Is(err, alchemy.ErrTxDone) {
		err = nil
	}
	return errors.Join(err, s.release())
}

// Close rolls back an open transaction and gives the connection back. The
// session is then unusable. A second Close does nothing.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	return s.rollback(context.Background())
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
