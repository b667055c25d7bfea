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

// opCtx is the context a start hook returns: the span's, with what the end hook
// needs. The end hook gets back exactly this value (alchemy keeps each tracer's
// own), so it finds it by a type assertion, not a search of the chain.
type opCtx struct {
	context.Context
	span trace.Span
	si   *stmtInfo
}

// TraceExecuteStart starts the span of a statement, a child of the span in ctx:
// named by its db.query.summary, kind CLIENT, with the attributes described in
// the package doc. An executemany of two or more sets is a batch
// (db.operation.batch.size).
func (t *Tracer) TraceExecuteStart(ctx context.Context, c *alchemy.Conn, data alchemy.ExecuteStart) (out context.Context) {
	out = ctx
	if t == nil || c == nil {
		return ctx
	}
	defer t.contain("TraceExecuteStart")
	ei := t.engine(c.Engine())
	batch := data.Many >= 2
	si := ei.stmt(data.Statement, data.SQL, batch)
	sctx, span := si.start(ctx, t.tracer)
	if batch {
		if span.IsRecording() {
			span.SetAttributes(semconv.DBOperationBatchSizeKey.Int(data.Many))
		}
	} else if t.cfg.queryParams && len(data.Params) > 0 && span.IsRecording() {
		span.SetAttributes(paramAttrs(data.Params)...)
	}
	return &opCtx{Context: sctx, span: span, si: si}
}

// TraceExecuteEnd ends the statement's span (after its rows were read, with the
// error of reading them) and records db.client.operation.duration.
func (t *Tracer) TraceExecuteEnd(ctx context.Context, c *alchemy.Conn, data alchemy.ExecuteEnd) {
	if t == nil {
		return
	}
	defer t.contain("TraceExecuteEnd")
	oc, ok := ctx.(*opCtx)
	if !ok {
		return // its start hook failed
	}
	t.endOp(oc, data.Duration, data.Err)
}

// endOp ends an operation's span and records its duration.
func (t *Tracer) endOp(oc *opCtx, d time.Duration, err error) {
	if err == nil {
		t.inst.opDuration.Record(oc, d.Seconds(), oc.si.okOpts...)
		oc.span.End()
		return
	}
	attrs, desc := errorAttrs(err, t.cfg.queryParams)
	oc.span.SetAttributes(attrs...)
	oc.span.SetStatus(codes.Error, desc)
	all := append(append(make([]attribute.KeyValue, 0, len(oc.si.metricAttrs)+len(attrs)), oc.si.metricAttrs...), attrs...)
	t.inst.opDuration.Record(oc, d.Seconds(), metric.WithAttributeSet(attribute.NewSet(all...)))
	oc.span.End()
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
		t.endOp(oc, ev.Duration, ev.Err)
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

// checkoutCtx is the context of a checkout: the caller's, with the pool's count
// of waits when it began. The pool listener finds it too.
type checkoutCtx struct {
	context.Context
	ei    *engineInfo
	waits int64
}

type checkoutKey struct{}

// Value returns c for checkoutKey, so that the pool listener finds it under
// other tracers' contexts.
func (c *checkoutCtx) Value(key any) any {
	if key == (checkoutKey{}) {
		return c
	}
	return c.Context.Value(key)
}

// TraceCheckoutStart notes when a checkout begins; it starts no span, since most
// checkouts do not wait.
func (t *Tracer) TraceCheckoutStart(ctx context.Context, e *alchemy.Engine) (out context.Context) {
	out = ctx
	if t == nil || e == nil {
		return ctx
	}
	defer t.contain("TraceCheckoutStart")
	return &checkoutCtx{Context: ctx, ei: t.engine(e), waits: e.PoolStatus().Waits}
}

// TraceCheckoutEnd records db.client.connection.wait_time and, for a checkout
// that waited for a connection (at least WithMinCheckoutWait) or failed, the
// span "alchemy.checkout" (kind INTERNAL, from the checkout's start, with
// db.client.connection.pool.name). A checkout waited when the pool's count of
// waits grew during it: exact when checkouts do not overlap; when they do, a
// checkout that took the last free connection just as another began to wait
// may be taken for one that waited, but it is quick, so the minimum wait
// filters it out.
func (t *Tracer) TraceCheckoutEnd(ctx context.Context, e *alchemy.Engine, data alchemy.CheckoutEnd) {
	if t == nil {
		return
	}
	defer t.contain("TraceCheckoutEnd")
	cc, ok := ctx.(*checkoutCtx)
	if !ok {
		return
	}
	t.inst.waitTime.Record(cc.Context, data.Duration.Seconds(), cc.ei.poolOpts...)
	if data.Err == nil && (data.Duration < t.cfg.minWait || e.PoolStatus().Waits == cc.waits) {
		return
	}
	_, span := t.tracer.Start(cc.Context, "alchemy.checkout", trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithTimestamp(time.Now().Add(-data.Duration)), trace.WithAttributes(semconv.DBClientConnectionPoolNameKey.String(cc.ei.poolName)))
	if data.Err != nil {
		attrs, desc := errorAttrs(data.Err, t.cfg.queryParams)
		span.SetAttributes(attrs...)
		span.SetStatus(codes.Error, desc)
	}
	span.End()
}
