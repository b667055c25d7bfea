package pool

import (
	"sync"
	"sync/atomic"
	"time"
)

// watchdog ticks while checkouts of a QueuePool wait. It keeps the pool's
// coarse clock (idleClock.now) current to a millisecond, so that a wait is
// timed with two atomic loads instead of two clock reads, and it times the
// waits out for all of them at once, so that a waiting checkout needs
// neither a timer of its own nor a select: it parks on a plain receive from
// the pool's channel (chanQueue.ch), and a timeout reaches it there as a
// mark (chanQueue.timeoutMark).
//
// The ticks run only while checkouts wait: the first waiter arms the timer
// (and reads the exact clock, as now may be stale), a tick that finds nobody
// waiting disarms it. A wait's share of Status.WaitTime is thus off by less
// than a tick, and the sum over many waits is unbiased.
//
// The ticks back off while the waits make no progress: a tick that finds
// checkouts waiting but no wait begun since the tick before (counters.waits
// has not moved) doubles the interval to the next tick, up to the epoch
// period with a Timeout (so that no epoch ends later: see below) and up to
// maxTickInterval without one. A pool exhausted by connections held for
// long, with checkouts waiting out a long Timeout or none, thus ticks about
// ten times in the first second, then once an interval, instead of a
// thousand times a second. While backed off the coarse clock may be stale by
// more than a tick, so a wait reads the exact clock (idleClock.read) at both
// ends instead, and WaitTime stays as accurate. The mode (tickOff, tickFast,
// tickSlow) says which: a wait loads it at both ends. The tick stores it
// only when it changes, and a wait only when it finds the ticks off or
// backed off: it sets them back to full speed at once (watchdog.speedUp).
// Under contention, where waits begin at every tick, the ticks stay at full
// speed, nobody writes the mode, and a wait reads no clock.
//
// Waits are grouped in epochs for the timeout: a checkout that starts
// waiting joins the current epoch (one atomic load) and counts itself in the
// epoch's slot; every Timeout/16 (at least every tick) a tick ends the epoch
// and records when. Every wait of an epoch began before the epoch ended, so
// once Timeout has passed since then, each has waited at least Timeout: the
// epoch is expired. A timeout thus never comes early, and comes at most two
// epochs (and the timer's own lateness) late. A backed-off tick is never
// scheduled past the end of the current epoch, so backing off delays no
// epoch's end and no timeout.
//
// Every waiter shares one Timeout and the channel serves waiters first in
// first out, so the expired ones are at the head of the queue: a tick that
// finds expired waits sends one mark, and each waiter that times out passes
// it on while expired waits remain. A waiter not yet expired that receives
// the mark (one that expired went meanwhile, or had not parked yet) drops it
// and parks again — at the back of the queue: the one departure from first in
// first out, and only while checkouts are timing out; the next tick sends the
// mark again.
type watchdog struct {
	timeout time.Duration // 0: no timeout, the ticks only keep the clock
	period  time.Duration // of an epoch
	ceiling time.Duration // of the backed-off interval
	clk     *idleClock
	waiters *atomic.Int64 // counters.waiters
	waits   *atomic.Int64 // counters.waits: how many waits have begun

	epoch   atomic.Uint64 // the epoch new waits join
	expired atomic.Uint64 // epochs below it are expired
	mode    atomic.Int32  // tickOff, tickFast or tickSlow
	marked  atomic.Bool   // a timeout mark is in the channel
	count   [epochRing]paddedCount

	mu       sync.Mutex // serialises ticks
	ended    [epochRing]int64
	rotated  int64
	interval time.Duration // between ticks, tickPeriod unless backed off
	seen     int64         // *waits at the tick before
	ticks    int64         // ticks so far, for the tests
	timer    *time.Timer
	send     func() // sends the timeout mark (chanQueue.sendTimeoutMark)
	live     func() bool
}

// The modes of the ticks (watchdog.mode).
const (
	tickOff  int32 = iota // no tick pending: the next wait arms the timer
	tickFast              // every tickPeriod: now is current to a tick
	tickSlow              // backed off: now may be stale, waits read the clock
)

// tickPeriod is how often the watchdog ticks while waits begin.
const tickPeriod = time.Millisecond

// maxTickInterval is how far the ticks back off without a Timeout.
const maxTickInterval = time.Second

// epochRing is how many epochs are tracked: more than the ticks in one
// Timeout, with room for waits slow to leave.
const epochRing = 32

// ticksPerTimeout sets the tick period: Timeout/ticksPerTimeout.
const ticksPerTimeout = 16

type paddedCount struct {
	n atomic.Int64
	_ [56]byte // one cache line each: waits of adjacent epochs do not share
}

func (w *watchdog) init(timeout time.Duration, clk *idleClock, waiters, waits *atomic.Int64, send func(), live func() bool) {
	w.timeout, w.clk, w.waiters, w.waits, w.send, w.live = timeout, clk, waiters, waits, send, live
	w.period = max(timeout/ticksPerTimeout, tickPeriod)
	w.ceiling = maxTickInterval
	if timeout > 0 {
		w.ceiling = w.period
	}
	w.interval = tickPeriod
	w.timer = time.AfterFunc(time.Hour, w.tick)
	w.timer.Stop()
}

// enter starts a wait, already counted in st.waiters and st.waits: it joins
// the current epoch, and returns it with the clock at the start.
func (w *watchdog) enter() (epoch uint64, start int64) {
	if w.timeout > 0 {
		epoch = w.epoch.Load()
		w.count[epoch%epochRing].n.Add(1)
	}
	if w.mode.Load() == tickFast {
		return epoch, w.clk.now.Load()
	}
	return epoch, w.speedUp()
}

// speedUp starts a wait while the ticks are off or backed off: it reads the
// exact clock, as now may be stale, and sets the ticks to tickPeriod. The
// clock is read first, so that a wait that sees tickFast reads a now no
// older than this.
func (w *watchdog) speedUp() int64 {
	start := w.clk.read()
	for {
		m := w.mode.Load()
		if m == tickFast {
			return start
		}
		if w.mode.CompareAndSwap(m, tickFast) {
			w.timer.Reset(tickPeriod)
			return start
		}
	}
}

// leave ends a wait of epoch e, whatever ended it, and returns its length.
// now never goes back, so the length is never negative.
func (w *watchdog) leave(e uint64, start int64) time.Duration {
	if w.timeout > 0 {
		w.count[e%epochRing].n.Add(-1)
	}
	if w.mode.Load() == tickFast {
		return time.Duration(w.clk.now.Load() - start)
	}
	return time.Duration(w.clk.read() - start) // backed off: now may be stale
}

// due reports whether a wait of epoch e has waited its Timeout.
func (w *watchdog) due(e uint64) bool { return w.timeout > 0 && e < w.expired.Load() }

// overdue counts the expired waits not gone yet.
func (w *watchdog) overdue() int64 {
	cur, exp := w.epoch.Load(), w.expired.Load()
	var n int64
	for e := exp; e > 0 && cur-e < epochRing-1; {
		e--
		n += w.count[e%epochRing].n.Load()
	}
	return n
}

// passOn sends the timeout mark on if expired waits remain.
func (w *watchdog) passOn() {
	if w.overdue() > 0 {
		w.mark()
	}
}

// mark sends the timeout mark unless one is in the channel already.
func (w *watchdog) mark() {
	if !w.marked.Load() && w.marked.CompareAndSwap(false, true) {
		w.send()
	}
}

// unmark records that the timeout mark has been taken off the channel.
func (w *watchdog) unmark() { w.marked.Store(false) }

// tick advances the clock; every epoch period it ends the current epoch,
// expires the epochs whose Timeout has passed and wakes their waits. It runs
// again while any checkout waits: after tickPeriod if a wait began since the
// tick before, else after twice the interval before (at most the ceiling,
// and never past the end of the epoch).
func (w *watchdog) tick() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ticks++
	if !w.live() {
		w.mode.Store(tickOff)
		return
	}
	now := w.clk.read()
	if w.timeout > 0 && now-w.rotated >= int64(w.period) {
		w.rotate(now)
	}
	if w.waiters.Load() == 0 {
		w.interval = tickPeriod
		w.mode.Store(tickOff)
		// A wait that began after the check above may have seen the ticks on.
		if w.waiters.Load() > 0 && w.mode.CompareAndSwap(tickOff, tickFast) {
			w.timer.Reset(tickPeriod)
		}
		return
	}
	if n := w.waits.Load(); n != w.seen {
		w.seen, w.interval = n, tickPeriod
	} else {
		w.interval = min(2*w.interval, w.ceiling)
	}
	mode, d := tickFast, w.interval
	if d > tickPeriod {
		mode = tickSlow
		if w.timeout > 0 {
			d = min(d, time.Duration(w.rotated+int64(w.period)-now)) // the epoch's end
		}
	}
	if w.mode.Load() != mode { // no store while unchanged: waits load it
		w.mode.Store(mode)
	}
	w.timer.Reset(d)
	// A wait that sped the ticks up (speedUp) after the store above must not
	// be slowed down by the Reset.
	if mode == tickSlow && w.mode.Load() == tickFast {
		w.timer.Reset(tickPeriod)
	}
}

// rotate ends the current epoch at now, expires the epochs Timeout old and
// sends the timeout mark if any of their waits remain.
func (w *watchdog) rotate(now int64) {
	w.rotated = now
	cur := w.epoch.Load()
	// Start a new epoch unless its slot still counts waits of an epoch
	// epochRing ago (then the current one just lasts longer).
	if w.count[(cur+1)%epochRing].n.Load() == 0 {
		w.ended[cur%epochRing] = now
		w.epoch.Store(cur + 1)
		cur++
	}
	exp := w.expired.Load()
	for exp < cur && w.ended[exp%epochRing]+int64(w.timeout) <= now {
		exp++
	}
	w.expired.Store(exp)
	if w.overdue() > 0 {
		w.mark()
	}
}

// stop ends the ticks (Dispose).
func (w *watchdog) stop() { w.timer.Stop() }
