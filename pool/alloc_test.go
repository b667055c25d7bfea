//go:build !race

// The race detector allocates on its own, so these tests are built only without
// it; .ci/run runs them in a separate step without -race.

package pool

import (
	"context"
	"runtime"
	"sync"
	"testing"
)

func TestCheckoutCheckinAllocatesNothing(t *testing.T) {
	bothModes(t, testCheckoutCheckinAllocatesNothing)
}

func testCheckoutCheckinAllocatesNothing(t *testing.T, lifo bool) {
	p, _ := newQueue(t, modeConfig(lifo, 2, 0))
	ctx := context.Background()
	mustPut(t, p, mustGet(t, p))
	allocs := testing.AllocsPerRun(1000, func() {
		c, _ := p.Get(ctx)
		_ = p.Put(c)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per checkout+checkin", allocs)
	}
}

func TestContendedCheckoutAllocatesNothing(t *testing.T) {
	bothModes(t, testContendedCheckoutAllocatesNothing)
}

func testContendedCheckoutAllocatesNothing(t *testing.T, lifo bool) {
	p, _ := newQueue(t, modeConfig(lifo, 2, 0))
	ctx := context.Background()
	run := func(n int) {
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range n {
					c, err := p.Get(ctx)
					if err != nil {
						t.Error(err)
						return
					}
					runtime.Gosched()
					_ = p.Put(c)
				}
			})
		}
		wg.Wait()
	}
	run(200) // warm the waiter pool
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	run(2000)
	runtime.ReadMemStats(&after)
	if per := float64(after.Mallocs-before.Mallocs) / 16000; per > 0.01 {
		t.Fatalf("%.3f allocations per contended checkout+checkin", per)
	}
	if p.Status().Waits == 0 {
		t.Fatal("no checkout waited")
	}
}
