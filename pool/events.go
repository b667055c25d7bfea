package pool

import (
	"context"
	"sync"
	"sync/atomic"
)

// Listener receives a pool's events, SQLAlchemy's PoolEvents. Every field is
// optional. Listeners run on the goroutine that caused the event and must not
// call back into the pool's Get or Put for the same connection.
//
// A Listener is not generic: the connection events receive the connection's
// *Record (SQLAlchemy's connection record), whatever the pool's connection
// type, so that one Listener fits every pool and can be written without naming
// that type (the engine's is unexported).
type Listener struct {
	// FirstConnect runs once per pool, for the first connection made, before
	// Connect.
	FirstConnect func(r *Record)
	// Connect runs for every raw connection made.
	Connect func(r *Record)
	// Checkout runs at every checkout, after any pre-ping. An error wrapping
	// ErrDisconnect drops this connection and tries a new one, up to 3 times,
	// and so does a listener that invalidates the connection (Record.Invalidate)
	// and returns nil: a checkout never hands out an invalidated connection.
	// Any other error returns the connection to the pool unused and fails the
	// checkout with that error.
	Checkout func(ctx context.Context, r *Record) error
	// Checkin runs at every checkin, after the reset.
	Checkin func(r *Record)
	// Reset runs at checkin just before Connection.Reset, unless the mode is
	// ResetNone or the connection was invalidated.
	Reset func(r *Record, mode ResetMode)
	// Invalidate runs when a connection is invalidated, before it is closed.
	Invalidate func(r *Record, reason error)
	// SoftInvalidate runs when a connection is soft-invalidated.
	SoftInvalidate func(r *Record, reason error)
	// Close runs after a pooled raw connection is closed.
	Close func(c Connection)
	// CloseDetached runs after a detached raw connection is closed (one given
	// up by Detach, or made by a creator whose checkout had already gone).
	CloseDetached func(c Connection)
}

// listeners is a copy-on-write list: readers load it without a lock.
type listeners struct {
	mu   sync.Mutex
	list atomic.Pointer[[]Listener]
}

func (ls *listeners) add(l ...Listener) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	var cur []Listener
	if p := ls.list.Load(); p != nil {
		cur = *p
	}
	next := make([]Listener, 0, len(cur)+len(l))
	next = append(append(next, cur...), l...)
	ls.list.Store(&next)
}

func (ls *listeners) load() []Listener {
	if p := ls.list.Load(); p != nil {
		return *p
	}
	return nil
}

func (ls *listeners) connect(r *Record, first bool) {
	for _, l := range ls.load() {
		if first && l.FirstConnect != nil {
			l.FirstConnect(r)
		}
	}
	for _, l := range ls.load() {
		if l.Connect != nil {
			l.Connect(r)
		}
	}
}

// none reports whether no listener was ever added. It and the three hooks
// below, the ones every checkout and checkin fires, are inlined: a pool
// without listeners pays one atomic load for each.
func (ls *listeners) none() bool { return ls.list.Load() == nil }

func (ls *listeners) checkout(ctx context.Context, r *Record) error {
	if ls.none() {
		return nil
	}
	return ls.checkoutEach(ctx, r)
}

func (ls *listeners) checkoutEach(ctx context.Context, r *Record) error {
	for _, l := range ls.load() {
		if l.Checkout != nil {
			if err := l.Checkout(ctx, r); err != nil {
				return err
			}
		}
	}
	return nil
}

func (ls *listeners) checkin(r *Record) {
	if !ls.none() {
		ls.checkinEach(r)
	}
}

func (ls *listeners) checkinEach(r *Record) {
	for _, l := range ls.load() {
		if l.Checkin != nil {
			l.Checkin(r)
		}
	}
}

func (ls *listeners) reset(r *Record, mode ResetMode) {
	if !ls.none() {
		ls.resetEach(r, mode)
	}
}

func (ls *listeners) resetEach(r *Record, mode ResetMode) {
	for _, l := range ls.load() {
		if l.Reset != nil {
			l.Reset(r, mode)
		}
	}
}

func (ls *listeners) invalidate(r *Record, reason error, soft bool) {
	for _, l := range ls.load() {
		if soft && l.SoftInvalidate != nil {
			l.SoftInvalidate(r, reason)
		} else if !soft && l.Invalidate != nil {
			l.Invalidate(r, reason)
		}
	}
}

func (ls *listeners) close(raw Connection, detached bool) {
	for _, l := range ls.load() {
		if detached && l.CloseDetached != nil {
			l.CloseDetached(raw)
		} else if !detached && l.Close != nil {
			l.Close(raw)
		}
	}
}
