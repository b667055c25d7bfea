package pool

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// StaticPool holds exactly one connection and hands it to every checkout at
// once, SQLAlchemy's StaticPool: for SQLite in-memory databases, where each
// connection is its own database. The connection is made at the first Get,
// and made again after it is invalidated, recycled or the pool invalidated.
// Size, MaxOverflow and PrePing do not apply; a StaticPool's Conn is never
// reported as leaked, and Detach has no effect on it. Every Get must
// still be matched by one Put.
type StaticPool[C Connection] struct {
	core[C]
	mu     sync.Mutex
	conn   *Conn[C]
	closed bool
}

// NewStaticPool makes a StaticPool. Size and MaxOverflow are ignored.
func NewStaticPool[C Connection](create Creator[C], cfg Config) (*StaticPool[C], error) {
	if err := cfg.validateCommon(); err != nil {
		return nil, err
	}
	p := &StaticPool[C]{}
	if err := p.core.init("StaticPool", create, cfg, p); err != nil {
		return nil, err
	}
	return p, nil
}

// Get returns the shared connection, making it first if needed; a nil ctx is
// an error. Making it during a connect back-off fails at once with an error
// wrapping ErrConnectBackoff. A Checkout listener that invalidates the
// connection is treated as one that reports a disconnect.
func (p *StaticPool[C]) Get(ctx context.Context) (*Conn[C], error) {
	if err := checkCtx(ctx); err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		c, err := p.take(ctx)
		if err != nil {
			return nil, err
		}
		lerr := p.lis.checkout(ctx, c.rec)
		if lerr == nil && c.rec.invalid.Load() {
			lerr = errListenerInvalidated
		}
		if lerr == nil {
			return c, nil
		}
		p.untake(c)
		if !errors.Is(lerr, ErrDisconnect) {
			return nil, fmt.Errorf("alchemy: pool: checkout listener: %w", lerr)
		}
		p.invalidate(c.rec, lerr)
		p.mu.Lock()
		if p.conn == c { // forget it now, not at the next Get
			p.dropLocked()
		}
		p.mu.Unlock()
		if attempt >= maxCheckoutAttempts {
			return nil, fmt.Errorf("alchemy: pool: reconnection attempts exhausted on checkout: %w", lerr)
		}
	}
}

func (p *StaticPool[C]) take(ctx context.Context) (*Conn[C], error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, ErrClosed
	}
	c := p.conn
	if c != nil && (p.stale(c.rec) || (!c.rec.expires.IsZero() && time.Now().After(c.rec.expires))) {
		p.dropLocked()
		c = nil
	}
	if c == nil {
		nc, err := p.connect(ctx, nil)
		if err != nil {
			return nil, err
		}
		p.conn, c = nc, nc
		p.st.open.Store(1)
	} else {
		c.rec.fresh.Store(false)
	}
	c.rec.shared++
	p.st.out.Add(1)
	p.st.idle.Store(0)
	return c, nil
}

// dropLocked forgets the current connection; it is closed now if nobody holds
// it, else at its last Put.
func (p *StaticPool[C]) dropLocked() {
	c := p.conn
	p.conn = nil
	p.st.open.Store(0)
	p.st.idle.Store(0)
	if c != nil && c.rec.shared == 0 {
		_ = p.closeRaw(c.rec)
	}
}

func (p *StaticPool[C]) untake(c *Conn[C]) {
	p.mu.Lock()
	c.rec.shared--
	p.st.out.Add(-1)
	p.mu.Unlock()
}

// Put ends one checkout of the shared connection: reset on return (by the last holder only), Checkin
// event. An invalidated or stale connection is closed when its last holder
// returns it.
func (p *StaticPool[C]) Put(c *Conn[C]) error {
	if c == nil || c.rec == nil {
		return fmt.Errorf("%w: nil connection", ErrNotCheckedOut)
	}
	if c.rec.b != &p.base {
		return fmt.Errorf("%w: the connection belongs to another pool", ErrNotCheckedOut)
	}
	p.mu.Lock()
	if c.rec.shared == 0 {
		p.mu.Unlock()
		return fmt.Errorf("%w: the connection was already returned", ErrNotCheckedOut)
	}
	c.rec.shared--
	p.st.out.Add(-1)
	// The connection is reset only when its last holder returns it: resetting it
	// under another holder would roll back (or commit) that holder's transaction.
	// The lock is held so that no checkout takes it up during the reset.
	var err error
	if c.rec.shared == 0 {
		err = p.resetOnReturn(c.rec)
	}
	p.mu.Unlock()
	p.lis.checkin(c.rec)
	p.mu.Lock()
	defer p.mu.Unlock()
	current := p.conn == c
	if current && (p.closed || p.stale(c.rec)) {
		p.dropLocked()
	} else if !current && c.rec.shared == 0 {
		_ = p.closeRaw(c.rec)
	} else if current && c.rec.shared == 0 {
		p.st.idle.Store(1)
	}
	return err
}

func (p *StaticPool[C]) giveBack(c *Conn[C]) {}
func (p *StaticPool[C]) releaseSlot()        {}
func (p *StaticPool[C]) detach(r *Record)    {}

// Status reports the pool's numbers.
func (p *StaticPool[C]) Status() Status { return p.status() }

// Listen adds a listener; safe to call concurrently with checkouts.
func (p *StaticPool[C]) Listen(l Listener) { p.lis.add(l) }

// InvalidateAll replaces the shared connection: it is closed now if nobody
// holds it, else at its last checkin, and the next Get makes a new one.
func (p *StaticPool[C]) InvalidateAll(reason error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.invalidateGeneration(reason)
	if p.conn != nil {
		p.st.invalidated.Add(1)
		p.dropLocked()
	}
}

// Dispose closes the shared connection (at once, or at its last checkin);
// later calls to Get return ErrClosed.
func (p *StaticPool[C]) Dispose() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	p.dropLocked()
	return nil
}
