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
// with the pool instrumented; otel=unsampled is otel=on with a sampler that
// records nothing; otel=traces is otel=on with the no-op meter provider, to tell
// the spans' share from the metrics'. Compare the sub-benchmarks of one run:
//
//	go test -run '^$' -bench OverheadPostgresSelectOne -count 6 .
func BenchmarkOverheadPostgresSelectOne(b *testing.B) {
	url := os.Getenv("ALCHEMY_TEST_POSTGRESQL_URL")
	if url == "" {
		b.Skip("ALCHEMY_TEST_POSTGRESQL_URL is not set (see scripts/test-servers.sh env)")
	}
	b.Run("otel=off", func(b *testing.B) { benchSelectOne(b, url, nil, true) })
	b.Run("otel=on", func(b *testing.B) { benchSelectOne(b, url, sdktrace.AlwaysSample(), true) })
	b.Run("otel=unsampled", func(b *testing.B) { benchSelectOne(b, url, sdktrace.NeverSample(), true) })
	b.Run("otel=traces", func(b *testing.B) { benchSelectOne(b, url, sdktrace.AlwaysSample(), false) })
}

// benchSelectOne runs b.N SELECT 1 over benchGoroutines goroutines; sampler nil
// installs no tracer; metrics false gives the tracer the no-op meter provider.
func benchSelectOne(b *testing.B, url string, sampler sdktrace.Sampler, metrics bool) {
	ctx := context.Background()
	opts := []alchemy.Option{alchemy.PoolSize(benchConns), alchemy.MaxOverflow(0)}
	var tr *alchemyotel.Tracer
	if sampler != nil {
		tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sampler), sdktrace.WithSpanProcessor(dropProcessor{}))
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
		defer func() { _ = tp.Shutdown(ctx); _ = mp.Shutdown(ctx) }()
		var mpOpt alchemyotel.Option = alchemyotel.WithMeterProvider(mp)
		if !metrics {
			mpOpt = alchemyotel.WithMeterProvider(metricnoop.NewMeterProvider())
		}
		var err error
		if tr, err = alchemyotel.New(alchemyotel.WithTracerProvider(tp), mpOpt); err != nil {
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
