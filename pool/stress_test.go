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

// 64 goroutines over size 5 overflow 5, with invalidations, short deadlines
// and pool invalidations, checking the invariants throughout and at the end.
func TestStressInvariants(t *testing.T) { bothModes(t, testStressInvariants) }

func testStressInvariants(t *testing.T, lifo bool) {
	const size, overflow, workers, iters = 5, 5, 64, 300
	p, db := newQueue(t, modeConfig(lifo, size, overflow))
	var held, maxHeld atomic.Int64
	var violations atomic.Int64
	var firstViolation atomic.Pointer[string]
	violate := func(msg string) {
		if violations.Add(1) == 1 {
			firstViolation.Store(&msg)
		}
	}
	done := make(chan struct{})
	var monitor sync.WaitGroup
	monitor.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			s := p.Status()
			if s.Open > size+overflow || db.open.Load() > size+overflow || s.CheckedIn > size || s.CheckedOut > size+overflow || s.Waiters > workers {
				violate("bounds: " + s.String())
			}
			runtime.Gosched()
		}
	})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for range iters {
				ctx, cancel := context.Background(), context.CancelFunc(func() {})
				short := rng.IntN(10) == 0
				if short {
					ctx, cancel = context.WithTimeout(ctx, time.Millisecond)
				}
				c, err := p.Get(ctx)
				if err != nil {
					cancel()
					if !short || !errors.Is(err, context.DeadlineExceeded) {
						violate("unexpected error: " + err.Error())
					}
					continue
				}
				n := held.Add(1)
				if n > size+overflow {
					violate("more checkouts than slots")
				}
				for m := maxHeld.Load(); n > m && !maxHeld.CompareAndSwap(m, n); m = maxHeld.Load() {
				}
				switch rng.IntN(60) {
				case 0:
					c.Invalidate(errBoom)
				case 1:
					c.SoftInvalidate(errBoom)
				case 2:
					p.InvalidateAll(errBoom)
				}
				if rng.IntN(4) == 0 {
					runtime.Gosched()
				}
				held.Add(-1)
				if err := p.Put(c); err != nil {
					violate("Put: " + err.Error())
				}
				cancel()
			}
		})
	}
	wg.Wait()
	close(done)
	monitor.Wait()
	if v := violations.Load(); v > 0 {
		t.Fatalf("%d violations, first: %s", v, *firstViolation.Load())
	}
	s := p.Status()
	if s.CheckedOut != 0 || s.Waiters != 0 || s.Open != s.CheckedIn || s.Created-s.Closed != int64(s.Open) || db.open.Load() != int64(s.Open) {
		t.Fatalf("final status does not add up: %+v (db open %d)", s, db.open.Load())
	}
	if db.maxOpen.Load() > size+overflow || maxHeld.Load() < size {
		t.Fatalf("max open %d, max held %d", db.maxOpen.Load(), maxHeld.Load())
	}
	if s.Waits == 0 {
		t.Fatal("the stress never made anyone wait")
	}
}
