package alchemyotel_test

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/extra/alchemyotel"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

var allTargets = []string{testdb.SQLite, testdb.PostgreSQL, testdb.MySQL}

// systemName is the db.system.name each test target must report.
var systemName = map[string]string{testdb.SQLite: "sqlite", testdb.PostgreSQL: "postgresql", testdb.MySQL: "mysql"}

// TestSpanTree: a request whose statement had to wait for the pool's one
// connection makes parent -> {alchemy.checkout, statement}, both children of the
// request's span, the checkout before the statement; the connection made at
// the first checkout has its own alchemy.connect span.
func TestSpanTree(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		r := newRig(t, tg, nil, alchemy.PoolSize(1), alchemy.MaxOverflow(0))
		u := newUsers(t, r.eng)
		ctx := context.Background()

		held, err := r.eng.Connect(ctx) // the pool's one connection
		if err != nil {
			t.Fatal(err)
		}
		r.spans = resetRecorder(t, r)
		waits := r.eng.PoolStatus().Waits
		go func() {
			for r.eng.PoolStatus().Waits == waits {
				time.Sleep(time.Millisecond)
			}
			time.Sleep(20 * time.Millisecond)
			_ = held.Close()
		}()
		pctx, parent := r.startParent(ctx, "GET /users")
		drain(t)(r.eng.Execute(pctx, u.Select(u.ID, u.Nick).Where(u.ID.Eq(1))))
		parent.End()

		p := r.only(t, "GET /users")
		co := r.only(t, "alchemy.checkout")
		st := r.only(t, "SELECT "+u.Name())
		for _, s := range []sdktrace.ReadOnlySpan{co, st} {
			if s.Parent().SpanID() != p.SpanContext().SpanID() || s.SpanContext().TraceID() != p.SpanContext().TraceID() {
				t.Errorf("%s is not a child of the request span", s.Name())
			}
		}
		if co.SpanKind() != trace.SpanKindInternal || st.SpanKind() != trace.SpanKindClient {
			t.Errorf("kinds: checkout %v, statement %v", co.SpanKind(), st.SpanKind())
		}
		if !co.EndTime().Before(st.StartTime()) && !co.EndTime().Equal(st.StartTime()) {
			t.Errorf("checkout ends %v, after the statement starts %v", co.EndTime(), st.StartTime())
		}
		if d := co.EndTime().Sub(co.StartTime()); d < 15*time.Millisecond {
			t.Errorf("checkout span of %v, the wait was at least 20ms", d)
		}
		if got := attrMap(t, co)["db.client.connection.pool.name"].AsString(); got == "" {
			t.Error("checkout span without db.client.connection.pool.name")
		}
		if sc := st.InstrumentationScope(); sc.Name != alchemyotel.ScopeName || sc.Version != alchemyotel.Version || sc.SchemaURL == "" {
			t.Errorf("scope %+v", sc)
		}

		// A checkout that did not wait makes no span.
		r.spans = resetRecorder(t, r)
		drain(t)(r.eng.Execute(ctx, alchemy.Text("select 1")))
		if names := spanNames(r.ended()); names != "SELECT" && names != "select" {
			t.Errorf("spans of a checkout that did not wait: %s", names)
		}
	}, allTargets...)
}

// resetRecorder replaces the rig's span recorder with an empty one.
func resetRecorder(t *testing.T, r *rig) *tracetest.SpanRecorder {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	r.tp.RegisterSpanProcessor(rec)
	r.tp.UnregisterSpanProcessor(r.spans)
	return rec
}

// TestConnectSpan: the first statement on a fresh engine makes its connection:
// an alchemy.connect span (CLIENT, server attributes, pool name), a child of the
// caller's span, and one create_time measurement.
func TestConnectSpan(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		r := newRig(t, tg, nil)
		pctx, parent := r.startParent(context.Background(), "job")
		drain(t)(r.eng.Execute(pctx, alchemy.Text("SELECT 1")))
		parent.End()
		p := r.only(t, "job")
		c := r.only(t, "alchemy.connect")
		if c.Parent().SpanID() != p.SpanContext().SpanID() || c.SpanKind() != trace.SpanKindClient {
			t.Errorf("connect span: parent %v, kind %v", c.Parent().SpanID(), c.SpanKind())
		}
		a := attrMap(t, c)
		if a["db.system.name"].AsString() != systemName[tg.Name] || a["db.client.connection.pool.name"].AsString() == "" {
			t.Errorf("connect attributes %v", a)
		}
		checkServer(t, tg, a)
		rm := r.collect(t)
		if n := histCount(t, findMetric(t, rm, "db.client.connection.create_time")); n != uint64(r.eng.PoolStatus().Created) || n == 0 {
			t.Errorf("create_time count %d, connections made %d", n, r.eng.PoolStatus().Created)
		}
	}, allTargets...)
}

// checkServer checks server.address and server.port against the target's URL,
// and db.namespace against its database.
func checkServer(t *testing.T, tg testdb.Target, a map[string]attribute.Value) {
	t.Helper()
	u, err := alchemy.ParseURL(tg.URL)
	if err != nil {
		t.Fatal(err)
	}
	if tg.Name == testdb.SQLite {
		if _, ok := a["server.address"]; ok {
			t.Errorf("SQLite span with server.address %v", a["server.address"])
		}
	} else {
		if got := a["server.address"].AsString(); got != u.Host {
			t.Errorf("server.address %q, want %q", got, u.Host)
		}
		if got := a["server.port"].AsInt64(); got != int64(u.Port) {
			t.Errorf("server.port %d, want %d", got, u.Port)
		}
	}
	if got := a["db.namespace"].AsString(); got != u.Database {
		t.Errorf("db.namespace %q, want %q", got, u.Database)
	}
}

// TestStatementAttributes checks the exact attribute sets of an expression
// SELECT, an INSERT and a Text against the conventions, and that neither the
// bound value nor the URL's password appears anywhere.
func TestStatementAttributes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		r := newRig(t, tg, nil)
		u := newUsers(t, r.eng)
		ctx := context.Background()
		const secret = "s3cret-value-4711"
		ins := u.Insert().Values(expr.Params{"id": int64(1), "name": secret})
		if _, err := r.eng.Execute(ctx, ins); err != nil {
			t.Fatal(err)
		}
		sel := u.Select(u.ID, u.Nick).Where(u.Nick.Eq(secret))
		drain(t)(r.eng.Execute(ctx, sel))
		txt := alchemy.Text("SELECT name FROM " + u.Name() + " WHERE name = :name")
		drain(t)(r.eng.Execute(ctx, txt, alchemy.Params{"name": secret}))

		for _, c := range []struct {
			stmt       alchemy.Executable
			name, op   string
			collection bool
		}{
			{ins, "INSERT " + u.Name(), "INSERT", true},
			{sel, "SELECT " + u.Name(), "SELECT", true},
			{txt, "SELECT " + u.Name(), "", false},
		} {
			var args []any
			if c.stmt == txt {
				args = append(args, alchemy.Params{"name": secret})
			}
			sql, _, err := r.eng.Render(c.stmt, args...)
			if err != nil {
				t.Fatal(err)
			}
			var s sdktrace.ReadOnlySpan
			for _, x := range r.ended() {
				if x.Name() == c.name && attrMap(t, x)["db.query.text"].AsString() == sql {
					s = x
				}
			}
			if s == nil {
				t.Fatalf("no span %q with db.query.text %q in %s", c.name, sql, spanNames(r.ended()))
			}
			if s.SpanKind() != trace.SpanKindClient || s.Status().Code != codes.Unset {
				t.Errorf("%s: kind %v, status %v", c.name, s.SpanKind(), s.Status())
			}
			a := attrMap(t, s)
			want := map[string]string{
				"db.system.name":   systemName[tg.Name],
				"db.query.summary": c.name,
				"db.query.text":    sql,
			}
			if c.op != "" {
				want["db.operation.name"] = c.op
			}
			if c.collection {
				want["db.collection.name"] = u.Name()
			}
			for k, v := range want {
				if got := a[k].AsString(); got != v {
					t.Errorf("%s: %s = %q, want %q", c.name, k, got, v)
				}
			}
			allowed := map[string]bool{"db.namespace": true, "server.address": true, "server.port": true}
			for k := range a {
				if _, ok := want[k]; !ok && !allowed[k] {
					t.Errorf("%s: unexpected attribute %s = %v", c.name, k, a[k].String())
				}
			}
			checkServer(t, tg, a)
			checkNoDeprecated(t, c.name, s.Attributes())
		}

		// The duration metric: one point per statement, with the span's attributes
		// but db.query.text.
		rm := r.collect(t)
		m := findMetric(t, rm, "db.client.operation.duration")
		if m.Unit != "s" {
			t.Errorf("unit %q", m.Unit)
		}
		if n := histCount(t, m, attribute.String("db.query.summary", "SELECT "+u.Name()), attribute.String("db.operation.name", "SELECT")); n != 1 {
			t.Errorf("%d SELECT measurements with the operation name, want 1", n)
		}
		for _, set := range metricSets(m) {
			if _, ok := set.Value("db.query.text"); ok {
				t.Error("db.query.text on the duration metric (it is opt-in there)")
			}
			checkNoDeprecated(t, m.Name, set.ToSlice())
		}
		pw := ""
		if pu, err := url.Parse(tg.URL); err == nil {
			pw, _ = pu.User.Password()
		}
		r.checkNoLeak(t, secret, pw)
	}, allTargets...)
}

// TestFailedStatement: a duplicate key fails with the database's code; the span
// has status Error with error.type and db.response.status_code set to that code,
// and its description names the code, not the message quoting the value.
func TestFailedStatement(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		r := newRig(t, tg, nil)
		u := newUsers(t, r.eng)
		ctx := context.Background()
		const secret = "dup-value-0815"
		ins := u.Insert().Values(expr.Params{"id": int64(7), "name": secret})
		if _, err := r.eng.Execute(ctx, ins); err != nil {
			t.Fatal(err)
		}
		_, err := r.eng.Execute(ctx, ins)
		var ae *alchemy.Error
		if !errors.As(err, &ae) || ae.Code == "" {
			t.Fatalf("duplicate insert: %v, want an *alchemy.Error with a code", err)
		}
		var failed sdktrace.ReadOnlySpan
		for _, s := range r.ended() {
			if s.Status().Code == codes.Error {
				if failed != nil {
					t.Fatalf("two failed spans")
				}
				failed = s
			}
		}
		if failed == nil || failed.Name() != "INSERT "+u.Name() {
			t.Fatalf("failed span: %v in %s", failed, spanNames(r.ended()))
		}
		a := attrMap(t, failed)
		if a["error.type"].AsString() != ae.Code || a["db.response.status_code"].AsString() != ae.Code {
			t.Errorf("error.type %q, db.response.status_code %q, want %q", a["error.type"].AsString(), a["db.response.status_code"].AsString(), ae.Code)
		}
		if failed.Status().Description != ae.Code {
			t.Errorf("status description %q, want %q", failed.Status().Description, ae.Code)
		}
		rm := r.collect(t)
		m := findMetric(t, rm, "db.client.operation.duration")
		if n := histCount(t, m, attribute.String("error.type", ae.Code), attribute.String("db.response.status_code", ae.Code)); n != 1 {
			t.Errorf("%d failed measurements, want 1", n)
		}
		r.checkNoLeak(t, secret)
	}, allTargets...)
}

// TestFetchError: the statement span ends when its rows are read, not when
// Execute returns, and a failure while reading them (PostgreSQL's division by
// zero at the third row) is the span's error.
func TestFetchError(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		r := newRig(t, tg, nil)
		ctx := context.Background()
		res, err := r.eng.Execute(ctx, alchemy.Text("SELECT 10 / (3 - x) FROM generate_series(1, 5) AS x"))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range r.ended() {
			if s.Name() == "SELECT" {
				t.Fatal("statement span ended before its rows were read")
			}
		}
		n := 0
		for res.Next() {
			n++
		}
		if res.Err() == nil {
			t.Fatalf("read %d rows without an error", n)
		}
		s := r.only(t, "SELECT")
		a := attrMap(t, s)
		if s.Status().Code != codes.Error || a["error.type"].AsString() != "22012" || a["db.response.status_code"].AsString() != "22012" {
			t.Errorf("status %v, attributes %v", s.Status(), a)
		}
	}, testdb.PostgreSQL)
}

// TestBatch: an executemany of three sets is one span and one measurement:
// "BATCH INSERT t", db.operation.batch.size 3, and no parameter values even with
// WithQueryParameters; a single set is no batch.
func TestBatch(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		r := newRig(t, tg, []alchemyotel.Option{alchemyotel.WithQueryParameters(true)})
		u := newUsers(t, r.eng)
		ctx := context.Background()
		ins := alchemy.Text("INSERT INTO " + u.Name() + " (id, name) VALUES (:id, :name)")
		sets := []alchemy.Params{{"id": 1, "name": "batch-a"}, {"id": 2, "name": "batch-b"}, {"id": 3, "name": "batch-c"}}
		if _, err := r.eng.Execute(ctx, ins, sets); err != nil {
			t.Fatal(err)
		}
		s := r.only(t, "BATCH INSERT "+u.Name())
		a := attrMap(t, s)
		if a["db.operation.batch.size"].AsInt64() != 3 || a["db.query.summary"].AsString() != "BATCH INSERT "+u.Name() {
			t.Errorf("batch attributes %v", a)
		}
		for k := range a {
			if len(k) > len("db.query.parameter.") && k[:len("db.query.parameter.")] == "db.query.parameter." {
				t.Errorf("batch span records %s", k)
			}
		}
		r.checkNoLeak(t, "batch-a", "batch-b", "batch-c")

		// The expression language's executemany names its operation and table too.
		r.spans = resetRecorder(t, r)
		if _, err := r.eng.Execute(ctx, u.Insert().Columns(u.ID, u.Nick), []alchemy.Params{{"id": int64(4), "name": "x"}, {"id": int64(5), "name": "y"}}); err != nil {
			t.Fatal(err)
		}
		b := attrMap(t, r.only(t, "BATCH INSERT "+u.Name()))
		if b["db.operation.name"].AsString() != "BATCH INSERT" || b["db.collection.name"].AsString() != u.Name() || b["db.operation.batch.size"].AsInt64() != 2 {
			t.Errorf("expression batch attributes %v", b)
		}

		// One set is no batch.
		r.spans = resetRecorder(t, r)
		if _, err := r.eng.Execute(ctx, ins, []alchemy.Params{{"id": 6, "name": "single"}}); err != nil {
			t.Fatal(err)
		}
		one := attrMap(t, r.only(t, "INSERT "+u.Name()))
		if _, ok := one["db.operation.batch.size"]; ok {
			t.Errorf("a one-set executemany has db.operation.batch.size: %v", one)
		}
	}, allTargets...)
}

// TestQueryParameters: with WithQueryParameters(true) a statement's values are
// recorded as db.query.parameter.<index>, in placeholder order.
func TestQueryParameters(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		r := newRig(t, tg, []alchemyotel.Option{alchemyotel.WithQueryParameters(true)})
		drain(t)(r.eng.Execute(context.Background(), alchemy.Text("SELECT :a AS a, :b AS b"), alchemy.Params{"a": "first", "b": "second"}))
		a := attrMap(t, r.only(t, "SELECT"))
		if a["db.query.parameter.0"].AsString() != "first" || a["db.query.parameter.1"].AsString() != "second" {
			t.Errorf("parameters %v", a)
		}
	}, allTargets...)
}

// TestTxSpans: a transaction block with a savepoint makes BEGIN, SAVEPOINT,
// RELEASE SAVEPOINT and COMMIT spans; a failed block ROLLBACK TO SAVEPOINT and
// ROLLBACK; each with db.operation.name and a duration measurement.
func TestTxSpans(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		r := newRig(t, tg, nil)
		u := newUsers(t, r.eng)
		ctx := context.Background()
		r.spans = resetRecorder(t, r)
		boom := errors.New("boom")
		err := r.eng.RunInTx(ctx, func(c *alchemy.Conn) error {
			if err := c.RunInTx(ctx, func(c *alchemy.Conn) error {
				_, err := c.Execute(ctx, u.Insert().Values(expr.Params{"id": int64(1), "name": "a"}))
				return err
			}, alchemy.WithSavepoint()); err != nil {
				return err
			}
			_ = c.RunInTx(ctx, func(c *alchemy.Conn) error { return boom }, alchemy.WithSavepoint())
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, s := range r.ended() {
			got[s.Name()]++
			if s.Name() == "INSERT "+u.Name() {
				continue
			}
			a := attrMap(t, s)
			if a["db.operation.name"].AsString() != s.Name() || a["db.system.name"].AsString() != systemName[tg.Name] {
				t.Errorf("%s: attributes %v", s.Name(), a)
			}
		}
		for _, n := range []string{"BEGIN", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "ROLLBACK"} {
			if got[n] < 1 {
				t.Errorf("no %s span: %v", n, got)
			}
		}
		rm := r.collect(t)
		if n := histCount(t, findMetric(t, rm, "db.client.operation.duration"), attribute.String("db.operation.name", "ROLLBACK")); n != 1 {
			t.Errorf("%d ROLLBACK measurements", n)
		}
	}, allTargets...)
}

// TestUnsampledParent: under a parent that was not sampled, the SDK's default
// sampler records no statement span; a sampler that records it all the same
// gets a span with every attribute.
func TestUnsampledParent(t *testing.T) {
	parent := trace.ContextWithRemoteSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1}, SpanID: trace.SpanID{1}}))
	for _, sampler := range []sdktrace.Sampler{sdktrace.ParentBased(sdktrace.AlwaysSample()), sdktrace.AlwaysSample()} {
		rec := tracetest.NewSpanRecorder()
		tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sampler), sdktrace.WithSpanProcessor(rec))
		tr, err := alchemyotel.New(alchemyotel.WithTracerProvider(tp))
		if err != nil {
			t.Fatal(err)
		}
		eng, err := alchemy.CreateEngine(testdb.SQLiteURL(t), tr.EngineOptions()...)
		if err != nil {
			t.Fatal(err)
		}
		drain(t)(eng.Execute(parent, alchemy.Text("SELECT 1")))
		_ = eng.Dispose()
		var stmt []sdktrace.ReadOnlySpan
		for _, s := range rec.Ended() {
			if s.Name() == "SELECT" {
				stmt = append(stmt, s)
			}
		}
		if sampler.Description() == sdktrace.AlwaysSample().Description() {
			if len(stmt) != 1 {
				t.Fatalf("%s: %d statement spans", sampler.Description(), len(stmt))
			}
			a := attrMap(t, stmt[0])
			if a["db.system.name"].AsString() != "sqlite" || a["db.query.text"].AsString() != "SELECT 1" || stmt[0].SpanKind() != trace.SpanKindClient {
				t.Errorf("attributes of a span sampled under an unsampled parent: %v", a)
			}
		} else if len(stmt) != 0 {
			t.Errorf("%s: %d statement spans under an unsampled parent", sampler.Description(), len(stmt))
		}
	}
}

// TestCheckoutSpanMinWait: the checkout span follows the pool's own word on
// whether a checkout waited. With WithMinCheckoutWait(0) a checkout that waited
// has its span and one that did not (the first, which made the connection)
// has none; with a minimum longer than the wait, the waiting checkout has none
// either, while wait_time counts every checkout.
func TestCheckoutSpanMinWait(t *testing.T) {
	for _, tc := range []struct {
		min  time.Duration
		span bool
	}{{0, true}, {time.Hour, false}} {
		t.Run(tc.min.String(), func(t *testing.T) {
			r := newRig(t, testdb.Target{Name: testdb.SQLite, URL: testdb.SQLiteURL(t)}, []alchemyotel.Option{alchemyotel.WithMinCheckoutWait(tc.min)},
				alchemy.PoolSize(1), alchemy.MaxOverflow(0))
			ctx := context.Background()
			held, err := r.eng.Connect(ctx) // a checkout that did not wait
			if err != nil {
				t.Fatal(err)
			}
			if n := countNamed(r.ended(), "alchemy.checkout"); n != 0 {
				t.Fatalf("%d checkout spans for a checkout that did not wait", n)
			}
			go func() {
				for r.eng.PoolStatus().Waiters == 0 {
					time.Sleep(time.Millisecond)
				}
				_ = held.Close()
			}()
			drain(t)(r.eng.Execute(ctx, alchemy.Text("select 1"))) // waits for held
			if n := countNamed(r.ended(), "alchemy.checkout"); n != map[bool]int{true: 1, false: 0}[tc.span] {
				t.Errorf("%d checkout spans for one checkout that waited, min %v", n, tc.min)
			}
			rm := r.collect(t)
			if n := histCount(t, findMetric(t, rm, "db.client.connection.wait_time")); n != 2 {
				t.Errorf("wait_time count %d, want 2", n)
			}
		})
	}
}

func countNamed(spans []sdktrace.ReadOnlySpan, name string) int {
	n := 0
	for _, s := range spans {
		if s.Name() == name {
			n++
		}
	}
	return n
}
