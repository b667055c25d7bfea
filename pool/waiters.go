package pool

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// chanQueue is what both idle orders share: the slot count, and a buffered
// channel on which checkouts that found nothing wait. The Go runtime queues
// the goroutines blocked on a channel first in, first out, hands a sent item
// straight to the oldest, and guards the channel with a lock that never parks
// a goroutine: so a goroutine returning a connection is never descheduled
// holding it, and a pool under load does not fall into the convoy that a
// sync.Mutex in starvation mode produces. An item is a connection, or nil: a
// token for a freed slot, which says "make a new connection". Every item
// holds a slot and the channel's capacity is Size+MaxOverflow plus room for
// the two marks below, so a send never blocks.
//
// A waiting checkout parks on a plain receive from the channel (a select
// only when its context can end): no timer, no second channel. What else
// must wake it comes over the same channel as a mark, a *Conn that is no
// connection: timeoutMark, sent by the watchdog (watchdog.go) when the
// waiters at the head of the queue have waited Timeout, and closedMark,
// sent by Dispose and passed from waiter to waiter. At most one of each is
// in the channel at a time. Whoever else takes a mark off the channel (a
// checkout's or the sweep's non-blocking receive) drops a timeout mark, which
// the next tick sends again, and sends the closed mark on.
type chanQueue[C Connection] struct {
	*QueuePool[C]
	mu      sync.Mutex // serialises invalidateAll, dispose and the idle sweep
	ch      chan *Conn[C]
	closed  atomic.Bool
	ntokens atomic.Int64 // free-slot tokens in ch
	wd      watchdog

	timeoutMark, closedMark *Conn[C]
	closedMarked            atomic.Bool // closedMark is in ch
}

func (q *chanQueue[C]) init(p *QueuePool[C], capacity int) {
	q.QueuePool, q.ch = p, make(chan *Conn[C], capacity+2)
	q.timeoutMark, q.closedMark = &Conn[C]{}, &Conn[C]{}
	q.wd.init(p.cfg.Timeout, &p.clk, &p.st.waiters, &p.st.waits, q.sendTimeoutMark, func() bool { return !q.closed.Load() })
}

func (q *chanQueue[C]) tokens() int { return int(q.ntokens.Load()) }

// sendTimeoutMark puts the timeout mark in the channel (watchdog.mark).
func (q *chanQueue[C]) sendTimeoutMark() { q.ch <- q.timeoutMark }

// wakeClosed sends the closed mark to the waiters, if any, unless it is in
// the channel already. The waiter that takes it calls wakeClosed again.
func (q *chanQueue[C]) wakeClosed() {
	if q.st.waiters.Load() > 0 && !q.closedMarked.Load() && q.closedMarked.CompareAndSwap(false, true) {
		q.ch <- q.closedMark
	}
}

// poll takes an item off the channel if there is one, without waiting.
// Marks met on the way are dropped (timeout) or sent on (closed).
func (q *chanQueue[C]) poll() (*Conn[C], bool) {
	rewake := false
	defer func() {
		if rewake {
			q.wakeClosed()
		}
	}()
	for {
		select {
		case c := <-q.ch:
			switch c {
			case q.timeoutMark:
				q.wd.unmark()
			case q.closedMark:
				q.closedMarked.Store(false)
				rewake = true
			default:
				return c, true
			}
		default:
			return nil, false
		}
	}
}

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
	q.st.waits.Add(1)
	e, start := q.wd.enter()
	done := ctx.Done()
	var c *Conn[C]
	var err error
	for {
		c = nil
		if q.closed.Load() { // Dispose may have looked at st.waiters before we counted
			err = ErrClosed
			break
		}
		if done == nil {
			c = <-q.ch
		} else {
			select {
			case c = <-q.ch:
			case <-done:
				err = fmt.Errorf("alchemy: pool: checkout: %w", ctx.Err())
			}
		}
		if c == q.timeoutMark {
			q.wd.unmark()
			if !q.wd.due(e) {
				continue // not ours: the next tick sends it again if still due
			}
			err = ErrTimeout
		} else if c == q.closedMark {
			q.closedMarked.Store(false)
			err = ErrClosed
		}
		break
	}
	if d := q.wd.leave(e, start); d != 0 { // most waits under load are shorter than a tick
		q.st.waitNanos.Add(int64(d))
	}
	q.st.waiters.Add(-1)
	switch err {
	case nil:
		return c, nil
	case ErrTimeout:
		q.wd.passOn()
		return nil, q.timedOut()
	case ErrClosed:
		q.wakeClosed()
	}
	return nil, err
}

// markClosed marks the queue closed and wakes its waiters with ErrClosed; it
// reports false if it was closed already. The caller holds mu.
func (q *chanQueue[C]) markClosed() bool {
	if q.closed.Swap(true) {
		return false
	}
	q.wd.stop()
	q.stopClock()
	q.wakeClosed()
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
