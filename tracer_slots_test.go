package alchemy_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
)

// stateTracer keeps a value of its own per statement in ExecuteStart.State and
// checks that its end hook gets that value back.
type stateTracer struct {
	mu     sync.Mutex
	next   int
	ended  []int
	missed int
}

type stmtState struct{ n int }

func (t *stateTracer) TraceExecuteStart(ctx context.Context, _ *alchemy.Conn, d alchemy.ExecuteStart) context.Context {
	t.mu.Lock()
	defer t.mu.Unlock()
	if d.State == nil || *d.State != nil {
		t.missed++
		return ctx
	}
	t.next++
	*d.State = &stmtState{n: t.next}
	return ctx
}

func (t *stateTracer) TraceExecuteEnd(_ context.Context, _ *alchemy.Conn, d alchemy.ExecuteEnd) {
	t.mu.Lock()
	defer t.mu.Unlock()
	st, ok := d.State.(*stmtState)
	if !ok {
		t.missed++
		return
	}
	t.ended = append(t.ended, st.n)
}

// TestExecuteState: each tracer's start hook gets an empty slot of its own per
// statement, and its end hook gets back what it stored there, also when the
// end comes later (rows read after another statement ran), and with two
// tracers side by side.
func TestExecuteState(t *testing.T) {
	t.Parallel()
	a, b := &stateTracer{}, &stateTracer{}
	b.next = 100
	d, eng := newFake(t, alchemy.Tracer(a), alchemy.Tracer(b))
	d.OnQuery(func(string, []any) ([]string, [][]any, error) {
		return []string{"n"}, [][]any{{int64(1)}, {int64(2)}}, nil
	})
	ctx := context.Background()
	conn, err := eng.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	first, err := conn.Execute(ctx, alchemy.Text("select n from a"))
	if err != nil {
		t.Fatal(err)
	}
	second, err := conn.Execute(ctx, alchemy.Text("select n from b")) // buffers the first
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alchemy.Scalars[int64](second); err != nil {
		t.Fatal(err)
	}
	if _, err := alchemy.Scalars[int64](first); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		tr   *stateTracer
		want []int
	}{{a, []int{2, 1}}, {b, []int{102, 101}}} {
		tc.tr.mu.Lock()
		if tc.tr.missed != 0 || len(tc.tr.ended) != 2 || tc.tr.ended[0] != tc.want[0] || tc.tr.ended[1] != tc.want[1] {
			t.Errorf("ended %v (missed %d), want %v", tc.tr.ended, tc.tr.missed, tc.want)
		}
		tc.tr.mu.Unlock()
	}
}

// poolTracer records what the checkout and checkin hooks were told.
type poolTracer struct {
	mu     sync.Mutex
	waited []bool
	used   []time.Duration
}

func (t *poolTracer) TraceCheckoutStart(ctx context.Context, _ *alchemy.Engine) context.Context {
	return ctx
}

func (t *poolTracer) TraceCheckoutEnd(_ context.Context, _ *alchemy.Engine, d alchemy.CheckoutEnd) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.waited = append(t.waited, d.Waited)
}

func (t *poolTracer) TraceCheckin(_ *alchemy.Engine, d alchemy.CheckinEnd) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.used = append(t.used, d.Used)
}

// TestCheckoutWaitedAndCheckin: CheckoutEnd.Waited is the pool's word on
// whether that checkout waited, and every checkin reports how long its
// connection was out (at least as long as it was held).
func TestCheckoutWaitedAndCheckin(t *testing.T) {
	t.Parallel()
	tr := &poolTracer{}
	_, eng := newFake(t, alchemy.Tracer(tr), alchemy.PoolSize(1), alchemy.MaxOverflow(0))
	ctx := context.Background()
	held, err := eng.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := held.Execute(ctx, alchemy.Text("select 1")); err != nil { // Connect checks out lazily
		t.Fatal(err)
	}
	const hold = 20 * time.Millisecond
	go func() {
		for eng.PoolStatus().Waiters == 0 {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(hold)
		_ = held.Close()
	}()
	for range 2 { // the first waits for held, the second does not
		res, err := eng.Execute(ctx, alchemy.Text("select 1"))
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Close()
	}
	// held's checkin hands its connection to the waiter before its hook runs, so
	// the two checkins after it may be traced first: wait for all three.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		tr.mu.Lock()
		n := len(tr.used)
		tr.mu.Unlock()
		if n >= 3 || time.Now().After(deadline) {
			break
		}
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if len(tr.waited) != 3 || tr.waited[0] || !tr.waited[1] || tr.waited[2] {
		t.Errorf("Waited of three checkouts: %v, want [false true false]", tr.waited)
	}
	long := 0
	for _, d := range tr.used {
		if d >= hold {
			long++
		}
	}
	if len(tr.used) != 3 || long < 1 {
		t.Errorf("Used of three checkins %v; want one (held's) of at least %v", tr.used, hold)
	}
}

// checkinOnly is a tracer with the checkin hook alone.
type checkinOnly struct {
	mu   sync.Mutex
	used []time.Duration
}

func (t *checkinOnly) TraceCheckin(_ *alchemy.Engine, d alchemy.CheckinEnd) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.used = append(t.used, d.Used)
}

// TestCheckinTracerAlone: a tracer with only the checkin hook is accepted, and
// measures from its own checkout (alchemy notes the time even without a
// checkout hook).
func TestCheckinTracerAlone(t *testing.T) {
	t.Parallel()
	tr := &checkinOnly{}
	_, eng := newFake(t, alchemy.Tracer(tr))
	ctx := context.Background()
	t0 := time.Now()
	conn, err := eng.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Execute(ctx, alchemy.Text("select 1")); err != nil {
		t.Fatal(err)
	}
	const hold = 10 * time.Millisecond
	time.Sleep(hold)
	if err := conn.Close(); err != nil {
		t.Fatal(err)
	}
	most := time.Since(t0)
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if len(tr.used) != 1 || tr.used[0] < hold || tr.used[0] > most {
		t.Errorf("Used %v, want one between %v and %v (from this checkout, not from some origin)", tr.used, hold, most)
	}
}
