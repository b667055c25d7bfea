package pool

import (
	"sync"
	"time"
)

// closedConn is sent to waiters when the pool is disposed.
var closedConn = &Conn{}

// waiter is one parked checkout. Its channel receives exactly one value: a
// *Conn handed over by a checkin, nil for a free slot (create a connection), or
// closedConn. Waiters are recycled through a sync.Pool, with their channel and
// timer, so waiting allocates nothing.
type waiter struct {
	ch         chan *Conn
	timer      *time.Timer
	prev, next *waiter
	queued     bool
}

var waiterPool = sync.Pool{New: func() any {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &waiter{ch: make(chan *Conn, 1), timer: t}
}}

// waitq is a FIFO list of waiters, guarded by the pool's lock.
type waitq struct {
	head, tail *waiter
}

func (q *waitq) push(w *waiter) {
	w.queued = true
	w.prev, w.next = q.tail, nil
	if q.tail == nil {
		q.head = w
	} else {
		q.tail.next = w
	}
	q.tail = w
}

func (q *waitq) remove(w *waiter) {
	if w.prev == nil {
		q.head = w.next
	} else {
		w.prev.next = w.next
	}
	if w.next == nil {
		q.tail = w.prev
	} else {
		w.next.prev = w.prev
	}
	w.prev, w.next, w.queued = nil, nil, false
}

// pop removes the oldest waiter, or returns nil.
func (q *waitq) pop() *waiter {
	w := q.head
	if w != nil {
		q.remove(w)
	}
	return w
}
