package pool

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// poolKind makes one kind of pool over db.
type poolKind struct {
	name string
	make func(t *testing.T, db *fakeDB, cfg Config) Pool[*fakeConn]
}

// allKinds lists every pool: both QueuePool modes and the other three.
func allKinds() []poolKind {
	mk := func(name string, newPool func(Creator[*fakeConn], Config) (Pool[*fakeConn], error), adjust func(*Config)) poolKind {
		return poolKind{name, func(t *testing.T, db *fakeDB, cfg Config) Pool[*fakeConn] {
			t.Helper()
			if adjust != nil {
				adjust(&cfg)
			}
			p, err := newPool(db.create, cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = p.Dispose() })
			return p
		}}
	}
	queue := func(c Creator[*fakeConn], cfg Config) (Pool[*fakeConn], error) { return NewQueuePool(c, cfg) }
	return []poolKind{
		mk("queue fifo", queue, nil),
		mk("queue lifo", queue, func(c *Config) { c.LIFO = true }),
		mk("null", func(c Creator[*fakeConn], cfg Config) (Pool[*fakeConn], error) { return NewNullPool(c, cfg) }, nil),
		mk("static", func(c Creator[*fakeConn], cfg Config) (Pool[*fakeConn], error) { return NewStaticPool(c, cfg) }, nil),
		mk("assertion", func(c Creator[*fakeConn], cfg Config) (Pool[*fakeConn], error) { return NewAssertionPool(c, cfg) }, nil),
	}
}

func TestNilContextIsAnError(t *testing.T) {
	for _, kind := range allKinds() {
		t.Run(kind.name, func(t *testing.T) {
			db := &fakeDB{}
			p := kind.make(t, db, testConfig(2, 0))
			var nilCtx context.Context
			before := p.Status()
			c, err := p.Get(nilCtx)
			if c != nil || err == nil || !strings.HasPrefix(err.Error(), "alchemy: pool: ") || !strings.Contains(err.Error(), "nil context") {
				t.Fatalf("Get(nil) = %v, %v; want an error naming the nil context", c, err)
			}
			if p.Status() != before || db.created() != 0 {
				t.Fatalf("Get(nil) moved the pool: %v -> %v, %d created", before, p.Status(), db.created())
			}
			mustPut(t, p, mustGet(t, p)) // and the pool still works
		})
	}
}

// A Checkout listener that invalidates the connection and returns nil is a
// disconnect: the connection is replaced, never handed out invalidated.
func TestCheckoutListenerInvalidatingIsADisconnect(t *testing.T) {
	for _, kind := range allKinds() {
		t.Run(kind.name, func(t *testing.T) {
			db := &fakeDB{}
			p := kind.make(t, db, testConfig(2, 0))
			invalidate := 2
			p.Listen(Listener{Checkout: func(_ context.Context, r *Record) error {
				if invalidate > 0 {
					invalidate--
					r.Invalidate(errBoom)
				}
				return nil
			}})
			c := mustGet(t, p)
			if c.Connection() == nil || c.Connection() != raw(c) || !c.Valid() || raw(c).id != 3 {
				t.Fatalf("got conn %d, valid=%v, raw %v: want the third, valid", raw(c).id, c.Valid(), c.Connection())
			}
			if !db.conn(0).closed.Load() || !db.conn(1).closed.Load() {
				t.Fatal("the invalidated connections were not closed")
			}
			s := p.Status()
			if s.Open != 1 || s.CheckedOut != 1 || s.Invalidated != 2 || db.open.Load() != 1 {
				t.Fatalf("status %+v, %d raw open", s, db.open.Load())
			}
			mustPut(t, p, c)
		})
	}
}

func TestCheckoutListenerAlwaysInvalidatingGivesUpAfterThree(t *testing.T) {
	for _, kind := range allKinds() {
		t.Run(kind.name, func(t *testing.T) {
			db := &fakeDB{}
			p := kind.make(t, db, testConfig(2, 0))
			calls := 0
			p.Listen(Listener{Checkout: func(_ context.Context, r *Record) error {
				calls++
				r.Invalidate(errBoom)
				return nil
			}})
			c, err := p.Get(context.Background())
			if c != nil || !errors.Is(err, ErrDisconnect) || calls != 3 || db.created() != 3 {
				t.Fatalf("Get = %v, %v after %d calls, %d created", c, err, calls, db.created())
			}
			if s := p.Status(); s.Open != 0 || s.CheckedOut != 0 || db.open.Load() != 0 {
				t.Fatalf("status %+v, %d raw open", s, db.open.Load())
			}
		})
	}
}
