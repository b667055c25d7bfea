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
type AssertionPool[C Connection] struct {
	core[C]
	mu     sync.Mutex
	conn   *Conn[C] // the idle connection, nil while checked out
	busy   bool
	stack  [32]uintptr
	nstack int
	closed bool
}

// NewAssertionPool makes an AssertionPool. Size and MaxOverflow are ignored.
func NewAssertionPool[C Connection](create Creator[C], cfg Config) (*AssertionPool[C], error) {
	if err := cfg.validateCommon(); err != nil {
		return nil, err
	}
	p := &AssertionPool[C]{}
	if err := p.core.init("AssertionPool", create, cfg, p); err != nil {
		return nil, err
	}
	p.leakCheck = true
	return p, nil
}

// Get checks out the pool's one connection, or fails with ErrAssertion if it
// is already checked out; a nil ctx is an error. Making the connection during
// a connect back-off fails at once with an error wrapping ErrConnectBackoff.
func (p *AssertionPool[C]) Get(ctx context.Context) (*Conn[C], error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
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
func (p *AssertionPool[C]) Put(c *Conn[C]) error { return p.put(c) }

// giveBack keeps c for the next checkout, or closes it if it is stale or the
// pool closed; the pool stays busy until that close has returned.
func (p *AssertionPool[C]) giveBack(c *Conn[C]) {
	p.mu.Lock()
	if p.closed || p.stale(c.rec) {
		p.mu.Unlock()
		_ = p.closeRaw(c.rec)
		p.releaseSlot()
		return
	}
	p.busy = false
	p.conn = c
	p.st.idle.Store(1)
	p.mu.Unlock()
}

func (p *AssertionPool[C]) releaseSlot() {
	p.mu.Lock()
	p.busy = false
	p.st.open.Store(0)
	p.mu.Unlock()
}

// Status reports the pool's numbers.
func (p *AssertionPool[C]) Status() Status { return p.status() }

// Listen adds a listener; safe to call concurrently with checkouts.
func (p *AssertionPool[C]) Listen(l Listener) { p.lis.add(l) }

// InvalidateAll invalidates the connection by generation: closed now if idle,
// else at its checkin. An idle one is closed under the pool's lock, so that no
// checkout makes the next connection before it is gone.
func (p *AssertionPool[C]) InvalidateAll(reason error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.invalidateGeneration(reason)
	if c := p.conn; c != nil {
		p.conn = nil
		p.st.invalidated.Add(1)
		_ = p.closeRaw(c.rec)
		p.st.idle.Store(0)
		p.st.open.Store(0)
	}
}

// Dispose closes the idle connection; a checked-out one closes at checkin.
// Later calls to Get return ErrClosed.
func (p *AssertionPool[C]) Dispose() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	c := p.conn
	if c == nil {
		return nil
	}
	p.conn = nil
	err := p.closeRaw(c.rec)
	p.st.idle.Store(0)
	p.st.open.Store(0)
	return err
}
