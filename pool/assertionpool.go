package pool

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// AssertionPool allows at most one connection checked out at a time, for
// tests that must prove code never holds two: a second concurrent checkout is
// an error wrapping ErrAssertion that shows where the first was taken. It
// keeps its one connection between checkouts. Size, MaxOverflow and PrePing
// do not apply.
type AssertionPool struct {
	base
	mu     sync.Mutex
	conn   *Conn // the idle connection, nil while checked out
	busy   bool
	stack  [32]uintptr
	nstack int
	closed bool
}

// NewAssertionPool makes an AssertionPool. Size and MaxOverflow are ignored.
func NewAssertionPool(create Creator, cfg Config) (*AssertionPool, error) {
	if err := cfg.validateCommon(); err != nil {
		return nil, err
	}
	p := &AssertionPool{}
	if err := p.base.init("AssertionPool", create, cfg, p); err != nil {
		return nil, err
	}
	p.leakCheck = true
	return p, nil
}

// Get checks out the pool's one connection, or fails with ErrAssertion if it
// is already checked out.
func (p *AssertionPool) Get(ctx context.Context) (*Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("alchemy: pool: checkout: %w", err)
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, ErrClosed
	}
	if p.busy {
		where := formatStack(p.stack[:p.nstack])
		p.mu.Unlock()
		return nil, fmt.Errorf("%w: connection is already checked out at:\n%s", ErrAssertion, where)
	}
	p.busy = true
	p.nstack = runtime.Callers(2, p.stack[:])
	c := p.conn
	p.conn = nil
	if c == nil {
		p.st.open.Store(1)
	}
	p.st.idle.Store(0)
	p.mu.Unlock()

	if c != nil && (p.stale(c.rec) || (!c.rec.expires.IsZero() && time.Now().After(c.rec.expires))) {
		_ = p.closeRaw(c.rec)
		c = nil
	}
	var err error
	if c == nil {
		if c, err = p.connect(ctx, p.releaseSlot); err != nil {
			return nil, err
		}
	} else {
		c.rec.fresh.Store(false)
	}
	if c, err = p.checkoutListeners(ctx, c); err != nil {
		return nil, err
	}
	p.markOut(c.rec)
	return c, nil
}

// Put checks the connection in and keeps it for the next checkout.
func (p *AssertionPool) Put(c *Conn) error { return p.put(c) }

func (p *AssertionPool) giveBack(c *Conn) {
	p.mu.Lock()
	p.busy = false
	if p.closed || p.stale(c.rec) {
		p.st.open.Store(0)
		p.mu.Unlock()
		_ = p.closeRaw(c.rec)
		return
	}
	p.conn = c
	p.st.idle.Store(1)
	p.mu.Unlock()
}

func (p *AssertionPool) releaseSlot() {
	p.mu.Lock()
	p.busy = false
	p.st.open.Store(0)
	p.mu.Unlock()
}

func (p *AssertionPool) detach(r *record) {
	r.detached.Store(true)
	p.st.out.Add(-1)
	p.releaseSlot()
}

// Status reports the pool's numbers.
func (p *AssertionPool) Status() Status { return p.status() }

// Listen adds a listener; safe to call concurrently with checkouts.
func (p *AssertionPool) Listen(l Listener) { p.lis.add(l) }

// InvalidateAll invalidates the connection by generation: closed now if idle,
// else at its checkin.
func (p *AssertionPool) InvalidateAll(reason error) {
	p.mu.Lock()
	p.invalidateGeneration(reason)
	c := p.conn
	p.conn = nil
	if c != nil {
		p.st.open.Store(0)
		p.st.idle.Store(0)
	}
	p.mu.Unlock()
	if c != nil {
		p.st.invalidated.Add(1)
		_ = p.closeRaw(c.rec)
	}
}

// Dispose closes the idle connection; a checked-out one closes at checkin.
// Later calls to Get return ErrClosed.
func (p *AssertionPool) Dispose() error {
	p.mu.Lock()
	p.closed = true
	c := p.conn
	p.conn = nil
	if c != nil {
		p.st.open.Store(0)
		p.st.idle.Store(0)
	}
	p.mu.Unlock()
	if c != nil {
		return p.closeRaw(c.rec)
	}
	return nil
}
