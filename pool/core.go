package pool

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"time"
)

// maxCheckoutAttempts is how many connections a checkout tries when checkout
// listeners report a disconnect.
const maxCheckoutAttempts = 3

// slots is what a Record needs from its pool, whatever the connection type:
// Record.Detach and the leak cleanup go through it.
type slots interface {
	detach(r *Record) // Record.Detach
	releaseSlot()     // a slot taken by a checkout is given up
}

// poolImpl is what the shared core needs from a concrete pool.
type poolImpl[C Connection] interface {
	slots
	giveBack(c *Conn[C]) // a prepared connection is returned unused
}

// base is the part every pool shares that does not depend on the connection
// type: config, listeners, counters, generation, back-off. Records point at it.
type base struct {
	kind      string
	cfg       Config
	lis       listeners
	st        counters
	gen       atomic.Uint64
	first     atomic.Bool
	slots     slots
	leakCheck bool
	bo        backoff
	clk       idleClock
	// timedChecks says a checkout has recycle or pre-ping to check; idleFast
	// is MaxIdleTime/2, or the largest int64 without MaxIdleTime: a
	// connection idle for less by the coarse clock needs no exact check.
	timedChecks bool
	idleFast    int64
}

// core is base with the creator and the concrete pool, typed by C.
type core[C Connection] struct {
	base
	create Creator[C]
	impl   poolImpl[C]
}

func (p *core[C]) init(kind string, create Creator[C], cfg Config, impl poolImpl[C]) error {
	if create == nil {
		return fmt.Errorf("alchemy: pool: %s needs a creator: %w", kind, ErrInvalidConfig)
	}
	p.kind, p.create, p.cfg, p.impl, p.slots = kind, create, cfg, impl, impl
	p.bo.base, p.bo.max = cfg.ConnectBackoff, cfg.ConnectBackoffMax
	p.timedChecks = cfg.Recycle > 0 || cfg.PrePing
	p.idleFast = math.MaxInt64
	if cfg.MaxIdleTime > 0 {
		p.idleFast = int64(cfg.MaxIdleTime / 2)
	}
	p.cfg.Listeners = nil
	if len(cfg.Listeners) > 0 {
		p.lis.add(cfg.Listeners...)
	}
	return nil
}

func (b *base) logger() *slog.Logger {
	if b.cfg.Logger != nil {
		return b.cfg.Logger
	}
	return slog.Default()
}

type connectResult[C Connection] struct {
	c   C
	err error
}

// connectCall lets a checkout stop waiting for a creator that ignores its
// context; whatever that creator returns afterwards is closed.
type connectCall[C Connection] struct {
	state atomic.Int32 // 0 pending, 1 delivered, 2 abandoned
	ch    chan connectResult[C]
}

func (call *connectCall[C]) run(p *core[C], ctx context.Context, release func()) {
	c, err := p.create(ctx)
	if call.state.CompareAndSwap(0, 1) {
		call.ch <- connectResult[C]{c, err}
		return
	}
	if !isNil(c) {
		// Too late for its checkout, but proof that the server is back.
		p.bo.succeeded(false, p.logger(), p.cfg.Name)
		_ = c.Close()
		p.lis.close(c, true)
	}
	if release != nil {
		release() // only now: the late connection is closed
	}
}

// connect makes a new raw connection and its Conn, bounded by ctx and
// Config.Timeout, and fires FirstConnect and Connect. It asks the back-off
// gate first (see backoff.go): during a back-off it fails fast, without
// calling the creator, with an error wrapping ErrConnectBackoff and the last
// connect error.
//
// On failure it calls release (if not nil) to give back the caller's slot: at
// once, or, when it stops waiting for a creator that ignores its context, only
// once that creator has returned and its late connection is closed, so that
// the pool never has more raw connections than slots.
func (p *core[C]) connect(ctx context.Context, release func()) (*Conn[C], error) {
	probe, err := p.bo.admit()
	if err != nil {
		p.st.connectFailFast.Add(1)
		if release != nil {
			release()
		}
		return nil, err
	}
	p.st.connects.Add(1)
	r := p.dial(ctx, release)
	switch {
	case r.err == nil:
		p.bo.succeeded(probe, p.logger(), p.cfg.Name)
		return p.newConn(r.raw), nil
	case callerEnded(ctx):
		// The caller gave up: no evidence against the server.
		p.bo.abandoned(probe)
	default:
		p.st.connectFailures.Add(1)
		p.bo.failed(probe, r.cause, p.logger(), p.cfg.Name)
	}
	// Only now that the back-off knows, or a checkout handed this slot would
	// dial before it does.
	if !r.late && release != nil {
		release()
	}
	return nil, r.err
}

// dialResult is what one call of the creator came to.
type dialResult[C Connection] struct {
	raw   C
	err   error // for the caller
	cause error // for the back-off: the creator's own error, or the timeout
	late  bool  // abandoned: the creator frees the slot when it returns
}

// dial runs the creator, bounded by ctx and Config.Timeout. If it stops
// waiting for a creator that ignores its context, that creator's goroutine
// closes what it returns late and then calls release.
func (p *core[C]) dial(ctx context.Context, release func()) dialResult[C] {
	cctx := ctx
	if p.cfg.Timeout > 0 {
		var cancel context.CancelFunc
		cctx, cancel = context.WithTimeout(ctx, p.cfg.Timeout)
		defer cancel()
	}
	call := &connectCall[C]{ch: make(chan connectResult[C], 1)}
	go call.run(p, cctx, release)
	var r connectResult[C]
	select {
	case r = <-call.ch:
	case <-cctx.Done():
		if call.state.CompareAndSwap(0, 2) {
			if err := ctx.Err(); err != nil {
				return dialResult[C]{err: fmt.Errorf("alchemy: pool: connect: %w", err), cause: err, late: true}
			}
			err := fmt.Errorf("alchemy: pool: connect timed out after %v: %w (%w)", p.cfg.Timeout, ErrTimeout, context.DeadlineExceeded)
			return dialResult[C]{err: err, cause: err, late: true}
		}
		r = <-call.ch
	}
	null := isNil(r.c)
	if r.err == nil && !null {
		return dialResult[C]{raw: r.c}
	}
	if !null {
		_ = r.c.Close()
	}
	if r.err == nil {
		err := errors.New("alchemy: pool: connect: creator returned a nil connection and no error")
		return dialResult[C]{err: err, cause: err}
	}
	return dialResult[C]{err: fmt.Errorf("alchemy: pool: connect: %w", r.err), cause: r.err}
}

func (p *core[C]) newConn(raw C) *Conn[C] {
	now := time.Now()
	r := &Record{b: &p.base, raw: raw, created: now, lastUsed: now, gen: p.gen.Load(), idleSince: p.stamp()}
	if p.cfg.Recycle > 0 {
		age := p.cfg.Recycle
		if p.cfg.RecycleJitter > 0 {
			age -= rand.N(p.cfg.RecycleJitter)
		}
		r.expires = now.Add(age)
	}
	r.fresh.Store(true)
	c := &Conn[C]{rec: r, raw: raw}
	if p.leakCheck {
		r.cleanup = runtime.AddCleanup(c, leakCleanup, r)
		r.hasCleanup = true
	}
	p.st.created.Add(1)
	p.lis.connect(r, p.first.CompareAndSwap(false, true))
	return c
}

// closeRaw closes the raw connection once and fires Close or CloseDetached.
// If another goroutine is closing it, closeRaw waits until that Close has
// returned: a caller that frees the slot next never frees it early.
func (b *base) closeRaw(r *Record) error {
	r.closeMu.Lock()
	defer r.closeMu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	if r.hasCleanup {
		r.cleanup.Stop()
	}
	err := r.raw.Close()
	b.st.closed.Add(1)
	b.lis.close(r.raw, r.detached.Load())
	if err != nil {
		b.logger().Warn("alchemy: pool: error closing connection", "pool", b.cfg.Name, "error", err)
		return fmt.Errorf("alchemy: pool: close: %w", err)
	}
	return nil
}

// invalidate is a hard invalidation: Invalidate event, then close.
func (b *base) invalidate(r *Record, reason error) {
	if !r.invalid.CompareAndSwap(false, true) {
		return
	}
	b.st.invalidated.Add(1)
	b.lis.invalidate(r, reason, false)
	b.logger().Info("alchemy: pool: connection invalidated", "pool", b.cfg.Name, "reason", errString(reason))
	_ = b.closeRaw(r)
}

// invalidateGeneration marks every connection made so far as stale.
func (b *base) invalidateGeneration(reason error) {
	b.gen.Add(1)
	b.logger().Info("alchemy: pool: pool invalidated", "pool", b.cfg.Name, "reason", errString(reason))
}

// stale reports whether r must not be reused: invalidated, soft-invalidated,
// or made before the last pool invalidation.
func (b *base) stale(r *Record) bool {
	return r.invalid.Load() || r.soft.Load() || r.gen < b.gen.Load()
}

// put is the checkin QueuePool and AssertionPool share: check that c is out,
// reset on return, the Checkin event, then the pool's own giveBack. A failed
// reset invalidates the connection and is returned, but the checkin completes.
func (p *core[C]) put(c *Conn[C]) error {
	if err := p.checkIn(c); err != nil {
		return err
	}
	r := c.rec
	if r.detached.Load() {
		err := p.closeRaw(r)
		p.impl.releaseSlot() // a detached connection kept its slot until now
		return err
	}
	err := p.resetOnReturn(r)
	p.lis.checkin(r)
	if p.cfg.PrePingIdle > 0 {
		r.lastUsed = time.Now()
	}
	r.idleSince = p.stamp() // 0 without MaxIdleTime
	p.impl.giveBack(c)
	return err
}

// resetOnReturn runs the checkin reset; a failure invalidates the connection.
func (b *base) resetOnReturn(r *Record) error {
	mode := b.cfg.ResetOnReturn
	if mode == ResetNone || r.invalid.Load() {
		return nil
	}
	b.lis.reset(r, mode)
	if err := r.raw.Reset(context.Background(), mode); err != nil {
		e := fmt.Errorf("alchemy: pool: reset (%s) on return failed, connection invalidated: %w", mode, err)
		b.invalidate(r, e)
		return e
	}
	return nil
}

// checkoutListeners runs the Checkout listeners, replacing the connection
// when one reports a disconnect, or invalidates it (Record.Invalidate) and
// returns nil: a checkout never hands out an invalidated connection. On error
// the slot has been given back. QueuePool.Get calls it only when checkoutHooks
// says it has work.
func (p *core[C]) checkoutListeners(ctx context.Context, c *Conn[C]) (*Conn[C], error) {
	for attempt := 1; ; attempt++ {
		err := p.lis.checkout(ctx, c.rec)
		if err == nil && c.rec.invalid.Load() {
			err = errListenerInvalidated
		}
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, ErrDisconnect) {
			p.impl.giveBack(c)
			return nil, fmt.Errorf("alchemy: pool: checkout listener: %w", err)
		}
		p.invalidate(c.rec, err)
		if attempt >= maxCheckoutAttempts {
			p.impl.releaseSlot()
			return nil, fmt.Errorf("alchemy: pool: reconnection attempts exhausted on checkout: %w", err)
		}
		if c, err = p.connect(ctx, p.impl.releaseSlot); err != nil {
			return nil, err
		}
	}
}

// checkoutHooks reports whether a checkout of r has work for checkoutListeners:
// a listener to run, or an invalidation to act on. Without it, QueuePool.Get
// skips that call (which the compiler does not inline into generic code).
func (b *base) checkoutHooks(r *Record) bool {
	return !b.lis.none() || r.invalid.Load()
}

// checkCtx is the start of every Get: a nil ctx is an error, not a panic
// further down, and a ctx that has already ended fails the checkout.
func checkCtx(ctx context.Context) error {
	if ctx == nil {
		return errNilContext
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("alchemy: pool: checkout: %w", err)
	}
	return nil
}

// ping pre-pings r, bounded by PingTimeout.
func (b *base) ping(ctx context.Context, r *Record) error {
	if b.cfg.PingTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, b.cfg.PingTimeout)
		defer cancel()
	}
	return r.raw.Ping(ctx)
}

// detach takes r out of the checked-out count (Record.Detach); its slot is
// freed at Put, once the raw connection is closed.
func (b *base) detach(r *Record) {
	r.detached.Store(true)
	b.st.out.Add(-1)
}

// markOut records a successful checkout.
func (b *base) markOut(r *Record) {
	if b.cfg.TrackCheckouts {
		r.nstack = runtime.Callers(3, r.stack[:])
	}
	r.state.Store(stateOut)
	b.st.out.Add(1)
}

// checkIn validates a Put: c must be a Conn of this pool that is checked out.
func (p *core[C]) checkIn(c *Conn[C]) error {
	if c == nil || c.rec == nil {
		return fmt.Errorf("%w: nil connection", ErrNotCheckedOut)
	}
	if c.rec.b != &p.base {
		return fmt.Errorf("%w: the connection belongs to another pool", ErrNotCheckedOut)
	}
	if !c.rec.state.CompareAndSwap(stateOut, stateIdle) {
		return fmt.Errorf("%w: the connection was already returned", ErrNotCheckedOut)
	}
	if !c.rec.detached.Load() {
		p.st.out.Add(-1)
	}
	return nil
}

// callerEnded reports whether ctx has ended or reached its deadline: a dial cut off
// by the deadline (net.Dialer takes it as the socket's) may fail a moment before the
// context's own timer fires.
func callerEnded(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	d, ok := ctx.Deadline()
	return ok && !time.Now().Before(d)
}
