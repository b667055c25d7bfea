package orm

import (
	"context"
	"errors"
)

// Scope runs fn with a new Session, SQLAlchemy's session_scope: it commits
// when fn returns nil, rolls back when fn fails or panics (the panic goes on),
// and always closes the session. fn's context carries the session
// (SessionFrom). The error is fn's, or the commit's, joined with a failed
// rollback's.
func (sm *Sessionmaker) Scope(ctx context.Context, fn func(ctx context.Context, s *Session) error) (err error) {
	s := sm.New()
	done := false
	defer func() {
		if !done { // fn panicked: Close rolls back, and the panic goes on
			_ = s.Close()
		}
	}()
	err = fn(ContextWithSession(ctx, s), s)
	done = true
	if err != nil {
		return errors.Join(err, s.Rollback(context.WithoutCancel(ctx)), s.Close())
	}
	return errors.Join(s.Commit(ctx), s.Close())
}
