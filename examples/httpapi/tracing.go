package main

import (
	"context"
	"io"
	"net/http"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/extra/alchemyotel"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// tracing is the service's OpenTelemetry tracing: spans of HTTP requests
// (otelhttp) and of the database work in them (alchemyotel), written to out as
// JSON by the SDK's stdout exporter.
type tracing struct {
	tp *sdktrace.TracerProvider
	tr *alchemyotel.Tracer
}

// newTracing sets up tracing to out.
func newTracing(out io.Writer) (*tracing, error) {
	exp, err := stdouttrace.New(stdouttrace.WithWriter(out), stdouttrace.WithPrettyPrint())
	if err != nil {
		return nil, err
	}
	res := resource.NewSchemaless(semconv.ServiceName("httpapi"))
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	tr, err := alchemyotel.New(alchemyotel.WithTracerProvider(tp))
	if err != nil {
		_ = tp.Shutdown(context.Background())
		return nil, err
	}
	return &tracing{tp: tp, tr: tr}, nil
}

// engineOptions install the database tracer in an engine.
func (t *tracing) engineOptions() []alchemy.Option { return t.tr.EngineOptions() }

// handler wraps h in a server span per request, named by the route matched
// ("GET /tasks/{id}") or else by the method; the database spans of the request
// are its children.
func (t *tracing) handler(h http.Handler) http.Handler {
	return otelhttp.NewHandler(h, "httpapi", otelhttp.WithTracerProvider(t.tp),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
			if r.Pattern != "" {
				return r.Pattern
			}
			return r.Method
		}))
}

// shutdown writes the spans not yet written.
func (t *tracing) shutdown(ctx context.Context) error { return t.tp.Shutdown(ctx) }
