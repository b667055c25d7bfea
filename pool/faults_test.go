package pool

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCreatorFailureFreesTheSlot(t *testing.T) {
	p, db := newQueue(t, testConfig(1, 1))
	a := mustGet(t, p)
	db.failNext.Store(1)
	before := p.Status()
	_, err := p.Get(context.Background())
	if !errors.Is(err, errBoom) {
		t.Fatalf("got %v", err)
	}
	after := p.Status()
	if after.Open != before.Open || after.CheckedOut != before.CheckedOut || after.Overflow != before.Overflow {
		t.Fatalf("counts moved: %v -> %v", before, after)
	}
	waitBackoff(t, &p.base)
	b := mustGet(t, p) // the overflow slot is still there
	mustPut(t, p, a)
	mustPut(t, p, b)
}

func TestHangingCreatorIsBoundedByTimeout(t *testing.T) {
	release := make(chan struct{})
	db := &fakeDB{}
	db.hook = func(ctx context.Context) error { <-release; return nil } // ignores ctx
	rec := &recorder{}
	cfg := testConfig(1, 0)
	cfg.Timeout = 20 * time.Millisecond
	cfg.Listeners = []Listener{rec.listener()}
	p, err := NewQueuePool(db.create, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Dispose()
	start := time.Now()
	_, err = p.Get(context.Background())
	if !errors.Is(err, ErrTimeout) || time.Since(start) > time.Second {
		t.Fatalf("got %v after %v", err, time.Since(start))
	}
	// The slot stays taken while the creator runs, so that the pool never has
	// more raw connections than slots.
	checkStatus(t, p.Status(), 1, 0, 0)
	close(release) // the creator finally returns: its connection is closed
	eventually(t, "late connection closed", func() bool { return db.created() == 1 && db.open.Load() == 0 })
	eventually(t, "slot freed", func() bool { return p.Status().Open == 0 })
	eventually(t, "close_detached event", func() bool {
		for _, e := range rec.take() {
			if e == "close_detached 1" {
				return true
			}
		}
		return false
	})
}

func TestHangingCreatorIsBoundedByContext(t *testing.T) {
	db := &fakeDB{}
	db.hook = func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
	cfg := testConfig(1, 0)
	p, _ := NewQueuePool(db.create, cfg)
	defer p.Dispose()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := p.Get(ctx); !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v", err)
	}
	eventually(t, "slot freed once the creator returned", func() bool { return p.Status().Open == 0 })
}

func TestCreatorReturningNilIsAnError(t *testing.T) {
	p, err := NewQueuePool(func(context.Context) (Connection, error) { return nil, nil }, testConfig(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Get(context.Background()); err == nil {
		t.Fatal("nil connection accepted")
	}
	checkStatus(t, p.Status(), 0, 0, 0)

	// A typed pool's nil pointer is nil too.
	tp, err := NewQueuePool(func(context.Context) (*fakeConn, error) { return nil, nil }, testConfig(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tp.Get(context.Background()); err == nil || !strings.Contains(err.Error(), "nil connection") {
		t.Fatalf("nil *fakeConn: %v", err)
	}
	checkStatus(t, tp.Status(), 0, 0, 0)
}
