package pool

import (
	"fmt"
	"sync/atomic"
	"time"
)

// Status is a snapshot of a pool for monitoring. The fields are read one by one
// without taking the pool's lock, so under load they may disagree by one
// in-flight checkout; each is exact on its own.
type Status struct {
	Kind string // "QueuePool", "NullPool", "StaticPool" or "AssertionPool"
	Name string // Config.Name

	Size        int // Config.Size (pool_size); 0 for pools that ignore it
	MaxOverflow int // Config.MaxOverflow; -1 means no limit

	// Open counts the slots taken: connections open or being opened, and
	// detached or discarded ones whose Close has not returned yet.
	Open       int
	CheckedIn  int // idle connections in the pool
	CheckedOut int // connections held by callers
	// Overflow is SQLAlchemy's overflow(): Open - Size. It is negative while
	// fewer than Size connections have been opened.
	Overflow int
	Waiters  int // checkouts waiting for a connection now

	Created     int64 // raw connections made
	Closed      int64 // raw connections closed
	Invalidated int64 // connections invalidated (hard, soft, or by generation)
	PingsFailed int64 // pre-pings that failed
	Waits       int64 // checkouts that had to wait
	// WaitTime is the total time spent waiting, timed by the pool's clock,
	// which ticks every millisecond while checkouts begin to wait: each
	// wait's share is off by less than a tick, and the sum over many waits is
	// unbiased. While the ticks are backed off (waits stuck, none beginning),
	// a wait reads the exact time instead.
	WaitTime time.Duration
	Timeouts int64 // checkouts that timed out
	Leaked   int64 // checked-out connections garbage-collected without Put
	// IdleRetired counts connections closed for being idle longer than
	// Config.MaxIdleTime, at checkout or by the idle sweep.
	IdleRetired int64

	// ConnectAttempts counts calls of the creator.
	ConnectAttempts int64
	// ConnectFailures counts creator calls that failed, returned nothing or
	// overran Config.Timeout; those cut short by the caller's own context are
	// not counted, as they are no evidence against the server.
	ConnectFailures int64
	// ConnectFailFast counts checkouts that failed at once, without calling
	// the creator, during a connect back-off (ErrConnectBackoff).
	ConnectFailFast int64
}

// String renders the status as SQLAlchemy's Pool.status() does, with the
// waiters appended: "Pool size: 5  Connections in pool: 2 Current Overflow: -2
// Current Checked out connections: 1 Waiters: 0".
func (s Status) String() string {
	if s.Kind != "" && s.Kind != "QueuePool" {
		return fmt.Sprintf("%s Current Checked out connections: %d", s.Kind, s.CheckedOut)
	}
	return fmt.Sprintf("Pool size: %d  Connections in pool: %d Current Overflow: %d Current Checked out connections: %d Waiters: %d",
		s.Size, s.CheckedIn, s.Overflow, s.CheckedOut, s.Waiters)
}

// counters are the pool's numbers, kept as atomics so that Status never takes
// the pool's lock.
type counters struct {
	open, idle, out, waiters                   atomic.Int64
	created, closed, invalidated, pingsFailed  atomic.Int64
	waits, waitNanos, timeouts, leaked         atomic.Int64
	idleRetired                                atomic.Int64
	connects, connectFailures, connectFailFast atomic.Int64
}

func (b *base) status() Status {
	s := Status{
		Kind:        b.kind,
		Name:        b.cfg.Name,
		Open:        int(b.st.open.Load()),
		CheckedIn:   int(b.st.idle.Load()),
		CheckedOut:  int(b.st.out.Load()),
		Waiters:     int(b.st.waiters.Load()),
		Created:     b.st.created.Load(),
		Closed:      b.st.closed.Load(),
		Invalidated: b.st.invalidated.Load(),
		PingsFailed: b.st.pingsFailed.Load(),
		Waits:       b.st.waits.Load(),
		WaitTime:    time.Duration(b.st.waitNanos.Load()),
		Timeouts:    b.st.timeouts.Load(),
		Leaked:      b.st.leaked.Load(),
		IdleRetired: b.st.idleRetired.Load(),

		ConnectAttempts: b.st.connects.Load(),
		ConnectFailures: b.st.connectFailures.Load(),
		ConnectFailFast: b.st.connectFailFast.Load(),
	}
	if b.kind == "QueuePool" {
		s.Size = b.cfg.Size
		s.MaxOverflow = b.cfg.MaxOverflow
		s.Overflow = s.Open - s.Size
	}
	return s
}
