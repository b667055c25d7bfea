package alchemy_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/fakedriver"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/pool"
)

// eventLog is a tracer that records engine events as short strings, and each
// statement's end with its connection and parameters.
type eventLog struct {
	mu     sync.Mutex
	events []string
	execs  []execEvent
	noExec bool // trace transactions only
}

// execEvent is a traced statement: where it ran, its start and its end.
type execEvent struct {
	Conn  *alchemy.Conn
	Start alchemy.ExecuteStart
	End   alchemy.ExecuteEnd
}

type startKey struct{}

func (l *eventLog) add(s string) {
	l.mu.Lock()
	l.events = append(l.events, s)
	l.mu.Unlock()
}

func (l *eventLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.events
	l.events = nil
	return out
}

func (l *eventLog) TraceExecuteStart(ctx context.Context, _ *alchemy.Conn, d alchemy.ExecuteStart) context.Context {
	if l.noExec {
		return ctx
	}
	l.add("before " + d.SQL)
	return context.WithValue(ctx, startKey{}, d)
}

func (l *eventLog) TraceExecuteEnd(ctx context.Context, c *alchemy.Conn, d alchemy.ExecuteEnd) {
	if l.noExec {
		return
	}
	start, _ := ctx.Value(startKey{}).(alchemy.ExecuteStart)
	l.mu.Lock()
	l.execs = append(l.execs, execEvent{Conn: c, Start: start, End: d})
	l.mu.Unlock()
	l.add("after " + d.SQL)
}

func (l *eventLog) TraceTxStart(ctx context.Context, _ *alchemy.Conn, _ alchemy.TxEvent) context.Context {
	return ctx
}

// TraceTxEnd records the transaction operations that succeeded, as "begin",
// "savepoint NAME", "release NAME", "rollback to NAME", "commit", "rollback".
func (l *eventLog) TraceTxEnd(_ context.Context, _ *alchemy.Conn, d alchemy.TxEvent) {
	if d.Err != nil {
		return
	}
	switch d.Op {
	case "savepoint":
		l.add("savepoint " + d.Savepoint)
	case "release savepoint":
		l.add("release " + d.Savepoint)
	case "rollback to savepoint":
		l.add("rollback to " + d.Savepoint)
	default:
		l.add(string(d.Op))
	}
}

// TestExecuteEvents: before and after execute carry the statement, its parameters,
// its duration and its error, on every database.
func TestExecuteEvents(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		var log eventLog
		eng := newEngine(t, tg.URL, alchemy.Tracer(&log))
		ctx := context.Background()
		slow := map[string]string{
			testdb.PostgreSQL: "select pg_sleep(:s)",
			testdb.MySQL:      "select sleep(:s)",
			testdb.SQLite:     "select :s",
		}[tg.Name]
		c, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		res, err := c.Execute(ctx, alchemy.Text(slow), 0.05)
		if err != nil {
			t.Fatal(err)
		}
		if rows, err := alchemy.All[alchemy.Row](res); err != nil || len(rows) != 1 { // the end is traced when the rows are read
			t.Fatalf("%v, %v", rows, err)
		}
		if _, err := c.Execute(ctx, alchemy.Text("select * from no_such_table_x where a = :a"), 7); err == nil {
			t.Fatal("no error")
		}
		log.mu.Lock()
		defer log.mu.Unlock()
		if len(log.execs) != 2 {
			t.Fatalf("%d statement ends traced, want 2", len(log.execs))
		}
		ok := log.execs[0]
		if ok.Conn != c || !strings.Contains(ok.End.SQL, placeholder(tg)) || len(ok.Start.Params) != 1 || ok.Start.Params[0] != 0.05 || ok.End.Err != nil {
			t.Errorf("event %+v", ok)
		}
		if _, isText := ok.Start.Statement.(*alchemy.TextClause); !isText || ok.End.Statement != ok.Start.Statement {
			t.Errorf("the events do not carry the statement object: %+v", ok)
		}
		if ok.End.Rows != 1 {
			t.Errorf("rows read %d, want 1", ok.End.Rows)
		}
		if tg.Name != testdb.SQLite && ok.End.Duration < 40*time.Millisecond {
			t.Errorf("duration %v of a 50ms sleep", ok.End.Duration)
		}
		if ok.End.Duration <= 0 {
			t.Errorf("duration %v", ok.End.Duration)
		}
		bad := log.execs[1]
		if bad.End.Err == nil || bad.Start.Params[0] != 7 || !strings.Contains(bad.End.SQL, "no_such_table_x") {
			t.Errorf("failed statement's event %+v", bad)
		}
		if !slices.Equal(log.events[:2], []string{"before " + ok.End.SQL, "after " + ok.End.SQL}) {
			t.Errorf("order %v", log.events)
		}
	})
}

// TestTransactionEvents: begin, commit, rollback and the savepoint events, once each,
// for what reaches the database only.
func TestTransactionEvents(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		log := eventLog{noExec: true}
		eng := newEngine(t, tg.URL, alchemy.Tracer(&log))
		ctx := context.Background()
		c, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()

		tx, _ := c.Begin(ctx)
		inner, _ := c.Begin(ctx) // joins: no event
		inner.Commit(ctx)        // nothing happens on the database
		sp, _ := c.BeginNested(ctx)
		sp.Commit(ctx)
		sp2, _ := c.BeginNested(ctx)
		sp2.Rollback(ctx)
		tx.Commit(ctx)
		got := log.take()
		if len(got) != 6 || got[0] != "begin" || !strings.HasPrefix(got[1], "savepoint ") ||
			got[2] != "release "+got[1][len("savepoint "):] || !strings.HasPrefix(got[3], "savepoint ") ||
			got[4] != "rollback to "+got[3][len("savepoint "):] || got[5] != "commit" || got[1] == got[3] {
			t.Fatalf("events %q", got)
		}

		tx, _ = c.Begin(ctx)
		tx.Rollback(ctx)
		if got := log.take(); !slices.Equal(got, []string{"begin", "rollback"}) {
			t.Fatalf("events %q", got)
		}
		err = eng.RunInTx(ctx, func(*alchemy.Conn) error { return errors.New("no") })
		if got := log.take(); err == nil || !slices.Equal(got, []string{"begin", "rollback"}) {
			t.Fatalf("engine.Begin failing: events %q", got)
		}
	})
}

// errorHandler is a function that is an alchemy.ErrorHandler.
type errorHandler func(ev *alchemy.ErrorEvent)

func (f errorHandler) HandleError(ev *alchemy.ErrorEvent) { f(ev) }

// TestHandleError: an ErrorHandler sees driver errors and can decide whether
// one counts as a disconnect.
func TestHandleError(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("promote to disconnect", func(t *testing.T) {
		var seen []string
		d, eng := newFake(t, alchemy.Tracer(errorHandler(func(ev *alchemy.ErrorEvent) {
			seen = append(seen, ev.Op+": "+ev.Statement)
			var ce *fakedriver.CodeError
			if errors.As(ev.Err, &ce) && ce.Code == "57P01" {
				ev.Disconnect = true
				ev.InvalidatePool = false
			}
		})))
		c, _ := eng.Connect(ctx)
		defer c.Close()
		first := fakeConn(t, c).ID()
		d.FailNext(fakedriver.OpExec, &fakedriver.CodeError{Code: "57P01", Msg: "terminating connection due to administrator command"})
		_, err := c.Execute(ctx, alchemy.Text("update t set x = 1"))
		if !errors.Is(err, alchemy.ErrDisconnect) || !c.Invalidated() {
			t.Fatalf("error promoted to a disconnect: %v, invalidated %v", err, c.Invalidated())
		}
		if len(seen) != 1 || seen[0] != "execute: update t set x = 1" {
			t.Fatalf("HandleError saw %q", seen)
		}
		mustExec(t, c, "select 1")
		if fakeConn(t, c).ID() == first {
			t.Fatal("the connection was reused")
		}
	})
	t.Run("demote a disconnect", func(t *testing.T) {
		d, eng := newFake(t, alchemy.Tracer(errorHandler(func(ev *alchemy.ErrorEvent) {
			if errors.Is(ev.Err, fakedriver.ErrDisconnect) {
				ev.Disconnect = false
			}
		})))
		c, _ := eng.Connect(ctx)
		defer c.Close()
		d.FailNext(fakedriver.OpExec, fakedriver.ErrDisconnect)
		_, err := c.Execute(ctx, alchemy.Text("update t set x = 1"))
		if err == nil || errors.Is(err, alchemy.ErrDisconnect) || c.Invalidated() {
			t.Fatalf("demoted disconnect: %v, invalidated %v", err, c.Invalidated())
		}
		if st := eng.PoolStatus(); st.Invalidated != 0 {
			t.Fatalf("%+v", st)
		}
	})
}

// TestEchoLogging: Echo logs each statement with its parameters and duration,
// EchoPool the pool's events, under the engine's logging name.
func TestEchoLogging(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		var logs logCapture
		eng := newEngine(t, tg.URL, alchemy.Echo(true), alchemy.EchoPool(true),
			alchemy.Logger(logs.logger()), alchemy.LoggingName("billing-db"))
		ctx := context.Background()
		c, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, c, "select :a", "visible-param")
		c.Execute(ctx, alchemy.Text("select :a").NoRows(), []any{[]any{1}, []any{2}}) // run as execs: an executemany of rows would lose them
		c.Invalidate()
		c.Close()
		recs := logs.records(t)
		execs := withMsg(recs, "alchemy: execute")
		// The statement, then executemany in a transaction of its own, whose BEGIN
		// and COMMIT (or ROLLBACK) are echoed as SQLAlchemy's echo shows them, with
		// no parameters.
		if len(execs) != 4 {
			t.Fatalf("%d execute records:\n%s", len(execs), logs.String())
		}
		begin, end := execs[1], execs[3]
		if b := begin["sql"].(string); b != "BEGIN" && b != "START TRANSACTION" {
			t.Errorf("no BEGIN echoed before executemany: %v", begin)
		}
		if e := end["sql"].(string); e != "COMMIT" && e != "ROLLBACK" {
			t.Errorf("no COMMIT or ROLLBACK echoed after executemany: %v", end)
		}
		for _, r := range []map[string]any{begin, end} {
			if _, ok := r["params"]; ok {
				t.Errorf("params on a statement without any: %v", r)
			}
		}
		execs = []map[string]any{execs[0], execs[2]}
		e := execs[0]
		if e["engine"] != "billing-db" || !strings.Contains(e["sql"].(string), placeholder(tg)) || e["level"] != "INFO" {
			t.Errorf("execute record %v", e)
		}
		if p, _ := e["params"].([]any); len(p) != 1 || p[0] != "visible-param" {
			t.Errorf("params in the log: %v", e["params"])
		}
		if d, _ := e["duration"].(float64); d <= 0 {
			t.Errorf("duration in the log: %v", e["duration"])
		}
		if execs[1]["many"] != float64(2) {
			t.Errorf("executemany record %v", execs[1])
		}
		for _, msg := range []string{"alchemy: pool connect", "alchemy: pool checkout", "alchemy: pool checkin", "alchemy: pool invalidate"} {
			rs := withMsg(recs, msg)
			if len(rs) == 0 {
				t.Errorf("no %q record:\n%s", msg, logs.String())
				continue
			}
			if rs[0]["engine"] != "billing-db" {
				t.Errorf("%q record without the logging name: %v", msg, rs[0])
			}
		}
		for _, r := range recs {
			if s, ok := r["engine"].(string); ok && strings.Contains(s, "alchemy-test-pw") {
				t.Errorf("the password is in a log record: %v", r)
			}
		}
	})

	// Without Echo, nothing is logged for a statement; without a logging name the
	// engine is named by its URL, password hidden.
	var logs logCapture
	d := fakedriver.New()
	t.Cleanup(d.Close)
	eng := newEngine(t, "fake://scott:tiger-pw@host/"+d.Name(), alchemy.Logger(logs.logger()), alchemy.EchoPool(true))
	mustExec(t, eng, "select 1")
	if withMsg(logs.records(t), "alchemy: execute") != nil {
		t.Error("a statement was logged without Echo")
	}
	rs := withMsg(logs.records(t), "alchemy: pool connect")
	if len(rs) != 1 || strings.Contains(rs[0]["engine"].(string), "tiger-pw") || !strings.Contains(rs[0]["engine"].(string), "scott") {
		t.Errorf("pool connect record %v", rs)
	}
}

// TestPoolEventsThroughEngine: pool listeners see connect, checkout, checkin, reset
// and invalidate as the engine works.
func TestPoolEventsThroughEngine(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []string
	note := func(s string) { mu.Lock(); got = append(got, s); mu.Unlock() }
	d, eng := newFake(t, alchemy.PoolListener(pool.Listener{
		FirstConnect: func(*pool.Record) { note("first connect") },
		Connect:      func(*pool.Record) { note("connect") },
		Checkout:     func(context.Context, *pool.Record) error { note("checkout"); return nil },
		Checkin:      func(*pool.Record) { note("checkin") },
		Reset:        func(_ *pool.Record, m pool.ResetMode) { note("reset " + m.String()) },
		Invalidate:   func(*pool.Record, error) { note("invalidate") },
		Close:        func(pool.Connection) { note("close") },
	}))
	ctx := context.Background()
	c, _ := eng.Connect(ctx)
	mustExec(t, c, "select 1")
	c.Close()
	c, _ = eng.Connect(ctx)
	d.FailNext(fakedriver.OpExec, fakedriver.ErrDisconnect)
	c.Execute(ctx, alchemy.Text("update t set x = 1"))
	c.Close()
	want := []string{"first connect", "connect", "checkout", "reset rollback", "checkin", "checkout", "invalidate", "close", "checkin"}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(got, want) {
		t.Fatalf("pool events\n got %q\nwant %q", got, want)
	}
}

// TestRollbackEventSymmetry: every Begin event is matched by a Commit or a Rollback
// event, whichever way the transaction ends (SQLAlchemy fires rollback when a
// Connection closes with a transaction open, and under AUTOCOMMIT too).
func TestRollbackEventSymmetry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	log := eventLog{noExec: true}
	_, eng := newFake(t, alchemy.Tracer(&log))

	// Conn.Close rolls back an open transaction (through the pool's reset).
	c, _ := eng.Connect(ctx)
	c.Begin(ctx)
	c.Close()
	if got := log.take(); !slices.Equal(got, []string{"begin", "rollback"}) {
		t.Errorf("Close with a transaction open: events %q, want [begin rollback]", got)
	}

	// Under AUTOCOMMIT nothing is sent, and the operations are traced all the same.
	c, _ = eng.Connect(ctx)
	defer c.Close()
	c.SetExecutionOptions(alchemy.ExecutionOptions{Isolation: alchemy.Autocommit})
	tx, _ := c.Begin(ctx)
	tx.Commit(ctx)
	tx, _ = c.Begin(ctx)
	tx.Rollback(ctx)
	if got := log.take(); !slices.Equal(got, []string{"begin", "commit", "begin", "rollback"}) {
		t.Errorf("AUTOCOMMIT: events %q, want [begin commit begin rollback]", got)
	}
}
