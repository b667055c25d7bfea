package pool

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// lifoQueue is the idle set of a QueuePool in LIFO order (Config.LIFO,
// pool_use_lifo): a mutex-guarded stack of idle connections and a FIFO queue
// of waiters, each parked on its own reused one-slot channel; a checkin hands
// its connection straight to the oldest waiter.
type lifoQueue[C Connection] struct {
	*QueuePool[C]
	mu      sync.Mutex
	idle    stack[C]
	waiters waitq[C]
	open    int // slots taken: connections open, being opened, or checked out
	closed  bool
	// closedConn is sent to the waiters when the pool is disposed.
	closedConn *Conn[C]
}

func newLIFOQueue[C Connection](p *QueuePool[C], size int) *lifoQueue[C] {
	return &lifoQueue[C]{QueuePool: p, idle: newStack[C](size), closedConn: &Conn[C]{}}
}

func (q *lifoQueue[C]) tokens() int { return 0 }

func (q *lifoQueue[C]) acquire(ctx context.Context) (*Conn[C], error) {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return nil, ErrClosed
	}
	if c := q.idle.pop(); c != nil {
		q.st.idle.Store(int64(q.idle.len()))
		q.mu.Unlock()
		return c, nil
	}
	if q.max < 0 || q.open < q.max {
		q.open++
		q.st.open.Store(int64(q.open))
		q.mu.Unlock()
		return nil, nil
	}
	w := q.waiterPool.Get().(*waiter[C])
	q.waiters.push(w)
	q.st.waiters.Add(1)
	q.mu.Unlock()
	return q.wait(ctx, w)
}

// wait parks until a checkin or a freed slot reaches w, the timeout, or ctx's end.
func (q *lifoQueue[C]) wait(ctx context.Context, w *waiter[C]) (*Conn[C], error) {
	start := time.Now()
	q.st.waits.Add(1)
	timeout := q.armTimeout(w)
	var c *Conn[C]
	var err error
	select {
	case c = <-w.ch:
	case <-timeout:
		err = ErrTimeout
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		q.mu.Lock()
		if w.queued {
			q.waiters.remove(w)
			q.st.waiters.Add(-1)
			q.mu.Unlock()
			q.endWait(w, start)
			if err == ErrTimeout {
				return nil, q.timedOut()
			}
			return nil, fmt.Errorf("alchemy: pool: checkout: %w", err)
		}
		q.mu.Unlock()
		// Something was handed to w just as it gave up.
		c = <-w.ch
		if err != ErrTimeout && c != q.closedConn {
			q.endWait(w, start)
			if c == nil {
				q.releaseSlot()
			} else {
				q.giveBack(c)
			}
			return nil, fmt.Errorf("alchemy: pool: checkout: %w", err)
		}
	}
	q.endWait(w, start)
	if c == q.closedConn {
		return nil, ErrClosed
	}
	return c, nil
}

// giveBack returns a connection to the pool without reset or events: to the
// oldest waiter or the idle stack, or closed if it is stale or overflow.
func (q *lifoQueue[C]) giveBack(c *Conn[C]) {
	r := c.rec
	q.mu.Lock()
	if q.closed || q.stale(r) {
		q.mu.Unlock()
		if !r.invalid.Load() && !r.soft.Load() {
			q.st.invalidated.Add(1) // stale generation
		}
		_ = q.closeRaw(r)
		q.releaseSlot()
		return
	}
	if w := q.waiters.pop(); w != nil {
		q.st.waiters.Add(-1)
		w.ch <- c
		q.mu.Unlock()
		return
	}
	if q.idle.full() { // overflow connection: close it, then free its slot
		q.mu.Unlock()
		_ = q.closeRaw(r)
		q.releaseSlot()
		return
	}
	q.idle.push(c)
	q.st.idle.Store(int64(q.idle.len()))
	q.mu.Unlock()
}

// releaseSlot gives a slot up: to the oldest waiter, or back to the pool.
// The slot's connection, if any, must already be closed.
func (q *lifoQueue[C]) releaseSlot() { q.releaseSlots(1) }

func (q *lifoQueue[C]) releaseSlots(n int) {
	q.mu.Lock()
	for ; n > 0; n-- {
		if w := q.waiters.pop(); w != nil {
			q.st.waiters.Add(-1)
			w.ch <- nil
		} else {
			q.open--
		}
	}
	q.st.open.Store(int64(q.open))
	q.mu.Unlock()
}

func (q *lifoQueue[C]) invalidateAll(reason error) {
	q.mu.Lock()
	q.invalidateGeneration(reason)
	idle := q.idle.drain()
	q.st.idle.Store(0)
	q.mu.Unlock()
	for _, c := range idle {
		q.st.invalidated.Add(1)
		_ = q.closeRaw(c.rec)
	}
	q.releaseSlots(len(idle))
}

func (q *lifoQueue[C]) dispose() error {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return nil
	}
	q.closed = true
	idle := q.idle.drain()
	q.st.idle.Store(0)
	for w := q.waiters.pop(); w != nil; w = q.waiters.pop() {
		q.st.waiters.Add(-1)
		w.ch <- q.closedConn
	}
	q.mu.Unlock()
	var errs []error
	for _, c := range idle {
		if err := q.closeRaw(c.rec); err != nil {
			errs = append(errs, err)
		}
	}
	q.releaseSlots(len(idle))
	return errors.Join(errs...)
}

// stack is a fixed-capacity stack of idle connections. Slots are cleared when
// popped so that a checked-out Conn is referenced only by its caller.
type stack[C Connection] struct {
	buf []*Conn[C]
}

func newStack[C Connection](capacity int) stack[C] {
	return stack[C]{buf: make([]*Conn[C], 0, capacity)}
}

func (s *stack[C]) len() int { return len(s.buf) }

func (s *stack[C]) full() bool { return len(s.buf) == cap(s.buf) }

// push adds c on top; the caller has checked that the stack is not full.
func (s *stack[C]) push(c *Conn[C]) { s.buf = append(s.buf, c) }

// pop takes the most recently pushed connection, or nil.
func (s *stack[C]) pop() *Conn[C] {
	n := len(s.buf)
	if n == 0 {
		return nil
	}
	c := s.buf[n-1]
	s.buf[n-1] = nil
	s.buf = s.buf[:n-1]
	return c
}

// drain empties the stack and returns what it held.
func (s *stack[C]) drain() []*Conn[C] {
	out := append([]*Conn[C](nil), s.buf...)
	clear(s.buf)
	s.buf = s.buf[:0]
	return out
}
