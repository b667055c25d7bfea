package pool

import (
	"context"
	"fmt"
	"time"
)

// QueuePool is SQLAlchemy's default pool: it keeps up to Size idle connections,
// opens up to MaxOverflow more under load (closed again at checkin when the
// pool is full), and makes checkouts wait, first in first out, at most Timeout
// when every slot is taken. A checkin hands its connection straight to the
// oldest waiter. Counters are atomics read by Status without a lock, and a
// checkout and checkin allocate nothing.
//
// Its idle connections are kept by one of two types, chosen once by
// Config.LIFO when the pool is made, so that no checkout or checkin asks which
// order it is in: by default (LIFO) a lock-free stack (lifoQueue, in
// queuelifo.go); with LIFO off (FIFO, SQLAlchemy's default) a buffered channel
// (fifoQueue, in queuefifo.go). In both, waiting checkouts are parked on a
// channel and served first in first out (chanQueue, in waiters.go), with a
// plain receive: no timer per waiter; one watchdog per pool, ticking only
// while checkouts wait, times them out (watchdog.go).
type QueuePool[C Connection] struct {
	core[C]
	q   queue[C]
	max int // Size+MaxOverflow, or -1 for no limit
}

// queue is the half of a QueuePool that depends on the idle order: where idle
// connections wait, how slots are counted and how waiters are served.
type queue[C Connection] interface {
	poolImpl[C] // giveBack, releaseSlot, detach
	// acquire returns an idle connection, or nil with a slot reserved for a
	// new one, waiting its turn if every slot is taken (then waited is true).
	acquire(ctx context.Context) (c *Conn[C], waited bool, err error)
	invalidateAll(reason error)
	dispose() error
	// tokens counts the free slots parked among the idle connections, which
	// Status must not count as open.
	tokens() int
	// idleCount counts the idle connections, for Status.
	idleCount() int
	// takeIdle appends every idle connection to buf, oldest first, taking
	// them out of the pool (the idle sweep gives back the ones it keeps).
	takeIdle(buf []*Conn[C]) []*Conn[C]
}

// NewQueuePool makes a QueuePool; cfg is checked with Validate. No connection
// is made until the first Get.
func NewQueuePool[C Connection](create Creator[C], cfg Config) (*QueuePool[C], error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := &QueuePool[C]{max: -1}
	p.cfg, p.clk.start = cfg, time.Now() // read by the queues' init
	if cfg.MaxOverflow >= 0 {
		p.max = cfg.Size + cfg.MaxOverflow
	}
	n := p.max
	if n < 0 {
		n = cfg.Size
	}
	if cfg.LIFO {
		p.q = newLIFOQueue(p, n, cfg.Size)
	} else {
		p.q = newFIFOQueue(p, n)
	}
	if err := p.core.init("QueuePool", create, cfg, p.q); err != nil {
		return nil, err
	}
	p.leakCheck = true
	p.startClock()
	return p, nil
}

// Get checks a connection out: an idle one (the most recently returned, or
// the least recently with Config.LIFO off), else a new one if a slot is free,
// else it waits its turn at most Config.Timeout. A wait that times out
// returns a *TimeoutError; a ctx that ends first returns an error wrapping
// ctx.Err(); a nil ctx is an error. A checkout that needs a new connection
// during a connect back-off fails at once with an error wrapping
// ErrConnectBackoff (see Config.ConnectBackoff).
func (p *QueuePool[C]) Get(ctx context.Context) (*Conn[C], error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	c, waited, err := p.q.acquire(ctx)
	if err != nil {
		return nil, err
	}
	if c == nil {
		if c, err = p.reconnect(ctx); err != nil {
			return nil, err
		}
	} else if c, err = p.prepare(ctx, c); err != nil {
		return nil, err
	}
	if p.checkoutHooks(c.rec) {
		if c, err = p.checkoutListeners(ctx, c); err != nil {
			return nil, err
		}
	}
	c.rec.waited = waited
	p.markOut(c.rec)
	return c, nil
}

// timedOut counts a checkout that waited the whole timeout and says so, with the
// pool's status, in SQLAlchemy's words.
func (p *QueuePool[C]) timedOut() error {
	p.st.timeouts.Add(1)
	return &TimeoutError{Size: p.cfg.Size, MaxOverflow: p.cfg.MaxOverflow, Timeout: p.cfg.Timeout, Status: p.Status()}
}

// prepare checks an idle connection before handing it out: generation,
// recycle age, idle time, pre-ping. A connection that fails is replaced in
// the same slot.
func (p *QueuePool[C]) prepare(ctx context.Context, c *Conn[C]) (*Conn[C], error) {
	r := c.rec
	if r.fresh.Load() { // a load, not a locked store, on the hot path
		r.fresh.Store(false)
	}
	if p.stale(r) {
		_ = p.closeRaw(r)
		return p.reconnect(ctx)
	}
	// The common case in two loads: no recycle or pre-ping, and idle for
	// less than half of MaxIdleTime by the coarse clock.
	if !p.timedChecks && p.clk.now.Load()-r.idleSince < p.idleFast {
		return c, nil
	}
	var now time.Time
	if !r.expires.IsZero() || p.cfg.PrePingIdle > 0 {
		now = time.Now()
	}
	if !r.expires.IsZero() && now.After(r.expires) {
		p.logger().Info("alchemy: pool: connection exceeded its recycle age; recycling", "pool", p.cfg.Name, "age", now.Sub(r.created))
		_ = p.closeRaw(r)
		return p.reconnect(ctx)
	}
	if p.cfg.MaxIdleTime > 0 && p.idleTooLong(r) {
		p.retireIdle(r)
		return p.reconnect(ctx)
	}
	if p.cfg.PrePing && (p.cfg.PrePingIdle == 0 || now.Sub(r.lastUsed) > p.cfg.PrePingIdle) {
		if err := p.ping(ctx, r); err != nil {
			if ctx.Err() != nil { // the caller gave up; the connection is not to blame
				p.q.giveBack(c)
				return nil, fmt.Errorf("alchemy: pool: checkout: %w", ctx.Err())
			}
			p.st.pingsFailed.Add(1)
			reason := fmt.Errorf("alchemy: pool: pre-ping failed: %w", err)
			p.invalidate(r, reason)
			p.InvalidateAll(reason)
			return p.reconnect(ctx)
		}
	}
	return c, nil
}

// reconnect makes a new connection in a slot the caller holds; on failure the
// slot is given back.
func (p *QueuePool[C]) reconnect(ctx context.Context) (*Conn[C], error) {
	return p.connect(ctx, p.q.releaseSlot)
}

// Put checks c in: reset on return, Checkin event, then straight to the oldest
// waiter, or back to the idle connections, or closed if it is stale or
// overflow. A failed reset invalidates the connection and is returned, but the
// checkin still completes.
func (p *QueuePool[C]) Put(c *Conn[C]) error { return p.put(c) }

// Status reports the pool's numbers without taking its lock.
func (p *QueuePool[C]) Status() Status {
	s := p.status()
	s.CheckedIn = p.q.idleCount()
	s.Open -= p.q.tokens() // a token is a free slot, not a connection
	s.Overflow = s.Open - s.Size
	return s
}

// Listen adds a listener; safe to call concurrently with checkouts.
func (p *QueuePool[C]) Listen(l Listener) { p.lis.add(l) }

// InvalidateAll invalidates every connection made before the call, by
// generation: idle ones are closed now, checked-out ones at checkin.
func (p *QueuePool[C]) InvalidateAll(reason error) { p.q.invalidateAll(reason) }

// Dispose closes the idle connections and wakes every waiter with ErrClosed;
// checked-out connections are closed at checkin. Later calls to Get return
// ErrClosed.
func (p *QueuePool[C]) Dispose() error { return p.q.dispose() }
