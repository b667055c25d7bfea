package pool

import (
	"context"
	"fmt"
	"time"
)

// The FIFO mode of QueuePool (the default) keeps its idle connections in a
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
// The LIFO mode needs a stack, which a channel is not: it uses the
// mutex-guarded ring and waiter queue in queuepool.go.

// reserve takes a slot if one is free.
func (p *QueuePool) reserve() bool {
	if p.max < 0 {
		p.st.open.Add(1)
		return true
	}
	for {
		n := p.st.open.Load()
		if n >= int64(p.max) {
			return false
		}
		if p.st.open.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// received accounts for an item taken from the channel.
func (p *QueuePool) received(c *Conn) *Conn {
	if c == nil {
		p.tokens.Add(-1)
	} else {
		p.st.idle.Add(-1)
	}
	return c
}

func (p *QueuePool) acquireFIFO(ctx context.Context) (*Conn, error) {
	if p.closedA.Load() {
		return nil, ErrClosed
	}
	select {
	case c := <-p.idleCh:
		return p.received(c), nil
	default:
	}
	if p.reserve() {
		return nil, nil
	}
	p.st.waiters.Add(1)
	if p.reserve() { // a slot freed while we announced ourselves
		p.st.waiters.Add(-1)
		return nil, nil
	}
	start := time.Now()
	p.st.waits.Add(1)
	w := waiterPool.Get().(*waiter)
	timeout := p.armTimeout(w)
	var c *Conn
	var err error
	select {
	case c = <-p.idleCh:
		c = p.received(c)
	case <-timeout:
		err = ErrTimeout
	case <-ctx.Done():
		err = fmt.Errorf("alchemy: pool: checkout: %w", ctx.Err())
	case <-p.done:
		err = ErrClosed
	}
	p.st.waiters.Add(-1)
	p.endWait(w, start)
	if err == ErrTimeout {
		return nil, p.timedOut()
	}
	return c, err
}

// sendToken hands a reserved slot to the waiting checkouts.
func (p *QueuePool) sendToken() {
	p.tokens.Add(1)
	p.idleCh <- nil
}

func (p *QueuePool) releaseSlotFIFO() {
	if p.st.waiters.Load() > 0 && !p.closedA.Load() {
		p.sendToken() // the slot goes on, to the oldest waiter
		return
	}
	p.st.open.Add(-1)
	// A checkout may have started waiting after the check above; it
	// rechecks the count after announcing itself, and we recheck here.
	if p.st.waiters.Load() > 0 && !p.closedA.Load() && p.reserve() {
		p.sendToken()
	}
}

func (p *QueuePool) giveBackFIFO(c *Conn) {
	r := c.rec
	if p.closedA.Load() || p.stale(r) {
		if !r.invalid.Load() && !r.soft.Load() {
			p.st.invalidated.Add(1) // stale generation
		}
		_ = p.closeRaw(r)
		p.releaseSlotFIFO()
		return
	}
	if !p.takeIdleSlot() { // overflow connection: close it
		_ = p.closeRaw(r)
		p.releaseSlotFIFO()
		return
	}
	p.idleCh <- c
	if p.closedA.Load() { // Dispose ran meanwhile and may have missed it
		p.drainFIFO(true)
	}
}

// takeIdleSlot counts one more idle connection unless Size are idle already. It
// never lets the count pass Size, not even for a moment: Status reads it unlocked.
func (p *QueuePool) takeIdleSlot() bool {
	for {
		n := p.st.idle.Load()
		if n >= int64(p.cfg.Size) {
			return false
		}
		if p.st.idle.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// drainFIFO empties the channel, closes the connections and frees the slots
// (or passes them to waiters). It reports how many connections it closed.
func (p *QueuePool) drainFIFO(invalidated bool) (errs []error) {
	for {
		select {
		case c := <-p.idleCh:
			if c = p.received(c); c != nil {
				if invalidated {
					p.st.invalidated.Add(1)
				}
				if err := p.closeRaw(c.rec); err != nil {
					errs = append(errs, err)
				}
			}
			p.releaseSlotFIFO()
		default:
			return errs
		}
	}
}
