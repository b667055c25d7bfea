package alchemyotel

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/pool"
	"go.opentelemetry.io/otel/metric"
)

// durationBuckets are the conventions' bucket boundaries for
// db.client.operation.duration, in seconds; the pool's time histograms use them
// too.
var durationBuckets = []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10}

// instruments are a Tracer's metric instruments, made once in New.
type instruments struct {
	opDuration metric.Float64Histogram
	createTime metric.Float64Histogram
	waitTime   metric.Float64Histogram
	useTime    metric.Float64Histogram

	count    metric.Int64ObservableUpDownCounter
	idleMax  metric.Int64ObservableUpDownCounter
	idleMin  metric.Int64ObservableUpDownCounter
	max      metric.Int64ObservableUpDownCounter
	pending  metric.Int64ObservableUpDownCounter
	timeouts metric.Int64ObservableCounter
}

func newInstruments(m metric.Meter) (instruments, error) {
	var in instruments
	var err error
	hist := func(name, desc string) metric.Float64Histogram {
		h, e := m.Float64Histogram(name, metric.WithUnit("s"), metric.WithDescription(desc),
			metric.WithExplicitBucketBoundaries(durationBuckets...))
		err = errors.Join(err, e)
		return h
	}
	updown := func(name, unit, desc string) metric.Int64ObservableUpDownCounter {
		c, e := m.Int64ObservableUpDownCounter(name, metric.WithUnit(unit), metric.WithDescription(desc))
		err = errors.Join(err, e)
		return c
	}
	in.opDuration = hist("db.client.operation.duration", "Duration of database client operations.")
	in.createTime = hist("db.client.connection.create_time", "The time it took to create a new connection.")
	in.waitTime = hist("db.client.connection.wait_time", "The time it took to obtain an open connection from the pool.")
	in.useTime = hist("db.client.connection.use_time", "The time between borrowing a connection and returning it to the pool.")
	in.count = updown("db.client.connection.count", "{connection}", "The number of connections that are currently in state described by the state attribute.")
	in.idleMax = updown("db.client.connection.idle.max", "{connection}", "The maximum number of idle open connections allowed.")
	in.idleMin = updown("db.client.connection.idle.min", "{connection}", "The minimum number of idle open connections allowed.")
	in.max = updown("db.client.connection.max", "{connection}", "The maximum number of open connections allowed.")
	in.pending = updown("db.client.connection.pending_requests", "{request}", "The number of current pending requests for an open connection.")
	var e error
	in.timeouts, e = m.Int64ObservableCounter("db.client.connection.timeouts", metric.WithUnit("{timeout}"),
		metric.WithDescription("The number of connection timeouts that have occurred trying to obtain a connection from the pool."))
	err = errors.Join(err, e)
	if err != nil {
		return in, fmt.Errorf("alchemyotel: making the metric instruments: %w", err)
	}
	return in, nil
}

// limits returns a pool's idle.max and max; hasMax is false when the pool has no
// limit (MaxOverflow -1, NullPool). alchemy's pools keep no minimum of idle
// connections: idle.min is always 0.
func limits(st pool.Status) (idleMax, maxOpen int64, hasMax bool) {
	switch st.Kind {
	case "QueuePool":
		if st.MaxOverflow < 0 {
			return int64(st.Size), 0, false
		}
		return int64(st.Size), int64(st.Size + st.MaxOverflow), true
	case "StaticPool", "AssertionPool":
		return 1, 1, true
	}
	return 0, 0, false // NullPool: nothing kept, no limit
}

// InstrumentPool reports the pool of e through the observable instruments
// db.client.connection.count (state idle and used), .idle.max, .idle.min, .max
// (when the pool has a limit), .pending_requests and .timeouts, read from
// e.PoolStatus() at each collection: nothing is added to a checkout. Call the
// function it returns to stop (before or after e.Dispose).
//
// The time histograms (.create_time, .wait_time, .use_time) are recorded by
// the tracer's hooks: install it with EngineOptions.
func (t *Tracer) InstrumentPool(e *alchemy.Engine) (unregister func() error, err error) {
	if t == nil {
		return nil, errors.New("alchemyotel: InstrumentPool on a nil *Tracer (use New)")
	}
	if e == nil {
		return nil, errors.New("alchemyotel: InstrumentPool given a nil *alchemy.Engine")
	}
	ei := t.engine(e)
	in := &t.inst
	reg, err := t.meter.RegisterCallback(func(ctx context.Context, o metric.Observer) (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("alchemyotel: pool callback panicked: %v", p)
			}
		}()
		st := e.PoolStatus()
		o.ObserveInt64(in.count, int64(st.CheckedIn), ei.idleOpt)
		o.ObserveInt64(in.count, int64(st.CheckedOut), ei.usedOpt)
		idleMax, maxOpen, hasMax := limits(st)
		o.ObserveInt64(in.idleMax, idleMax, ei.poolOpt)
		o.ObserveInt64(in.idleMin, 0, ei.poolOpt)
		if hasMax {
			o.ObserveInt64(in.max, maxOpen, ei.poolOpt)
		}
		o.ObserveInt64(in.pending, int64(st.Waiters), ei.poolOpt)
		o.ObserveInt64(in.timeouts, st.Timeouts, ei.poolOpt)
		return nil
	}, in.count, in.idleMax, in.idleMin, in.max, in.pending, in.timeouts)
	if err != nil {
		return nil, fmt.Errorf("alchemyotel: registering the pool callback of %s: %w", ei.poolName, err)
	}
	return reg.Unregister, nil
}
