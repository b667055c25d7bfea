package pool

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// chanQueue is what both idle orders share: the slot count, and a buffered
// channel on which checkouts that found nothing wait. The Go runtime queues
// the goroutines blocked on a channel first in, first out, hands a sent item
// straight to the oldest, and guards the channel with a lock that never parks
// a goroutine: so a goroutine returning a connection is never descheduled
// holding it, and a pool under load does not fall into the convoy that a
// sync.Mutex in starvation mode produces. An item is a connection, or nil: a
// token for a freed slot, which says "make a new connection". Every item
// holds a slot and the channel's capacity is Size+MaxOverflow, so a send
// never blocks.
type chanQueue[C Connection] struct {
	*QueuePool[C]
	mu      sync.Mutex // serialises invalidateAll, dispose and the idle sweep
	ch      chan *Conn[C]
	done    chan struct{}
	closed  atomic.Bool
	ntokens atomic.Int64 // free-slot tokens in ch
}

func (q *chanQueue[C]) init(p *QueuePool[C], capacity int) {
	q.QueuePool, q.ch, q.done = p, make(chan *Conn[C], capacity), make(chan struct{})
}

func (q *chanQueue[C]) tokens() int { return int(q.ntokens.Load()) }

// reserve takes a slot if one is free.
func (q *chanQueue[C]) reserve() bool {
	if q.max < 0 {
		q.st.open.Add(1)
		return true
	}
	for {
		n := q.st.open.Load()
		if n >= int64(q.max) {
			return false
		}
		if q.st.open.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// sendToken hands a reserved slot to the waiting checkouts.
func (q *chanQueue[C]) sendToken() {
	q.ntokens.Add(1)
	q.ch <- nil
}

// releaseSlot gives a slot up: to the waiting checkouts, or back to the pool.
// The slot's connection, if any, must already be closed.
func (q *chanQueue[C]) releaseSlot() {
	if q.st.waiters.Load() > 0 && !q.closed.Load() {
		q.sendToken() // the slot goes on, to the oldest waiter
		return
	}
	q.st.open.Add(-1)
	// A checkout may have started waiting after the check above; it
	// rechecks the count after announcing itself, and we recheck here.
	if q.st.waiters.Load() > 0 && !q.closed.Load() && q.reserve() {
		q.sendToken()
	}
}

// await parks a checkout until an item reaches it on ch, the timeout passes,
// ctx ends or the pool is disposed. The caller has counted itself in
// st.waiters; await uncounts it. The item is returned unaccounted: the
// caller's received does that.
func (q *chanQueue[C]) await(ctx context.Context) (*Conn[C], error) {
	start := time.Since(q.clk.start) // one clock read, where time.Now takes two
	q.st.waits.Add(1)
	t := q.timers.Get().(*time.Timer)
	timeout := q.armTimeout(t)
	var c *Conn[C]
	var err error
	select {
	case c = <-q.ch:
	case <-timeout:
		err = ErrTimeout
	case <-ctx.Done():
		err = fmt.Errorf("alchemy: pool: checkout: %w", ctx.Err())
	case <-q.done:
		err = ErrClosed
	}
	q.st.waiters.Add(-1)
	q.endWait(t, start)
	if err == ErrTimeout {
		return nil, q.timedOut()
	}
	return c, err
}

// markClosed marks the queue closed and wakes its waiters with ErrClosed; it
// reports false if it was closed already. The caller holds mu.
func (q *chanQueue[C]) markClosed() bool {
	if q.closed.Swap(true) {
		return false
	}
	close(q.done)
	q.stopClock()
	return true
}

// discard closes a connection that must not return to the pool (stale, or
// the pool is closed) and frees its slot.
func (q *chanQueue[C]) discard(r *Record) {
	if !r.invalid.Load() && !r.soft.Load() {
		q.st.invalidated.Add(1) // stale generation, or the pool is closed
	}
	_ = q.closeRaw(r)
	q.releaseSlot()
}
