package alchemy

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// TestTurnHonoursContext: a statement waiting for a busy connection gives up when
// its context ends, and gets the turn once it is handed back.
func TestTurnHonoursContext(t *testing.T) {
	var tn turn
	tn.lock()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := tn.lockCtx(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("lockCtx on a held turn: %v, want DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("lockCtx waited %s past its deadline", d)
	}
	got := make(chan error, 1)
	go func() { got <- tn.lockCtx(context.Background()) }()
	time.Sleep(5 * time.Millisecond)
	tn.unlock()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a waiter was not woken when the turn was handed back")
	}
	tn.unlock()
}

// TestTurnNoLostWakeups: many goroutines take the turn, some with contexts that
// end while they wait; every one either gets it or sees its context's end, nobody
// holds it at the same time as another, and nobody waits forever.
func TestTurnNoLostWakeups(t *testing.T) {
	var tn turn
	var holders, got, gaveUp int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 7))
			for range 300 {
				ctx, cancel := context.Background(), context.CancelFunc(func() {})
				if r.IntN(3) == 0 {
					ctx, cancel = context.WithTimeout(ctx, time.Duration(r.IntN(200))*time.Microsecond)
				}
				var err error
				if r.IntN(4) == 0 {
					tn.lock()
				} else {
					err = tn.lockCtx(ctx)
				}
				cancel()
				if err != nil {
					mu.Lock()
					gaveUp++
					mu.Unlock()
					continue
				}
				mu.Lock()
				holders++
				if holders != 1 {
					t.Errorf("%d holders of the turn at once", holders)
				}
				got++
				mu.Unlock()
				if r.IntN(2) == 0 {
					time.Sleep(time.Duration(r.IntN(50)) * time.Microsecond)
				}
				mu.Lock()
				holders--
				mu.Unlock()
				tn.unlock()
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("goroutines still waiting for the turn after 60s: a wake-up was lost")
	}
	if got+gaveUp != 16*300 || got == 0 {
		t.Fatalf("%d took the turn, %d gave up, of %d", got, gaveUp, 16*300)
	}
}
