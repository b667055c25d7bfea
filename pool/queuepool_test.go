package pool

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestGetPutReusesTheConnection(t *testing.T) {
	p, db := newQueue(t, testConfig(2, 0))
	c := mustGet(t, p)
	if !c.Fresh() || !c.Valid() || raw(c).id != 1 {
		t.Fatalf("first checkout: fresh=%v valid=%v id=%d", c.Fresh(), c.Valid(), raw(c).id)
	}
	checkStatus(t, p.Status(), 1, 0, 1)
	mustPut(t, p, c)
	checkStatus(t, p.Status(), 1, 1, 0)
	c = mustGet(t, p)
	if c.Fresh() || raw(c).id != 1 || db.created() != 1 {
		t.Fatalf("second checkout: fresh=%v id=%d created=%d", c.Fresh(), raw(c).id, db.created())
	}
	mustPut(t, p, c)
	if s := p.Status(); s.Created != 1 || s.Closed != 0 {
		t.Fatalf("counters: %+v", s)
	}
}

func checkoutOrder(t *testing.T, lifo bool) []int {
	cfg := testConfig(3, 0)
	cfg.LIFO = lifo
	p, _ := newQueue(t, cfg)
	cs := []*Conn[*fakeConn]{mustGet(t, p), mustGet(t, p), mustGet(t, p)}
	for _, c := range cs { // returned 1, 2, 3
		mustPut(t, p, c)
	}
	var ids []int
	for range 3 {
		c := mustGet(t, p)
		ids = append(ids, raw(c).id)
		defer mustPut(t, p, c)
	}
	return ids
}

func TestIdleReuseIsFIFOWithoutLIFO(t *testing.T) {
	if got := fmt.Sprint(checkoutOrder(t, false)); got != "[1 2 3]" {
		t.Fatalf("FIFO order %s", got)
	}
}

func TestIdleReuseIsLIFOWithUseLIFO(t *testing.T) {
	if got := fmt.Sprint(checkoutOrder(t, true)); got != "[3 2 1]" {
		t.Fatalf("LIFO order %s", got)
	}
}

// The default reuses the most recently returned connection: one checkout at a
// time keeps using the same connection however many are idle.
func TestIdleReuseIsLIFOByDefault(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Size, cfg.MaxOverflow = 3, 0
	p, db := newQueue(t, cfg)
	cs := []*Conn[*fakeConn]{mustGet(t, p), mustGet(t, p), mustGet(t, p)}
	for _, c := range cs {
		mustPut(t, p, c)
	}
	for range 5 {
		c := mustGet(t, p)
		if raw(c).id != 3 {
			t.Fatalf("got connection %d, want the most recently returned, 3", raw(c).id)
		}
		mustPut(t, p, c)
	}
	if db.created() != 3 {
		t.Fatalf("%d connections made, want 3", db.created())
	}
}

func TestOverflowAndTimeoutMessage(t *testing.T) { bothModes(t, testOverflowAndTimeoutMessage) }

func testOverflowAndTimeoutMessage(t *testing.T, lifo bool) {
	cfg := modeConfig(lifo, 2, 1)
	cfg.Timeout = 30 * time.Millisecond
	p, db := newQueue(t, cfg)
	cs := []*Conn[*fakeConn]{mustGet(t, p), mustGet(t, p), mustGet(t, p)}
	if s := p.Status(); s.Overflow != 1 || s.Open != 3 {
		t.Fatalf("overflow: %s", s)
	}
	start := time.Now()
	_, err := p.Get(context.Background())
	if waited := time.Since(start); waited < 25*time.Millisecond {
		t.Fatalf("timed out after %v, before the timeout", waited)
	}
	var te *TimeoutError
	if !errors.Is(err, ErrTimeout) || !errors.As(err, &te) {
		t.Fatalf("err = %v, want a TimeoutError", err)
	}
	want := "alchemy: pool: limit of size 2 overflow 1 reached, connection timed out, timeout 30ms (Pool size: 2  Connections in pool: 0 Current Overflow: 1 Current Checked out connections: 3 Waiters: 0)"
	if err.Error() != want {
		t.Fatalf("message\n got %q\nwant %q", err, want)
	}
	if s := p.Status(); s.Timeouts != 1 || s.Waits != 1 || s.WaitTime < 25*time.Millisecond || s.Waiters != 0 {
		t.Fatalf("counters after timeout: %+v", s)
	}
	for _, c := range cs {
		mustPut(t, p, c)
	}
	// The pool is full at 2: the overflow connection was closed at checkin.
	s := p.Status()
	checkStatus(t, s, 2, 2, 0)
	if s.Closed != 1 || db.open.Load() != 2 || !raw(cs[2]).closed.Load() {
		t.Fatalf("overflow not closed at checkin: %+v", s)
	}
}

func TestUnlimitedOverflow(t *testing.T) { bothModes(t, testUnlimitedOverflow) }

func testUnlimitedOverflow(t *testing.T, lifo bool) {
	p, db := newQueue(t, modeConfig(lifo, 1, -1))
	var cs []*Conn[*fakeConn]
	for range 40 {
		cs = append(cs, mustGet(t, p))
	}
	if s := p.Status(); s.Open != 40 || s.Overflow != 39 || s.MaxOverflow != -1 {
		t.Fatalf("status %+v", s)
	}
	for _, c := range cs {
		mustPut(t, p, c)
	}
	if db.open.Load() != 1 {
		t.Fatalf("%d left open, want Size", db.open.Load())
	}
}

// enqueue starts a Get in a goroutine and waits until it is parked.
func enqueue(t *testing.T, p *QueuePool[*fakeConn], ctx context.Context, got chan<- result) {
	t.Helper()
	before := p.Status().Waiters
	go func() {
		c, err := p.Get(ctx)
		got <- result{c, err}
	}()
	eventually(t, "waiter parked", func() bool { return p.Status().Waiters == before+1 })
}

type result struct {
	c   *Conn[*fakeConn]
	err error
}

func TestWaitersAreServedFirstInFirstOut(t *testing.T) {
	bothModes(t, testWaitersAreServedFirstInFirstOut)
}

func testWaitersAreServedFirstInFirstOut(t *testing.T, lifo bool) {
	cfg := modeConfig(lifo, 1, 0)
	cfg.Timeout = time.Minute // the order is tested, not the time: a starved machine must not time the last waiter out
	p, _ := newQueue(t, cfg)
	held := mustGet(t, p)
	var chans []chan result
	for range 5 {
		ch := make(chan result, 1)
		enqueue(t, p, context.Background(), ch)
		chans = append(chans, ch)
	}
	// A newcomer with a short deadline must not jump the queue.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	mustPut(t, p, held)
	if _, err := p.Get(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("newcomer got %v, want it to queue behind the waiters and time out", err)
	}
	for i, ch := range chans {
		r := <-ch
		if r.err != nil {
			t.Fatalf("waiter %d: %v", i, r.err)
		}
		for j := i + 1; j < len(chans); j++ {
			select {
			case <-chans[j]:
				t.Fatalf("waiter %d served before waiter %d returned", j, i)
			default:
			}
		}
		mustPut(t, p, r.c)
	}
}

func TestCheckoutHonoursContext(t *testing.T) { bothModes(t, testCheckoutHonoursContext) }

func testCheckoutHonoursContext(t *testing.T, lifo bool) {
	p, _ := newQueue(t, modeConfig(lifo, 1, 0))
	held := mustGet(t, p)
	defer mustPut(t, p, held)

	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan result, 1)
	enqueue(t, p, ctx, ch)
	cancel()
	r := <-ch
	if !errors.Is(r.err, context.Canceled) || errors.Is(r.err, ErrTimeout) {
		t.Fatalf("cancel: %v", r.err)
	}
	dctx, dcancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer dcancel()
	if _, err := p.Get(dctx); !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), "alchemy: pool:") {
		t.Fatalf("deadline: %v", err)
	}
	if _, err := p.Get(dctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("expired ctx: %v", err)
	}
	checkStatus(t, p.Status(), 1, 0, 1)
	if s := p.Status(); s.Waiters != 0 {
		t.Fatalf("waiters left: %d", s.Waiters)
	}
}

// A waiter granted a freed slot whose creator fails gives the slot to the next
// waiter, which keeps waiting and succeeds: nobody fails early, nothing leaks.
// (With the connect back-off on, the next waiter fails fast instead, with the
// first one's error: TestBackoffFailsQueuedWaitersFast.)
func TestWaiterThatLosesTheSlotKeepsWaiting(t *testing.T) {
	bothModes(t, testWaiterThatLosesTheSlotKeepsWaiting)
}

func testWaiterThatLosesTheSlotKeepsWaiting(t *testing.T, lifo bool) {
	cfg := modeConfig(lifo, 1, 0)
	cfg.ConnectBackoff = 0
	p, db := newQueue(t, cfg)
	held := mustGet(t, p)
	first, second := make(chan result, 1), make(chan result, 1)
	enqueue(t, p, context.Background(), first)
	enqueue(t, p, context.Background(), second)
	db.failNext.Store(1)
	held.Invalidate(errBoom)
	mustPut(t, p, held) // frees the slot: first gets it, its connect fails
	if r := <-first; !errors.Is(r.err, errBoom) {
		t.Fatalf("first waiter: %v", r.err)
	}
	r := <-second
	if r.err != nil {
		t.Fatalf("second waiter failed instead of waiting: %v", r.err)
	}
	checkStatus(t, p.Status(), 1, 0, 1)
	mustPut(t, p, r.c)
}

func TestDisposeClosesIdleAndWakesWaiters(t *testing.T) {
	bothModes(t, testDisposeClosesIdleAndWakesWaiters)
}

func testDisposeClosesIdleAndWakesWaiters(t *testing.T, lifo bool) {
	p, db := newQueue(t, modeConfig(lifo, 2, 0))
	a, b := mustGet(t, p), mustGet(t, p)
	mustPut(t, p, a)
	// b is out; fill the pool and park a waiter.
	a = mustGet(t, p)
	ch := make(chan result, 1)
	enqueue(t, p, context.Background(), ch)
	mustPut(t, p, a)
	r := <-ch // the waiter got a
	mustPut(t, p, r.c)
	enqueue2 := make(chan result, 1)
	c := mustGet(t, p)
	enqueue(t, p, context.Background(), enqueue2)
	if err := p.Dispose(); err != nil {
		t.Fatal(err)
	}
	if r := <-enqueue2; !errors.Is(r.err, ErrClosed) {
		t.Fatalf("waiter after Dispose: %v", r.err)
	}
	if _, err := p.Get(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("Get after Dispose: %v", err)
	}
	if db.open.Load() != 2 {
		t.Fatalf("open %d, want the 2 checked out", db.open.Load())
	}
	mustPut(t, p, b)
	mustPut(t, p, c)
	if db.open.Load() != 0 {
		t.Fatalf("checked-out connections not closed at checkin: %d open", db.open.Load())
	}
	checkStatus(t, p.Status(), 0, 0, 0)
	if err := p.Dispose(); err != nil {
		t.Fatalf("second Dispose: %v", err)
	}
}

func TestStatusString(t *testing.T) {
	p, _ := newQueue(t, testConfig(5, 10))
	a, b := mustGet(t, p), mustGet(t, p)
	mustPut(t, p, a)
	want := "Pool size: 5  Connections in pool: 1 Current Overflow: -3 Current Checked out connections: 1 Waiters: 0"
	if got := p.Status().String(); got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	mustPut(t, p, b)
}

func TestBadCheckinChangesNothing(t *testing.T) { bothModes(t, testBadCheckinChangesNothing) }

func testBadCheckinChangesNothing(t *testing.T, lifo bool) {
	p, _ := newQueue(t, modeConfig(lifo, 2, 0))
	other, _ := newQueue(t, modeConfig(lifo, 2, 0))
	c := mustGet(t, p)
	foreign := mustGet(t, other)
	before := p.Status()
	for name, bad := range map[string]*Conn[*fakeConn]{"foreign": foreign, "nil": nil, "zero": {}} {
		if err := p.Put(bad); !errors.Is(err, ErrNotCheckedOut) {
			t.Fatalf("%s checkin: %v", name, err)
		}
	}
	if p.Status() != before {
		t.Fatalf("status moved: %v -> %v", before, p.Status())
	}
	mustPut(t, p, c)
	before = p.Status()
	if err := p.Put(c); !errors.Is(err, ErrNotCheckedOut) {
		t.Fatalf("double checkin: %v", err)
	}
	if p.Status() != before {
		t.Fatalf("double checkin moved status: %v -> %v", before, p.Status())
	}
	mustPut(t, other, foreign)
}

func TestConcurrentListenIsSafe(t *testing.T) {
	p, _ := newQueue(t, testConfig(2, 2))
	var mu sync.Mutex
	seen := 0
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if i%2 == 0 {
				p.Listen(Listener{Checkin: func(*Record) { mu.Lock(); seen++; mu.Unlock() }})
				return
			}
			for range 50 {
				c, err := p.Get(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				_ = p.Put(c)
			}
		})
	}
	wg.Wait()
	mustPut(t, p, mustGet(t, p))
	mu.Lock()
	defer mu.Unlock()
	if seen < 4 {
		t.Fatalf("the last checkin reached %d listeners, want 4", seen)
	}
}
