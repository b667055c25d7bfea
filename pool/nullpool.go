package pool

import (
	"context"
	"sync/atomic"
)

// NullPool pools nothing: every checkout makes a new connection and every
// checkin closes it (after the reset). Size, MaxOverflow, Recycle and PrePing
// do not apply; Timeout bounds the creator.
type NullPool[C Connection] struct {
	core[C]
	closed atomic.Bool
}

// NewNullPool makes a NullPool. Size and MaxOverflow are ignored.
func NewNullPool[C Connection](create Creator[C], cfg Config) (*NullPool[C], error) {
	if err := cfg.validateCommon(); err != nil {
		return nil, err
	}
	p := &NullPool[C]{}
	if err := p.core.init("NullPool", create, cfg, p); err != nil {
		return nil, err
	}
	p.leakCheck = true
	return p, nil
}

// Get makes a new connection; a nil ctx is an error. During a connect
// back-off it fails at once with an error wrapping ErrConnectBackoff.
func (p *NullPool[C]) Get(ctx context.Context) (*Conn[C], error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	if p.closed.Load() {
		return nil, ErrClosed
	}
	p.st.open.Add(1)
	c, err := p.connect(ctx, p.releaseSlot)
	if err != nil {
		return nil, err
	}
	if c, err = p.checkoutListeners(ctx, c); err != nil {
		return nil, err
	}
	p.markOut(c.rec)
	return c, nil
}

// Put resets and closes c.
func (p *NullPool[C]) Put(c *Conn[C]) error {
	if err := p.checkIn(c); err != nil {
		return err
	}
	r := c.rec
	if r.detached.Load() {
		err := p.closeRaw(r)
		p.releaseSlot()
		return err
	}
	err := p.resetOnReturn(r)
	p.lis.checkin(r)
	cerr := p.closeRaw(r)
	p.releaseSlot()
	if err != nil {
		return err
	}
	return cerr
}

func (p *NullPool[C]) giveBack(c *Conn[C]) {
	_ = p.closeRaw(c.rec)
	p.st.open.Add(-1)
}

func (p *NullPool[C]) releaseSlot() { p.st.open.Add(-1) }

// Status reports the pool's numbers.
func (p *NullPool[C]) Status() Status { return p.status() }

// Listen adds a listener; safe to call concurrently with checkouts.
func (p *NullPool[C]) Listen(l Listener) { p.lis.add(l) }

// InvalidateAll marks every connection made so far as stale; as a NullPool
// closes every connection at checkin anyway, only the generation moves.
func (p *NullPool[C]) InvalidateAll(reason error) { p.invalidateGeneration(reason) }

// Dispose makes later checkouts fail with ErrClosed; checked-out connections
// are closed at checkin as always.
func (p *NullPool[C]) Dispose() error {
	p.closed.Store(true)
	return nil
}
