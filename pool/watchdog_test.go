package pool

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// Waiters that start at different times each time out, none before its
// own Timeout has passed, and the connection they all waited for is still
// there afterwards.
func TestWatchdogTimesOutEachWaiterNotBeforeTimeout(t *testing.T) {
	bothModes(t, testWatchdogTimesOutEachWaiterNotBeforeTimeout)
}

func testWatchdogTimesOutEachWaiterNotBeforeTimeout(t *testing.T, lifo bool) {
	const timeout = 40 * time.Millisecond
	cfg := modeConfig(lifo, 1, 0)
	cfg.Timeout = timeout
	p, _ := newQueue(t, cfg)
	held := mustGet(t, p)
	type outcome struct {
		waited time.Duration
		err    error
	}
	const n = 6
	out := make(chan outcome, n)
	for i := range n {
		ctx := context.Background()
		if i%2 == 1 { // a context that can end takes the select path
			var cancel context.CancelFunc
			ctx, cancel = context.WithCancel(ctx)
			defer cancel()
		}
		go func() {
			start := time.Now()
			_, err := p.Get(ctx)
			out <- outcome{time.Since(start), err}
		}()
		time.Sleep(timeout / 5) // starts spread over the first waiter's wait
	}
	for range n {
		o := <-out
		var te *TimeoutError
		if !errors.As(o.err, &te) || !errors.Is(o.err, ErrTimeout) {
			t.Fatalf("err = %v, want a TimeoutError", o.err)
		}
		if o.waited < timeout {
			t.Fatalf("timed out after %v, before the timeout %v", o.waited, timeout)
		}
	}
	s := p.Status()
	if s.Timeouts != n || s.Waits != n || s.Waiters != 0 || s.WaitTime < n*timeout*9/10 {
		t.Fatalf("counters after %d timeouts: %+v", n, s)
	}
	mustPut(t, p, held)
	mustPut(t, p, mustGet(t, p)) // the connection is still there
	checkStatus(t, p.Status(), 1, 1, 0)
}

// A waiter that is not yet due and receives the timeout mark (here sent by
// hand, as a tick would after the due waiter got a connection) keeps
// waiting, and is served by the next checkin.
func TestWatchdogMarkForAnotherWaiterIsIgnored(t *testing.T) {
	bothModes(t, testWatchdogMarkForAnotherWaiterIsIgnored)
}

func testWatchdogMarkForAnotherWaiterIsIgnored(t *testing.T, lifo bool) {
	p, _ := newQueue(t, modeConfig(lifo, 1, 0)) // Timeout 2s
	held := mustGet(t, p)
	ch := make(chan result, 1)
	enqueue(t, p, context.Background(), ch)
	wd := waiterQueue(p)
	wd.wd.mark()
	eventually(t, "mark taken", func() bool { return !wd.wd.marked.Load() })
	select {
	case r := <-ch:
		t.Fatalf("waiter returned on a mark not due: %v", r.err)
	default:
	}
	if s := p.Status(); s.Waiters != 1 || s.Timeouts != 0 {
		t.Fatalf("after the mark: %+v", s)
	}
	mustPut(t, p, held)
	r := <-ch
	if r.err != nil {
		t.Fatalf("waiter: %v", r.err)
	}
	mustPut(t, p, r.c)
}

// A timeout mark left in the channel (its waiter went) is dropped by the
// checkouts that meet it, never handed out as a connection, and a later
// wait still times out.
func TestWatchdogStrayMarkIsNeverAConnection(t *testing.T) {
	bothModes(t, testWatchdogStrayMarkIsNeverAConnection)
}

func testWatchdogStrayMarkIsNeverAConnection(t *testing.T, lifo bool) {
	cfg := modeConfig(lifo, 2, 0)
	cfg.Timeout = 20 * time.Millisecond
	p, _ := newQueue(t, cfg)
	a, b := mustGet(t, p), mustGet(t, p)
	mustPut(t, p, a)
	waiterQueue(p).wd.mark() // nobody waits: it stays in the channel
	for range 3 {
		c := mustGet(t, p)
		if c.rec == nil || raw(c) == nil {
			t.Fatal("a mark was handed out as a connection")
		}
		mustPut(t, p, c)
	}
	a = mustGet(t, p)
	if _, err := p.Get(context.Background()); !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want a timeout", err)
	}
	mustPut(t, p, a)
	mustPut(t, p, b)
	checkStatus(t, p.Status(), 2, 2, 0)
}

// Dispose wakes every waiter, with and without a context that can end,
// with ErrClosed; a pool without Timeout included.
func TestDisposeWakesManyWaiters(t *testing.T) { bothModes(t, testDisposeWakesManyWaiters) }

func testDisposeWakesManyWaiters(t *testing.T, lifo bool) {
	for _, timeout := range []time.Duration{0, time.Minute} {
		cfg := modeConfig(lifo, 2, 0)
		cfg.Timeout = timeout
		p, _ := newQueue(t, cfg)
		held := []*Conn[*fakeConn]{mustGet(t, p), mustGet(t, p)}
		const n = 20
		ch := make(chan result, n)
		for i := range n {
			ctx := context.Background()
			if i%2 == 1 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				defer cancel()
			}
			enqueue(t, p, ctx, ch)
		}
		if err := p.Dispose(); err != nil {
			t.Fatal(err)
		}
		for range n {
			if r := <-ch; !errors.Is(r.err, ErrClosed) {
				t.Fatalf("timeout %v: waiter got %v, want ErrClosed", timeout, r.err)
			}
		}
		for _, c := range held {
			mustPut(t, p, c)
		}
		if s := p.Status(); s.Waiters != 0 || s.Open != 0 {
			t.Fatalf("after Dispose: %+v", s)
		}
	}
}

// Under churn with a short Timeout, checkouts that time out never do so
// early, cancelled ones leave, and at the end no connection and no slot is
// lost and no tick is left running.
func TestWatchdogUnderChurnLosesNothing(t *testing.T) {
	bothModes(t, testWatchdogUnderChurnLosesNothing)
}

func testWatchdogUnderChurnLosesNothing(t *testing.T, lifo bool) {
	const timeout = 3 * time.Millisecond
	cfg := modeConfig(lifo, 3, 1)
	cfg.Timeout = timeout
	p, _ := newQueue(t, cfg)
	var wg sync.WaitGroup
	for g := range 12 {
		wg.Go(func() {
			for i := range 150 {
				ctx, cancel := context.Background(), context.CancelFunc(func() {})
				if (g+i)%5 == 0 {
					ctx, cancel = context.WithTimeout(ctx, time.Duration(i%3)*time.Millisecond)
				}
				start := time.Now()
				c, err := p.Get(ctx)
				waited := time.Since(start)
				cancel()
				switch {
				case errors.Is(err, ErrTimeout):
					if waited < timeout {
						t.Errorf("timed out after %v, before %v", waited, timeout)
						return
					}
				case err != nil:
					if !errors.Is(err, context.DeadlineExceeded) {
						t.Errorf("unexpected error: %v", err)
						return
					}
				default:
					if c.rec == nil || raw(c) == nil {
						t.Error("a mark was handed out as a connection")
						return
					}
					if i%4 == 0 {
						time.Sleep(timeout) // make the others wait long enough to time out
					}
					if err := p.Put(c); err != nil {
						t.Error(err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	if s := p.Status(); s.Waiters != 0 || s.CheckedOut != 0 || s.Open != s.CheckedIn || s.Open > 3 {
		t.Fatalf("after churn: %s %+v", s, s)
	}
	var cs []*Conn[*fakeConn] // every slot can still be checked out
	for range 4 {
		cs = append(cs, mustGet(t, p))
	}
	for _, c := range cs {
		mustPut(t, p, c)
	}
	eventually(t, "ticks stop", func() bool { return waiterQueue(p).wd.mode.Load() == tickOff })
}

// waiterQueue is the chanQueue under a QueuePool, either order.
func waiterQueue(p *QueuePool[*fakeConn]) *chanQueue[*fakeConn] {
	switch q := p.q.(type) {
	case *lifoQueue[*fakeConn]:
		return &q.chanQueue
	case *fifoQueue[*fakeConn]:
		return &q.chanQueue
	}
	panic("unknown queue")
}
