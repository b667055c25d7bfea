package pool

import (
	"sync"
	"sync/atomic"
	"time"
)

// watchdog times out the waiting checkouts of a QueuePool for all of them at
// once, so that a waiting checkout needs neither a timer of its own nor a
// select: it parks on a plain receive from the pool's channel (chanQueue.ch),
// and a timeout reaches it there as a mark (chanQueue.timeoutMark).
//
// Waits are grouped in epochs: a checkout that starts waiting joins the
// current epoch (one atomic load, no clock read) and counts itself in the
// epoch's slot; a tick ends the epoch and records when. Every wait of an
// epoch began before the epoch ended, so once Timeout has passed since then,
// each has waited at least Timeout: the epoch is expired. A timeout thus
// never comes early, and comes at most two tick periods (Timeout/16 each)
// late, plus the timer's own lateness.
//
// The ticks run only while checkouts wait: the first waiter arms the timer,
// a tick that finds nobody waiting disarms it. Every waiter shares one
// Timeout and the channel serves waiters first in first out, so the expired
// ones are at the head of the queue: a tick that finds expired waits sends
// one mark, and each waiter that times out passes it on while expired waits
// remain. A waiter not yet expired that receives the mark (one that expired
// went meanwhile, or had not parked yet) drops it and parks again — at the
// back of the queue: the one departure from first in first out, and only
// while checkouts are timing out; the next tick sends the mark again.
type watchdog struct {
	timeout time.Duration
	period  time.Duration
	start   time.Time // the pool's clock base

	epoch   atomic.Uint64 // the epoch new waits join
	expired atomic.Uint64 // epochs below it are expired
	armed   atomic.Bool
	marked  atomic.Bool // a timeout mark is in the channel
	count   [epochRing]paddedCount

	mu    sync.Mutex // serialises ticks
	ended [epochRing]time.Duration
	timer *time.Timer
	send  func() // sends the timeout mark (chanQueue.sendTimeoutMark)
	live  func() bool
}

// epochRing is how many epochs are tracked: more than the ticks in one
// Timeout, with room for waits slow to leave.
const epochRing = 32

// ticksPerTimeout sets the tick period: Timeout/ticksPerTimeout.
const ticksPerTimeout = 16

// minTickPeriod bounds the tick rate for very short timeouts.
const minTickPeriod = 100 * time.Microsecond

type paddedCount struct {
	n atomic.Int64
	_ [56]byte // one cache line each: waits of adjacent epochs do not share
}

func (w *watchdog) init(timeout time.Duration, start time.Time, send func(), live func() bool) {
	w.timeout, w.start, w.send, w.live = timeout, start, send, live
	w.period = max(timeout/ticksPerTimeout, minTickPeriod)
	if timeout > 0 {
		w.timer = time.AfterFunc(time.Hour, w.tick)
		w.timer.Stop()
	}
}

// enter counts a wait in the current epoch and returns it.
func (w *watchdog) enter() uint64 {
	if w.timer == nil {
		return 0
	}
	e := w.epoch.Load()
	w.count[e%epochRing].n.Add(1)
	if !w.armed.Load() && w.armed.CompareAndSwap(false, true) {
		w.timer.Reset(w.period)
	}
	return e
}

// leave uncounts a wait of epoch e, whatever ended it.
func (w *watchdog) leave(e uint64) {
	if w.timer != nil {
		w.count[e%epochRing].n.Add(-1)
	}
}

// due reports whether a wait of epoch e has waited its Timeout.
func (w *watchdog) due(e uint64) bool { return w.timer != nil && e < w.expired.Load() }

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

// tick ends the current epoch, expires the epochs whose Timeout has passed,
// wakes their waits, and runs again while any wait is counted.
func (w *watchdog) tick() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.live() {
		w.armed.Store(false)
		return
	}
	now := time.Since(w.start)
	cur := w.epoch.Load()
	// Start a new epoch unless its slot still counts waits of an epoch
	// epochRing ago (then the current one just lasts longer).
	if w.count[(cur+1)%epochRing].n.Load() == 0 {
		w.ended[cur%epochRing] = now
		w.epoch.Store(cur + 1)
		cur++
	}
	exp := w.expired.Load()
	for exp < cur && w.ended[exp%epochRing]+w.timeout <= now {
		exp++
	}
	w.expired.Store(exp)
	if w.overdue() > 0 {
		w.mark()
	}
	if w.waiting() {
		w.timer.Reset(w.period)
		return
	}
	w.armed.Store(false)
	// A wait that began after the check above saw armed still set.
	if w.waiting() && w.armed.CompareAndSwap(false, true) {
		w.timer.Reset(w.period)
	}
}

// waiting reports whether any wait is counted.
func (w *watchdog) waiting() bool {
	for i := range w.count {
		if w.count[i].n.Load() != 0 {
			return true
		}
	}
	return false
}

// stop ends the ticks (Dispose).
func (w *watchdog) stop() {
	if w.timer != nil {
		w.timer.Stop()
	}
}
