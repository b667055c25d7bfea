package pool

import "context"

// Pool is what every kind of pool offers, for connections of type C. The
// engine holds a Pool of its own connection type, so that nothing above the
// pool converts an interface back to a concrete type.
type Pool[C Connection] interface {
	// Get checks a connection out, waiting at most Config.Timeout and no
	// longer than ctx allows.
	Get(ctx context.Context) (*Conn[C], error)
	// Put checks a connection in. A connection this pool did not hand out,
	// or one already returned, gives an error wrapping ErrNotCheckedOut and
	// changes nothing. After Put the caller must not use c again.
	Put(c *Conn[C]) error
	// Status reports the pool's numbers without taking its lock.
	Status() Status
	// InvalidateAll invalidates every connection made before the call: idle
	// ones are closed now, checked-out ones at their checkin.
	InvalidateAll(reason error)
	// Dispose closes the idle connections and lets checked-out ones close at
	// checkin; afterwards Get returns ErrClosed. Calling it again does nothing.
	Dispose() error
	// Listen adds a listener; safe to call concurrently with checkouts.
	Listen(l Listener)
}

var (
	_ Pool[Connection] = (*QueuePool[Connection])(nil)
	_ Pool[Connection] = (*NullPool[Connection])(nil)
	_ Pool[Connection] = (*StaticPool[Connection])(nil)
	_ Pool[Connection] = (*AssertionPool[Connection])(nil)
)
