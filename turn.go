package alchemy

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// turn is a Conn's lock: whoever holds it may use the connection and the Conn's
// state. Reading rows takes it with lock, which waits as long as it must; starting a
// statement takes it with lockCtx, which gives up when the statement's context ends.
// Uncontended, it costs what a sync.Mutex does.
type turn struct {
	mu      sync.Mutex
	waiters atomic.Int32                  // goroutines in lockCtx's slow path
	wake    atomic.Pointer[chan struct{}] // one token: handed back while someone waited; made by the first waiter
}

// wakeCh returns the wake channel, making it the first time.
func (t *turn) wakeCh() chan struct{} {
	if p := t.wake.Load(); p != nil {
		return *p
	}
	ch := make(chan struct{}, 1)
	if t.wake.CompareAndSwap(nil, &ch) {
		return ch
	}
	return *t.wake.Load()
}

func (t *turn) lock() { t.mu.Lock() }

// lockCtx takes the turn, or returns an error wrapping ctx's once ctx ends first.
func (t *turn) lockCtx(ctx context.Context) error {
	if t.mu.TryLock() {
		return nil
	}
	if ctx.Done() == nil {
		t.mu.Lock()
		return nil
	}
	// Counted before trying again: an unlock either sees the count and leaves a
	// token, or came before the count, and then the TryLock below succeeds.
	t.waiters.Add(1)
	defer t.waiters.Add(-1)
	wake := t.wakeCh()
	for {
		if t.mu.TryLock() {
			return nil
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return fmt.Errorf("alchemy: not run: waiting for the connection: %w", ctx.Err())
		}
	}
}

func (t *turn) unlock() {
	t.mu.Unlock()
	if t.waiters.Load() > 0 {
		select {
		case t.wakeCh() <- struct{}{}:
		default:
		}
	}
}
