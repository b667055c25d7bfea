package alchemyotel

import (
	"context"
	"strings"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/expr"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// maxStmts bounds the statements an engine's cache of attribute sets keeps: SQL
// built per request (values spliced in) would otherwise grow it without end.
// Past it, a statement's attributes are worked out at each execution.
const maxStmts = 2000

// stmtKey is a cache key: the SQL as sent, with how it was built.
type stmtKey struct {
	sql   string
	built bool // an expr statement, whose operation and table are known
	batch bool // executemany with two or more parameter sets
}

// slot is the index of k's map in engineInfo.stmts.
func (k stmtKey) slot() int {
	i := 0
	if k.built {
		i |= 1
	}
	if k.batch {
		i |= 2
	}
	return i
}

// stmtInfo is everything a statement's span and measurement carry that does
// not change between executions, built once per engine and SQL.
type stmtInfo struct {
	name      string
	startOpts []trace.SpanStartOption
	// spanAttrs are the attributes startOpts carry; kindOnly is startOpts
	// without them (see start).
	spanAttrs []attribute.KeyValue
	// metricAttrs: db.system.name, db.namespace, server.*, db.operation.name,
	// db.collection.name, db.query.summary (those known); okOpts records them.
	metricAttrs []attribute.KeyValue
	okOpts      []metric.RecordOption
}

// operationOf returns the operation of a statement of the expression language,
// which knows it without reading the SQL; "" for anything else.
func operationOf(s alchemy.Executable) string {
	switch s.(type) {
	case *expr.SelectStmt:
		return "SELECT"
	case *expr.InsertStmt:
		return "INSERT"
	case *expr.UpdateStmt:
		return "UPDATE"
	case *expr.DeleteStmt:
		return "DELETE"
	}
	return ""
}

// builtStmt reports a statement of the expression language (DML and DDL), whose
// SQL alchemy wrote, as opposed to a Text or a statement of another package.
func builtStmt(s alchemy.Executable) bool {
	switch s.(type) {
	case *expr.SelectStmt, *expr.InsertStmt, *expr.UpdateStmt, *expr.DeleteStmt,
		*expr.CreateTableStmt, *expr.DropTableStmt, *expr.IndexStmt,
		*expr.ConstraintStmt, *expr.CommentStmt:
		return true
	}
	return false
}

// stmt returns the stmtInfo of a statement on the engine of ei.
func (ei *engineInfo) stmt(s alchemy.Executable, sql string, batch bool) *stmtInfo {
	k := stmtKey{sql: sql, built: builtStmt(s), batch: batch}
	m := &ei.stmts[k.slot()]
	if v, ok := m.Load(sql); ok {
		return v.(*stmtInfo)
	}
	si := ei.newStmt(k, operationOf(s))
	if ei.nstmts.Load() < maxStmts {
		if v, loaded := m.LoadOrStore(sql, si); loaded {
			return v.(*stmtInfo)
		}
		ei.nstmts.Add(1)
	}
	return si
}

// newStmt works out a statement's span name and attributes. Its
// db.query.summary comes from its SQL (see summarize); db.operation.name and
// db.collection.name, which the conventions say not to take from the query
// text, are set only for statements of the expression language: the operation
// from the statement's type, the table when it is the only one the SQL alchemy
// wrote names.
func (ei *engineInfo) newStmt(k stmtKey, op string) *stmtInfo {
	sum := summarize(k.sql)
	text := sum.text
	var coll string
	if k.built {
		if op == "" && sum.ops == 1 {
			op = sum.op
		}
		if sum.targets == 1 {
			coll = sum.target
		}
	} else {
		op = ""
	}
	if k.batch {
		if op != "" {
			op = "BATCH " + op
		}
		if text != "" {
			text = "BATCH " + text
		}
	}
	name := text
	if name == "" {
		name = op
	}
	if name == "" {
		name = ei.base[0].Value.AsString() // db.system.name
	}
	m := append(make([]attribute.KeyValue, 0, len(ei.base)+3), ei.base...)
	if op != "" {
		m = append(m, semconv.DBOperationNameKey.String(op))
	}
	if coll != "" {
		m = append(m, semconv.DBCollectionNameKey.String(coll))
	}
	if text != "" {
		m = append(m, semconv.DBQuerySummaryKey.String(text))
	}
	span := append(append(make([]attribute.KeyValue, 0, len(m)+1), m...), semconv.DBQueryTextKey.String(k.sql))
	return &stmtInfo{
		name:        name,
		startOpts:   []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(span...)},
		spanAttrs:   span,
		metricAttrs: m,
		okOpts:      []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(m...))},
	}
}

// txOp returns the stmtInfo of a transaction operation ("commit" -> COMMIT).
func (ei *engineInfo) txOp(op string) *stmtInfo {
	if v, ok := ei.txOps.Load(op); ok {
		return v.(*stmtInfo)
	}
	name := strings.ToUpper(op)
	m := append(append(make([]attribute.KeyValue, 0, len(ei.base)+1), ei.base...), semconv.DBOperationNameKey.String(name))
	si := &stmtInfo{
		name:        name,
		startOpts:   []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(m...)},
		spanAttrs:   m,
		metricAttrs: m,
		okOpts:      []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(m...))},
	}
	v, _ := ei.txOps.LoadOrStore(op, si)
	return v.(*stmtInfo)
}

// kindOnly starts a client span without attributes.
var kindOnly = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient)}

// start starts the span of si. Its attributes go to the sampler at the start,
// as the conventions ask, except under a parent that was not sampled: a
// parent-based sampler (the SDK's default) records nothing there, and copying
// the attributes for it would be the costliest part of an unrecorded span.
// Should a sampler record such a span all the same, it gets them right after
// the start.
func (si *stmtInfo) start(ctx context.Context, tr trace.Tracer) (context.Context, trace.Span) {
	if psc := trace.SpanContextFromContext(ctx); psc.IsValid() && !psc.IsSampled() {
		ctx, span := tr.Start(ctx, si.name, kindOnly...)
		if span.IsRecording() {
			span.SetAttributes(si.spanAttrs...)
		}
		return ctx, span
	}
	return tr.Start(ctx, si.name, si.startOpts...)
}
