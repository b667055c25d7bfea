package pool

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

var errBoom = errors.New("boom")

// fakeConn is a Connection that records what the pool did to it.
type fakeConn struct {
	id      int
	db      *fakeDB
	closed  atomic.Bool
	pings   atomic.Int32
	resets  atomic.Int32
	mode    atomic.Int32 // last reset mode
	pingErr atomic.Pointer[error]
	// pingBlock makes Ping wait for its ctx to end.
	pingBlock atomic.Bool
	resetErr  atomic.Pointer[error]
}

func (c *fakeConn) Close() error {
	if c.closed.CompareAndSwap(false, true) {
		c.db.open.Add(-1)
	}
	return nil
}

func (c *fakeConn) Ping(ctx context.Context) error {
	c.pings.Add(1)
	if c.pingBlock.Load() {
		<-ctx.Done()
		return ctx.Err()
	}
	if p := c.pingErr.Load(); p != nil {
		return *p
	}
	return nil
}

func (c *fakeConn) Reset(ctx context.Context, mode ResetMode) error {
	c.resets.Add(1)
	c.mode.Store(int32(mode))
	if p := c.resetErr.Load(); p != nil {
		return *p
	}
	return nil
}

func (c *fakeConn) failPing(err error)  { c.pingErr.Store(&err) }
func (c *fakeConn) failReset(err error) { c.resetErr.Store(&err) }

// fakeDB makes fakeConns and counts how many are open.
type fakeDB struct {
	mu      sync.Mutex
	conns   []*fakeConn
	open    atomic.Int64
	maxOpen atomic.Int64
	// failNext makes the next n creations fail with errBoom.
	failNext atomic.Int32
	// hook, if set, runs at the start of every creation.
	hook func(ctx context.Context) error
}

func (d *fakeDB) create(ctx context.Context) (*fakeConn, error) {
	if d.hook != nil {
		if err := d.hook(ctx); err != nil {
			return nil, err
		}
	}
	if d.failNext.Add(-1) >= 0 {
		return nil, errBoom
	}
	d.failNext.Store(0)
	d.mu.Lock()
	c := &fakeConn{id: len(d.conns) + 1, db: d}
	d.conns = append(d.conns, c)
	d.mu.Unlock()
	n := d.open.Add(1)
	for {
		m := d.maxOpen.Load()
		if n <= m || d.maxOpen.CompareAndSwap(m, n) {
			break
		}
	}
	return c, nil
}

func (d *fakeDB) conn(i int) *fakeConn {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.conns[i]
}

func (d *fakeDB) created() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.conns)
}

// raw is the fake connection under c, even after c was invalidated.
func raw(c *Conn[*fakeConn]) *fakeConn { return c.raw }

// rawOf is the fake connection of a Record, as a listener gets it.
func rawOf(r *Record) *fakeConn { return r.raw.(*fakeConn) }

// testConfig is a small, fast QueuePool config.
func testConfig(size, overflow int) Config {
	cfg := DefaultConfig()
	cfg.Size, cfg.MaxOverflow, cfg.Timeout = size, overflow, 2*time.Second
	cfg.Logger = slog.New(slog.DiscardHandler)
	return cfg
}

// modeConfig is testConfig for the FIFO (channel) or LIFO (ring) mode.
func modeConfig(lifo bool, size, overflow int) Config {
	cfg := testConfig(size, overflow)
	cfg.LIFO = lifo
	return cfg
}

// bothModes runs a test against both QueuePool implementations.
func bothModes(t *testing.T, test func(t *testing.T, lifo bool)) {
	t.Run("fifo", func(t *testing.T) { test(t, false) })
	t.Run("lifo", func(t *testing.T) { test(t, true) })
}

func newQueue(t *testing.T, cfg Config) (*QueuePool[*fakeConn], *fakeDB) {
	t.Helper()
	db := &fakeDB{}
	p, err := NewQueuePool(db.create, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Dispose() })
	return p, db
}

func mustGet[C Connection](t *testing.T, p Pool[C]) *Conn[C] {
	t.Helper()
	c, err := p.Get(context.Background())
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	return c
}

func mustPut[C Connection](t *testing.T, p Pool[C], c *Conn[C]) {
	t.Helper()
	if err := p.Put(c); err != nil {
		t.Fatalf("Put: %v", err)
	}
}

// eventually polls cond for up to 2s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// checkStatus compares the fields of s that want names.
func checkStatus(t *testing.T, s Status, open, in, out int) {
	t.Helper()
	if s.Open != open || s.CheckedIn != in || s.CheckedOut != out {
		t.Fatalf("status open/in/out = %d/%d/%d, want %d/%d/%d (%s)", s.Open, s.CheckedIn, s.CheckedOut, open, in, out, s)
	}
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitBackoff sleeps until the pool's connect back-off window has passed, so
// that the next checkout may dial again. The pool must be backing off.
func waitBackoff(t *testing.T, b *base) {
	t.Helper()
	if !b.bo.active.Load() {
		t.Fatal("the pool is not backing off")
	}
	b.bo.mu.Lock()
	until := b.bo.until
	b.bo.mu.Unlock()
	time.Sleep(time.Until(until))
}
