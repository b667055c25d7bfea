package pool

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// QueuePool is SQLAlchemy's default pool: it keeps up to Size idle connections,
// opens up to MaxOverflow more under load (closed again at checkin when the
// pool is full), and makes checkouts wait, first in first out, at most Timeout
// when every slot is taken. A checkin hands its connection straight to the
// oldest waiter. Counters are atomics read by Status without a lock, and a
// checkout and checkin allocate nothing.
//
// In the default FIFO mode the idle connections live in a buffered channel
// (see queuefifo.go); with Config.LIFO they live in a mutex-guarded ring with
// a FIFO queue of waiters, each parked on its own reused one-slot channel.
type QueuePool struct {
	base
	mu      sync.Mutex
	idle    ring
	waiters waitq
	open    int // slots taken: connections open, being opened, or checked out
	max     int // Size+MaxOverflow, or -1 for no limit
	closed  bool

	// FIFO mode (queuefifo.go).
	fifo    bool
	idleCh  chan *Conn
	done    chan struct{}
	closedA atomic.Bool
	tokens  atomic.Int64 // free-slot tokens in idleCh
}

// NewQueuePool makes a QueuePool; cfg is checked with Validate. No connection
// is made until the first Get.
func NewQueuePool(create Creator, cfg Config) (*QueuePool, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := &QueuePool{max: -1, fifo: !cfg.LIFO}
	if cfg.MaxOverflow >= 0 {
		p.max = cfg.Size + cfg.MaxOverflow
	}
	if p.fifo {
		n := p.max
		if n < 0 {
			n = cfg.Size
		}
		p.idleCh = make(chan *Conn, n)
		p.done = make(chan struct{})
	} else {
		p.idle = newRing(cfg.Size)
	}
	if err := p.base.init("QueuePool", create, cfg, p); err != nil {
		return nil, err
	}
	p.leakCheck = true
	return p, nil
}

// Get checks a connection out: an idle one (FIFO, or LIFO with Config.LIFO),
// else a new one if a slot is free, else it waits its turn at most
// Config.Timeout. A wait that times out returns a *TimeoutError; a ctx that
// ends first returns an error wrapping ctx.Err(); a nil ctx is an error. A
// checkout that needs a new connection during a connect back-off fails at
// once with an error wrapping ErrConnectBackoff (see Config.ConnectBackoff).
func (p *QueuePool) Get(ctx context.Context) (*Conn, error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	c, err := p.acquire(ctx)
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
	if c, err = p.checkoutListeners(ctx, c); err != nil {
		return nil, err
	}
	p.markOut(c.rec)
	return c, nil
}

// acquire returns an idle connection, or nil with a slot reserved for a new one.
func (p *QueuePool) acquire(ctx context.Context) (*Conn, error) {
	if p.fifo {
		return p.acquireFIFO(ctx)
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, ErrClosed
	}
	if c := p.idle.pop(p.cfg.LIFO); c != nil {
		p.st.idle.Store(int64(p.idle.n))
		p.mu.Unlock()
		return c, nil
	}
	if p.max < 0 || p.open < p.max {
		p.open++
		p.st.open.Store(int64(p.open))
		p.mu.Unlock()
		return nil, nil
	}
	w := waiterPool.Get().(*waiter)
	p.waiters.push(w)
	p.st.waiters.Add(1)
	p.mu.Unlock()
	return p.wait(ctx, w)
}

// armTimeout starts w's timer for the checkout timeout; nil (never ready) when
// the pool has none.
func (p *QueuePool) armTimeout(w *waiter) <-chan time.Time {
	if p.cfg.Timeout <= 0 {
		return nil
	}
	w.timer.Reset(p.cfg.Timeout)
	return w.timer.C
}

// timedOut counts a checkout that waited the whole timeout and says so, with the
// pool's status, in SQLAlchemy's words.
func (p *QueuePool) timedOut() error {
	p.st.timeouts.Add(1)
	return &TimeoutError{Size: p.cfg.Size, MaxOverflow: p.cfg.MaxOverflow, Timeout: p.cfg.Timeout, Status: p.Status()}
}

// wait parks until a checkin or a freed slot reaches w, the timeout, or ctx's end.
func (p *QueuePool) wait(ctx context.Context, w *waiter) (*Conn, error) {
	start := time.Now()
	p.st.waits.Add(1)
	timeout := p.armTimeout(w)
	var c *Conn
	var err error
	select {
	case c = <-w.ch:
	case <-timeout:
		err = ErrTimeout
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		p.mu.Lock()
		if w.queued {
			p.waiters.remove(w)
			p.st.waiters.Add(-1)
			p.mu.Unlock()
			p.endWait(w, start)
			if err == ErrTimeout {
				return nil, p.timedOut()
			}
			return nil, fmt.Errorf("alchemy: pool: checkout: %w", err)
		}
		p.mu.Unlock()
		// Something was handed to w just as it gave up.
		c = <-w.ch
		if err != ErrTimeout && c != closedConn {
			p.endWait(w, start)
			if c == nil {
				p.releaseSlot()
			} else {
				p.giveBack(c)
			}
			return nil, fmt.Errorf("alchemy: pool: checkout: %w", err)
		}
	}
	p.endWait(w, start)
	if c == closedConn {
		return nil, ErrClosed
	}
	return c, nil
}

func (p *QueuePool) endWait(w *waiter, start time.Time) {
	w.timer.Stop()
	waiterPool.Put(w)
	p.st.waitNanos.Add(int64(time.Since(start)))
}

// prepare checks an idle connection before handing it out: generation,
// recycle age, pre-ping. A connection that fails is replaced in the same slot.
func (p *QueuePool) prepare(ctx context.Context, c *Conn) (*Conn, error) {
	r := c.rec
	if r.fresh.Load() { // a load, not a locked store, on the hot path
		r.fresh.Store(false)
	}
	if p.stale(r) {
		_ = p.closeRaw(r)
		return p.reconnect(ctx)
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
	if p.cfg.PrePing && (p.cfg.PrePingIdle == 0 || now.Sub(r.lastUsed) > p.cfg.PrePingIdle) {
		if err := p.ping(ctx, r); err != nil {
			if ctx.Err() != nil { // the caller gave up; the connection is not to blame
				p.giveBack(c)
				return nil, fmt.Errorf("alchemy: pool: checkout: %w", ctx.Err())
			}
			p.st.pingsFailed.Add(1)
			reason := fmt.Errorf("alchemy: pool: pre-ping failed: %w", err)
			p.invalidate(c, reason)
			p.InvalidateAll(reason)
			return p.reconnect(ctx)
		}
	}
	return c, nil
}

// reconnect makes a new connection in a slot the caller holds; on failure the
// slot is given back.
func (p *QueuePool) reconnect(ctx context.Context) (*Conn, error) {
	return p.connect(ctx, p.releaseSlot)
}

// Put checks c in: reset on return, Checkin event, then straight to the oldest
// waiter, or back to the idle ring, or closed if it is stale or overflow. A
// failed reset invalidates the connection and is returned, but the checkin
// still completes.
func (p *QueuePool) Put(c *Conn) error { return p.put(c) }

// giveBack returns a connection to the pool without reset or events.
func (p *QueuePool) giveBack(c *Conn) {
	if p.fifo {
		p.giveBackFIFO(c)
		return
	}
	r := c.rec
	p.mu.Lock()
	if p.closed || p.stale(r) {
		p.mu.Unlock()
		if !r.invalid.Load() && !r.soft.Load() {
			p.st.invalidated.Add(1) // stale generation
		}
		_ = p.closeRaw(r)
		p.releaseSlot()
		return
	}
	if w := p.waiters.pop(); w != nil {
		p.st.waiters.Add(-1)
		w.ch <- c
		p.mu.Unlock()
		return
	}
	if p.idle.full() { // overflow connection: close it, then free its slot
		p.mu.Unlock()
		_ = p.closeRaw(r)
		p.releaseSlots(1)
		return
	}
	p.idle.push(c)
	p.st.idle.Store(int64(p.idle.n))
	p.mu.Unlock()
}

// releaseSlot gives a slot up: to the oldest waiter, or back to the pool.
// The slot's connection, if any, must already be closed.
func (p *QueuePool) releaseSlot() { p.releaseSlots(1) }

func (p *QueuePool) releaseSlots(n int) {
	if p.fifo {
		for ; n > 0; n-- {
			p.releaseSlotFIFO()
		}
		return
	}
	p.mu.Lock()
	for ; n > 0; n-- {
		if w := p.waiters.pop(); w != nil {
			p.st.waiters.Add(-1)
			w.ch <- nil
		} else {
			p.open--
		}
	}
	p.st.open.Store(int64(p.open))
	p.mu.Unlock()
}

// detach takes r out of the checked-out count; its slot is freed at Put, once
// the raw connection is closed.
func (p *QueuePool) detach(r *record) {
	r.detached.Store(true)
	p.st.out.Add(-1)
}

// Status reports the pool's numbers without taking its lock.
func (p *QueuePool) Status() Status {
	s := p.status()
	s.Open -= int(p.tokens.Load()) // a token is a free slot, not a connection
	s.Overflow = s.Open - s.Size
	return s
}

// Listen adds a listener; safe to call concurrently with checkouts.
func (p *QueuePool) Listen(l Listener) { p.lis.add(l) }

// InvalidateAll invalidates every connection made before the call, by
// generation: idle ones are closed now, checked-out ones at checkin.
func (p *QueuePool) InvalidateAll(reason error) {
	if p.fifo {
		p.mu.Lock()
		p.invalidateGeneration(reason)
		p.drainFIFO(true)
		p.mu.Unlock()
		return
	}
	p.mu.Lock()
	p.invalidateGeneration(reason)
	idle := p.idle.drain()
	p.st.idle.Store(0)
	p.mu.Unlock()
	for _, c := range idle {
		p.st.invalidated.Add(1)
		_ = p.closeRaw(c.rec)
	}
	p.releaseSlots(len(idle))
}

// Dispose closes the idle connections and wakes every waiter with ErrClosed;
// checked-out connections are closed at checkin. Later calls to Get return
// ErrClosed.
func (p *QueuePool) Dispose() error {
	if p.fifo {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.closedA.Swap(true) {
			return nil
		}
		close(p.done)
		return errors.Join(p.drainFIFO(false)...)
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	idle := p.idle.drain()
	p.st.idle.Store(0)
	for w := p.waiters.pop(); w != nil; w = p.waiters.pop() {
		p.st.waiters.Add(-1)
		w.ch <- closedConn
	}
	p.mu.Unlock()
	var errs []error
	for _, c := range idle {
		if err := p.closeRaw(c.rec); err != nil {
			errs = append(errs, err)
		}
	}
	p.releaseSlots(len(idle))
	return errors.Join(errs...)
}
