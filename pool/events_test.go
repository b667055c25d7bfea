package pool

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
)

// recorder is a Listener that logs every event.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) add(format string, args ...any) {
	r.mu.Lock()
	r.events = append(r.events, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.events
	r.events = nil
	return e
}

func (r *recorder) listener() Listener {
	return Listener{
		FirstConnect:   func(c *Record) { r.add("first_connect %d", rawOf(c).id) },
		Connect:        func(c *Record) { r.add("connect %d", rawOf(c).id) },
		Checkout:       func(ctx context.Context, c *Record) error { r.add("checkout %d", rawOf(c).id); return nil },
		Checkin:        func(c *Record) { r.add("checkin %d", rawOf(c).id) },
		Reset:          func(c *Record, m ResetMode) { r.add("reset %d %s", rawOf(c).id, m) },
		Invalidate:     func(c *Record, err error) { r.add("invalidate %d %v", rawOf(c).id, err) },
		SoftInvalidate: func(c *Record, err error) { r.add("soft_invalidate %d %v", rawOf(c).id, err) },
		Close:          func(c Connection) { r.add("close %d", c.(*fakeConn).id) },
		CloseDetached:  func(c Connection) { r.add("close_detached %d", c.(*fakeConn).id) },
	}
}

func TestEventsFireInOrder(t *testing.T) {
	rec := &recorder{}
	cfg := testConfig(1, 1)
	cfg.Listeners = []Listener{rec.listener()}
	p, _ := newQueue(t, cfg)
	steps := []struct {
		do   func()
		want []string
	}{
		{func() { mustPut(t, p, mustGet(t, p)) },
			[]string{"first_connect 1", "connect 1", "checkout 1", "reset 1 rollback", "checkin 1"}},
		{func() {
			a, b := mustGet(t, p), mustGet(t, p)
			mustPut(t, p, a)
			mustPut(t, p, b) // overflow: closed
		}, []string{"checkout 1", "connect 2", "checkout 2", "reset 1 rollback", "checkin 1", "reset 2 rollback", "checkin 2", "close 2"}},
		{func() { c := mustGet(t, p); c.Invalidate(errBoom); mustPut(t, p, c) },
			[]string{"checkout 1", "invalidate 1 boom", "close 1", "checkin 1"}},
		{func() { c := mustGet(t, p); c.SoftInvalidate(errBoom); mustPut(t, p, c) },
			[]string{"connect 3", "checkout 3", "soft_invalidate 3 boom", "reset 3 rollback", "checkin 3", "close 3"}},
		{func() { c := mustGet(t, p); c.Detach(); mustPut(t, p, c) },
			[]string{"connect 4", "checkout 4", "close_detached 4"}},
	}
	for i, s := range steps {
		s.do()
		if got := rec.take(); !reflect.DeepEqual(got, s.want) {
			t.Fatalf("step %d:\n got %q\nwant %q", i, got, s.want)
		}
	}
}

func TestCheckoutListenerDisconnectRetries(t *testing.T) {
	p, db := newQueue(t, testConfig(2, 0))
	fails := 2
	p.Listen(Listener{Checkout: func(ctx context.Context, r *Record) error {
		if fails > 0 {
			fails--
			return fmt.Errorf("server gone: %w", ErrDisconnect)
		}
		return nil
	}})
	c := mustGet(t, p)
	if raw(c).id != 3 || !db.conn(0).closed.Load() || !db.conn(1).closed.Load() {
		t.Fatalf("got conn %d; the two refused ones must be closed", raw(c).id)
	}
	s := p.Status()
	checkStatus(t, s, 1, 0, 1)
	if s.Invalidated != 2 {
		t.Fatalf("invalidated %d", s.Invalidated)
	}
	mustPut(t, p, c)
}

func TestCheckoutListenerDisconnectGivesUpAfterThree(t *testing.T) {
	p, db := newQueue(t, testConfig(2, 0))
	calls := 0
	p.Listen(Listener{Checkout: func(ctx context.Context, r *Record) error {
		calls++
		return ErrDisconnect
	}})
	_, err := p.Get(context.Background())
	if !errors.Is(err, ErrDisconnect) || calls != 3 || db.created() != 3 {
		t.Fatalf("err=%v calls=%d created=%d", err, calls, db.created())
	}
	checkStatus(t, p.Status(), 0, 0, 0)
	if db.open.Load() != 0 {
		t.Fatal("refused connections left open")
	}
}

func TestCheckoutListenerErrorReturnsConnectionUnused(t *testing.T) {
	p, db := newQueue(t, testConfig(2, 0))
	mustPut(t, p, mustGet(t, p))
	before := p.Status()
	refuse := true
	rec := &recorder{}
	p.Listen(Listener{Checkout: func(ctx context.Context, r *Record) error {
		if refuse {
			return errBoom
		}
		return nil
	}, Checkin: rec.listener().Checkin})
	if _, err := p.Get(context.Background()); !errors.Is(err, errBoom) {
		t.Fatalf("got %v", err)
	}
	if after := p.Status(); after != before {
		t.Fatalf("counts moved: %v -> %v", before, after)
	}
	if db.open.Load() != 1 || len(rec.take()) != 0 {
		t.Fatal("refused connection was closed or checked in")
	}
	refuse = false
	c := mustGet(t, p)
	if raw(c).id != 1 {
		t.Fatal("refused connection not reused")
	}
	mustPut(t, p, c)
}

// Listeners get the connection's Record: the same entry as the Conn handed out,
// whose Connection is the typed Conn's, and nil once invalidated.
func TestListenersGetTheConnsRecord(t *testing.T) {
	p, _ := newQueue(t, testConfig(1, 0))
	var seen []*Record
	p.Listen(Listener{
		Checkout: func(_ context.Context, r *Record) error {
			seen = append(seen, r)
			return nil
		},
		Checkin: func(r *Record) { seen = append(seen, r) },
		Invalidate: func(r *Record, _ error) {
			if r.Connection() != nil || r.Valid() {
				t.Errorf("Invalidate: the record still offers its connection (valid=%v)", r.Valid())
			}
			seen = append(seen, r)
		},
	})
	c := mustGet(t, p)
	r := c.Record()
	if len(seen) != 1 || seen[0] != r || r.Connection() != Connection(c.Connection()) || !r.Fresh() || r.CreatedAt() != c.CreatedAt() {
		t.Fatalf("checkout listener saw %v, the Conn's record is %p", seen, r)
	}
	r.Info()["k"] = 1
	if c.Info()["k"] != 1 {
		t.Fatal("Record.Info and Conn.Info differ")
	}
	mustPut(t, p, c)
	c = mustGet(t, p)
	c.Invalidate(errBoom)
	if c.Connection() != nil || c.Record().Connection() != nil {
		t.Fatal("an invalidated connection is still offered")
	}
	mustPut(t, p, c)
	// checkout, checkin, checkout, invalidate, checkin
	if len(seen) != 5 || seen[1] != r || seen[2] != r || seen[3] != r || seen[4] != r {
		t.Fatalf("listeners saw %v, want the one record %p each time", seen, r)
	}
}
