package pool

import (
	"context"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Connection is anything a pool holds: the engine pools a wrapper around
// *sql.Conn. The pool calls its methods from one goroutine at a time.
type Connection interface {
	// Close closes the raw connection.
	Close() error
	// Ping checks that the connection is alive (pre-ping).
	Ping(ctx context.Context) error
	// Reset runs at every checkin unless the mode is ResetNone: roll back or
	// commit whatever the caller left open.
	Reset(ctx context.Context, mode ResetMode) error
}

// Creator makes a new raw connection, SQLAlchemy's creator. It should honour
// ctx; if it does not, the pool stops waiting for it at ctx's end or at
// Config.Timeout and closes whatever it returns later. A nil C (a nil pointer,
// say) with a nil error is an error.
type Creator[C Connection] func(ctx context.Context) (C, error)

// Record states.
const (
	stateIdle int32 = iota // in the pool, or being prepared by a checkout
	stateOut               // held by a caller
	stateGone              // closed, detached or leaked: never returns to the pool
)

// Conn is a checked-out connection: SQLAlchemy's connection record and fairy
// in one handle, typed by the pool's connection type C. There is one Conn per
// raw connection, handed out again at each checkout of that connection, so a
// checkout allocates nothing. A Conn must not be used after Put.
type Conn[C Connection] struct {
	rec *Record
	raw C
}

// Record is the pool's entry for one raw connection, SQLAlchemy's
// ConnectionPoolEntry (connection record): what listeners receive. It is not
// generic, so that a Listener can be written without naming the pool's
// connection type. It lives as long as the raw connection.
//
// A Record never points back at the Conn that holds it, so that a Conn dropped
// by a caller can be garbage-collected and reported as a leak.
type Record struct {
	b        *base
	raw      Connection // the same value as Conn.raw, for the calls of the shared core
	created  time.Time
	expires  time.Time // zero: never recycled
	lastUsed time.Time // set at checkin when PrePingIdle is on
	gen      uint64
	// idleSince is the pool's coarse clock at checkin when MaxIdleTime is on.
	idleSince int64
	// cell is the idle stack's cell a connection handed to a waiter holds.
	cell uint32

	state    atomic.Int32
	fresh    atomic.Bool
	waited   bool // the last checkout waited (QueuePool); set before markOut
	invalid  atomic.Bool
	soft     atomic.Bool
	detached atomic.Bool

	// closeMu is held while the raw connection is being closed, so that
	// whoever else asks to close it returns only once Close has: a slot is
	// never freed before its connection is gone.
	closeMu sync.Mutex
	closed  bool // under closeMu

	info map[string]any

	stack  [32]uintptr // checkout stack when TrackCheckouts is on
	nstack int

	cleanup    runtime.Cleanup
	hasCleanup bool

	shared int // StaticPool: how many checkouts hold it (under the pool's lock)
}

// Connection returns the raw connection, or the zero C once it has been
// invalidated. A checkout never hands out an invalidated connection, so right
// after Get it is always the live one.
func (c *Conn[C]) Connection() C {
	if c.rec.invalid.Load() {
		var zero C
		return zero
	}
	return c.raw
}

// Record returns the pool's entry for the connection, the handle listeners
// receive.
func (c *Conn[C]) Record() *Record { return c.rec }

// Invalidate closes the raw connection now; at Put its slot is freed and the
// connection is never reused. Calling it again does nothing.
func (c *Conn[C]) Invalidate(reason error) { c.rec.Invalidate(reason) }

// SoftInvalidate marks the connection to be replaced: it stays usable by the
// caller, and is closed at checkin instead of returning to the pool.
func (c *Conn[C]) SoftInvalidate(reason error) { c.rec.SoftInvalidate(reason) }

// Valid reports whether the connection has not been invalidated (hard or soft).
func (c *Conn[C]) Valid() bool { return c.rec.Valid() }

// CreatedAt is when the raw connection was made.
func (c *Conn[C]) CreatedAt() time.Time { return c.rec.created }

// Fresh reports whether the raw connection was made by this very checkout.
func (c *Conn[C]) Fresh() bool { return c.rec.fresh.Load() }

// Waited reports whether the checkout that handed c out had to wait for a
// connection or a slot (a QueuePool with every slot taken).
func (c *Conn[C]) Waited() bool { return c.rec.waited }

// Info is user data that lives as long as the raw connection (SQLAlchemy's
// .info); see Record.Info.
func (c *Conn[C]) Info() map[string]any { return c.rec.Info() }

// Detach removes the connection from its pool; see Record.Detach.
func (c *Conn[C]) Detach() { c.rec.Detach() }

// Connection returns the raw connection as a Connection, or nil once it has
// been invalidated. Code that knows the pool's connection type gets it typed
// from Conn.Connection.
func (r *Record) Connection() Connection {
	if r.invalid.Load() {
		return nil
	}
	return r.raw
}

// Invalidate closes the raw connection now; at Put its slot is freed and the
// connection is never reused. Calling it again does nothing. A Checkout
// listener that invalidates the connection makes the checkout try another.
func (r *Record) Invalidate(reason error) { r.b.invalidate(r, reason) }

// SoftInvalidate marks the connection to be replaced: it stays usable by the
// caller, and is closed at checkin instead of returning to the pool.
func (r *Record) SoftInvalidate(reason error) {
	if r.invalid.Load() || !r.soft.CompareAndSwap(false, true) {
		return
	}
	r.b.st.invalidated.Add(1)
	r.b.lis.invalidate(r, reason, true)
	r.b.logger().Info("alchemy: pool: connection soft-invalidated", "pool", r.b.cfg.Name, "reason", errString(reason))
}

// Valid reports whether the connection has not been invalidated (hard or soft).
func (r *Record) Valid() bool {
	return !r.invalid.Load() && !r.soft.Load()
}

// CreatedAt is when the raw connection was made.
func (r *Record) CreatedAt() time.Time { return r.created }

// Fresh reports whether the raw connection was made by the checkout under way
// (or the last one).
func (r *Record) Fresh() bool { return r.fresh.Load() }

// Info is user data that lives as long as the raw connection (SQLAlchemy's
// .info); it starts empty for every new raw connection. It is not safe for
// concurrent use, like the connection itself.
func (r *Record) Info() map[string]any {
	if r.info == nil {
		r.info = make(map[string]any)
	}
	return r.info
}

// Detach removes the connection from its pool, SQLAlchemy's detach(): it no
// longer counts as checked out, is not reset, and at Put the raw connection is
// closed (CloseDetached event) instead of returning. Unlike SQLAlchemy, whose
// pool forgets a detached connection at once and may so exceed its limit, the
// connection keeps its slot (Status.Open) until that close has returned: the
// pool never has more raw connections open than Size+MaxOverflow. It has no
// effect on a StaticPool's connection, nor on one that is not checked out.
func (r *Record) Detach() {
	if r.state.Load() != stateOut || r.detached.Load() {
		return
	}
	r.b.slots.detach(r)
}

// isNil reports whether a creator's connection is nil: a nil interface, or a
// nil pointer, map, slice, func or channel.
func isNil[C Connection](c C) bool {
	v := reflect.ValueOf(any(c))
	if !v.IsValid() {
		return true
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface, reflect.UnsafePointer:
		return v.IsNil()
	}
	return false
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
