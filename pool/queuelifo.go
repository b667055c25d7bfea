package pool

import (
	"context"
	"errors"
)

// lifoQueue is the idle set of a QueuePool in LIFO order (Config.LIFO, the
// default): idle connections in a lock-free stack (idleStack), the most
// recently returned reused first, so that a pool under light load keeps
// using the same few warm connections instead of cycling through all of
// them; checkouts that find none wait on the channel of chanQueue, first in
// first out, and a checkin hands its connection straight to the oldest of
// them.
//
// An earlier LIFO order kept a ring and a waiter list under a sync.Mutex.
// Under 64 goroutines on 2 cores it fell into a convoy: sync.Mutex parks a
// goroutine at once when others are runnable, goroutines were descheduled
// holding the lock in Put, and starvation mode then handed the lock from
// goroutine to goroutine. Nothing here takes a lock on a checkout or checkin:
// the stack is two compare-and-swap lists, and waiting is the channel's.
//
// A checkin that finds waiters hands its connection over the channel; one
// that finds none pushes it on the stack and then looks again, while a
// checkout that finds the stack empty counts itself a waiter and then looks
// at the stack again, so that a connection is never left idle while a
// checkout waits (each side's second look sees the other's first step).
// A connection sent over the channel keeps a cell of the stack (Record.cell)
// until it is received, so the idle count and its bound of Size include it.
type lifoQueue[C Connection] struct {
	chanQueue[C]
	idle idleStack[C]
}

func newLIFOQueue[C Connection](p *QueuePool[C], capacity, size int) *lifoQueue[C] {
	q := &lifoQueue[C]{}
	q.init(p, capacity)
	q.idle.init(size)
	return q
}

func (q *lifoQueue[C]) idleCount() int { return q.idle.held() }

// received accounts for an item taken from the channel.
func (q *lifoQueue[C]) received(c *Conn[C]) *Conn[C] {
	if c == nil {
		q.ntokens.Add(-1)
	} else {
		q.idle.freeCell(c.rec.cell)
	}
	return c
}

// tryReceive takes an item left on the channel by a checkin whose waiter has
// gone, if there is one.
func (q *lifoQueue[C]) tryReceive() (*Conn[C], bool) {
	c, ok := q.poll()
	if !ok {
		return nil, false
	}
	return q.received(c), true
}

func (q *lifoQueue[C]) acquire(ctx context.Context) (*Conn[C], bool, error) {
	if q.closed.Load() {
		return nil, false, ErrClosed
	}
	if c := q.idle.pop(); c != nil {
		return c, false, nil
	}
	if c, ok := q.tryReceive(); ok {
		return c, false, nil
	}
	if q.reserve() {
		return nil, false, nil
	}
	q.st.waiters.Add(1)
	// A checkin that did not see us yet may have pushed a connection, or
	// freed a slot.
	if c := q.idle.pop(); c != nil {
		q.st.waiters.Add(-1)
		return c, false, nil
	}
	if q.reserve() {
		q.st.waiters.Add(-1)
		return nil, false, nil
	}
	c, err := q.await(ctx)
	if err != nil {
		return nil, true, err
	}
	return q.received(c), true, nil
}

// hand sends c, holding cell i, to the oldest waiter.
func (q *lifoQueue[C]) hand(c *Conn[C], i uint32) {
	c.rec.cell = i
	q.ch <- c
}

// giveBack returns a connection to the pool without reset or events: to the
// oldest waiter or the idle stack, or closed if it is stale or overflow.
func (q *lifoQueue[C]) giveBack(c *Conn[C]) {
	r := c.rec
	if q.closed.Load() || q.stale(r) {
		q.discard(r)
		return
	}
	i, ok := q.idle.takeCell()
	if !ok { // Size connections idle already: this one is overflow
		_ = q.closeRaw(r)
		q.releaseSlot()
		return
	}
	if q.st.waiters.Load() > 0 {
		q.hand(c, i)
	} else {
		q.idle.push(c, i)
		if q.st.waiters.Load() > 0 { // a checkout started waiting meanwhile
			if c, i := q.idle.take(); c != nil {
				q.hand(c, i)
			}
		}
	}
	// Dispose may have run meanwhile and missed it: on the stack, or in the
	// channel for a waiter that Dispose has woken and sent away.
	if q.closed.Load() {
		q.drain(true)
	}
}

// takeIdle takes every idle connection, oldest first, for the idle sweep;
// tokens met on the way are passed on.
func (q *lifoQueue[C]) takeIdle(buf []*Conn[C]) []*Conn[C] {
	start := len(buf)
	for c := q.idle.pop(); c != nil; c = q.idle.pop() {
		buf = append(buf, c) // newest first
	}
	for n := len(q.ch); n > 0; n-- {
		c, ok := q.tryReceive()
		if !ok {
			break
		}
		if c == nil {
			q.releaseSlot()
			continue
		}
		buf = append(buf, c) // handed over by a checkin, its waiter gone: older
	}
	taken := buf[start:]
	for i, j := 0, len(taken)-1; i < j; i, j = i+1, j-1 {
		taken[i], taken[j] = taken[j], taken[i]
	}
	return buf
}

// drain empties the stack and the channel, closes the connections and frees
// the slots (or passes them to waiters). It returns the errors of the closes.
func (q *lifoQueue[C]) drain(invalidated bool) (errs []error) {
	for {
		c := q.idle.pop()
		if c == nil {
			var ok bool
			if c, ok = q.tryReceive(); !ok {
				return errs
			}
		}
		if c != nil {
			if invalidated {
				q.st.invalidated.Add(1)
			}
			if err := q.closeRaw(c.rec); err != nil {
				errs = append(errs, err)
			}
		}
		q.releaseSlot()
	}
}

func (q *lifoQueue[C]) invalidateAll(reason error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.invalidateGeneration(reason)
	q.drain(true)
}

func (q *lifoQueue[C]) dispose() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.markClosed() {
		return nil
	}
	return errors.Join(q.drain(false)...)
}
