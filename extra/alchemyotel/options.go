package alchemyotel

import (
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// Option configures New.
type Option func(*config)

type config struct {
	tp          trace.TracerProvider
	mp          metric.MeterProvider
	queryParams bool
	poolName    string
	minWait     time.Duration
	minWaitSet  bool
}

// DefaultMinCheckoutWait is how long a checkout must have waited for a
// connection to get a span of its own, unless WithMinCheckoutWait says
// otherwise.
const DefaultMinCheckoutWait = time.Millisecond

// WithTracerProvider sets the provider of the tracer that makes the spans.
// Without it, or given nil, the global provider (otel.GetTracerProvider) is used.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) { c.tp = tp }
}

// WithMeterProvider sets the provider of the meter that makes the metrics.
// Without it, or given nil, the global provider (otel.GetMeterProvider) is used.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) { c.mp = mp }
}

// WithQueryParameters records each statement's bound values as the span
// attributes db.query.parameter.<index> (0-based, in the order of the
// placeholders of db.query.text), and a failed operation's full error message as
// the span status description. Off by default: values may be personal data or
// secrets. Batches (executemany) never record them, and an engine with
// alchemy.HideParameters gives the tracer none to record.
func WithQueryParameters(on bool) Option {
	return func(c *config) { c.queryParams = on }
}

// WithPoolName sets db.client.connection.pool.name. Without it the name is the
// engine's alchemy.LoggingName, or else "server.address:server.port/db.namespace"
// built from the engine's URL (never with its user or password). Give it only
// to a Tracer that serves one engine: pool names must be unique in a process.
func WithPoolName(name string) Option {
	return func(c *config) { c.poolName = name }
}

// WithMinCheckoutWait sets how long a checkout must have waited for a
// connection (the pool had none free) to get an "alchemy.checkout" span
// (default DefaultMinCheckoutWait; 0: every checkout that waited). Shorter
// waits, common under load and of no interest in a trace, would cost a span
// each; db.client.connection.wait_time measures every checkout whatever this
// says. A checkout that fails always gets its span.
func WithMinCheckoutWait(d time.Duration) Option {
	return func(c *config) { c.minWait, c.minWaitSet = d, true }
}
