package pool

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// fifoQueue is the idle set of a QueuePool in FIFO order (the default): a
// buffered channel of capacity Size+MaxOverflow. The Go runtime queues the
// goroutines blocked on it first in, first out, hands a sent connection
// straight to the oldest, and guards it with a lock that never parks a
// goroutine: so a goroutine returning a connection is never descheduled
// holding it, and a pool under load does not fall into the convoy that a
// sync.Mutex in starvation mode produces. Slots are counted in an atomic; a
// slot freed while checkouts wait is sent to them as a nil *Conn, a token
// that says "make a new connection". Every buffered item holds a slot, so a
// send into the channel never blocks.
//
// The LIFO order needs a stack, which a channel is not: see lifoQueue.
type fifoQueue[C Connection] struct {
	*QueuePool[C]
	mu      sync.Mutex // serialises invalidateAll and dispose
	idleCh  chan *Conn[C]
	done    chan struct{}
	closed  atomic.Bool
	ntokens atomic.Int64 // free-slot tokens in idleCh
}

func newFIFOQueue[C Connection](p *QueuePool[C], capacity int) *fifoQueue[C] {
	return &fifoQueue[C]{QueuePool: p, idleCh: make(chan *Conn[C], capacity), done: make(chan struct{})}
}

func (q *fifoQueue[C]) tokens() int { return int(q.ntokens.Load()) }

// reserve takes a slot if one is free.
func (q *fifoQueue[C]) reserve() bool {
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

// received accounts for an item taken from the channel.
func (q *fifoQueue[C]) received(c *Conn[C]) *Conn[C] {
	if c == nil {
		q.ntokens.Add(-1)
	} else {
		q.st.idle.Add(-1)
	}
	return c
}

func (q *fifoQueue[C]) acquire(ctx context.Context) (*Conn[C], error) {
	if q.closed.Load() {
		return nil, ErrClosed
	}
	select {
	case c := <-q.idleCh:
		return q.received(c), nil
	default:
	}
	if q.reserve() {
		return nil, nil
	}
	q.st.waiters.Add(1)
	if q.reserve() { // a slot freed while we announced ourselves
		q.st.waiters.Add(-1)
		return nil, nil
	}
	start := time.Now()
	q.st.waits.Add(1)
	w := q.waiterPool.Get().(*waiter[C])
	timeout := q.armTimeout(w)
	var c *Conn[C]
	var err error
	select {
	case c = <-q.idleCh:
		c = q.received(c)
	case <-timeout:
		err = ErrTimeout
	case <-ctx.Done():
		err = fmt.Errorf("alchemy: pool: checkout: %w", ctx.Err())
	case <-q.done:
		err = ErrClosed
	}
	q.st.waiters.Add(-1)
	q.endWait(w, start)
	if err == ErrTimeout {
		return nil, q.timedOut()
	}
	return c, err
}

// sendToken hands a reserved slot to the waiting checkouts.
func (q *fifoQueue[C]) sendToken() {
	q.ntokens.Add(1)
	q.idleCh <- nil
}

// releaseSlot gives a slot up: to the waiting checkouts, or back to the pool.
// The slot's connection, if any, must already be closed.
func (q *fifoQueue[C]) releaseSlot() {
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

// giveBack returns a connection to the pool without reset or events: to the
// oldest waiter or the idle set, or closed if it is stale or overflow.
func (q *fifoQueue[C]) giveBack(c *Conn[C]) {
	r := c.rec
	if q.closed.Load() || q.stale(r) {
		if !r.invalid.Load() && !r.soft.Load() {
			q.st.invalidated.Add(1) // stale generation
		}
		_ = q.closeRaw(r)
		q.releaseSlot()
		return
	}
	if !q.takeIdleSlot() { // overflow connection: close it
		_ = q.closeRaw(r)
		q.releaseSlot()
		return
	}
	q.idleCh <- c
	if q.closed.Load() { // dispose ran meanwhile and may have missed it
		q.drain(true)
	}
}

// takeIdleSlot counts one more idle connection unless Size are idle already. It
// never lets the count pass Size, not even for a moment: Status reads it unlocked.
func (q *fifoQueue[C]) takeIdleSlot() bool {
	for {
		n := q.st.idle.Load()
		if n >= int64(q.cfg.Size) {
			return false
		}
		if q.st.idle.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// drain empties the channel, closes the connections and frees the slots
// (or passes them to waiters). It returns the errors of the closes.
func (q *fifoQueue[C]) drain(invalidated bool) (errs []error) {
	for {
		select {
		case c := <-q.idleCh:
			if c = q.received(c); c != nil {
				if invalidated {
					q.st.invalidated.Add(1)
				}
				if err := q.closeRaw(c.rec); err != nil {
					errs = append(errs, err)
				}
			}
			q.releaseSlot()
		default:
			return errs
		}
	}
}

func (q *fifoQueue[C]) invalidateAll(reason error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.invalidateGeneration(reason)
	q.drain(true)
}

func (q *fifoQueue[C]) dispose() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed.Swap(true) {
		return nil
	}
	close(q.done)
	return errors.Join(q.drain(false)...)
}
