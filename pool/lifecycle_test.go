package pool

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestRecycleReplacesOldConnectionsAtCheckout(t *testing.T) {
	cfg := testConfig(1, 0)
	cfg.Recycle = 20 * time.Millisecond
	p, db := newQueue(t, cfg)
	c := mustGet(t, p)
	mustPut(t, p, c)
	c = mustGet(t, p)
	if raw(c).id != 1 {
		t.Fatalf("young connection recycled")
	}
	mustPut(t, p, c)
	time.Sleep(30 * time.Millisecond)
	c = mustGet(t, p)
	if raw(c).id != 2 || !c.Fresh() || !db.conn(0).closed.Load() {
		t.Fatalf("old connection not replaced: id=%d fresh=%v", raw(c).id, c.Fresh())
	}
	checkStatus(t, p.Status(), 1, 0, 1)
	mustPut(t, p, c)
}

func TestRecycleJitterSpreadsExpiry(t *testing.T) {
	cfg := testConfig(50, 0)
	cfg.Recycle, cfg.RecycleJitter = time.Hour, 30*time.Minute
	p, _ := newQueue(t, cfg)
	var cs []*Conn[*fakeConn]
	distinct := map[time.Duration]bool{}
	for range 50 {
		c := mustGet(t, p)
		cs = append(cs, c)
		age := c.rec.expires.Sub(c.rec.created)
		if age <= 30*time.Minute || age > time.Hour {
			t.Fatalf("recycle age %v outside (30m, 1h]", age)
		}
		distinct[age] = true
	}
	if len(distinct) < 40 {
		t.Fatalf("only %d distinct recycle ages out of 50", len(distinct))
	}
	for _, c := range cs {
		mustPut(t, p, c)
	}
}

func TestPrePingSkipsFreshAndPingsReused(t *testing.T) {
	cfg := testConfig(1, 0)
	cfg.PrePing = true
	p, _ := newQueue(t, cfg)
	c := mustGet(t, p)
	if n := raw(c).pings.Load(); n != 0 {
		t.Fatalf("a connection made by this checkout was pinged %d times", n)
	}
	mustPut(t, p, c)
	c = mustGet(t, p)
	if n := raw(c).pings.Load(); n != 1 || c.Fresh() {
		t.Fatalf("reused connection pinged %d times, fresh=%v", n, c.Fresh())
	}
	mustPut(t, p, c)
}

// A failed ping closes that connection without a reset, invalidates the pool
// by generation (idle ones now, checked-out ones at checkin) and reconnects.
func TestPrePingFailureReplacesAndInvalidatesGeneration(t *testing.T) {
	bothModes(t, testPrePingFailureReplacesAndInvalidatesGeneration)
}

func testPrePingFailureReplacesAndInvalidatesGeneration(t *testing.T, lifo bool) {
	cfg := modeConfig(lifo, 3, 0)
	cfg.PrePing = true
	p, db := newQueue(t, cfg)
	a, b, out := mustGet(t, p), mustGet(t, p), mustGet(t, p)
	mustPut(t, p, a)
	mustPut(t, p, b)
	if lifo { // the one tried first fails its ping
		a, b = b, a
	}
	resetsBefore := raw(a).resets.Load()
	raw(a).failPing(errBoom)
	c := mustGet(t, p)
	if raw(c).id != 4 || !c.Fresh() {
		t.Fatalf("got conn %d fresh=%v, want a new one", raw(c).id, c.Fresh())
	}
	if !raw(a).closed.Load() || raw(a).resets.Load() != resetsBefore {
		t.Fatalf("dead connection: closed=%v resets %d->%d", raw(a).closed.Load(), resetsBefore, raw(a).resets.Load())
	}
	if !raw(b).closed.Load() {
		t.Fatal("idle connection of the old generation not closed")
	}
	if raw(out).closed.Load() {
		t.Fatal("checked-out connection closed under its holder")
	}
	mustPut(t, p, out)
	if !raw(out).closed.Load() {
		t.Fatal("old-generation connection not closed at checkin")
	}
	mustPut(t, p, c)
	s := p.Status()
	if s.PingsFailed != 1 || s.Open != 1 || s.CheckedIn != 1 || db.open.Load() != 1 {
		t.Fatalf("status after failed ping: %+v (db open %d)", s, db.open.Load())
	}
}

func TestPrePingReconnectFailureFreesTheSlot(t *testing.T) {
	cfg := testConfig(1, 0)
	cfg.PrePing = true
	p, db := newQueue(t, cfg)
	c := mustGet(t, p)
	mustPut(t, p, c)
	raw(c).failPing(errBoom)
	db.failNext.Store(1)
	if _, err := p.Get(context.Background()); !errors.Is(err, errBoom) {
		t.Fatalf("got %v", err)
	}
	checkStatus(t, p.Status(), 0, 0, 0)
	waitBackoff(t, &p.base)
	mustPut(t, p, mustGet(t, p))
}

func TestPrePingIdleThreshold(t *testing.T) {
	cfg := testConfig(1, 0)
	cfg.PrePing, cfg.PrePingIdle = true, 20*time.Millisecond
	p, _ := newQueue(t, cfg)
	c := mustGet(t, p)
	mustPut(t, p, c)
	c = mustGet(t, p)
	if n := raw(c).pings.Load(); n != 0 {
		t.Fatalf("pinged %d times after a short idle", n)
	}
	mustPut(t, p, c)
	time.Sleep(30 * time.Millisecond)
	c = mustGet(t, p)
	if n := raw(c).pings.Load(); n != 1 {
		t.Fatalf("pinged %d times after a long idle, want 1", n)
	}
	mustPut(t, p, c)
}

func TestPingTimeoutBoundsAHangingPing(t *testing.T) {
	cfg := testConfig(1, 0)
	cfg.PrePing, cfg.PingTimeout = true, 10*time.Millisecond
	p, _ := newQueue(t, cfg)
	c := mustGet(t, p)
	mustPut(t, p, c)
	raw(c).pingBlock.Store(true)
	start := time.Now()
	c2 := mustGet(t, p)
	if time.Since(start) > time.Second || raw(c2).id != 2 {
		t.Fatalf("hanging ping: took %v, got conn %d", time.Since(start), raw(c2).id)
	}
	mustPut(t, p, c2)
}

func TestCanceledPingDoesNotInvalidateThePool(t *testing.T) {
	cfg := testConfig(1, 0)
	cfg.PrePing = true
	p, _ := newQueue(t, cfg)
	c := mustGet(t, p)
	mustPut(t, p, c)
	raw(c).pingBlock.Store(true)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := p.Get(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
	if s := p.Status(); s.PingsFailed != 0 || s.CheckedIn != 1 || raw(c).closed.Load() {
		t.Fatalf("caller's cancel blamed on the connection: %+v", s)
	}
}

func TestResetOnReturn(t *testing.T) {
	for _, mode := range []ResetMode{ResetRollback, ResetCommit, ResetNone} {
		t.Run(mode.String(), func(t *testing.T) {
			cfg := testConfig(1, 0)
			cfg.ResetOnReturn = mode
			p, _ := newQueue(t, cfg)
			var events []ResetMode
			p.Listen(Listener{Reset: func(r *Record, m ResetMode) { events = append(events, m) }})
			for range 3 {
				mustPut(t, p, mustGet(t, p))
			}
			c := mustGet(t, p)
			defer mustPut(t, p, c)
			want := int32(3)
			if mode == ResetNone {
				want = 0
			}
			if got := raw(c).resets.Load(); got != want || int32(len(events)) != want {
				t.Fatalf("%d resets, %d events, want %d", got, len(events), want)
			}
			if want > 0 && (ResetMode(raw(c).mode.Load()) != mode || events[0] != mode) {
				t.Fatalf("reset with %v, want %v", ResetMode(raw(c).mode.Load()), mode)
			}
		})
	}
}

func TestFailedResetInvalidates(t *testing.T) {
	p, _ := newQueue(t, testConfig(1, 0))
	c := mustGet(t, p)
	raw(c).failReset(errBoom)
	err := p.Put(c)
	if !errors.Is(err, errBoom) {
		t.Fatalf("Put = %v, want the reset error", err)
	}
	if !raw(c).closed.Load() || c.Valid() {
		t.Fatal("connection with a failed reset kept")
	}
	checkStatus(t, p.Status(), 0, 0, 0)
	if c2 := mustGet(t, p); raw(c2).id != 2 {
		t.Fatal("failed connection reused")
	} else {
		mustPut(t, p, c2)
	}
}

func TestInvalidateClosesNowAndFreesSlotAtPut(t *testing.T) {
	p, db := newQueue(t, testConfig(1, 0))
	c := mustGet(t, p)
	c.Invalidate(errBoom)
	c.Invalidate(errBoom) // twice is harmless
	if !raw(c).closed.Load() || c.Valid() || c.Connection() != nil {
		t.Fatal("Invalidate did not close the raw connection now")
	}
	checkStatus(t, p.Status(), 1, 0, 1)
	mustPut(t, p, c)
	s := p.Status()
	checkStatus(t, s, 0, 0, 0)
	if s.Invalidated != 1 || s.Closed != 1 {
		t.Fatalf("counters %+v", s)
	}
	c = mustGet(t, p)
	if raw(c).id != 2 || db.open.Load() != 1 {
		t.Fatal("invalidated connection reused")
	}
	mustPut(t, p, c)
}

func TestSoftInvalidateReplacesAtNextCheckout(t *testing.T) {
	p, _ := newQueue(t, testConfig(1, 0))
	c := mustGet(t, p)
	c.SoftInvalidate(errBoom)
	if raw(c).closed.Load() || c.Connection() == nil || c.Valid() {
		t.Fatal("soft invalidation must leave the connection usable but not valid")
	}
	mustPut(t, p, c)
	if !raw(c).closed.Load() {
		t.Fatal("soft-invalidated connection not closed at checkin")
	}
	c2 := mustGet(t, p)
	if raw(c2).id != 2 || p.Status().Invalidated != 1 {
		t.Fatal("soft-invalidated connection reused")
	}
	mustPut(t, p, c2)
}

func TestInvalidateAllByGeneration(t *testing.T) { bothModes(t, testInvalidateAllByGeneration) }

func testInvalidateAllByGeneration(t *testing.T, lifo bool) {
	p, db := newQueue(t, modeConfig(lifo, 3, 0))
	a, b, out := mustGet(t, p), mustGet(t, p), mustGet(t, p)
	mustPut(t, p, a)
	mustPut(t, p, b)
	p.InvalidateAll(errBoom)
	if !raw(a).closed.Load() || !raw(b).closed.Load() || raw(out).closed.Load() {
		t.Fatal("idle ones must close at once, checked-out ones not yet")
	}
	checkStatus(t, p.Status(), 1, 0, 1)
	n := mustGet(t, p)
	if raw(n).id != 4 {
		t.Fatalf("got conn %d after InvalidateAll", raw(n).id)
	}
	mustPut(t, p, out)
	mustPut(t, p, n)
	if !raw(out).closed.Load() || raw(n).closed.Load() {
		t.Fatal("old generation kept or new one closed at checkin")
	}
	if s := p.Status(); s.Invalidated != 3 || s.Open != 1 || db.open.Load() != 1 {
		t.Fatalf("status %+v", s)
	}
}

func TestDetach(t *testing.T) { bothModes(t, testDetach) }

// A detached connection is no longer checked out, but keeps its slot until Put
// has closed it: the pool never has more raw connections than Size+MaxOverflow.
func testDetach(t *testing.T, lifo bool) {
	cfg := modeConfig(lifo, 1, 0)
	cfg.Timeout = 20 * time.Millisecond
	p, db := newQueue(t, cfg)
	var detached int
	p.Listen(Listener{CloseDetached: func(Connection) { detached++ }})
	c := mustGet(t, p)
	c.Detach()
	checkStatus(t, p.Status(), 1, 0, 0)
	if _, err := p.Get(context.Background()); !errors.Is(err, ErrTimeout) {
		t.Fatalf("Get while the detached connection is open: %v, want a timeout", err)
	}
	mustPut(t, p, c)
	if !raw(c).closed.Load() || detached != 1 || db.open.Load() != 0 {
		t.Fatalf("detached connection: closed=%v events=%d", raw(c).closed.Load(), detached)
	}
	checkStatus(t, p.Status(), 0, 0, 0)
	c2 := mustGet(t, p) // the slot is free again
	if raw(c2).id != 2 || raw(c2).resets.Load() != 0 || raw(c).resets.Load() != 0 {
		t.Fatalf("got conn %d; the detached one must be closed unreset", raw(c2).id)
	}
	mustPut(t, p, c2)
	checkStatus(t, p.Status(), 1, 1, 0)
}

func TestInfoLivesWithTheRawConnection(t *testing.T) {
	p, _ := newQueue(t, testConfig(1, 0))
	c := mustGet(t, p)
	c.Info()["k"] = 1
	mustPut(t, p, c)
	c = mustGet(t, p)
	if c.Info()["k"] != 1 {
		t.Fatal("info lost across checkouts")
	}
	c.Invalidate(nil)
	mustPut(t, p, c)
	c = mustGet(t, p)
	if len(c.Info()) != 0 {
		t.Fatal("a new raw connection inherited info")
	}
	if time.Since(c.CreatedAt()) > time.Second {
		t.Fatal("CreatedAt")
	}
	mustPut(t, p, c)
}
