package pool

import "time"

// waiter is one parked checkout. A lifoQueue's waiter receives exactly one
// value on its channel: a *Conn handed over by a checkin, nil for a free slot
// (create a connection), or the queue's closed sentinel; a fifoQueue's waiter
// uses only the timer. Waiters are recycled through the pool's sync.Pool,
// with their channel and timer, so waiting allocates nothing.
type waiter[C Connection] struct {
	ch         chan *Conn[C]
	timer      *time.Timer
	prev, next *waiter[C]
	queued     bool
}

// waitq is a FIFO list of waiters, guarded by the pool's lock.
type waitq[C Connection] struct {
	head, tail *waiter[C]
}

func (q *waitq[C]) push(w *waiter[C]) {
	w.queued = true
	w.prev, w.next = q.tail, nil
	if q.tail == nil {
		q.head = w
	} else {
		q.tail.next = w
	}
	q.tail = w
}

func (q *waitq[C]) remove(w *waiter[C]) {
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
func (q *waitq[C]) pop() *waiter[C] {
	w := q.head
	if w != nil {
		q.remove(w)
	}
	return w
}
