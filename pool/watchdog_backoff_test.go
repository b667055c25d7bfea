package pool

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"
)

// ticking is a snapshot of a QueuePool's watchdog.
type ticking struct {
	ticks    int64
	interval time.Duration
	mode     int32
}

func tickState(p *QueuePool[*fakeConn]) ticking {
	w := &waiterQueue(p).wd
	w.mu.Lock()
	defer w.mu.Unlock()
	return ticking{w.ticks, w.interval, w.mode.Load()}
}

// backedOffTo polls until the watchdog's interval has reached at least d.
func backedOffTo(t *testing.T, p *QueuePool[*fakeConn], d time.Duration) ticking {
	t.Helper()
	var s ticking
	eventually(t, "ticks backed off", func() bool {
		s = tickState(p)
		return s.interval >= d
	})
	if s.mode != tickSlow {
		t.Fatalf("interval %v, mode %d: want tickSlow", s.interval, s.mode)
	}
	return s
}

// A checkout stuck for 300 ms on an exhausted pool, without a Timeout or
// with a long one, costs a handful of ticks, not one a millisecond.
func TestWatchdogBacksOffForAStuckWaiter(t *testing.T) {
	bothModes(t, testWatchdogBacksOffForAStuckWaiter)
}

func testWatchdogBacksOffForAStuckWaiter(t *testing.T, lifo bool) {
	for _, timeout := range []time.Duration{0, 10 * time.Second} {
		cfg := modeConfig(lifo, 1, 0)
		cfg.Timeout = timeout
		p, _ := newQueue(t, cfg)
		held := mustGet(t, p)
		before := tickState(p).ticks
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		ch := make(chan result, 1)
		enqueue(t, p, ctx, ch)
		backedOffTo(t, p, 64*time.Millisecond)
		r := <-ch
		cancel()
		if !errors.Is(r.err, context.DeadlineExceeded) {
			t.Fatalf("timeout %v: err = %v, want the context's deadline", timeout, r.err)
		}
		// Doubling from 1 ms: ticks at 1, 2, 4, ... 256 ms; at full speed, 300.
		if n := tickState(p).ticks - before; n > 20 {
			t.Fatalf("timeout %v: %d ticks for one wait of 300ms", timeout, n)
		}
		mustPut(t, p, held)
		eventually(t, "ticks stop", func() bool { return tickState(p).mode == tickOff })
	}
}

// A wait of 300 ms that ends while the ticks are backed off, the coarse
// clock tens of milliseconds stale, still adds its length to WaitTime.
func TestWatchdogWaitTimeAccurateWhileBackedOff(t *testing.T) {
	bothModes(t, testWatchdogWaitTimeAccurateWhileBackedOff)
}

func testWatchdogWaitTimeAccurateWhileBackedOff(t *testing.T, lifo bool) {
	cfg := modeConfig(lifo, 1, 0)
	cfg.Timeout = 0
	p, _ := newQueue(t, cfg)
	held := mustGet(t, p)
	var waited atomic.Int64
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		s := time.Now()
		c, err := p.Get(context.Background())
		waited.Store(int64(time.Since(s)))
		if err == nil {
			err = p.Put(c)
		}
		done <- err
	}()
	// The tick at 256 ms sets the interval to 256 ms: the next is at 512,
	// and the checkin below comes ~45 ms after the clock's last tick.
	backedOffTo(t, p, 256*time.Millisecond)
	time.Sleep(time.Until(start.Add(300 * time.Millisecond)))
	if s := tickState(p); s.mode != tickSlow {
		t.Fatalf("ticks no longer backed off at the checkin: %+v", s)
	}
	mustPut(t, p, held)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	w, s := time.Duration(waited.Load()), p.Status()
	if s.Waits != 1 || w < 256*time.Millisecond {
		t.Fatalf("waited %v, status %+v: want one wait of ~300ms", w, s)
	}
	// The wait is inside the Get timed around it: never longer (a tick's
	// worth of rounding allowed), and short of it only by what the Get did
	// besides waiting.
	if s.WaitTime > w+tickPeriod || s.WaitTime < w-10*time.Millisecond {
		t.Fatalf("WaitTime %v for a Get of %v", s.WaitTime, w)
	}
}

// While the ticks are backed off, a Timeout still comes never early and
// at most Timeout/8 (at least 2 ms) late, with room for the scheduler: the
// backed-off ticks never pass an epoch's end.
func TestWatchdogTimeoutOnTimeWhileBackedOff(t *testing.T) {
	bothModes(t, testWatchdogTimeoutOnTimeWhileBackedOff)
}

func testWatchdogTimeoutOnTimeWhileBackedOff(t *testing.T, lifo bool) {
	const slack = 15 * time.Millisecond // the timer's and the scheduler's lateness
	for _, c := range []struct {
		timeout  time.Duration
		maxTicks int64 // at full speed: one a millisecond
	}{
		{50 * time.Millisecond, 40},
		{200 * time.Millisecond, 80}, // unbounded doubling would tick at 255 ms, 55 ms late
	} {
		cfg := modeConfig(lifo, 1, 0)
		cfg.Timeout = c.timeout
		p, _ := newQueue(t, cfg)
		held := mustGet(t, p)
		before := tickState(p).ticks
		start := time.Now()
		_, err := p.Get(context.Background())
		waited := time.Since(start)
		if !errors.Is(err, ErrTimeout) {
			t.Fatalf("timeout %v: err = %v, want ErrTimeout", c.timeout, err)
		}
		if waited < c.timeout {
			t.Fatalf("timed out after %v, before the timeout %v", waited, c.timeout)
		}
		if limit := c.timeout + max(c.timeout/8, 2*time.Millisecond) + slack; waited > limit {
			t.Fatalf("timeout %v came after %v, later than %v", c.timeout, waited, limit)
		}
		if n := tickState(p).ticks - before; n > c.maxTicks {
			t.Fatalf("timeout %v: %d ticks, want at most %d", c.timeout, n, c.maxTicks)
		}
		mustPut(t, p, held)
	}
}

// A burst of contended checkouts after the ticks have backed off brings
// them back to full speed at once, not at the next backed-off tick, and
// loses nothing.
func TestWatchdogBurstAfterBackOffTicksFast(t *testing.T) {
	bothModes(t, testWatchdogBurstAfterBackOffTicksFast)
}

func testWatchdogBurstAfterBackOffTicksFast(t *testing.T, lifo bool) {
	cfg := modeConfig(lifo, 2, 0)
	cfg.Timeout = 30 * time.Second // epochs of 1.875s: the ceiling is far
	p, _ := newQueue(t, cfg)
	held := []*Conn[*fakeConn]{mustGet(t, p), mustGet(t, p)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stuck := make(chan result, 1)
	enqueue(t, p, ctx, stuck)
	// Just after the tick at 256 ms: the next is due at 512.
	before := backedOffTo(t, p, 256*time.Millisecond).ticks

	stop := make(chan struct{})
	var g errgroup.Group
	burst := time.Now()
	for range 32 {
		g.Go(func() error {
			for {
				select {
				case <-stop:
					return nil
				default:
				}
				c, err := p.Get(context.Background())
				if err != nil {
					return err
				}
				if c.rec == nil || raw(c) == nil {
					return errors.New("a mark was handed out as a connection")
				}
				if err := p.Put(c); err != nil {
					return err
				}
			}
		})
	}
	for _, c := range held {
		mustPut(t, p, c)
	}
	r := <-stuck // first in line: served first
	if r.err != nil {
		t.Fatal(r.err)
	}
	mustPut(t, p, r.c)
	eventually(t, "fast ticks", func() bool {
		s := tickState(p)
		return s.ticks >= before+10 && s.mode == tickFast && s.interval == tickPeriod
	})
	took := time.Since(burst)
	close(stop)
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	// Backed off, the next tick was ~250 ms away.
	if took > 150*time.Millisecond {
		t.Fatalf("ten ticks at full speed %v after the burst began", took)
	}
	s := p.Status()
	if s.Waiters != 0 || s.CheckedOut != 0 || s.Open != 2 || s.CheckedIn != 2 || s.Timeouts != 0 {
		t.Fatalf("after the burst: %s %+v", s, s)
	}
	eventually(t, "ticks stop", func() bool { return tickState(p).mode == tickOff })
}
