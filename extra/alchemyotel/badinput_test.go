package alchemyotel_test

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/extra/alchemyotel"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"go.opentelemetry.io/otel"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// countErrors replaces otel's error handler for the test, counting what it is
// given.
func countErrors(t *testing.T) *errorCounter {
	t.Helper()
	ec := &errorCounter{}
	prev := otel.GetErrorHandler()
	otel.SetErrorHandler(ec)
	t.Cleanup(func() { otel.SetErrorHandler(prev) })
	return ec
}

type errorCounter struct {
	mu   sync.Mutex
	errs []error
}

func (ec *errorCounter) Handle(err error) {
	ec.mu.Lock()
	ec.errs = append(ec.errs, err)
	ec.mu.Unlock()
}

func (ec *errorCounter) all() []error {
	ec.mu.Lock()
	defer ec.mu.Unlock()
	return append([]error(nil), ec.errs...)
}

// runWork runs n SELECTs and a transaction on eng: the database work the tests
// below expect to go on whatever the telemetry does.
func runWork(t *testing.T, eng *alchemy.Engine, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		var got int
		res, err := eng.Execute(ctx, alchemy.Text("SELECT CAST(:n AS INTEGER) AS n"), alchemy.Params{"n": i})
		if err != nil {
			t.Fatal(err)
		}
		got, err = alchemy.Scalar[int](res)
		if err != nil || got != i {
			t.Fatalf("SELECT %d gave %d, %v", i, got, err)
		}
	}
	if err := eng.RunInTx(ctx, func(c *alchemy.Conn) error {
		_, err := c.Execute(ctx, alchemy.Text("SELECT 1"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// TestNilProviders: nil providers (and a nil option) fall back to the global
// ones, which then get the spans and metrics.
func TestNilProviders(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	prevTP, prevMP := otel.GetTracerProvider(), otel.GetMeterProvider()
	otel.SetTracerProvider(tp)
	otel.SetMeterProvider(mp)
	t.Cleanup(func() { otel.SetTracerProvider(prevTP); otel.SetMeterProvider(prevMP) })

	tr, err := alchemyotel.New(alchemyotel.WithTracerProvider(nil), alchemyotel.WithMeterProvider(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := alchemy.CreateEngine(testdb.SQLiteURL(t), tr.EngineOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Dispose()
	runWork(t, eng, 3)
	if n := len(rec.Ended()); n < 3 {
		t.Errorf("%d spans reached the global provider", n)
	}
	r := &rig{reader: reader}
	if histCount(t, findMetric(t, r.collect(t), "db.client.operation.duration")) < 3 {
		t.Error("no measurements reached the global provider")
	}
}

// TestNilTracer: a nil *Tracer installed in an engine does nothing, and says so
// when asked to instrument a pool; so does InstrumentPool given a nil engine.
func TestNilTracer(t *testing.T) {
	var tr *alchemyotel.Tracer
	eng, err := alchemy.CreateEngine(testdb.SQLiteURL(t), tr.EngineOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Dispose()
	runWork(t, eng, 3)
	if _, err := tr.InstrumentPool(eng); err == nil {
		t.Error("InstrumentPool on a nil Tracer: no error")
	}
	ok, err := alchemyotel.New()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ok.InstrumentPool(nil); err == nil {
		t.Error("InstrumentPool(nil): no error")
	}
}

// panicTP is a tracer provider that panics when asked for a tracer.
type panicTP struct{ noop.TracerProvider }

func (panicTP) Tracer(string, ...trace.TracerOption) trace.Tracer { panic("no tracer today") }

// TestPanickingProvider: a provider that panics in New is an error, not a panic.
func TestPanickingProvider(t *testing.T) {
	_, err := alchemyotel.New(alchemyotel.WithTracerProvider(panicTP{}))
	if err == nil || !strings.Contains(err.Error(), "no tracer today") {
		t.Fatalf("New with a panicking provider: %v", err)
	}
}

// panicProcessor panics on every span start or end.
type panicProcessor struct {
	onStart bool
	calls   atomic.Int64
}

func (p *panicProcessor) OnStart(context.Context, sdktrace.ReadWriteSpan) {
	if p.onStart {
		p.calls.Add(1)
		panic("processor panics in OnStart")
	}
}

func (p *panicProcessor) OnEnd(sdktrace.ReadOnlySpan) {
	if !p.onStart {
		p.calls.Add(1)
		panic("processor panics in OnEnd")
	}
}
func (p *panicProcessor) Shutdown(context.Context) error   { return nil }
func (p *panicProcessor) ForceFlush(context.Context) error { return nil }

// panicExporter panics in every export, behind a synchronous processor.
type panicExporter struct{}

func (panicExporter) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error {
	panic("exporter panics")
}
func (panicExporter) Shutdown(context.Context) error { return nil }

// TestPanickingSpanPipeline: a span processor that panics at start or at end,
// and an exporter that panics inside span.End, leave the database work
// unaffected; the panics are contained, counted, and the first is reported once
// through otel.Handle.
func TestPanickingSpanPipeline(t *testing.T) {
	for _, c := range []struct {
		name string
		opt  sdktrace.TracerProviderOption
	}{
		{"processor OnStart", sdktrace.WithSpanProcessor(&panicProcessor{onStart: true})},
		{"processor OnEnd", sdktrace.WithSpanProcessor(&panicProcessor{})},
		{"exporter", sdktrace.WithSyncer(panicExporter{})},
	} {
		t.Run(c.name, func(t *testing.T) {
			ec := countErrors(t)
			tp := sdktrace.NewTracerProvider(c.opt)
			tr, err := alchemyotel.New(alchemyotel.WithTracerProvider(tp))
			if err != nil {
				t.Fatal(err)
			}
			eng, err := alchemy.CreateEngine(testdb.SQLiteURL(t), tr.EngineOptions()...)
			if err != nil {
				t.Fatal(err)
			}
			defer eng.Dispose()
			runWork(t, eng, 20)
			if tr.Panics() < 20 {
				t.Errorf("%d panics contained, want at least 20", tr.Panics())
			}
			var ours int
			for _, err := range ec.all() {
				if strings.Contains(err.Error(), "alchemyotel") {
					ours++
				}
			}
			if ours != 1 {
				t.Errorf("%d reports through otel.Handle, want 1: %v", ours, ec.all())
			}
		})
	}
}

// blockingExporter blocks every export until released.
type blockingExporter struct {
	release chan struct{}
	entered atomic.Int64
}

func (b *blockingExporter) ExportSpans(ctx context.Context, _ []sdktrace.ReadOnlySpan) error {
	b.entered.Add(1)
	select {
	case <-b.release:
	case <-ctx.Done():
	}
	return nil
}
func (b *blockingExporter) Shutdown(context.Context) error { return nil }

// TestBlockingExporter: an exporter that never returns, behind the SDK's batch
// processor, does not hold up statements: their spans are dropped once its
// queue is full.
func TestBlockingExporter(t *testing.T) {
	exp := &blockingExporter{release: make(chan struct{})}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp, sdktrace.WithMaxQueueSize(4),
		sdktrace.WithMaxExportBatchSize(2), sdktrace.WithBatchTimeout(time.Millisecond)))
	t.Cleanup(func() {
		close(exp.release)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = tp.Shutdown(ctx)
	})
	tr, err := alchemyotel.New(alchemyotel.WithTracerProvider(tp))
	if err != nil {
		t.Fatal(err)
	}
	eng, err := alchemy.CreateEngine(testdb.SQLiteURL(t), tr.EngineOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Dispose()
	done := make(chan struct{})
	go func() {
		defer close(done)
		runWork(t, eng, 200)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("statements held up by a blocked exporter")
	}
	if exp.entered.Load() == 0 {
		t.Error("the exporter was never called: the test proved nothing")
	}
}

// TestNoSecrets: neither the URL's password nor a bound value reaches any span
// or metric, including the spans of a connect that fails on a wrong password
// and of a statement whose error message quotes its value.
func TestNoSecrets(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		u, err := url.Parse(tg.URL)
		if err != nil {
			t.Fatal(err)
		}
		pw, _ := u.User.Password()
		r := newRig(t, tg, nil)
		const secret = "not-a-number-31337"
		runWork(t, r.eng, 2)
		// A failure whose message quotes the value (PostgreSQL: invalid input syntax
		// for type integer: "not-a-number-31337").
		if _, err := r.eng.Execute(context.Background(), alchemy.Text("SELECT CAST(:v AS INTEGER) + 1"), alchemy.Params{"v": secret}); err == nil && tg.Name == testdb.PostgreSQL {
			t.Fatal("the cast did not fail")
		} else if err != nil && !strings.Contains(err.Error(), secret) {
			t.Logf("(the error does not quote the value: %v)", err)
		}
		r.checkNoLeak(t, secret, pw)

		// A connect refused for a wrong password.
		bad := *u
		const wrong = "wrong-password-271828"
		bad.User = url.UserPassword(u.User.Username(), wrong)
		br := newRig(t, testdb.Target{Name: tg.Name, URL: bad.String()}, nil, alchemy.PoolConnectBackoff(0, 0))
		if _, err := br.eng.Execute(context.Background(), alchemy.Text("SELECT 1")); err == nil {
			t.Fatal("connected with a wrong password")
		}
		c := br.only(t, "alchemy.connect")
		if c.Status().Description == "" {
			t.Error("failed connect span without a status description")
		}
		a := attrMap(t, c)
		if a["error.type"].AsString() == "" {
			t.Errorf("failed connect span without error.type: %v", a)
		}
		if got := a["server.address"].AsString(); got != u.Hostname() {
			t.Errorf("server.address %q, want the host %q alone", got, u.Hostname())
		}
		br.checkNoLeak(t, wrong, pw)
	}, testdb.PostgreSQL, testdb.MySQL)
}
