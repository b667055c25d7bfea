package alchemyotel_test

import (
	"context"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/extra/alchemyotel"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// dropProcessor is a span processor that drops every span: the SDK still
// samples, records and ends them, and nothing is exported.
type dropProcessor struct{}

func (dropProcessor) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (dropProcessor) OnEnd(sdktrace.ReadOnlySpan)                     {}
func (dropProcessor) Shutdown(context.Context) error                  { return nil }
func (dropProcessor) ForceFlush(context.Context) error                { return nil }

// benchConns and benchGoroutines: 16 goroutines over a pool of 10, as
// bench/engine_server_bench_test.go's BenchmarkPostgresSelectOne.
const (
	benchConns      = 10
	benchGoroutines = 16
)

// BenchmarkOverheadPostgresSelectOne measures what tracing and metrics add to a
// connectionless SELECT 1 on PostgreSQL, 16 goroutines over a pool of 10
// connections opened before the timer starts: otel=off has no tracer;
// otel=on has the SDK's tracer provider (every span sampled, recorded and
// dropped by its processor) and meter provider (a ManualReader never collected)
// with the pool instrumented; otel=unsampled is otel=on with every statement
// run under a parent span that was not sampled (a request the HTTP layer did not
// sample), with the SDK's parent-based sampler; otel=traces is otel=on with the no-op meter provider, to tell
// the spans' share from the metrics'; otel=hooks has the no-op tracer and
// meter providers: what alchemy's hooks and this package cost without an SDK.
// The span processor drops each span at OnEnd, after the SDK made its
// read-only snapshot: the cheapest honest reading of "a no-op exporter" (a
// batch processor over an exporter that drops would add a queue).
// Compare the sub-benchmarks of one run:
//
//	go test -run '^$' -bench OverheadPostgresSelectOne -count 6 .
func BenchmarkOverheadPostgresSelectOne(b *testing.B) {
	url := os.Getenv("ALCHEMY_TEST_POSTGRESQL_URL")
	if url == "" {
		b.Skip("ALCHEMY_TEST_POSTGRESQL_URL is not set (see scripts/test-servers.sh env)")
	}
	for _, mode := range []string{"off", "on", "unsampled", "traces", "hooks"} {
		b.Run("otel="+mode, func(b *testing.B) { benchSelectOne(b, url, mode) })
	}
}

// benchSelectOne runs b.N SELECT 1 over benchGoroutines goroutines, with the
// telemetry of mode (see BenchmarkOverheadPostgresSelectOne).
func benchSelectOne(b *testing.B, url string, mode string) {
	ctx := context.Background()
	opts := []alchemy.Option{alchemy.PoolSize(benchConns), alchemy.MaxOverflow(0)}
	var tr *alchemyotel.Tracer
	if mode != "off" {
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(dropProcessor{})) // ParentBased(AlwaysSample)
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
		defer func() { _ = tp.Shutdown(ctx); _ = mp.Shutdown(ctx) }()
		var tpOpt alchemyotel.Option = alchemyotel.WithTracerProvider(tp)
		var mpOpt alchemyotel.Option = alchemyotel.WithMeterProvider(mp)
		if mode == "traces" || mode == "hooks" {
			mpOpt = alchemyotel.WithMeterProvider(metricnoop.NewMeterProvider())
		}
		if mode == "hooks" {
			tpOpt = alchemyotel.WithTracerProvider(tracenoop.NewTracerProvider())
		}
		var err error
		if tr, err = alchemyotel.New(tpOpt, mpOpt); err != nil {
			b.Fatal(err)
		}
		opts = append(opts, tr.EngineOptions()...)
	}
	eng, err := alchemy.CreateEngine(url, opts...)
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Dispose()
	if tr != nil {
		stop, err := tr.InstrumentPool(eng)
		if err != nil {
			b.Fatal(err)
		}
		defer stop()
	}
	held := make([]*alchemy.Conn, 0, benchConns)
	for range benchConns {
		c, err := eng.Connect(ctx)
		if err != nil {
			b.Fatal(err)
		}
		held = append(held, c)
	}
	for _, c := range held {
		_ = c.Close()
	}
	stmt := alchemy.Text("select 1")
	if mode == "unsampled" {
		ctx = trace.ContextWithRemoteSpanContext(ctx, trace.NewSpanContext(trace.SpanContextConfig{
			TraceID: trace.TraceID{1}, SpanID: trace.SpanID{1}})) // valid, not sampled
	}
	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	for range benchGoroutines {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				res, err := eng.Execute(ctx, stmt)
				if err != nil {
					panic(err)
				}
				n, err := alchemy.Scalar[int](res)
				if err != nil || n != 1 {
					panic(err)
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
}
