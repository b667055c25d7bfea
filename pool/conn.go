package pool

import (
	"context"
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
// Config.Timeout and closes whatever it returns later.
type Creator func(ctx context.Context) (Connection, error)

// Record states.
const (
	stateIdle int32 = iota // in the pool, or being prepared by a checkout
	stateOut               // held by a caller
	stateGone              // closed, detached or leaked: never returns to the pool
)

// Conn is a checked-out connection: SQLAlchemy's connection record and fairy
// in one handle. There is one Conn per raw connection, handed out again at each
// checkout of that connection, so a checkout allocates nothing. A Conn must not
// be used after Put.
type Conn struct {
	rec *record
}

// record is the pool's side of a raw connection. It never points back at its
// Conn, so that a Conn dropped by a caller can be garbage-collected and reported.
type record struct {
	b        *base
	raw      Connection
	created  time.Time
	expires  time.Time // zero: never recycled
	lastUsed time.Time // set at checkin when PrePingIdle is on
	gen      uint64

	state    atomic.Int32
	fresh    atomic.Bool
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

// Connection returns the raw connection, or nil once it has been invalidated.
func (c *Conn) Connection() Connection {
	if c.rec.invalid.Load() {
		return nil
	}
	return c.rec.raw
}

// Invalidate closes the raw connection now; at Put its slot is freed and the
// connection is never reused. Calling it again does nothing.
func (c *Conn) Invalidate(reason error) {
	c.rec.b.invalidate(c, reason)
}

// SoftInvalidate marks the connection to be replaced: it stays usable by the
// caller, and is closed at checkin instead of returning to the pool.
func (c *Conn) SoftInvalidate(reason error) {
	r := c.rec
	if r.invalid.Load() || !r.soft.CompareAndSwap(false, true) {
		return
	}
	r.b.st.invalidated.Add(1)
	r.b.lis.invalidate(c, reason, true)
	r.b.logger().Info("alchemy: pool: connection soft-invalidated", "pool", r.b.cfg.Name, "reason", errString(reason))
}

// Valid reports whether the connection has not been invalidated (hard or soft).
func (c *Conn) Valid() bool {
	return !c.rec.invalid.Load() && !c.rec.soft.Load()
}

// CreatedAt is when the raw connection was made.
func (c *Conn) CreatedAt() time.Time { return c.rec.created }

// Fresh reports whether the raw connection was made by this very checkout.
func (c *Conn) Fresh() bool { return c.rec.fresh.Load() }

// Info is user data that lives as long as the raw connection (SQLAlchemy's
// .info); it starts empty for every new raw connection. It is not safe for
// concurrent use, like the connection itself.
func (c *Conn) Info() map[string]any {
	if c.rec.info == nil {
		c.rec.info = make(map[string]any)
	}
	return c.rec.info
}

// Detach removes the connection from its pool, SQLAlchemy's detach(): it no
// longer counts as checked out, is not reset, and at Put the raw connection is
// closed (CloseDetached event) instead of returning. Unlike SQLAlchemy, whose
// pool forgets a detached connection at once and may so exceed its limit, the
// connection keeps its slot (Status.Open) until that close has returned: the
// pool never has more raw connections open than Size+MaxOverflow. It has no
// effect on a StaticPool's connection.
func (c *Conn) Detach() {
	r := c.rec
	if r.state.Load() != stateOut || r.detached.Load() {
		return
	}
	r.b.impl.detach(r)
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
