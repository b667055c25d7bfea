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
// Waits are grouped in epochs for the timeout: a checkout that starts
// waiting joins the current epoch (one atomic load) and counts itself in the
// epoch's slot; every Timeout/16 (at least every tick) a tick ends the epoch
// and records when. Every wait of an epoch began before the epoch ended, so
// once Timeout has passed since then, each has waited at least Timeout: the
// epoch is expired. A timeout thus never comes early, and comes at most two
// epochs (and the timer's own lateness) late.
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
	clk     *idleClock
	waiters *atomic.Int64 // counters.waiters

	epoch   atomic.Uint64 // the epoch new waits join
	expired atomic.Uint64 // epochs below it are expired
	armed   atomic.Bool
	marked  atomic.Bool // a timeout mark is in the channel
	count   [epochRing]paddedCount

	mu      sync.Mutex // serialises ticks
	ended   [epochRing]int64
	rotated int64
	timer   *time.Timer
	send    func() // sends the timeout mark (chanQueue.sendTimeoutMark)
	live    func() bool
}

// tickPeriod is how often the watchdog ticks while checkouts wait.
const tickPeriod = time.Millisecond

// epochRing is how many epochs are tracked: more than the ticks in one
// Timeout, with room for waits slow to leave.
const epochRing = 32

// ticksPerTimeout sets the tick period: Timeout/ticksPerTimeout.
const ticksPerTimeout = 16

type paddedCount struct {
	n atomic.Int64
	_ [56]byte // one cache line each: waits of adjacent epochs do not share
}

func (w *watchdog) init(timeout time.Duration, clk *idleClock, waiters *atomic.Int64, send func(), live func() bool) {
	w.timeout, w.clk, w.waiters, w.send, w.live = timeout, clk, waiters, send, live
	w.period = max(timeout/ticksPerTimeout, tickPeriod)
	w.timer = time.AfterFunc(time.Hour, w.tick)
	w.timer.Stop()
}

// enter starts a wait, already counted in st.waiters: it joins the current
// epoch, and returns it with the clock at the start.
func (w *watchdog) enter() (epoch uint64, start int64) {
	if w.timeout > 0 {
		epoch = w.epoch.Load()
		w.count[epoch%epochRing].n.Add(1)
	}
	if w.armed.Load() || !w.armed.CompareAndSwap(false, true) {
		return epoch, w.clk.now.Load()
	}
	start = w.clk.read() // the clock has not ticked since the last waits
	w.timer.Reset(tickPeriod)
	return epoch, start
}

// leave ends a wait of epoch e, whatever ended it, and returns its length.
func (w *watchdog) leave(e uint64, start int64) time.Duration {
	if w.timeout > 0 {
		w.count[e%epochRing].n.Add(-1)
	}
	return time.Duration(w.clk.now.Load() - start)
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
// again while any checkout waits.
func (w *watchdog) tick() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.live() {
		w.armed.Store(false)
		return
	}
	now := w.clk.read()
	if w.timeout > 0 && now-w.rotated >= int64(w.period) {
		w.rotate(now)
	}
	if w.waiters.Load() > 0 {
		w.timer.Reset(tickPeriod)
		return
	}
	w.armed.Store(false)
	// A wait that began after the check above may have seen armed still set.
	if w.waiters.Load() > 0 && w.armed.CompareAndSwap(false, true) {
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
