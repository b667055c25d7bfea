package alchemyotel

import (
	"context"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/go-alchemy/alchemy"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// opCtx is the context a transaction start hook returns: the span's, with what
// the end hook needs. The end hook gets back exactly this value (alchemy keeps
// each tracer's own), so it finds it by a type assertion, not a search of the
// chain. (A statement's hooks need no such wrapper: see TraceExecuteStart.)
type opCtx struct {
	context.Context
	span trace.Span
	si   *stmtInfo
}

// TraceExecuteStart starts the span of a statement, a child of the span in ctx:
// named by its db.query.summary, kind CLIENT, with the attributes described in
// the package doc. An executemany of two or more sets is a batch
// (db.operation.batch.size). It returns the span's context, and keeps the
// statement's attributes for the end hook in alchemy's slot (data.State): no
// allocation of its own.
func (t *Tracer) TraceExecuteStart(ctx context.Context, c *alchemy.Conn, data alchemy.ExecuteStart) (out context.Context) {
	out = ctx
	if t == nil || c == nil || data.State == nil {
		return ctx
	}
	defer t.contain("TraceExecuteStart")
	ei := t.engine(c.Engine())
	batch := data.Many >= 2
	si := ei.stmt(data.Statement, data.SQL, batch)
	sctx, span := si.start(ctx, t.tracer)
	*data.State = si // the end hook finds the span in sctx
	out = sctx
	if batch {
		if span.IsRecording() {
			span.SetAttributes(semconv.DBOperationBatchSizeKey.Int(data.Many))
		}
	} else if t.cfg.queryParams && len(data.Params) > 0 && span.IsRecording() {
		span.SetAttributes(paramAttrs(data.Params)...)
	}
	return sctx
}

// TraceExecuteEnd ends the statement's span (after its rows were read, with the
// error of reading them) and records db.client.operation.duration.
func (t *Tracer) TraceExecuteEnd(ctx context.Context, c *alchemy.Conn, data alchemy.ExecuteEnd) {
	if t == nil {
		return
	}
	defer t.contain("TraceExecuteEnd")
	si, ok := data.State.(*stmtInfo)
	if !ok {
		return // its start hook failed before starting the span
	}
	// ctx is the one the start hook returned, the span's own: its first Value.
	t.endOp(ctx, trace.SpanFromContext(ctx), si, data.Duration, data.Err)
}

// endOp ends an operation's span and records its duration.
func (t *Tracer) endOp(ctx context.Context, span trace.Span, si *stmtInfo, d time.Duration, err error) {
	if err == nil {
		t.inst.opDuration.Record(ctx, d.Seconds(), si.okOpts...)
		span.End()
		return
	}
	attrs, desc := errorAttrs(err, t.cfg.queryParams)
	span.SetAttributes(attrs...)
	span.SetStatus(codes.Error, desc)
	all := append(append(make([]attribute.KeyValue, 0, len(si.metricAttrs)+len(attrs)), si.metricAttrs...), attrs...)
	t.inst.opDuration.Record(ctx, d.Seconds(), metric.WithAttributeSet(attribute.NewSet(all...)))
	span.End()
}

// paramAttrs renders bound values as db.query.parameter.<index> (WithQueryParameters).
func paramAttrs(params []any) []attribute.KeyValue {
	attrs := make([]attribute.KeyValue, len(params))
	for i, p := range params {
		attrs[i] = semconv.DBQueryParameter(strconv.Itoa(i), paramString(p))
	}
	return attrs
}

// maxParam bounds a recorded value, in bytes.
const maxParam = 256

func paramString(v any) string {
	var s string
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		s = x
	case []byte:
		if utf8.Valid(x) {
			s = string(x)
		} else {
			s = fmt.Sprintf("%x", x)
		}
	case time.Time:
		s = x.Format(time.RFC3339Nano)
	default:
		s = fmt.Sprint(v)
	}
	if len(s) > maxParam {
		s = s[:maxParam]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return s
}

// TraceTxStart starts the span of BEGIN, COMMIT, ROLLBACK or a savepoint
// operation: named and with db.operation.name as the operation in capitals
// ("COMMIT", "ROLLBACK TO SAVEPOINT"), kind CLIENT.
func (t *Tracer) TraceTxStart(ctx context.Context, c *alchemy.Conn, ev alchemy.TxEvent) (out context.Context) {
	out = ctx
	if t == nil || c == nil {
		return ctx
	}
	defer t.contain("TraceTxStart")
	si := t.engine(c.Engine()).txOp(ev.Op)
	sctx, span := si.start(ctx, t.tracer)
	return &opCtx{Context: sctx, span: span, si: si}
}

// TraceTxEnd ends the transaction operation's span and records its
// db.client.operation.duration.
func (t *Tracer) TraceTxEnd(ctx context.Context, c *alchemy.Conn, ev alchemy.TxEvent) {
	if t == nil {
		return
	}
	defer t.contain("TraceTxEnd")
	if oc, ok := ctx.(*opCtx); ok {
		t.endOp(oc, oc.span, oc.si, ev.Duration, ev.Err)
	}
}

// connectCtx is the context of a connect hook.
type connectCtx struct {
	context.Context
	span trace.Span
	ei   *engineInfo
}

// TraceConnectStart starts the span "alchemy.connect" of a new database
// connection, kind CLIENT, with the engine's db.system.name, db.namespace,
// server.address, server.port and db.client.connection.pool.name.
func (t *Tracer) TraceConnectStart(ctx context.Context, e *alchemy.Engine) (out context.Context) {
	out = ctx
	if t == nil || e == nil {
		return ctx
	}
	defer t.contain("TraceConnectStart")
	ei := t.engine(e)
	sctx, span := t.tracer.Start(ctx, "alchemy.connect", trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(ei.connectAttrs...))
	return &connectCtx{Context: sctx, span: span, ei: ei}
}

// TraceConnectEnd ends the connect span and, for a connection made, records
// db.client.connection.create_time.
func (t *Tracer) TraceConnectEnd(ctx context.Context, e *alchemy.Engine, data alchemy.ConnectEnd) {
	if t == nil {
		return
	}
	defer t.contain("TraceConnectEnd")
	cc, ok := ctx.(*connectCtx)
	if !ok {
		return
	}
	if data.Err != nil {
		attrs, desc := errorAttrs(data.Err, t.cfg.queryParams)
		cc.span.SetAttributes(attrs...)
		cc.span.SetStatus(codes.Error, desc)
	} else {
		t.inst.createTime.Record(cc, data.Duration.Seconds(), cc.ei.poolOpts...)
	}
	cc.span.End()
}

// TraceCheckoutStart does nothing: most checkouts do not wait, and the end
// hook learns from alchemy whether this one did. It returns ctx.
func (t *Tracer) TraceCheckoutStart(ctx context.Context, e *alchemy.Engine) context.Context {
	return ctx
}

// TraceCheckoutEnd records db.client.connection.wait_time and, for a checkout
// that waited for a connection (data.Waited, from the pool) at least
// WithMinCheckoutWait, or that failed, the span "alchemy.checkout" (kind
// INTERNAL, from the checkout's start, with db.client.connection.pool.name).
func (t *Tracer) TraceCheckoutEnd(ctx context.Context, e *alchemy.Engine, data alchemy.CheckoutEnd) {
	if t == nil || e == nil {
		return
	}
	defer t.contain("TraceCheckoutEnd")
	ei := t.engine(e)
	t.inst.waitTime.Record(ctx, data.Duration.Seconds(), ei.poolOpts...)
	if data.Err == nil && (!data.Waited || data.Duration < t.cfg.minWait) {
		return
	}
	opts := append(ei.checkoutOpts[:len(ei.checkoutOpts):len(ei.checkoutOpts)], trace.WithTimestamp(time.Now().Add(-data.Duration)))
	_, span := t.tracer.Start(ctx, "alchemy.checkout", opts...)
	if data.Err != nil {
		attrs, desc := errorAttrs(data.Err, t.cfg.queryParams)
		span.SetAttributes(attrs...)
		span.SetStatus(codes.Error, desc)
	}
	span.End()
}

// TraceCheckin records db.client.connection.use_time: how long the connection
// was out, from the end of its checkout to the end of its checkin, as alchemy
// measured it.
func (t *Tracer) TraceCheckin(e *alchemy.Engine, data alchemy.CheckinEnd) {
	if t == nil || e == nil {
		return
	}
	defer t.contain("TraceCheckin")
	t.inst.useTime.Record(context.Background(), data.Used.Seconds(), t.engine(e).poolOpts...)
}
