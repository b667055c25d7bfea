package pool

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// slowDB makes connections that take a while to close, and counts how many
// raw connections exist at once: from the moment its creator has made one
// until that connection's Close has returned.
type slowDB struct {
	open, max atomic.Int64
	doubles   atomic.Int64 // connections closed twice
}

func (d *slowDB) create(ctx context.Context) (*slowConn, error) {
	switch r := rand.IntN(100); {
	case r < 4:
		return nil, errBoom
	case r < 10: // a creator that ignores its context
		time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
	default:
		select {
		case <-time.After(time.Duration(rand.IntN(200)) * time.Microsecond):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	n := d.open.Add(1)
	for m := d.max.Load(); n > m && !d.max.CompareAndSwap(m, n); m = d.max.Load() {
	}
	return &slowConn{db: d}, nil
}

type slowConn struct {
	db     *slowDB
	closed atomic.Bool
}

func (c *slowConn) Close() error {
	if c.closed.Swap(true) {
		c.db.doubles.Add(1)
		return nil
	}
	time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond)
	c.db.open.Add(-1) // only once Close is done
	return nil
}

func (c *slowConn) Ping(ctx context.Context) error {
	if rand.IntN(50) == 0 {
		return errBoom
	}
	return nil
}

func (c *slowConn) Reset(ctx context.Context, mode ResetMode) error { return nil }

// TestRawConnectionsNeverExceedTheCap: a connection counts against
// Size+MaxOverflow until its Close has returned, on every path that closes
// one (invalidation, soft invalidation, pool invalidation, detach, leak,
// overflow and stale checkin, pre-ping failure, abandoned creator, failed
// creator), under many goroutines with random cancellations.
func TestRawConnectionsNeverExceedTheCap(t *testing.T) {
	cases := []struct {
		name           string
		limit          int
		newOne         func(Creator[*slowConn], Config) (Pool[*slowConn], error)
		lifo           bool
		workers, iters int
	}{
		{"queue fifo", 5, func(c Creator[*slowConn], cfg Config) (Pool[*slowConn], error) { return NewQueuePool(c, cfg) }, false, 32, 100},
		{"queue lifo", 5, func(c Creator[*slowConn], cfg Config) (Pool[*slowConn], error) { return NewQueuePool(c, cfg) }, true, 32, 100},
		{"assertion", 1, func(c Creator[*slowConn], cfg Config) (Pool[*slowConn], error) { return NewAssertionPool(c, cfg) }, false, 2, 2000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := &slowDB{}
			cfg := testConfig(3, 2)
			cfg.LIFO = tc.lifo
			cfg.PrePing = true
			cfg.Recycle = 5 * time.Millisecond
			cfg.ConnectBackoff, cfg.ConnectBackoffMax = 100*time.Microsecond, time.Millisecond
			p, err := tc.newOne(db.create, cfg)
			if err != nil {
				t.Fatal(err)
			}
			hammerWithChaos(t, p, tc.workers, tc.iters)
			// Leaked connections are reclaimed by the garbage collector.
			gcUntil(t, "leaks reclaimed", func() bool { return p.Status().CheckedOut == 0 })
			_ = p.Dispose()
			eventually(t, "every connection closed", func() bool { return db.open.Load() == 0 })
			if m := db.max.Load(); m > int64(tc.limit) {
				t.Fatalf("%d raw connections open at once, more than Size+MaxOverflow = %d", m, tc.limit)
			}
			if n := db.doubles.Load(); n > 0 {
				t.Fatalf("%d connections closed twice", n)
			}
			if m := db.max.Load(); m < int64(tc.limit) {
				t.Logf("only %d connections were ever open at once (limit %d)", m, tc.limit)
			}
		})
	}
}

// hammerWithChaos runs workers that check out and in, with short deadlines,
// cancellations, invalidations, detaches and leaks thrown in.
func hammerWithChaos[C Connection](t *testing.T, p Pool[C], workers, iters int) {
	t.Helper()
	var unexpected atomic.Int64
	var first atomic.Pointer[error]
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range iters {
				ctx, cancel := context.WithCancel(context.Background())
				switch rand.IntN(8) {
				case 0:
					ctx, cancel = context.WithTimeout(ctx, time.Duration(rand.IntN(500))*time.Microsecond)
				case 1:
					time.AfterFunc(time.Duration(rand.IntN(300))*time.Microsecond, cancel)
				}
				c, err := p.Get(ctx)
				if err != nil {
					cancel()
					if errors.Is(err, ErrAssertion) {
						time.Sleep(50 * time.Microsecond) // let the holder finish
					}
					if !errors.Is(err, errBoom) && !errors.Is(err, ErrConnectBackoff) && !errors.Is(err, ErrTimeout) &&
						!errors.Is(err, ErrAssertion) && ctx.Err() == nil {
						if unexpected.Add(1) == 1 {
							first.Store(&err)
						}
					}
					continue
				}
				switch rand.IntN(40) {
				case 0:
					c.Invalidate(errBoom)
				case 1:
					c.SoftInvalidate(errBoom)
				case 2:
					p.InvalidateAll(errBoom)
				case 3:
					c.Detach()
				case 4:
					cancel()
					continue // leaked: the garbage collector reclaims it
				}
				if rand.IntN(2) == 0 {
					time.Sleep(time.Duration(rand.IntN(100)) * time.Microsecond)
				}
				_ = p.Put(c)
				cancel()
			}
		})
	}
	stop := make(chan struct{})
	var bg sync.WaitGroup
	bg.Go(func() { // reclaim leaks as the run goes
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
				runtime.GC()
			}
		}
	})
	bg.Go(func() { // a disconnect seen elsewhere: idle connections closed under the checkouts' feet
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Duration(rand.IntN(1000)) * time.Microsecond):
				p.InvalidateAll(errBoom)
			}
		}
	})
	wg.Wait()
	close(stop)
	bg.Wait()
	if n := unexpected.Load(); n > 0 {
		t.Fatalf("%d unexpected checkout errors, first: %v", n, *first.Load())
	}
}
