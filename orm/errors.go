package orm

import "errors"

var (
	// ErrNotLoaded is what reading a Many or One that nothing loaded gives:
	// raise-on-lazy. Load it with a query's SelectIn or Joined option.
	ErrNotLoaded = errors.New("orm: relationship not loaded (load it with SelectIn or Joined)")
	// ErrUnmapped is the error of an object whose type no Map registered.
	ErrUnmapped = errors.New("orm: type not mapped")
	// ErrStaleData is the error of a flush whose UPDATE or DELETE found the row
	// changed (its version column moved on) or gone: nothing was written.
	ErrStaleData = errors.New("orm: stale data")
	// ErrIdentityConflict is the error of two objects with one primary key in one
	// session.
	ErrIdentityConflict = errors.New("orm: two objects with one identity in a session")
	// ErrPendingRollback is the error of a session used after a failed flush and
	// before Rollback: the failed flush rolled its transaction back, and the
	// session's objects say more than the database.
	ErrPendingRollback = errors.New("orm: a flush failed; call Rollback before using the session again")
)
