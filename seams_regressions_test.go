package alchemy_test

import (
	"context"
	"errors"
	"net/netip"
	"reflect"
	"sync"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/internal/fakedriver"
)

// endCounter is a tracer that counts statement starts and ends.
type endCounter struct {
	mu     sync.Mutex
	starts int
	ends   []alchemy.ExecuteEnd
}

func (r *endCounter) TraceExecuteStart(ctx context.Context, _ *alchemy.Conn, _ alchemy.ExecuteStart) context.Context {
	r.mu.Lock()
	r.starts++
	r.mu.Unlock()
	return ctx
}

func (r *endCounter) TraceExecuteEnd(_ context.Context, _ *alchemy.Conn, d alchemy.ExecuteEnd) {
	r.mu.Lock()
	r.ends = append(r.ends, d)
	r.mu.Unlock()
}

func (r *endCounter) counts() (int, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.starts, len(r.ends)
}

// TestExecuteOneSetIsAPlainExecute: a slice of one parameter set is a plain execute,
// as SQLAlchemy's executemany is only for more than one: a SELECT keeps its rows.
// An executemany of a statement that returns rows is refused rather than losing
// them, and All and Scalars of a statement without rows say so instead of giving an
// empty slice.
func TestExecuteOneSetIsAPlainExecute(t *testing.T) {
	t.Parallel()
	eng := newEngine(t, "sqlite://")
	ctx := context.Background()
	for _, args := range []any{[]alchemy.Params{{"x": 7}}, []any{alchemy.Params{"x": 7}}} {
		res, err := eng.Execute(ctx, alchemy.Text("select :x as x"), args)
		if err != nil {
			t.Fatalf("%T: %v", args, err)
		}
		if v, err := alchemy.Scalar[int64](res); err != nil || v != 7 {
			t.Errorf("%T of one set on a SELECT: %d, %v, want its row", args, v, err)
		}
	}
	c, err := eng.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	mustExec(t, c, "create table rs (id integer primary key, name text)")
	_, err = c.Execute(ctx, alchemy.Text("insert into rs (name) values (:name) returning id"),
		[]alchemy.Params{{"name": "a"}, {"name": "b"}})
	if !errors.Is(err, alchemy.ErrBindParameter) {
		t.Errorf("executemany with RETURNING: %v, want a refusal (its rows would be lost)", err)
	}
	if n := scalarInt(t, c, "select count(*) from rs"); n != 0 {
		t.Errorf("the refused executemany wrote %d rows", n)
	}
	res, err := c.Execute(ctx, alchemy.Text("update rs set name = 'x'"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alchemy.Scalars[int64](res); !errors.Is(err, alchemy.ErrNotAvailable) {
		t.Errorf("Scalars of an UPDATE: %v, want ErrNotAvailable", err)
	}
}

// TestSliceOfValueStructsIsOneValue: a slice of structs the driver takes as values
// (netip.Addr has no exported field) is one value, not parameter sets.
func TestSliceOfValueStructsIsOneValue(t *testing.T) {
	t.Parallel()
	d, eng := newFake(t)
	addrs := []netip.Addr{netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")}
	if _, err := eng.Execute(context.Background(), alchemy.Text("delete from hosts where addr = any(:addrs)"), addrs); err != nil {
		t.Fatal(err)
	}
	var execs []fakedriver.Event
	for _, ev := range d.Events() {
		if ev.Op == fakedriver.OpExec {
			execs = append(execs, ev)
		}
	}
	if len(execs) != 1 || len(execs[0].Args) != 1 || !reflect.DeepEqual(execs[0].Args[0], addrs) {
		t.Errorf("a []netip.Addr: %v, want one statement with it as its value", execs)
	}
}

// explainOf wraps a Text: embedding it, it also gets its CacheKey.
type explainOf struct{ *expr.TextClause }

func (e explainOf) WriteSQL(c *expr.Compiler) error {
	c.WriteString("EXPLAIN QUERY PLAN ")
	c.SetReturnsRows(true)
	return c.Write(e.TextClause)
}

// valueList binds a value of its own and, as CacheKeyer asks, puts it in its key: a
// slice, which a comparable key type may hold but cannot hash.
type valueList struct{ ids any }

func (s valueList) WriteSQL(c *expr.Compiler) error {
	c.WriteString("select 1 where 1 in (")
	if err := c.BindValue("ids", s.ids); err != nil {
		return err
	}
	c.WriteString(")")
	c.SetReturnsRows(true)
	return nil
}

type valueListKey struct{ v any }

func (s valueList) CacheKey() any { return valueListKey{s.ids} }

// TestCompiledCacheKeys: a wrapper that embeds a Text (and so its CacheKey) is not
// served the Text's compiled SQL; a key holding a slice is not cached, never a panic.
func TestCompiledCacheKeys(t *testing.T) {
	t.Parallel()
	r := &endCounter{}
	eng := newEngine(t, "sqlite://", alchemy.Tracer(r))
	ctx := context.Background()
	q := alchemy.Text("select 1 as x").Columns()
	for _, stmt := range []alchemy.Executable{q, explainOf{q}} {
		res, err := eng.Execute(ctx, stmt)
		if err != nil {
			t.Fatal(err)
		}
		res.Close()
	}
	if r.ends[0].SQL == r.ends[1].SQL {
		t.Errorf("the wrapper ran the wrapped Text's cached SQL: %q", r.ends[1].SQL)
	}
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Errorf("Execute panicked on a key holding a slice: %v", p)
			}
		}()
		res, err := eng.Execute(ctx, valueList{ids: []byte("x")})
		if err == nil {
			res.Close()
		}
	}()
	if st := eng.PoolStatus(); st.CheckedOut != 0 {
		t.Errorf("%d checked out", st.CheckedOut)
	}
}

// TestBufferedResultEndsItsTrace: a Result read into memory at COMMIT and never
// closed still ends its statement's trace when the block's connection is closed.
func TestBufferedResultEndsItsTrace(t *testing.T) {
	t.Parallel()
	r := &endCounter{}
	eng := newEngine(t, "sqlite://", alchemy.Tracer(r))
	ctx := context.Background()
	err := eng.RunInTx(ctx, func(c *alchemy.Conn) error {
		res, err := c.Execute(ctx, alchemy.Text("select 1 union all select 2"))
		if err != nil {
			return err
		}
		res.Next() // one row read, never closed: COMMIT reads the rest into memory
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if starts, ends := r.counts(); starts != ends {
		t.Errorf("%d statements started, %d ended: a span leaked", starts, ends)
	}
}

type checkoutTag struct{}

// nestingTracer marks the context in the checkout start hook and looks for the mark
// in the connect start hook.
type nestingTracer struct {
	mu     sync.Mutex
	sawTag []bool
}

func (n *nestingTracer) TraceCheckoutStart(ctx context.Context, _ *alchemy.Engine) context.Context {
	return context.WithValue(ctx, checkoutTag{}, true)
}

func (n *nestingTracer) TraceCheckoutEnd(context.Context, *alchemy.Engine, alchemy.CheckoutEnd) {}

func (n *nestingTracer) TraceConnectStart(ctx context.Context, _ *alchemy.Engine) context.Context {
	n.mu.Lock()
	n.sawTag = append(n.sawTag, ctx.Value(checkoutTag{}) != nil)
	n.mu.Unlock()
	return ctx
}

func (n *nestingTracer) TraceConnectEnd(context.Context, *alchemy.Engine, alchemy.ConnectEnd) {}

// TestConnectRunsWithTheCheckoutsContext: the connect a checkout makes runs with the
// context the checkout's start hook returned, so its span is the checkout's child.
func TestConnectRunsWithTheCheckoutsContext(t *testing.T) {
	t.Parallel()
	tr := &nestingTracer{}
	eng := newEngine(t, "sqlite://", alchemy.Tracer(tr))
	c, err := eng.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if len(tr.sawTag) != 1 || !tr.sawTag[0] {
		t.Errorf("connect start hooks saw the checkout's context: %v, want [true]", tr.sawTag)
	}
}
