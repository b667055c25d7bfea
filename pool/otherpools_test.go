package pool

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestNullPoolMakesAndClosesEveryTime(t *testing.T) {
	db := &fakeDB{}
	p, err := NewNullPool(db.create, testConfig(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	a, b := mustGet(t, p), mustGet(t, p)
	if raw(a) == raw(b) || !a.Fresh() {
		t.Fatal("NullPool shared a connection")
	}
	checkStatus(t, p.Status(), 2, 0, 2)
	mustPut(t, p, a)
	if !raw(a).closed.Load() || raw(a).resets.Load() != 1 {
		t.Fatal("NullPool must reset then close at checkin")
	}
	if err := p.Put(a); !errors.Is(err, ErrNotCheckedOut) {
		t.Fatalf("double checkin: %v", err)
	}
	_ = p.Dispose()
	if _, err := p.Get(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Dispose: %v", err)
	}
	mustPut(t, p, b)
	checkStatus(t, p.Status(), 0, 0, 0)
	if s := p.Status(); s.Created != 2 || s.Closed != 2 || s.String() != "NullPool Current Checked out connections: 0" {
		t.Fatalf("status %+v %q", s, s)
	}
}

func TestStaticPoolSharesOneConnection(t *testing.T) {
	db := &fakeDB{}
	cfg := testConfig(1, 0)
	cfg.ResetOnReturn = ResetNone
	p, err := NewStaticPool(db.create, cfg)
	if err != nil {
		t.Fatal(err)
	}
	a := mustGet(t, p)
	if !a.Fresh() {
		t.Fatal("first checkout not fresh")
	}
	b := mustGet(t, p)
	if raw(a) != raw(b) || db.created() != 1 || b.Fresh() {
		t.Fatal("StaticPool made more than one connection")
	}
	checkStatus(t, p.Status(), 1, 0, 2)
	mustPut(t, p, a)
	mustPut(t, p, b)
	if err := p.Put(a); !errors.Is(err, ErrNotCheckedOut) {
		t.Fatalf("extra checkin: %v", err)
	}
	checkStatus(t, p.Status(), 1, 1, 0)
	c := mustGet(t, p)
	c.Invalidate(errBoom)
	mustPut(t, p, c)
	d := mustGet(t, p)
	if raw(d).id != 2 || !raw(c).closed.Load() {
		t.Fatal("invalidated static connection reused")
	}
	p.InvalidateAll(errBoom) // held: closed at its checkin
	if raw(d).closed.Load() {
		t.Fatal("closed under its holder")
	}
	mustPut(t, p, d)
	if !raw(d).closed.Load() {
		t.Fatal("stale static connection not closed at checkin")
	}
	e := mustGet(t, p)
	mustPut(t, p, e)
	_ = p.Dispose()
	if _, err := p.Get(context.Background()); !errors.Is(err, ErrClosed) || db.open.Load() != 0 {
		t.Fatalf("after Dispose: %v, %d open", err, db.open.Load())
	}
}

//go:noinline
func firstCheckout(t *testing.T, p Pool[*fakeConn]) *Conn[*fakeConn] { return mustGet(t, p) }

func TestAssertionPoolRejectsASecondCheckout(t *testing.T) {
	db := &fakeDB{}
	p, err := NewAssertionPool(db.create, testConfig(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	a := firstCheckout(t, p)
	_, err = p.Get(context.Background())
	if !errors.Is(err, ErrAssertion) || !strings.Contains(err.Error(), "already checked out") || !strings.Contains(err.Error(), "firstCheckout") {
		t.Fatalf("second checkout: %v", err)
	}
	mustPut(t, p, a)
	b := mustGet(t, p)
	if raw(b) != raw(a) || b.Fresh() {
		t.Fatal("AssertionPool did not keep its connection")
	}
	mustPut(t, p, b)
	if err := p.Put(b); !errors.Is(err, ErrNotCheckedOut) {
		t.Fatalf("double checkin: %v", err)
	}
	_ = p.Dispose()
	if _, err := p.Get(context.Background()); !errors.Is(err, ErrClosed) || db.open.Load() != 0 {
		t.Fatalf("after Dispose: %v", err)
	}
}
