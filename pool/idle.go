package pool

import (
	"sync/atomic"
	"time"
	"weak"
)

// MinMaxIdleTime is the shortest Config.MaxIdleTime accepted: the pool's
// clock ticks eight times per MaxIdleTime.
const MinMaxIdleTime = 10 * time.Millisecond

// idleClock is a QueuePool's coarse clock, for Config.MaxIdleTime: a checkin
// stamps the connection with now, an atomic load, instead of calling
// time.Now on every checkin. A timer advances now every MaxIdleTime/8 and
// runs the idle sweep every fourth tick. now never runs ahead of the time,
// so a stamp is never later than the checkin it records: a connection's idle
// time measured from its stamp is never short.
type idleClock struct {
	start   time.Time    // when the pool was made; also the base of wait times
	now     atomic.Int64 // nanoseconds since start, at the last tick or read
	ticks   atomic.Int64 // ticks so far
	stopped atomic.Bool
}

// read returns the exact time since start and advances now to it.
func (k *idleClock) read() int64 {
	t := int64(time.Since(k.start))
	for {
		n := k.now.Load()
		if n >= t || k.now.CompareAndSwap(n, t) {
			return t
		}
	}
}

// stamp is the coarse time, for a connection's idleSince.
func (b *base) stamp() int64 { return b.clk.now.Load() }

// idleTooLong reports whether r has been idle longer than MaxIdleTime. The
// coarse clock answers while r has been idle less than half of it; past
// that the exact time decides, so that a connection idle too long is never
// handed out even if the ticks are late.
func (b *base) idleTooLong(r *Record) bool {
	if b.clk.now.Load()-r.idleSince < b.idleFast {
		return false
	}
	return b.clk.read()-r.idleSince > int64(b.cfg.MaxIdleTime)
}

// retireIdle closes a connection idle longer than MaxIdleTime; the caller
// frees or reuses its slot.
func (b *base) retireIdle(r *Record) {
	b.st.idleRetired.Add(1)
	b.logger().Debug("alchemy: pool: connection idle longer than MaxIdleTime; closing", "pool", b.cfg.Name)
	_ = b.closeRaw(r)
}

// stopClock ends the ticks (Dispose).
func (b *base) stopClock() { b.clk.stopped.Store(true) }

// startClock starts the ticks when MaxIdleTime is on. The timer holds the
// pool only weakly: a pool dropped without Dispose stops ticking once it is
// collected.
func (p *QueuePool[C]) startClock() {
	if p.cfg.MaxIdleTime <= 0 {
		return
	}
	scheduleTick(weak.Make(p), p.cfg.MaxIdleTime/8)
}

func scheduleTick[C Connection](wp weak.Pointer[QueuePool[C]], period time.Duration) {
	time.AfterFunc(period, func() {
		p := wp.Value()
		if p == nil || p.clk.stopped.Load() {
			return
		}
		now := p.clk.read()
		if p.clk.ticks.Add(1)%4 == 0 {
			p.sweep(now)
		}
		scheduleTick(wp, period)
	})
}

// sweep closes the idle connections idle longer than MaxIdleTime at now,
// and gives the others back in their order: a connection the LIFO order
// leaves at the bottom of the stack is retired here, not left to die of a
// server or firewall timeout.
func (p *QueuePool[C]) sweep(now int64) {
	limit := int64(p.cfg.MaxIdleTime)
	for _, c := range p.q.takeIdle(make([]*Conn[C], 0, p.cfg.Size)) {
		if now-c.rec.idleSince > limit {
			p.retireIdle(c.rec)
			p.q.releaseSlot()
			continue
		}
		p.q.giveBack(c)
	}
}
