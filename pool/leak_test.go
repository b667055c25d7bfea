package pool

import (
	"context"
	"log/slog"
	"runtime"
	"strings"
	"testing"
)

//go:noinline
func leakOne(t *testing.T, p Pool[*fakeConn]) {
	if _, err := p.Get(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// gcUntil runs the garbage collector until cond holds, for a bounded time.
func gcUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	eventually(t, what, func() bool {
		runtime.GC()
		return cond()
	})
}

func TestLeakedCheckoutIsReportedClosedAndFreed(t *testing.T) {
	buf := &syncBuffer{}
	cfg := testConfig(1, 0)
	cfg.Logger = slog.New(slog.NewTextHandler(buf, nil))
	cfg.TrackCheckouts = true
	p, db := newQueue(t, cfg)

	// A connection returned properly and then dropped is never reported.
	c := mustGet(t, p)
	c.Invalidate(errBoom)
	mustPut(t, p, c)
	c = nil

	leakOne(t, p)
	gcUntil(t, "leak reported", func() bool { return p.Status().Leaked >= 1 })
	for range 3 {
		runtime.GC()
	}
	s := p.Status()
	if s.Leaked != 1 {
		t.Fatalf("leaked %d, want 1", s.Leaked)
	}
	checkStatus(t, s, 0, 0, 0)
	if !db.conn(1).closed.Load() {
		t.Fatal("leaked connection not closed")
	}
	log := buf.String()
	if !strings.Contains(log, "never returned") || !strings.Contains(log, "leakOne") || !strings.Contains(log, "level=WARN") {
		t.Fatalf("log lacks the warning or the checkout stack:\n%s", log)
	}
	c = mustGet(t, p) // slot freed; never the dirty connection
	if raw(c).id != 3 {
		t.Fatalf("got conn %d", raw(c).id)
	}
	mustPut(t, p, c)
}

func TestLeakWithoutTrackingSuggestsIt(t *testing.T) {
	buf := &syncBuffer{}
	cfg := testConfig(1, 0)
	cfg.Logger = slog.New(slog.NewTextHandler(buf, nil))
	p, _ := newQueue(t, cfg)
	leakOne(t, p)
	gcUntil(t, "leak reported", func() bool { return p.Status().Leaked == 1 })
	if log := buf.String(); !strings.Contains(log, "TrackCheckouts") || strings.Contains(log, "leakOne") {
		t.Fatalf("log:\n%s", log)
	}
	checkStatus(t, p.Status(), 0, 0, 0)
}

func TestLeakedNullAndAssertionCheckouts(t *testing.T) {
	db := &fakeDB{}
	cfg := testConfig(1, 0)
	np, _ := NewNullPool(db.create, cfg)
	ap, _ := NewAssertionPool(db.create, cfg)
	leakOne(t, np)
	leakOne(t, ap)
	gcUntil(t, "leaks reported", func() bool { return np.Status().Leaked == 1 && ap.Status().Leaked == 1 })
	if db.open.Load() != 0 || np.Status().CheckedOut != 0 {
		t.Fatalf("open %d", db.open.Load())
	}
	mustPut(t, ap, mustGet(t, ap)) // the assertion is released
}
