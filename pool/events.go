package pool

import (
	"context"
	"sync"
	"sync/atomic"
)

// Listener receives a pool's events, SQLAlchemy's PoolEvents. Every field is
// optional. Listeners run on the goroutine that caused the event and must not
// call back into the pool's Get or Put for the same connection.
type Listener struct {
	// FirstConnect runs once per pool, for the first connection made, before
	// Connect.
	FirstConnect func(c *Conn)
	// Connect runs for every raw connection made.
	Connect func(c *Conn)
	// Checkout runs at every checkout, after any pre-ping. An error wrapping
	// ErrDisconnect drops this connection and tries a new one, up to 3 times,
	// and so does a listener that invalidates the connection (Conn.Invalidate)
	// and returns nil: a checkout never hands out an invalidated connection.
	// Any other error returns the connection to the pool unused and fails the
	// checkout with that error.
	Checkout func(ctx context.Context, c *Conn) error
	// Checkin runs at every checkin, after the reset.
	Checkin func(c *Conn)
	// Reset runs at checkin just before Connection.Reset, unless the mode is
	// ResetNone or the connection was invalidated.
	Reset func(c *Conn, mode ResetMode)
	// Invalidate runs when a connection is invalidated, before it is closed.
	Invalidate func(c *Conn, reason error)
	// SoftInvalidate runs when a connection is soft-invalidated.
	SoftInvalidate func(c *Conn, reason error)
	// Close runs after a pooled raw connection is closed.
	Close func(c Connection)
	// CloseDetached runs after a detached raw connection is closed (one given
	// up by Conn.Detach, or made by a creator whose checkout had already gone).
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

func (ls *listeners) connect(c *Conn, first bool) {
	for _, l := range ls.load() {
		if first && l.FirstConnect != nil {
			l.FirstConnect(c)
		}
	}
	for _, l := range ls.load() {
		if l.Connect != nil {
			l.Connect(c)
		}
	}
}

func (ls *listeners) checkout(ctx context.Context, c *Conn) error {
	for _, l := range ls.load() {
		if l.Checkout != nil {
			if err := l.Checkout(ctx, c); err != nil {
				return err
			}
		}
	}
	return nil
}

func (ls *listeners) checkin(c *Conn) {
	for _, l := range ls.load() {
		if l.Checkin != nil {
			l.Checkin(c)
		}
	}
}

func (ls *listeners) reset(c *Conn, mode ResetMode) {
	for _, l := range ls.load() {
		if l.Reset != nil {
			l.Reset(c, mode)
		}
	}
}

func (ls *listeners) invalidate(c *Conn, reason error, soft bool) {
	for _, l := range ls.load() {
		if soft && l.SoftInvalidate != nil {
			l.SoftInvalidate(c, reason)
		} else if !soft && l.Invalidate != nil {
			l.Invalidate(c, reason)
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
