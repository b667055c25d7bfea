package alchemyotel_test

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// BenchmarkSDKFloor measures, without a database or alchemy, the SDK calls
// otel=on of BenchmarkOverheadPostgresSelectOne makes for each statement: the
// floor no instrumentation with these spans and metrics can go below. The
// providers are those of the overhead benchmark. span6attrs is a statement's
// span (CLIENT, the six attributes of a Text SELECT 1 on PostgreSQL, given at
// the start); span0attrs the same span without attributes; spanUnsampled one
// under a parent that was not sampled; hist5attrs a db.client.operation.duration
// record (its five attributes, a cached set) under no span and
// hist5attrsSampledCtx under a sampled span (the SDK's default exemplar filter
// then keeps an exemplar); hist1attr a wait_time or use_time record (the pool
// name).
//
//	go test -run '^$' -bench SDKFloor .
func BenchmarkSDKFloor(b *testing.B) {
	ctx := context.Background()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(dropProcessor{}))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() { _ = tp.Shutdown(ctx); _ = mp.Shutdown(ctx) })
	tr := tp.Tracer("floor")
	m := mp.Meter("floor")
	buckets := metric.WithExplicitBucketBoundaries(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10)
	opDuration, err := m.Float64Histogram("db.client.operation.duration", buckets)
	if err != nil {
		b.Fatal(err)
	}
	waitTime, err := m.Float64Histogram("db.client.connection.wait_time", buckets)
	if err != nil {
		b.Fatal(err)
	}
	attrs := []attribute.KeyValue{
		attribute.String("db.system.name", "postgresql"), attribute.String("db.namespace", "alchemy"),
		attribute.String("server.address", "localhost"), attribute.Int("server.port", 5432),
		attribute.String("db.query.summary", "SELECT"), attribute.String("db.query.text", "select 1"),
	}
	opSet := []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(attrs[:5]...))}
	poolSet := []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(attribute.String("db.client.connection.pool.name", "p")))}
	withAttrs := []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...)}
	kindOnly := []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient)}
	unsampled := trace.ContextWithRemoteSpanContext(ctx, trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{1}}))
	sampled, parent := tr.Start(ctx, "parent")
	defer parent.End()

	span := func(ctx context.Context, opts []trace.SpanStartOption) func(b *testing.B) {
		return func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, s := tr.Start(ctx, "SELECT", opts...)
				s.End()
			}
		}
	}
	record := func(ctx context.Context, h metric.Float64Histogram, opts []metric.RecordOption) func(b *testing.B) {
		return func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				h.Record(ctx, 0.0002, opts...)
			}
		}
	}
	b.Run("span6attrs", span(ctx, withAttrs))
	b.Run("span0attrs", span(ctx, kindOnly))
	b.Run("spanUnsampled", span(unsampled, kindOnly))
	b.Run("hist5attrs", record(ctx, opDuration, opSet))
	b.Run("hist5attrsSampledCtx", record(sampled, opDuration, opSet))
	b.Run("hist1attr", record(ctx, waitTime, poolSet))
}
