package pool

import (
	"context"
	"errors"
)

// fifoQueue is the idle set of a QueuePool in FIFO order (Config.LIFO off,
// SQLAlchemy's default): the idle connections wait in the channel of
// chanQueue itself, so the connection returned longest ago is reused first
// and every connection is used in turn. Slots are counted in an atomic; a
// slot freed while checkouts wait is sent to them as a token. Every buffered
// item holds a slot, so a send into the channel never blocks.
type fifoQueue[C Connection] struct {
	chanQueue[C]
}

func newFIFOQueue[C Connection](p *QueuePool[C], capacity int) *fifoQueue[C] {
	q := &fifoQueue[C]{}
	q.init(p, capacity)
	return q
}

func (q *fifoQueue[C]) idleCount() int { return int(q.st.idle.Load()) }

// received accounts for an item taken from the channel.
func (q *fifoQueue[C]) received(c *Conn[C]) *Conn[C] {
	if c == nil {
		q.ntokens.Add(-1)
	} else {
		q.st.idle.Add(-1)
	}
	return c
}

func (q *fifoQueue[C]) acquire(ctx context.Context) (*Conn[C], bool, error) {
	if q.closed.Load() {
		return nil, false, ErrClosed
	}
	if c, ok := q.poll(); ok {
		return q.received(c), false, nil
	}
	if q.reserve() {
		return nil, false, nil
	}
	q.st.waiters.Add(1)
	if q.reserve() { // a slot freed while we announced ourselves
		q.st.waiters.Add(-1)
		return nil, false, nil
	}
	c, err := q.await(ctx)
	if err != nil {
		return nil, true, err
	}
	return q.received(c), true, nil
}

// giveBack returns a connection to the pool without reset or events: to the
// oldest waiter or the idle set, or closed if it is stale or overflow.
func (q *fifoQueue[C]) giveBack(c *Conn[C]) {
	r := c.rec
	if q.closed.Load() || q.stale(r) {
		q.discard(r)
		return
	}
	if !q.takeIdleSlot() { // overflow connection: close it
		_ = q.closeRaw(r)
		q.releaseSlot()
		return
	}
	q.ch <- c
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

// takeIdle takes every idle connection, oldest first, for the idle sweep;
// tokens met on the way are passed on.
func (q *fifoQueue[C]) takeIdle(buf []*Conn[C]) []*Conn[C] {
	for n := len(q.ch); n > 0; n-- {
		c, ok := q.poll()
		if !ok {
			return buf
		}
		if q.received(c) == nil {
			q.releaseSlot()
			continue
		}
		buf = append(buf, c)
	}
	return buf
}

// drain empties the channel, closes the connections and frees the slots
// (or passes them to waiters). It returns the errors of the closes.
func (q *fifoQueue[C]) drain(invalidated bool) (errs []error) {
	for {
		c, ok := q.poll()
		if !ok {
			return errs
		}
		if c = q.received(c); c != nil {
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

func (q *fifoQueue[C]) invalidateAll(reason error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.invalidateGeneration(reason)
	q.drain(true)
}

func (q *fifoQueue[C]) dispose() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.markClosed() {
		return nil
	}
	return errors.Join(q.drain(false)...)
}
