package alchemyotel

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/go-alchemy/alchemy"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// Tracer traces and measures the engines it is installed in: an alchemy tracer
// (ExecuteTracer, TxTracer, ConnectTracer, CheckoutTracer and CheckinTracer).
// Install it with EngineOptions (or alchemy.Tracer); report a pool's state with
// InstrumentPool. One Tracer may serve several engines (unless WithPoolName
// names their pools); it is safe for concurrent use. It keeps, for its whole
// life, a little state per engine it has seen (attribute sets for at most 2000
// distinct statements): give it long-lived engines, not one made per request.
//
// A hook that panics (a span processor or an exporter that panics inside
// span.End) is contained: the database work goes on, the span may be lost, and
// the first panic is reported through otel.Handle.
type Tracer struct {
	cfg     config
	tracer  trace.Tracer
	meter   metric.Meter
	inst    instruments
	engines sync.Map // *alchemy.Engine -> *engineInfo
	// last is the engineInfo found last: a Tracer mostly serves one engine,
	// whose hooks then skip the map.
	last atomic.Pointer[engineInfo]

	panics   atomic.Int64
	reported atomic.Bool
}

// Interfaces a Tracer implements, for alchemy.Tracer.
var (
	_ alchemy.ExecuteTracer  = (*Tracer)(nil)
	_ alchemy.TxTracer       = (*Tracer)(nil)
	_ alchemy.ConnectTracer  = (*Tracer)(nil)
	_ alchemy.CheckoutTracer = (*Tracer)(nil)
	_ alchemy.CheckinTracer  = (*Tracer)(nil)
)

// New makes a Tracer from the providers given (by default the global ones).
// It fails only if a provider does: returns a nil tracer or meter, refuses an
// instrument, or panics.
func New(opts ...Option) (t *Tracer, err error) {
	var cfg config
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.tp == nil {
		cfg.tp = otel.GetTracerProvider()
	}
	if cfg.mp == nil {
		cfg.mp = otel.GetMeterProvider()
	}
	if !cfg.minWaitSet {
		cfg.minWait = DefaultMinCheckoutWait
	}
	defer func() {
		if p := recover(); p != nil {
			t, err = nil, fmt.Errorf("alchemyotel: a provider panicked: %v", p)
		}
	}()
	t = &Tracer{cfg: cfg}
	t.tracer = cfg.tp.Tracer(ScopeName, trace.WithInstrumentationVersion(Version), trace.WithSchemaURL(semconv.SchemaURL))
	if t.tracer == nil {
		return nil, errors.New("alchemyotel: the tracer provider returned a nil tracer")
	}
	t.meter = cfg.mp.Meter(ScopeName, metric.WithInstrumentationVersion(Version), metric.WithSchemaURL(semconv.SchemaURL))
	if t.meter == nil {
		return nil, errors.New("alchemyotel: the meter provider returned a nil meter")
	}
	if t.inst, err = newInstruments(t.meter); err != nil {
		return nil, err
	}
	return t, nil
}

// EngineOptions returns the options that install t in an engine:
// alchemy.Tracer(t), as a slice (the form callers append to their own options).
//
//	eng, err := alchemy.CreateEngine(url, tr.EngineOptions()...)
func (t *Tracer) EngineOptions() []alchemy.Option {
	return []alchemy.Option{alchemy.Tracer(t)}
}

// Panics returns how many panics of hooks (of the providers they call) were
// contained.
func (t *Tracer) Panics() int64 { return t.panics.Load() }

// contain recovers a panic of a hook, so that the database work goes on; the
// first is reported through otel.Handle. It must be deferred directly.
func (t *Tracer) contain(where string) {
	if p := recover(); p != nil {
		t.panics.Add(1)
		if t.reported.CompareAndSwap(false, true) {
			otel.Handle(fmt.Errorf("alchemyotel: a panic in the %s hook was contained (later ones are counted, not reported): %v", where, p))
		}
	}
}
