package alchemyotel_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialect/mysql"
	_ "github.com/go-alchemy/alchemy/dialect/postgresql"
	_ "github.com/go-alchemy/alchemy/dialect/sqlite"
	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/extra/alchemyotel"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// rig is an engine traced into in-memory SDK providers.
type rig struct {
	eng    *alchemy.Engine
	tr     *alchemyotel.Tracer
	spans  *tracetest.SpanRecorder
	tp     *sdktrace.TracerProvider
	reader *sdkmetric.ManualReader
	target string
}

// newRig makes an engine for tg with the Tracer installed and its pool
// instrumented; both are undone at the end of the test.
func newRig(t *testing.T, tg testdb.Target, otelOpts []alchemyotel.Option, engOpts ...alchemy.Option) *rig {
	t.Helper()
	r := &rig{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader(), target: tg.Name}
	r.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(r.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(r.reader))
	t.Cleanup(func() { _ = r.tp.Shutdown(context.Background()); _ = mp.Shutdown(context.Background()) })
	opts := append([]alchemyotel.Option{alchemyotel.WithTracerProvider(r.tp), alchemyotel.WithMeterProvider(mp)}, otelOpts...)
	tr, err := alchemyotel.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	r.tr = tr
	eng, err := alchemy.CreateEngine(tg.URL, append(tr.EngineOptions(), engOpts...)...)
	if err != nil {
		t.Fatal(err)
	}
	r.eng = eng
	t.Cleanup(func() { _ = eng.Dispose() })
	stop, err := tr.InstrumentPool(eng)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	})
	return r
}

var tableSeq atomic.Int64

// users declares a table of a unique name, creates it and drops it at the end.
type users struct {
	*expr.Table
	ID   expr.Column[int64]
	Nick expr.Column[string] // the column "name"
}

func newUsers(t *testing.T, eng *alchemy.Engine) users {
	t.Helper()
	name := fmt.Sprintf("otel_users_%d_%d", time.Now().UnixNano()%1_000_000_000, tableSeq.Add(1))
	md := expr.NewMetaData()
	tb := md.NewTable(name)
	u := users{Table: tb,
		ID:   expr.NewColumn(tb, "id", expr.Integer, expr.PrimaryKey(), expr.Autoincrement(false)),
		Nick: expr.NewColumn(tb, "name", expr.String(100)),
	}
	ctx := context.Background()
	if _, err := eng.Execute(ctx, expr.CreateTable(tb)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := eng.Execute(context.Background(), expr.DropTable(tb)); err != nil {
			t.Errorf("dropping %s: %v", name, err)
		}
	})
	return u
}

// ended returns the spans ended so far.
func (r *rig) ended() []sdktrace.ReadOnlySpan { return r.spans.Ended() }

// only returns the one ended span named name; it fails the test otherwise.
func (r *rig) only(t *testing.T, name string) sdktrace.ReadOnlySpan {
	t.Helper()
	var got []sdktrace.ReadOnlySpan
	for _, s := range r.ended() {
		if s.Name() == name {
			got = append(got, s)
		}
	}
	if len(got) != 1 {
		t.Fatalf("%d spans named %q, want 1; spans: %s", len(got), name, spanNames(r.ended()))
	}
	return got[0]
}

func spanNames(spans []sdktrace.ReadOnlySpan) string {
	names := make([]string, len(spans))
	for i, s := range spans {
		names[i] = s.Name()
	}
	return strings.Join(names, ", ")
}

// attrMap returns a span's attributes by key, failing on a key set twice.
func attrMap(t *testing.T, s sdktrace.ReadOnlySpan) map[string]attribute.Value {
	t.Helper()
	m := map[string]attribute.Value{}
	for _, kv := range s.Attributes() {
		if _, dup := m[string(kv.Key)]; dup {
			t.Errorf("span %q sets %s twice", s.Name(), kv.Key)
		}
		m[string(kv.Key)] = kv.Value
	}
	return m
}

// deprecated are attribute names of older database conventions that must never
// appear.
var deprecated = []string{
	"db.system", "db.statement", "db.name", "db.operation", "db.sql.table", "db.user",
	"db.connection_string", "db.cassandra.table", "net.peer.name", "net.peer.port",
	"db.client.connections.pool.name", "db.client.connections.state", "pool.name", "state",
}

// checkNoDeprecated fails on a deprecated attribute name.
func checkNoDeprecated(t *testing.T, where string, keys []attribute.KeyValue) {
	t.Helper()
	for _, kv := range keys {
		for _, d := range deprecated {
			if string(kv.Key) == d {
				t.Errorf("%s: deprecated attribute %s", where, d)
			}
		}
	}
}

// checkNoLeak fails when any span or metric attribute, span status or event holds
// one of the secrets.
func (r *rig) checkNoLeak(t *testing.T, secrets ...string) {
	t.Helper()
	check := func(where, v string) {
		for _, s := range secrets {
			if s != "" && strings.Contains(v, s) {
				t.Errorf("%s holds the secret %q: %q", where, s, v)
			}
		}
	}
	for _, s := range r.ended() {
		check("span name", s.Name())
		check("status of "+s.Name(), s.Status().Description)
		for _, kv := range s.Attributes() {
			check(s.Name()+" "+string(kv.Key), kv.Value.String())
		}
		for _, ev := range s.Events() {
			for _, kv := range ev.Attributes {
				check(s.Name()+" event "+string(kv.Key), kv.Value.String())
			}
		}
	}
	rm := r.collect(t)
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			for _, set := range metricSets(m) {
				for _, kv := range set.ToSlice() {
					check(m.Name+" "+string(kv.Key), kv.Value.String())
				}
			}
		}
	}
}

// collect reads the metrics.
func (r *rig) collect(t *testing.T) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	return rm
}

// metricSets returns the attribute sets of a metric's data points.
func metricSets(m metricdata.Metrics) []attribute.Set {
	var sets []attribute.Set
	switch d := m.Data.(type) {
	case metricdata.Histogram[float64]:
		for _, p := range d.DataPoints {
			sets = append(sets, p.Attributes)
		}
	case metricdata.Sum[int64]:
		for _, p := range d.DataPoints {
			sets = append(sets, p.Attributes)
		}
	}
	return sets
}

// findMetric returns the metric named name.
func findMetric(t *testing.T, rm metricdata.ResourceMetrics, name string) metricdata.Metrics {
	t.Helper()
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				return m
			}
		}
	}
	t.Fatalf("no metric %s", name)
	return metricdata.Metrics{}
}

// histCount returns the count of the histogram's points whose attributes include
// want (all points when want is empty).
func histCount(t *testing.T, m metricdata.Metrics, want ...attribute.KeyValue) uint64 {
	t.Helper()
	h, ok := m.Data.(metricdata.Histogram[float64])
	if !ok {
		t.Fatalf("%s is a %T, not a float64 histogram", m.Name, m.Data)
	}
	var n uint64
	for _, p := range h.DataPoints {
		if hasAll(p.Attributes, want) {
			n += p.Count
		}
	}
	return n
}

// sumValue returns the value of the Sum point whose attributes include want.
func sumValue(t *testing.T, m metricdata.Metrics, want ...attribute.KeyValue) int64 {
	t.Helper()
	s, ok := m.Data.(metricdata.Sum[int64])
	if !ok {
		t.Fatalf("%s is a %T, not an int64 sum", m.Name, m.Data)
	}
	for _, p := range s.DataPoints {
		if hasAll(p.Attributes, want) {
			return p.Value
		}
	}
	t.Fatalf("%s has no point with %v", m.Name, want)
	return 0
}

func hasAll(set attribute.Set, want []attribute.KeyValue) bool {
	for _, kv := range want {
		v, ok := set.Value(kv.Key)
		if !ok || v != kv.Value {
			return false
		}
	}
	return true
}

// startParent starts a parent span on the rig's provider.
func (r *rig) startParent(ctx context.Context, name string) (context.Context, trace.Span) {
	return r.tp.Tracer("test").Start(ctx, name)
}

// drain returns a function that reads a Result to its end: drain(t)(eng.Execute(...)).
func drain(t *testing.T) func(*alchemy.Result, error) {
	return func(res *alchemy.Result, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		for res.Next() {
		}
		if err := res.Err(); err != nil {
			t.Fatal(err)
		}
	}
}

// waitFor polls cond every millisecond up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
