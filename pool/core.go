package pool

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"time"
)

// maxCheckoutAttempts is how many connections a checkout tries when checkout
// listeners report a disconnect.
const maxCheckoutAttempts = 3

// poolImpl is what the shared core needs from a concrete pool.
type poolImpl interface {
	detach(r *record) // Conn.Detach
	giveBack(c *Conn) // a prepared connection is returned unused
	releaseSlot()     // a slot taken by a checkout is given up
}

// base is the part every pool shares: config, creator, listeners, counters.
type base struct {
	kind      string
	cfg       Config
	create    Creator
	lis       listeners
	st        counters
	gen       atomic.Uint64
	first     atomic.Bool
	impl      poolImpl
	leakCheck bool
	bo        backoff
}

func (b *base) init(kind string, create Creator, cfg Config, impl poolImpl) error {
	if create == nil {
		return fmt.Errorf("alchemy: pool: %s needs a creator: %w", kind, ErrInvalidConfig)
	}
	b.kind, b.create, b.cfg, b.impl = kind, create, cfg, impl
	b.bo.base, b.bo.max = cfg.ConnectBackoff, cfg.ConnectBackoffMax
	b.cfg.Listeners = nil
	if len(cfg.Listeners) > 0 {
		b.lis.add(cfg.Listeners...)
	}
	return nil
}

func (b *base) logger() *slog.Logger {
	if b.cfg.Logger != nil {
		return b.cfg.Logger
	}
	return slog.Default()
}

type connectResult struct {
	c   Connection
	err error
}

// connectCall lets a checkout stop waiting for a creator that ignores its
// context; whatever that creator returns afterwards is closed.
type connectCall struct {
	state atomic.Int32 // 0 pending, 1 delivered, 2 abandoned
	ch    chan connectResult
}

func (call *connectCall) run(b *base, ctx context.Context, release func()) {
	c, err := b.create(ctx)
	if call.state.CompareAndSwap(0, 1) {
		call.ch <- connectResult{c, err}
		return
	}
	if c != nil {
		// Too late for its checkout, but proof that the server is back.
		b.bo.succeeded(false, b.logger(), b.cfg.Name)
		_ = c.Close()
		b.lis.close(c, true)
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
func (b *base) connect(ctx context.Context, release func()) (*Conn, error) {
	probe, err := b.bo.admit()
	if err != nil {
		b.st.connectFailFast.Add(1)
		if release != nil {
			release()
		}
		return nil, err
	}
	b.st.connects.Add(1)
	r := b.dial(ctx, release)
	switch {
	case r.err == nil:
		b.bo.succeeded(probe, b.logger(), b.cfg.Name)
		return b.newConn(r.raw), nil
	case callerEnded(ctx):
		// The caller gave up: no evidence against the server.
		b.bo.abandoned(probe)
	default:
		b.st.connectFailures.Add(1)
		b.bo.failed(probe, r.cause, b.logger(), b.cfg.Name)
	}
	// Only now that the back-off knows, or a checkout handed this slot would
	// dial before it does.
	if !r.late && release != nil {
		release()
	}
	return nil, r.err
}

// dialResult is what one call of the creator came to.
type dialResult struct {
	raw   Connection
	err   error // for the caller
	cause error // for the back-off: the creator's own error, or the timeout
	late  bool  // abandoned: the creator frees the slot when it returns
}

// dial runs the creator, bounded by ctx and Config.Timeout. If it stops
// waiting for a creator that ignores its context, that creator's goroutine
// closes what it returns late and then calls release.
func (b *base) dial(ctx context.Context, release func()) dialResult {
	cctx := ctx
	if b.cfg.Timeout > 0 {
		var cancel context.CancelFunc
		cctx, cancel = context.WithTimeout(ctx, b.cfg.Timeout)
		defer cancel()
	}
	call := &connectCall{ch: make(chan connectResult, 1)}
	go call.run(b, cctx, release)
	var r connectResult
	select {
	case r = <-call.ch:
	case <-cctx.Done():
		if call.state.CompareAndSwap(0, 2) {
			if err := ctx.Err(); err != nil {
				return dialResult{err: fmt.Errorf("alchemy: pool: connect: %w", err), cause: err, late: true}
			}
			err := fmt.Errorf("alchemy: pool: connect timed out after %v: %w (%w)", b.cfg.Timeout, ErrTimeout, context.DeadlineExceeded)
			return dialResult{err: err, cause: err, late: true}
		}
		r = <-call.ch
	}
	if r.err == nil && r.c != nil {
		return dialResult{raw: r.c}
	}
	if r.c != nil {
		_ = r.c.Close()
	}
	if r.err == nil {
		err := errors.New("alchemy: pool: connect: creator returned a nil connection and no error")
		return dialResult{err: err, cause: err}
	}
	return dialResult{err: fmt.Errorf("alchemy: pool: connect: %w", r.err), cause: r.err}
}

func (b *base) newConn(raw Connection) *Conn {
	now := time.Now()
	r := &record{b: b, raw: raw, created: now, lastUsed: now, gen: b.gen.Load()}
	if b.cfg.Recycle > 0 {
		age := b.cfg.Recycle
		if b.cfg.RecycleJitter > 0 {
			age -= rand.N(b.cfg.RecycleJitter)
		}
		r.expires = now.Add(age)
	}
	r.fresh.Store(true)
	c := &Conn{rec: r}
	if b.leakCheck {
		r.cleanup = runtime.AddCleanup(c, leakCleanup, r)
		r.hasCleanup = true
	}
	b.st.created.Add(1)
	b.lis.connect(c, b.first.CompareAndSwap(false, true))
	return c
}

// closeRaw closes the raw connection once and fires Close or CloseDetached.
// If another goroutine is closing it, closeRaw waits until that Close has
// returned: a caller that frees the slot next never frees it early.
func (b *base) closeRaw(r *record) error {
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
func (b *base) invalidate(c *Conn, reason error) {
	r := c.rec
	if !r.invalid.CompareAndSwap(false, true) {
		return
	}
	b.st.invalidated.Add(1)
	b.lis.invalidate(c, reason, false)
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
func (b *base) stale(r *record) bool {
	return r.invalid.Load() || r.soft.Load() || r.gen < b.gen.Load()
}

// put is the checkin QueuePool and AssertionPool share: check that c is out,
// reset on return, the Checkin event, then the pool's own giveBack. A failed
// reset invalidates the connection and is returned, but the checkin completes.
func (b *base) put(c *Conn) error {
	if err := b.checkIn(c); err != nil {
		return err
	}
	r := c.rec
	if r.detached.Load() {
		err := b.closeRaw(r)
		b.impl.releaseSlot() // a detached connection kept its slot until now
		return err
	}
	err := b.resetOnReturn(c)
	b.lis.checkin(c)
	if b.cfg.PrePingIdle > 0 {
		r.lastUsed = time.Now()
	}
	b.impl.giveBack(c)
	return err
}

// resetOnReturn runs the checkin reset; a failure invalidates the connection.
func (b *base) resetOnReturn(c *Conn) error {
	r := c.rec
	mode := b.cfg.ResetOnReturn
	if mode == ResetNone || r.invalid.Load() {
		return nil
	}
	b.lis.reset(c, mode)
	if err := r.raw.Reset(context.Background(), mode); err != nil {
		e := fmt.Errorf("alchemy: pool: reset (%s) on return failed, connection invalidated: %w", mode, err)
		b.invalidate(c, e)
		return e
	}
	return nil
}

// checkoutListeners runs the Checkout listeners, replacing the connection
// when one reports a disconnect, or invalidates it (Conn.Invalidate) and
// returns nil: a checkout never hands out an invalidated connection. On error
// the slot has been given back.
func (b *base) checkoutListeners(ctx context.Context, c *Conn) (*Conn, error) {
	for attempt := 1; ; attempt++ {
		err := b.lis.checkout(ctx, c)
		if err == nil && c.rec.invalid.Load() {
			err = errListenerInvalidated
		}
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, ErrDisconnect) {
			b.impl.giveBack(c)
			return nil, fmt.Errorf("alchemy: pool: checkout listener: %w", err)
		}
		b.invalidate(c, err)
		if attempt >= maxCheckoutAttempts {
			b.impl.releaseSlot()
			return nil, fmt.Errorf("alchemy: pool: reconnection attempts exhausted on checkout: %w", err)
		}
		if c, err = b.connect(ctx, b.impl.releaseSlot); err != nil {
			return nil, err
		}
	}
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
func (b *base) ping(ctx context.Context, r *record) error {
	if b.cfg.PingTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, b.cfg.PingTimeout)
		defer cancel()
	}
	return r.raw.Ping(ctx)
}

// markOut records a successful checkout.
func (b *base) markOut(r *record) {
	if b.cfg.TrackCheckouts {
		r.nstack = runtime.Callers(3, r.stack[:])
	}
	r.state.Store(stateOut)
	b.st.out.Add(1)
}

// checkIn validates a Put: c must be a Conn of this pool that is checked out.
func (b *base) checkIn(c *Conn) error {
	if c == nil || c.rec == nil {
		return fmt.Errorf("%w: nil connection", ErrNotCheckedOut)
	}
	if c.rec.b != b {
		return fmt.Errorf("%w: the connection belongs to another pool", ErrNotCheckedOut)
	}
	if !c.rec.state.CompareAndSwap(stateOut, stateIdle) {
		return fmt.Errorf("%w: the connection was already returned", ErrNotCheckedOut)
	}
	if !c.rec.detached.Load() {
		b.st.out.Add(-1)
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
