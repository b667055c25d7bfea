package pool

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// gateDB makes connections whose Close, once armed, blocks until released,
// and counts the raw connections open at once (until Close has returned).
type gateDB struct {
	created, open, max atomic.Int64
	armed              atomic.Bool
	closing            chan struct{} // a blocked Close has started
	release            chan struct{} // closed to let blocked Closes return
}

func newGateDB() *gateDB {
	return &gateDB{closing: make(chan struct{}, 16), release: make(chan struct{})}
}

func (d *gateDB) create(context.Context) (*gateConn, error) {
	d.created.Add(1)
	n := d.open.Add(1)
	for m := d.max.Load(); n > m && !d.max.CompareAndSwap(m, n); m = d.max.Load() {
	}
	return &gateConn{db: d}, nil
}

type gateConn struct{ db *gateDB }

func (c *gateConn) Close() error {
	if c.db.armed.Load() {
		c.db.closing <- struct{}{}
		<-c.db.release
	}
	c.db.open.Add(-1)
	return nil
}
func (c *gateConn) Ping(context.Context) error             { return nil }
func (c *gateConn) Reset(context.Context, ResetMode) error { return nil }

type gatePool = Pool[*gateConn]

// TestSlotIsFreedOnlyAfterClose: on every path that closes a connection and
// frees its slot, a checkout that wants that slot makes no new connection
// while the old one's Close is still running.
func TestSlotIsFreedOnlyAfterClose(t *testing.T) {
	queue := func(size, overflow int, lifo bool) func(t *testing.T, db *gateDB) gatePool {
		return func(t *testing.T, db *gateDB) gatePool {
			cfg := modeConfig(lifo, size, overflow)
			p, err := NewQueuePool(db.create, cfg)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
	}
	assertion := func(t *testing.T, db *gateDB) gatePool {
		p, err := NewAssertionPool(db.create, testConfig(1, 0))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	type path struct {
		name  string
		limit int
		pool  func(t *testing.T, db *gateDB) gatePool
		// arrange takes and returns connections so that closing (which runs
		// in its own goroutine, while the pool is full) frees the slot a new
		// checkout needs; during, if set, runs once that Close has started.
		arrange func(t *testing.T, p gatePool) (closing func() error, during func())
	}
	put := func(p gatePool, c *Conn[*gateConn]) func() error { return func() error { return p.Put(c) } }
	invalidateAll := func(p gatePool) func() error { return func() error { p.InvalidateAll(errBoom); return nil } }
	var paths []path
	for _, lifo := range []bool{false, true} {
		mode := map[bool]string{false: "fifo ", true: "lifo "}[lifo]
		paths = append(paths,
			path{mode + "InvalidateAll of an idle connection", 1, queue(1, 0, lifo), func(t *testing.T, p gatePool) (func() error, func()) {
				mustPut(t, p, mustGet(t, p))
				return invalidateAll(p), nil
			}},
			path{mode + "checkin of an overflow connection", 2, queue(1, 1, lifo), func(t *testing.T, p gatePool) (func() error, func()) {
				a, b := mustGet(t, p), mustGet(t, p)
				// The pool is full: b will be closed at checkin. Meanwhile a is
				// taken again, so the next checkout needs b's slot.
				mustPut(t, p, a)
				return put(p, b), func() { mustGet(t, p) }
			}},
			path{mode + "checkin of a stale connection", 1, queue(1, 0, lifo), func(t *testing.T, p gatePool) (func() error, func()) {
				a := mustGet(t, p)
				p.InvalidateAll(errBoom)
				return put(p, a), nil
			}},
			path{mode + "checkin of a detached connection", 1, queue(1, 0, lifo), func(t *testing.T, p gatePool) (func() error, func()) {
				a := mustGet(t, p)
				a.Detach()
				return put(p, a), nil
			}},
			// An Invalidate from a watchdog goroutine racing the owner's checkin:
			// the checkin must not free the slot while that Close runs.
			path{mode + "checkin racing an Invalidate", 1, queue(1, 0, lifo), func(t *testing.T, p gatePool) (func() error, func()) {
				a := mustGet(t, p)
				return func() error { a.Invalidate(errBoom); return nil }, func() { go p.Put(a) }
			}},
		)
	}
	paths = append(paths,
		path{"assertion InvalidateAll of the idle connection", 1, assertion, func(t *testing.T, p gatePool) (func() error, func()) {
			mustPut(t, p, mustGet(t, p))
			return invalidateAll(p), nil
		}},
		path{"assertion checkin of a stale connection", 1, assertion, func(t *testing.T, p gatePool) (func() error, func()) {
			a := mustGet(t, p)
			p.InvalidateAll(errBoom)
			return put(p, a), nil
		}},
		path{"assertion checkin of a detached connection", 1, assertion, func(t *testing.T, p gatePool) (func() error, func()) {
			a := mustGet(t, p)
			a.Detach()
			return put(p, a), nil
		}},
	)
	for _, tc := range paths {
		t.Run(tc.name, func(t *testing.T) {
			db := newGateDB()
			p := tc.pool(t, db)
			closing, during := tc.arrange(t, p)
			made := db.created.Load()
			db.armed.Store(true)
			var wg sync.WaitGroup
			wg.Go(func() {
				if err := closing(); err != nil {
					t.Error(err)
				}
			})
			<-db.closing // Close is running and will not return until released
			if during != nil {
				during()
			}
			type gotConn struct {
				c   *Conn[*gateConn]
				err error
			}
			got := make(chan gotConn, 1)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			go func() {
				for {
					c, err := p.Get(ctx)
					if errors.Is(err, ErrAssertion) && ctx.Err() == nil { // the checkin has not returned yet
						time.Sleep(time.Millisecond)
						continue
					}
					got <- gotConn{c, err}
					return
				}
			}()
			time.Sleep(20 * time.Millisecond)
			if n := db.created.Load(); n != made {
				t.Fatalf("a new connection was made while the old one was closing (%d -> %d)", made, n)
			}
			db.armed.Store(false)
			close(db.release)
			wg.Wait()
			r := <-got
			if r.err != nil {
				t.Fatalf("Get after the close: %v", r.err)
			}
			if db.created.Load() != made+1 || db.max.Load() > int64(tc.limit) {
				t.Fatalf("%d made, %d at once (limit %d)", db.created.Load(), db.max.Load(), tc.limit)
			}
			_ = p.Put(r.c)
			_ = p.Dispose()
		})
	}
}
