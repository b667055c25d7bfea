package pool

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// backdate makes c's connection look idle for d more than it has been.
func backdate(c *Conn[*fakeConn], d time.Duration) { c.rec.idleSince -= int64(d) }

// fill checks out n connections and returns them in order 1..n.
func fill(t *testing.T, p *QueuePool[*fakeConn], n int) []*Conn[*fakeConn] {
	t.Helper()
	var cs []*Conn[*fakeConn]
	for range n {
		cs = append(cs, mustGet(t, p))
	}
	for _, c := range cs {
		mustPut(t, p, c)
	}
	return cs
}

func TestIdleTooLongIsNeverHandedOut(t *testing.T) { bothModes(t, testIdleTooLongIsNeverHandedOut) }

// Connections idle longer than MaxIdleTime are closed at checkout and
// replaced, never handed out, however fresh the coarse clock thinks they are.
func testIdleTooLongIsNeverHandedOut(t *testing.T, lifo bool) {
	cfg := modeConfig(lifo, 2, 0)
	cfg.MaxIdleTime = time.Hour
	p, _ := newQueue(t, cfg)
	cs := fill(t, p, 2)
	for _, c := range cs {
		backdate(c, 2*time.Hour)
	}
	for want := 3; want <= 4; want++ {
		c := mustGet(t, p)
		if raw(c).id != want || !c.Fresh() {
			t.Fatalf("checkout got connection %d (fresh %v), want a new one, %d", raw(c).id, c.Fresh(), want)
		}
		defer mustPut(t, p, c)
	}
	for _, c := range cs {
		if !raw(c).closed.Load() {
			t.Fatalf("connection %d, idle too long, was not closed", raw(c).id)
		}
	}
	if s := p.Status(); s.IdleRetired != 2 || s.Open != 2 || s.Closed != 2 {
		t.Fatalf("status %+v, want 2 retired, 2 open", s)
	}
}

func TestIdleWithinLimitIsReused(t *testing.T) { bothModes(t, testIdleWithinLimitIsReused) }

func testIdleWithinLimitIsReused(t *testing.T, lifo bool) {
	cfg := modeConfig(lifo, 1, 0)
	cfg.MaxIdleTime = time.Hour
	p, db := newQueue(t, cfg)
	c := fill(t, p, 1)[0]
	backdate(c, 50*time.Minute) // past half the limit: the exact clock decides
	if got := mustGet(t, p); got != c {
		t.Fatalf("got connection %d, want the idle one", raw(got).id)
	}
	mustPut(t, p, c)
	if db.created() != 1 || p.Status().IdleRetired != 0 {
		t.Fatalf("created %d, status %+v", db.created(), p.Status())
	}
}

func TestIdleSweepRetiresUnused(t *testing.T) { bothModes(t, testIdleSweepRetiresUnused) }

// The sweep closes the connections no checkout reaches (the bottom of the
// LIFO stack) and keeps the others in their order.
func testIdleSweepRetiresUnused(t *testing.T, lifo bool) {
	cfg := modeConfig(lifo, 4, 0)
	cfg.MaxIdleTime = time.Hour
	p, _ := newQueue(t, cfg)
	cs := fill(t, p, 4)
	backdate(cs[0], 2*time.Hour)
	backdate(cs[2], 2*time.Hour)
	p.sweep(p.clk.read())
	if s := p.Status(); s.IdleRetired != 2 || s.Open != 2 || s.CheckedIn != 2 || s.CheckedOut != 0 {
		t.Fatalf("status %+v, want 2 retired, 2 idle", s)
	}
	if !raw(cs[0]).closed.Load() || !raw(cs[2]).closed.Load() || raw(cs[1]).closed.Load() || raw(cs[3]).closed.Load() {
		t.Fatal("the sweep closed the wrong connections")
	}
	want := []int{4, 2} // LIFO: newest first
	if !lifo {
		want = []int{2, 4}
	}
	for _, id := range want {
		c := mustGet(t, p)
		if raw(c).id != id {
			t.Fatalf("after the sweep got connection %d, want %d", raw(c).id, id)
		}
		defer mustPut(t, p, c)
	}
}

func TestIdleSweepByTheClock(t *testing.T) { bothModes(t, testIdleSweepByTheClock) }

// With a short MaxIdleTime the pool's own ticks retire an idle connection
// without any checkout.
func testIdleSweepByTheClock(t *testing.T, lifo bool) {
	cfg := modeConfig(lifo, 2, 0)
	cfg.MaxIdleTime = MinMaxIdleTime
	p, _ := newQueue(t, cfg)
	cs := fill(t, p, 2)
	eventually(t, "idle connections retired", func() bool { return p.Status().IdleRetired == 2 })
	if s := p.Status(); s.Open != 0 || s.CheckedIn != 0 || !raw(cs[0]).closed.Load() || !raw(cs[1]).closed.Load() {
		t.Fatalf("status %+v after the sweep", s)
	}
	if c := mustGet(t, p); raw(c).id != 3 {
		t.Fatalf("got connection %d, want a new one", raw(c).id)
	} else {
		mustPut(t, p, c)
	}
}

// A disposed pool stops its clock.
func TestDisposeStopsTheClock(t *testing.T) {
	cfg := testConfig(1, 0)
	cfg.MaxIdleTime = MinMaxIdleTime
	p, _ := newQueue(t, cfg)
	if err := p.Dispose(); err != nil {
		t.Fatal(err)
	}
	ticks := p.clk.ticks.Load()
	eventually(t, "clock advanced past a tick", func() bool { return time.Since(p.clk.start) > 10*MinMaxIdleTime })
	if got := p.clk.ticks.Load(); got > ticks+1 {
		t.Fatalf("the clock ticked %d times after Dispose", got-ticks)
	}
}

// A handed-over connection keeps its idle cell: a waiter that gives up
// leaves it on the channel, where the next checkout finds it, and the idle
// count never passes Size.
func TestLIFOHandOffLeftByAWaiterIsReused(t *testing.T) {
	p, db := newQueue(t, modeConfig(true, 1, 0))
	held := mustGet(t, p)
	q := p.q.(*lifoQueue[*fakeConn])
	i, ok := q.idle.takeCell()
	if !ok {
		t.Fatal("no free cell")
	}
	q.hand(held, i) // as a checkin would for a waiter that then gave up
	held.rec.state.Store(stateIdle)
	p.st.out.Add(-1)
	if s := p.Status(); s.CheckedIn != 1 || s.CheckedOut != 0 || s.Open != 1 {
		t.Fatalf("status %+v, want the handed connection counted idle", s)
	}
	c := mustGet(t, p)
	if c != held || db.created() != 1 {
		t.Fatalf("got connection %d, created %d: want the one left on the channel", raw(c).id, db.created())
	}
	mustPut(t, p, c)
	checkStatus(t, p.Status(), 1, 1, 0)
}

// The lock-free stack under contention: no connection is ever held by two
// goroutines, none is lost.
func TestIdleStackConcurrent(t *testing.T) {
	const size, workers, iters = 4, 16, 3000
	var s idleStack[*fakeConn]
	s.init(size)
	conns := make([]*Conn[*fakeConn], size)
	held := make([]atomic.Bool, size)
	for i := range conns {
		conns[i] = &Conn[*fakeConn]{raw: &fakeConn{id: i}}
		cell, ok := s.takeCell()
		if !ok {
			t.Fatal("no free cell")
		}
		s.push(conns[i], cell)
	}
	if _, ok := s.takeCell(); ok {
		t.Fatal("a cell beyond Size")
	}
	var bad atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range iters {
				c := s.pop()
				if c == nil {
					runtime.Gosched()
					continue
				}
				if held[c.raw.id].Swap(true) {
					bad.Add(1)
				}
				runtime.Gosched()
				held[c.raw.id].Store(false)
				cell, ok := s.takeCell()
				if !ok {
					bad.Add(1)
					continue
				}
				s.push(c, cell)
			}
		})
	}
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d double holds or missing cells", bad.Load())
	}
	if s.held() != size {
		t.Fatalf("%d held at the end, want %d", s.held(), size)
	}
	seen := map[int]bool{}
	for c := s.pop(); c != nil; c = s.pop() {
		seen[c.raw.id] = true
	}
	if len(seen) != size || s.held() != 0 {
		t.Fatalf("drained %d distinct connections, %d left", len(seen), s.held())
	}
}
