package pool

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// dialError stands in for a driver's connect error, reached with errors.As.
type dialError struct{ addr string }

func (e *dialError) Error() string { return "dial " + e.addr + ": connection refused" }

// startBackoff puts b into a back-off as a failed connect would.
func startBackoff(b *base, err error) {
	b.bo.failed(false, err, slog.New(slog.DiscardHandler), "")
}

// noWaits fails a synctest test whose checkouts waited: a waiter made inside a
// bubble would carry the bubble's timer into the shared waiter pool.
func noWaits[C Connection](t *testing.T, p Pool[C]) {
	t.Helper()
	if n := p.Status().Waits; n != 0 {
		t.Fatalf("%d checkouts waited inside a synctest bubble", n)
	}
}

// wantFailFast checks that err is a fail-fast back-off error wrapping cause.
func wantFailFast(t *testing.T, err error, cause error) {
	t.Helper()
	if !errors.Is(err, ErrConnectBackoff) || !errors.Is(err, cause) || !strings.HasPrefix(err.Error(), "alchemy: pool: ") {
		t.Fatalf("got %v, want a fail-fast error wrapping ErrConnectBackoff and %v", err, cause)
	}
}

// sameCounts compares the counts a failed checkout must not move.
func sameCounts(t *testing.T, before, after Status) {
	t.Helper()
	if before.Open != after.Open || before.CheckedIn != after.CheckedIn || before.CheckedOut != after.CheckedOut ||
		before.Overflow != after.Overflow || before.Waiters != after.Waiters {
		t.Fatalf("counts moved: %v -> %v", before, after)
	}
}

func TestBackoffFailsFastWithTheLastError(t *testing.T) {
	bothModes(t, testBackoffFailsFastWithTheLastError)
}

func testBackoffFailsFastWithTheLastError(t *testing.T, lifo bool) {
	cfg := modeConfig(lifo, 1, 1)
	cfg.ConnectBackoff, cfg.ConnectBackoffMax = time.Hour, time.Hour // one window for the whole test
	p, db := newQueue(t, cfg)
	ctx := context.Background()
	idle := mustGet(t, p)
	down := &dialError{"db:5432"}
	var calls atomic.Int32
	db.hook = func(context.Context) error { calls.Add(1); return down }

	before := p.Status()
	_, err := p.Get(ctx)
	var de *dialError
	if !errors.As(err, &de) || de != down || errors.Is(err, ErrConnectBackoff) {
		t.Fatalf("the failed connect: %v", err)
	}
	for range 5 {
		_, err = p.Get(ctx)
		wantFailFast(t, err, down)
		if !errors.As(err, &de) || de != down {
			t.Fatalf("errors.As does not reach the driver's error in %v", err)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("the creator was called %d times during the back-off, want 1", n)
	}
	s := p.Status()
	sameCounts(t, before, s)
	if s.ConnectAttempts != 2 || s.ConnectFailures != 1 || s.ConnectFailFast != 5 {
		t.Fatalf("connect counters: %+v", s)
	}
	// A checkout served by an idle connection does not need the server's
	// consent: the back-off does not touch it.
	mustPut(t, p, idle)
	c := mustGet(t, p)
	if c != idle {
		t.Fatal("the idle connection was not handed out during the back-off")
	}
	mustPut(t, p, c)
}

// After a window one checkout retries; the others fail fast while it runs,
// the window doubles after it fails, and a success ends the back-off.
func TestBackoffOneProbeAtATime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := testConfig(4, 0)
		p, db := newQueue(t, cfg)
		defer noWaits(t, p)
		ctx := context.Background()
		down := &dialError{"db:5432"}
		var calls atomic.Int32
		var hang atomic.Bool
		var up atomic.Bool
		release := make(chan struct{})
		db.hook = func(context.Context) error {
			calls.Add(1)
			if hang.Load() {
				<-release
			}
			if up.Load() {
				return nil
			}
			return down
		}
		if _, err := p.Get(ctx); !errors.Is(err, down) {
			t.Fatalf("first connect: %v", err)
		}
		if _, err := p.Get(ctx); !errors.Is(err, ErrConnectBackoff) {
			t.Fatalf("inside the first window: %v", err)
		}
		time.Sleep(cfg.ConnectBackoff) // the first window is at most ConnectBackoff

		hang.Store(true)
		probe := make(chan result, 1)
		go func() {
			c, err := p.Get(ctx)
			probe <- result{c, err}
		}()
		synctest.Wait() // the probe is inside the creator
		if n := calls.Load(); n != 2 {
			t.Fatalf("%d creator calls, want 2", n)
		}
		for range 10 {
			_, err := p.Get(ctx)
			wantFailFast(t, err, down)
			if !strings.Contains(err.Error(), "under way") {
				t.Fatalf("message %q does not say a retry is under way", err)
			}
		}
		if n := calls.Load(); n != 2 {
			t.Fatalf("%d creator calls while the probe ran, want 2", n)
		}
		close(release)
		if r := <-probe; !errors.Is(r.err, down) || errors.Is(r.err, ErrConnectBackoff) {
			t.Fatalf("probe: %v", r.err)
		}

		// Second failure: a window in (2*base/2, 2*base].
		time.Sleep(cfg.ConnectBackoff)
		_, err := p.Get(ctx)
		wantFailFast(t, err, down)
		if !strings.Contains(err.Error(), "2 in a row") {
			t.Fatalf("message %q does not count the failures", err)
		}
		time.Sleep(cfg.ConnectBackoff)

		up.Store(true)
		a := mustGet(t, p) // the probe, which succeeds
		b := mustGet(t, p) // no back-off left: dials at once
		if n := calls.Load(); n != 4 {
			t.Fatalf("%d creator calls, want 4", n)
		}
		s := p.Status()
		if s.ConnectAttempts != 4 || s.ConnectFailures != 2 || s.ConnectFailFast != 12 {
			t.Fatalf("connect counters: %+v", s)
		}
		checkStatus(t, s, 2, 0, 2)
		mustPut(t, p, a)
		mustPut(t, p, b)
	})
}

// A connect cut short by the caller's context is not held against the server.
func TestBackoffIgnoresTheCallersContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, db := newQueue(t, testConfig(2, 0))
		defer noWaits(t, p)
		var mode atomic.Int32 // 0 honour ctx and hang, 1 refuse, 2 succeed
		down := &dialError{"db:5432"}
		db.hook = func(ctx context.Context) error {
			switch mode.Load() {
			case 0:
				<-ctx.Done()
				return ctx.Err()
			case 1:
				return down
			}
			return nil
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		_, err := p.Get(ctx)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrTimeout) || errors.Is(err, ErrConnectBackoff) {
			t.Fatalf("cancelled connect: %v", err)
		}
		if s := p.Status(); s.ConnectFailures != 0 || p.bo.active.Load() {
			t.Fatalf("the caller's deadline started a back-off: %+v", s)
		}

		// A probe cut short by its caller lets the next checkout probe at once.
		mode.Store(1)
		if _, err := p.Get(context.Background()); !errors.Is(err, down) {
			t.Fatalf("refused connect: %v", err)
		}
		waitBackoff(t, &p.base)
		mode.Store(0)
		ctx, cancel = context.WithCancel(context.Background())
		go func() {
			time.Sleep(time.Millisecond)
			cancel()
		}()
		if _, err := p.Get(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled probe: %v", err)
		}
		mode.Store(2)
		c := mustGet(t, p) // no new window was opened
		if s := p.Status(); s.ConnectFailures != 1 || s.ConnectAttempts != 4 || s.ConnectFailFast != 0 {
			t.Fatalf("connect counters: %+v", s)
		}
		mustPut(t, p, c)
	})
}

// Config.Timeout expiring on a creator that hangs is a failure; the hung
// creator returning a connection late proves the server is back.
func TestBackoffCountsTheCreatorTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := testConfig(1, 1)
		cfg.Timeout = 20 * time.Millisecond
		p, db := newQueue(t, cfg)
		defer noWaits(t, p)
		release := make(chan struct{})
		db.hook = func(context.Context) error { <-release; return nil } // ignores ctx
		if _, err := p.Get(context.Background()); !errors.Is(err, ErrTimeout) {
			t.Fatalf("hung creator: %v", err)
		}
		_, err := p.Get(context.Background())
		wantFailFast(t, err, ErrTimeout)
		checkStatus(t, p.Status(), 1, 0, 0) // the hung creator keeps its slot, the other was given back
		close(release)
		synctest.Wait() // its late connection is closed and the slot freed
		c := mustGet(t, p)
		if s := p.Status(); s.ConnectFailures != 1 || s.ConnectAttempts != 2 || s.ConnectFailFast != 1 || db.open.Load() != 1 {
			t.Fatalf("counters: %+v, %d open", s, db.open.Load())
		}
		mustPut(t, p, c)
	})
}

// Every path that dials asks the gate: none calls the creator during a
// back-off, and none keeps a slot for the checkout that failed fast.
func TestBackoffGuardsEveryDial(t *testing.T) {
	type setup func(t *testing.T, db *fakeDB, cfg Config) (Pool[*fakeConn], *base)
	queue := func(arrange func(t *testing.T, p *QueuePool[*fakeConn])) setup {
		return func(t *testing.T, db *fakeDB, cfg Config) (Pool[*fakeConn], *base) {
			p, err := NewQueuePool(db.create, cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = p.Dispose() })
			if arrange != nil {
				arrange(t, p)
			}
			return p, &p.base
		}
	}
	refuseNext := func(t *testing.T, p *QueuePool[*fakeConn], how func(r *Record) error) {
		var refuse atomic.Bool
		p.Listen(Listener{Checkout: func(_ context.Context, r *Record) error {
			if refuse.Load() {
				return how(r)
			}
			return nil
		}})
		mustPut(t, p, mustGet(t, p))
		refuse.Store(true)
	}
	cases := []struct {
		name  string
		cfg   func(*Config)
		setup setup
	}{
		{"queue fifo first connect", nil, queue(nil)},
		{"queue lifo first connect", func(c *Config) { c.LIFO = true }, queue(nil)},
		{"queue recycle", func(c *Config) { c.Recycle = 10 * time.Millisecond }, queue(func(t *testing.T, p *QueuePool[*fakeConn]) {
			mustPut(t, p, mustGet(t, p))
			time.Sleep(20 * time.Millisecond)
		})},
		{"queue pre-ping failure", func(c *Config) { c.PrePing = true }, queue(func(t *testing.T, p *QueuePool[*fakeConn]) {
			c := mustGet(t, p)
			mustPut(t, p, c)
			raw(c).failPing(errBoom)
		})},
		{"queue listener disconnect", nil, queue(func(t *testing.T, p *QueuePool[*fakeConn]) {
			refuseNext(t, p, func(r *Record) error { return ErrDisconnect })
		})},
		{"queue listener invalidates", nil, queue(func(t *testing.T, p *QueuePool[*fakeConn]) {
			refuseNext(t, p, func(r *Record) error { r.Invalidate(errBoom); return nil })
		})},
		{"null", nil, func(t *testing.T, db *fakeDB, cfg Config) (Pool[*fakeConn], *base) {
			p, err := NewNullPool(db.create, cfg)
			if err != nil {
				t.Fatal(err)
			}
			return p, &p.base
		}},
		{"static first connect", nil, func(t *testing.T, db *fakeDB, cfg Config) (Pool[*fakeConn], *base) {
			p, err := NewStaticPool(db.create, cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = p.Dispose() })
			return p, &p.base
		}},
		{"static after invalidation", nil, func(t *testing.T, db *fakeDB, cfg Config) (Pool[*fakeConn], *base) {
			p, err := NewStaticPool(db.create, cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = p.Dispose() })
			c := mustGet(t, p)
			c.Invalidate(errBoom)
			mustPut(t, p, c)
			return p, &p.base
		}},
		{"assertion first connect", nil, func(t *testing.T, db *fakeDB, cfg Config) (Pool[*fakeConn], *base) {
			p, err := NewAssertionPool(db.create, cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = p.Dispose() })
			return p, &p.base
		}},
		{"assertion after InvalidateAll", nil, func(t *testing.T, db *fakeDB, cfg Config) (Pool[*fakeConn], *base) {
			p, err := NewAssertionPool(db.create, cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = p.Dispose() })
			mustPut(t, p, mustGet(t, p))
			p.InvalidateAll(errBoom)
			return p, &p.base
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(1, 0)
			cfg.ConnectBackoff, cfg.ConnectBackoffMax = time.Hour, time.Hour
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			db := &fakeDB{}
			p, b := tc.setup(t, db, cfg)
			down := &dialError{"db:5432"}
			startBackoff(b, down)
			created, before := db.created(), p.Status()
			_, err := p.Get(context.Background())
			wantFailFast(t, err, down)
			s := p.Status()
			if db.created() != created || s.ConnectAttempts != before.ConnectAttempts || s.ConnectFailFast != 1 {
				t.Fatalf("the creator was called during the back-off: %d -> %d connections, %+v", created, db.created(), s)
			}
			if s.CheckedOut != 0 || s.Waiters != 0 || int64(s.Open) != db.open.Load() {
				t.Fatalf("a slot was kept: %+v, %d raw connections open", s, db.open.Load())
			}
		})
	}
}

// Waiters handed a freed slot during a back-off fail fast with the error
// that started it; the slot goes on, and nothing leaks.
func TestBackoffFailsQueuedWaitersFast(t *testing.T) {
	bothModes(t, testBackoffFailsQueuedWaitersFast)
}

func testBackoffFailsQueuedWaitersFast(t *testing.T, lifo bool) {
	cfg := modeConfig(lifo, 1, 0)
	cfg.ConnectBackoff, cfg.ConnectBackoffMax = time.Hour, time.Hour
	p, db := newQueue(t, cfg)
	held := mustGet(t, p)
	first, second := make(chan result, 1), make(chan result, 1)
	enqueue(t, p, context.Background(), first)
	enqueue(t, p, context.Background(), second)
	db.failNext.Store(1)
	held.Invalidate(errBoom)
	mustPut(t, p, held) // frees the slot: first gets it, its connect fails
	if r := <-first; !errors.Is(r.err, errBoom) || errors.Is(r.err, ErrConnectBackoff) {
		t.Fatalf("first waiter: %v", r.err)
	}
	r := <-second
	wantFailFast(t, r.err, errBoom)
	checkStatus(t, p.Status(), 0, 0, 0)
	if db.created() != 1 || db.open.Load() != 0 {
		t.Fatalf("%d created, %d open", db.created(), db.open.Load())
	}
}

func TestBackoffOff(t *testing.T) {
	cfg := testConfig(1, 0)
	cfg.ConnectBackoff = 0
	p, db := newQueue(t, cfg)
	db.failNext.Store(3)
	for i := range 3 {
		if _, err := p.Get(context.Background()); !errors.Is(err, errBoom) || errors.Is(err, ErrConnectBackoff) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if s := p.Status(); s.ConnectAttempts != 3 || s.ConnectFailures != 3 || s.ConnectFailFast != 0 {
		t.Fatalf("counters: %+v", s)
	}
	mustPut(t, p, mustGet(t, p))
}

func TestBackoffDelayDoublesWithJitterUpToTheCap(t *testing.T) {
	g := backoff{base: 50 * time.Millisecond, max: 500 * time.Millisecond}
	for n, ceil := range map[int]time.Duration{
		1: 50 * time.Millisecond, 2: 100 * time.Millisecond, 3: 200 * time.Millisecond,
		4: 400 * time.Millisecond, 5: 500 * time.Millisecond, 6: 500 * time.Millisecond, 1000: 500 * time.Millisecond,
	} {
		seen := map[time.Duration]bool{}
		for range 200 {
			d := g.delay(n)
			if d <= ceil/2 || d > ceil {
				t.Fatalf("delay(%d) = %v, want in (%v, %v]", n, d, ceil/2, ceil)
			}
			seen[d] = true
		}
		if len(seen) < 100 {
			t.Fatalf("delay(%d): only %d distinct values in 200: no jitter", n, len(seen))
		}
	}
}
