package alchemy_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/fakedriver"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// span is what a tracing library would start: a name, a parent, an outcome.
type span struct {
	name   string
	parent *span
	rows   int64
	err    error
	ended  bool
}

type spanKey struct{}

// spanTracer starts a span for every statement and transaction operation, as an
// OpenTelemetry adapter would, and finds it again in the end hook.
type spanTracer struct {
	label string
	mu    sync.Mutex
	spans []*span
	order *[]string // shared by composed tracers: the order hooks ran in
}

func (t *spanTracer) start(ctx context.Context, name string) context.Context {
	parent, _ := ctx.Value(spanKey{}).(*span)
	s := &span{name: name, parent: parent}
	t.mu.Lock()
	t.spans = append(t.spans, s)
	if t.order != nil && strings.HasPrefix(name, "select") {
		*t.order = append(*t.order, "start "+t.label)
	}
	t.mu.Unlock()
	return context.WithValue(ctx, spanKey{}, s)
}

func (t *spanTracer) end(ctx context.Context, rows int64, err error) {
	s, _ := ctx.Value(spanKey{}).(*span)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.order != nil && s != nil && strings.HasPrefix(s.name, "select") {
		*t.order = append(*t.order, "end "+t.label)
	}
	if s == nil {
		t.spans = append(t.spans, &span{name: "END WITHOUT ITS START"})
		return
	}
	s.rows, s.err, s.ended = rows, err, true
}

func (t *spanTracer) TraceExecuteStart(ctx context.Context, _ *alchemy.Conn, d alchemy.ExecuteStart) context.Context {
	return t.start(ctx, d.SQL)
}

func (t *spanTracer) TraceExecuteEnd(ctx context.Context, _ *alchemy.Conn, d alchemy.ExecuteEnd) {
	t.end(ctx, d.Rows, d.Err)
}

func (t *spanTracer) TraceTxStart(ctx context.Context, _ *alchemy.Conn, d alchemy.TxEvent) context.Context {
	return t.start(ctx, string(d.Op))
}

func (t *spanTracer) TraceTxEnd(ctx context.Context, _ *alchemy.Conn, d alchemy.TxEvent) {
	t.end(ctx, 0, d.Err)
}

func (t *spanTracer) TraceCheckoutStart(ctx context.Context, _ *alchemy.Engine) context.Context {
	return t.start(ctx, "checkout")
}

func (t *spanTracer) TraceCheckoutEnd(ctx context.Context, _ *alchemy.Engine, d alchemy.CheckoutEnd) {
	t.end(ctx, 0, d.Err)
}

func (t *spanTracer) TraceConnectStart(ctx context.Context, _ *alchemy.Engine) context.Context {
	return t.start(ctx, "connect")
}

func (t *spanTracer) TraceConnectEnd(ctx context.Context, _ *alchemy.Engine, d alchemy.ConnectEnd) {
	t.end(ctx, 0, d.Err)
}

func (t *spanTracer) named(prefix string) []*span {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []*span
	for _, s := range t.spans {
		if strings.HasPrefix(s.name, prefix) {
			out = append(out, s)
		}
	}
	return out
}

// TestTracerSpanCoversTheRows: a tracer starts a span in the start hook and finds
// it in the end hook, which runs when the rows are read, with their count; a stream
// cut half-way ends the span with the fetch error; a statement's span is the child of
// the span the caller's context carries; two tracers compose, start hooks in order
// and end hooks in reverse.
func TestTracerSpanCoversTheRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var order []string
	outer := &spanTracer{label: "outer", order: &order}
	inner := &spanTracer{label: "inner", order: &order}
	d, eng := newFake(t, alchemy.Tracer(outer), alchemy.Tracer(inner))
	cut := errors.New("fakedriver: connection reset while reading")
	d.OnQuery(func(q string, _ []any) ([]string, [][]any, error) {
		rows := [][]any{{int64(1)}, {int64(2)}, {int64(3)}}
		if strings.Contains(q, "cut") {
			rows = [][]any{{int64(1)}, {int64(2)}, {cut}}
		}
		return []string{"n"}, rows, nil
	})

	// The request's own span, as an HTTP middleware would have started.
	request := &span{name: "GET /users"}
	rctx := context.WithValue(ctx, spanKey{}, request)
	res, err := eng.Execute(rctx, alchemy.Text("select n from whole"))
	if err != nil {
		t.Fatal(err)
	}
	if s := outer.named("select n from whole"); len(s) != 1 || s[0].ended {
		t.Fatalf("the span ended before the rows were read: %+v", s)
	}
	ns, err := alchemy.Scalars[int64](res)
	if err != nil || len(ns) != 3 {
		t.Fatalf("%v, %v", ns, err)
	}
	s := outer.named("select n from whole")[0]
	if !s.ended || s.rows != 3 || s.err != nil || s.parent != request {
		t.Errorf("span of a statement read to the end: %+v, want ended, 3 rows, no error, child of the request", *s)
	}

	res, err = eng.Execute(rctx, alchemy.Text("select n from cut"))
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for res.Next() {
		var n int64
		if err := res.Scan(&n); err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
	}
	if !errors.Is(res.Err(), cut) {
		t.Fatalf("Err %v, want the cut", res.Err())
	}
	for _, tr := range []*spanTracer{outer, inner} {
		s := tr.named("select n from cut")
		if len(s) != 1 || !s[0].ended || s[0].rows != int64(len(got)) || !errors.Is(s[0].err, cut) {
			t.Errorf("%s: span of a stream cut half-way: %+v, want ended after %d rows with the fetch error", tr.label, s, len(got))
		}
	}
	// The inner tracer's statement span is the child of the outer's: the context
	// the outer start hook returned went on to the inner one.
	if s := inner.named("select n from whole"); len(s) != 1 || s[0].parent != outer.named("select n from whole")[0] {
		t.Errorf("the inner tracer's span is not the child of the outer's: %+v", s)
	}
	for _, tr := range []*spanTracer{outer, inner} {
		if s := tr.named("END WITHOUT"); len(s) > 0 {
			t.Errorf("%s: an end hook did not find its start's context", tr.label)
		}
	}
	// Statement hooks in order: outer's start before inner's, inner's end before
	// outer's.
	if len(order) != 8 {
		t.Errorf("statement hooks ran %d times, want 8: %v", len(order), order)
	}
	for i := 0; i+3 < len(order); i += 4 {
		if got := order[i : i+4]; !slices.Equal(got, []string{"start outer", "start inner", "end inner", "end outer"}) {
			t.Fatalf("hooks ran as %v", got)
		}
	}
}

// TestTracerSeesTransactionsAndCheckouts: transaction operations, checkouts and
// connects are traced with their outcome, on every database; a failed connect's
// end hook gets its error.
func TestTracerSeesTransactionsAndCheckouts(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		tr := &spanTracer{}
		eng := newEngine(t, tg.URL, alchemy.Tracer(tr))
		ctx := context.Background()
		err := eng.RunInTx(ctx, func(c *alchemy.Conn) error {
			sp, err := c.BeginNested(ctx)
			if err != nil {
				return err
			}
			if err := sp.Rollback(ctx); err != nil {
				return err
			}
			res, err := c.Execute(ctx, alchemy.Text("select 1"))
			if err != nil {
				return err
			}
			return res.Close() // the statement's span ends with its rows
		})
		if err != nil {
			t.Fatal(err)
		}
		var ops []string
		for _, s := range tr.named("") {
			if !s.ended || s.err != nil {
				t.Errorf("span %q: ended %v, error %v", s.name, s.ended, s.err)
			}
			ops = append(ops, s.name)
		}
		want := []string{"checkout", "connect", "begin", "savepoint", "rollback to savepoint", "select 1", "commit"}
		if !slices.Equal(ops, want) {
			t.Errorf("traced %q, want %q", ops, want)
		}
	})
	t.Run("failed connect", func(t *testing.T) {
		tr := &spanTracer{}
		d, eng := newFake(t, alchemy.Tracer(tr))
		refused := fmt.Errorf("connection refused")
		d.FailNext(fakedriver.OpConnect, refused)
		if _, err := eng.Connect(context.Background()); err == nil {
			t.Fatal("connect succeeded")
		}
		for _, name := range []string{"connect", "checkout"} {
			if s := tr.named(name); len(s) != 1 || !s[0].ended || !errors.Is(s[0].err, refused) {
				t.Errorf("%s span of a failed connect: %+v", name, s)
			}
		}
	})
	t.Run("no hook implemented", func(t *testing.T) {
		_, err := alchemy.CreateEngine("sqlite://", alchemy.Tracer(struct{}{}))
		if err == nil || !strings.Contains(err.Error(), "Tracer") {
			t.Errorf("a tracer with no hook: %v", err)
		}
	})
}
