package alchemy_test

// Regression tests for the bugs the review of the transaction core found (fixed in
// 007eb66). Each test asserts the fixed behaviour and fails on the bug it names;
// those whose bug was a hang run the call under a time limit (within).

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/fakedriver"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/pool"
)

// hangLimit bounds a call that used to hang.
const hangLimit = 10 * time.Second

// within runs fn on a goroutine of its own and fails the test when fn has not
// returned after hangLimit. fn reports with t.Error, never t.Fatal (which only the
// test's own goroutine may call).
func within(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(hangLimit):
		t.Fatalf("%s: still running after %v (deadlock)", what, hangLimit)
	}
}

// txEvents records the Begin, Commit and Rollback operations an engine traces.
type txEvents struct {
	mu  sync.Mutex
	got []string
}

func (l *txEvents) add(ev string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.got = append(l.got, ev)
}

// take returns the events recorded so far and forgets them.
func (l *txEvents) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	got := l.got
	l.got = nil
	return got
}

func (l *txEvents) TraceTxStart(ctx context.Context, _ *alchemy.Conn, _ alchemy.TxEvent) context.Context {
	return ctx
}

// TraceTxEnd records the begins, commits and rollbacks that succeeded.
func (l *txEvents) TraceTxEnd(_ context.Context, _ *alchemy.Conn, d alchemy.TxEvent) {
	switch d.Op {
	case "begin", "commit", "rollback":
		if d.Err == nil {
			l.add(string(d.Op))
		}
	}
}

// execEnd is a tracer that calls its function when a statement is over, with the
// statement's start data.
type execEnd func(ctx context.Context, start alchemy.ExecuteStart, end alchemy.ExecuteEnd)

type execStartKey struct{}

func (f execEnd) TraceExecuteStart(ctx context.Context, _ *alchemy.Conn, d alchemy.ExecuteStart) context.Context {
	return context.WithValue(ctx, execStartKey{}, d)
}

func (f execEnd) TraceExecuteEnd(ctx context.Context, _ *alchemy.Conn, d alchemy.ExecuteEnd) {
	start, _ := ctx.Value(execStartKey{}).(alchemy.ExecuteStart)
	f(ctx, start, d)
}

// threeRows answers every query of the fake driver with the rows 1, 2 and 3.
func threeRows(string, []any) ([]string, [][]any, error) {
	return []string{"v"}, [][]any{{int64(1)}, {int64(2)}, {int64(3)}}, nil
}

// readInts returns the integer of res's current row (when onRow) and of every row
// after it, and the error that ended them.
func readInts(res *alchemy.Result, onRow bool) ([]int64, error) {
	var got []int64
	for onRow || res.Next() {
		onRow = false
		var v int64
		if err := res.Scan(&v); err != nil {
			return got, err
		}
		got = append(got, v)
	}
	return got, res.Err()
}

// goroutines returns the number of goroutines once those that were ending have
// ended (a short settle).
func goroutines() int {
	runtime.GC()
	time.Sleep(20 * time.Millisecond)
	return runtime.NumGoroutine()
}

// goroutinesAtMost waits up to 5s for the number of goroutines to fall to n and
// returns the last count.
func goroutinesAtMost(n int) int {
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		got := runtime.NumGoroutine()
		if got <= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRegressionExecuteManyCommitNotSent guards against ExecuteMany leaving its own
// transaction open on the server when its COMMIT was never sent (the context ended
// right after the last set): the Conn forgot the transaction, the next autocommit
// statement ran inside it, and the checkin's reset then rolled it back, or with
// ResetCommit committed the sets ExecuteMany had reported failed. Tracers saw a
// Begin with no end.
func TestRegressionExecuteManyCommitNotSent(t *testing.T) {
	for _, mode := range []pool.ResetMode{pool.ResetRollback, pool.ResetCommit} {
		t.Run(mode.String(), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			events := &txEvents{}
			d, eng := newFake(t, alchemy.PoolResetOnReturn(mode), alchemy.Tracer(events),
				alchemy.Tracer(execEnd(func(_ context.Context, start alchemy.ExecuteStart, _ alchemy.ExecuteEnd) {
					if start.Many > 0 {
						cancel() // as a statement timeout firing just after the last set
					}
				})))
			c, err := eng.Connect(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			sets := []any{alchemy.Params{"v": 1}, alchemy.Params{"v": 2}}
			if _, err := c.Execute(ctx, alchemy.Text("insert into t values (:v)"), sets); !errors.Is(err, context.Canceled) {
				t.Fatalf("ExecuteMany whose context ended before COMMIT: %v, want context.Canceled", err)
			}
			if c.InTransaction() {
				t.Error("InTransaction after ExecuteMany failed")
			}
			for _, fc := range d.Conns() {
				if fc.InTx() {
					t.Errorf("fake connection #%d is still in a transaction after ExecuteMany failed", fc.ID())
				}
			}
			if got := events.take(); !slices.Equal(got, []string{"begin", "rollback"}) {
				t.Errorf("traced events of the failed ExecuteMany: %v, want [begin rollback]", got)
			}

			mustExec(t, c, "insert into t values (3)")
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			var sawInsert bool
			for _, e := range d.Events() {
				if e.SQL == "insert into t values (3)" {
					sawInsert = true
					if e.InTx {
						t.Errorf("the autocommit statement ran inside the transaction ExecuteMany left open: %v", e)
					}
				}
				if e.Op == fakedriver.OpCommit {
					t.Errorf("%v: the sets of the failed ExecuteMany were committed", e)
				}
			}
			if !sawInsert {
				t.Errorf("the autocommit insert never reached the driver: %v", d.Events())
			}
			if got := events.take(); len(got) != 0 {
				t.Errorf("traced events after ExecuteMany: %v, want none", got)
			}
		})
	}
}

// TestRegressionExecuteManyTxEvents guards against ExecuteMany firing the Begin event
// of its own transaction without the matching Commit (or Rollback when a set fails).
func TestRegressionExecuteManyTxEvents(t *testing.T) {
	events := &txEvents{}
	d, eng := newFake(t, alchemy.Tracer(events))
	ctx := context.Background()
	insert := alchemy.Text("insert into t values (:v)")
	sets := []any{alchemy.Params{"v": 1}, alchemy.Params{"v": 2}}

	if _, err := eng.Execute(ctx, insert, sets); err != nil {
		t.Fatal(err)
	}
	if got := events.take(); !slices.Equal(got, []string{"begin", "commit"}) {
		t.Errorf("events of a successful ExecuteMany: %v, want [begin commit]", got)
	}

	d.FailNext(fakedriver.OpExec, fakedriver.Unique)
	if _, err := eng.Execute(ctx, insert, sets); !alchemy.IsUniqueViolation(err) {
		t.Fatalf("ExecuteMany with a failing set: %v, want a unique violation", err)
	}
	if got := events.take(); !slices.Equal(got, []string{"begin", "rollback"}) {
		t.Errorf("events of a failed ExecuteMany: %v, want [begin rollback]", got)
	}
}

// TestRegressionJoinedBlockOnBrokenTx guards against a block that joins the
// transaction of its context returning nil when that transaction broke under it
// (here a serialization failure whose error the block swallowed): its caller went on
// as if the block's work were in. It must return ErrPendingRollback, and nothing
// may be committed.
func TestRegressionJoinedBlockOnBrokenTx(t *testing.T) {
	// careless runs a statement that fails with a serialization failure, which
	// breaks the transaction, and ignores the error.
	careless := func(d *fakedriver.Driver, ctx context.Context, ex alchemy.Executor) {
		d.FailNext(fakedriver.OpExec, fakedriver.Serialization)
		_, _ = ex.Execute(ctx, alchemy.Text("update t set x = 1"))
	}
	cases := []struct {
		name string
		run  func(d *fakedriver.Driver, eng *alchemy.Engine) (inner, outer error)
	}{
		{"Transact in Engine.RunInTx", func(d *fakedriver.Driver, eng *alchemy.Engine) (inner, outer error) {
			ctx := context.Background()
			outer = eng.RunInTx(ctx, func(c *alchemy.Conn) error {
				inner = alchemy.Transact(alchemy.ContextWithConn(ctx, c), eng, func(ctx context.Context) error {
					careless(d, ctx, eng)
					return nil
				})
				return nil
			})
			return inner, outer
		}},
		{"Engine.RunInTx in Transact", func(d *fakedriver.Driver, eng *alchemy.Engine) (inner, outer error) {
			outer = alchemy.Transact(context.Background(), eng, func(ctx context.Context) error {
				inner = eng.RunInTx(ctx, func(c *alchemy.Conn) error {
					careless(d, ctx, c)
					return nil
				})
				return nil
			})
			return inner, outer
		}},
		{"Transact in Transact", func(d *fakedriver.Driver, eng *alchemy.Engine) (inner, outer error) {
			outer = alchemy.Transact(context.Background(), eng, func(ctx context.Context) error {
				inner = alchemy.Transact(ctx, eng, func(ctx context.Context) error {
					careless(d, ctx, eng)
					return nil
				})
				return nil
			})
			return inner, outer
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, eng := newFake(t)
			inner, outer := tc.run(d, eng)
			if !errors.Is(inner, alchemy.ErrPendingRollback) {
				t.Errorf("joined block on a broken transaction returned %v, want ErrPendingRollback", inner)
			}
			if !errors.Is(outer, alchemy.ErrPendingRollback) {
				t.Errorf("outer block returned %v, want ErrPendingRollback", outer)
			}
			if n := d.Count(fakedriver.OpCommit); n != 0 {
				t.Errorf("%d COMMIT(s) sent for a broken transaction: %v", n, d.Events())
			}
		})
	}
}

// busyConn is a fake connection that refuses every command while a result set is
// still streaming from it, as pgx does ("conn busy") and go-sql-driver/mysql does
// (driver.ErrBadConn, "busy buffer").
type busyConn struct {
	*fakedriver.Conn
	refuse error
	open   *atomic.Int32 // result sets not yet closed
}

type busyRows struct {
	driver.Rows
	open *atomic.Int32
	once sync.Once
}

func (r *busyRows) Close() error {
	r.once.Do(func() { r.open.Add(-1) })
	return r.Rows.Close()
}

func (c *busyConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	if c.open.Load() > 0 {
		return nil, c.refuse
	}
	return c.Conn.ExecContext(ctx, q, args)
}

func (c *busyConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	if c.open.Load() > 0 {
		return nil, c.refuse
	}
	rows, err := c.Conn.QueryContext(ctx, q, args)
	if err != nil {
		return nil, err
	}
	c.open.Add(1)
	return &busyRows{Rows: rows, open: c.open}, nil
}

// TestRegressionSavepointReleaseReadsOpenResult guards against a savepoint's Commit
// sending RELEASE SAVEPOINT while a Result was still streaming on the connection
// (the other statements read such a Result into memory first). A driver that refuses
// a command then failed the release, and with driver.ErrBadConn hung. The Result
// must be read into memory, the release succeed, and every row stay readable.
func TestRegressionSavepointReleaseReadsOpenResult(t *testing.T) {
	for _, refuse := range []error{errors.New("conn busy"), driver.ErrBadConn} {
		t.Run(refuse.Error(), func(t *testing.T) {
			d := fakedriver.New()
			t.Cleanup(d.Close)
			d.OnQuery(threeRows)
			eng := newEngine(t, d.URL(), alchemy.Creator(func(ctx context.Context) (driver.Conn, error) {
				raw, err := d.Connect(ctx)
				if err != nil {
					return nil, err
				}
				return &busyConn{Conn: raw.(*fakedriver.Conn), refuse: refuse, open: new(atomic.Int32)}, nil
			}))
			within(t, "savepoint Commit with an open Result", func() {
				ctx := context.Background()
				c, err := eng.Connect(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				defer c.Close()
				tx, err := c.Begin(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				sp, err := c.BeginNested(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				res, err := c.Execute(ctx, alchemy.Text("select v from t"))
				if err != nil {
					t.Error(err)
					return
				}
				if !res.Next() { // row 1 is current; rows 2 and 3 are still on the wire
					t.Errorf("no first row: %v", res.Err())
					return
				}
				if err := sp.Commit(ctx); err != nil {
					t.Errorf("savepoint Commit (RELEASE) with a Result open: %v", err)
				}
				if got, err := readInts(res, true); err != nil || !slices.Equal(got, []int64{1, 2, 3}) {
					t.Errorf("the Result after the release gave %v, %v; want [1 2 3], nil", got, err)
				}
				if err := tx.Commit(ctx); err != nil {
					t.Errorf("Commit: %v", err)
				}
				if c.Invalidated() {
					t.Error("the connection was invalidated")
				}
			})
			if n := d.Opened(); n != 1 {
				t.Errorf("%d connections opened, want 1: the connection was lost (events %v)", n, d.Events())
			}
		})
	}
}

// TestRegressionResultOfReplacedConn guards against a statement whose context ended
// just as it returned, while the driver closed the connection at that moment (as
// go-sql-driver/mysql's watcher does), leaving a Result the Conn no longer tracked.
// Read after the Conn had reconnected and opened another Result, it took that
// Result's place, invalidated the healthy new connection and hung in database/sql
// waiting for the other Result's rows. Now no Result touches a replaced connection.
func TestRegressionResultOfReplacedConn(t *testing.T) {
	d, eng := newFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var first atomic.Bool
	first.Store(true)
	d.OnQuery(func(string, []any) ([]string, [][]any, error) {
		if first.CompareAndSwap(true, false) {
			cancel()            // the context ends just as the query returns...
			d.Conns()[0].Kill() // ...and the driver closes the connection
		}
		return []string{"v"}, [][]any{{int64(1)}, {int64(2)}}, nil
	})
	within(t, "reading a Result of a replaced connection", func() {
		c, err := eng.Connect(context.Background())
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close()
		stale, err := c.Execute(ctx, alchemy.Text("select 1"))
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("statement cut off as it returned: %v, want context.Canceled", err)
		}
		fresh, err := c.Execute(context.Background(), alchemy.Text("select 2")) // on a new connection
		if err != nil {
			t.Errorf("statement after the lost connection: %v", err)
			return
		}
		if !fresh.Next() {
			t.Errorf("no first row: %v", fresh.Err())
			return
		}
		if stale != nil { // a Result was handed back: it must end in an error, alone
			if got, err := readInts(stale, false); err == nil {
				t.Errorf("the Result of the closed connection gave %v without an error", got)
			}
			_ = stale.Close()
		}
		if got, err := readInts(fresh, true); err != nil || !slices.Equal(got, []int64{1, 2}) {
			t.Errorf("the Result of the new connection gave %v, %v; want [1 2], nil", got, err)
		}
		if c.Invalidated() {
			t.Error("the new connection was invalidated")
		}
		res, err := c.Execute(context.Background(), alchemy.Text("update t set x = 1"))
		if err != nil {
			t.Errorf("statement on the new connection: %v", err)
		} else {
			_ = res.Close()
		}
	})
	conns := d.Conns()
	if len(conns) != 2 {
		t.Fatalf("%d connections opened, want 2 (the lost one and its replacement): %v", len(conns), d.Events())
	}
	if !conns[0].Closed() {
		t.Error("the connection the driver closed was not discarded")
	}
	if conns[1].Closed() || conns[1].Dead() {
		t.Errorf("the healthy new connection was discarded: %v", d.EventsOf(conns[1].ID()))
	}
}

// TestRegressionBufferedResultAfterClose guards the lifetime of a Result read into
// memory (another statement ran while it was open): it needs no connection, so after
// Conn.Close it still gives all its rows with no error. A Result left unread at Close
// must instead say it was cut short rather than end as if it had no more rows.
func TestRegressionBufferedResultAfterClose(t *testing.T) {
	d, eng := newFake(t)
	d.OnQuery(threeRows)
	ctx := context.Background()
	c, err := eng.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	buffered, err := c.Execute(ctx, alchemy.Text("select v from t"))
	if err != nil {
		t.Fatal(err)
	}
	if !buffered.Next() {
		t.Fatalf("no first row: %v", buffered.Err())
	}
	mustExec(t, c, "update t set x = 1") // reads the rest of buffered into memory
	cut, err := c.Execute(ctx, alchemy.Text("select v from t"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if got, err := readInts(buffered, true); err != nil || !slices.Equal(got, []int64{1, 2, 3}) {
		t.Errorf("buffered Result after Conn.Close gave %v, %v; want [1 2 3], nil", got, err)
	}
	if got, err := readInts(cut, false); err == nil {
		t.Errorf("a Result left unread at Conn.Close gave %v and no error: its rows were silently cut short", got)
	}
}

// TestRegressionBufferedResultsShareOneReplayDB guards against every buffered Result
// opening a sql.DB of its own, whose goroutine lived until the caller closed the
// Result: 200 Transact blocks that each leave an INSERT ... RETURNING Result unclosed
// (read into memory at COMMIT) leaked 200 goroutines. They share one replay DB per
// engine, closed by Dispose, and a Result stays readable after its block.
func TestRegressionBufferedResultsShareOneReplayDB(t *testing.T) {
	base := goroutines() // the count before the engine, for after Dispose
	d, eng := newFake(t)
	d.OnQuery(func(string, []any) ([]string, [][]any, error) {
		return []string{"id"}, [][]any{{int64(1)}, {int64(2)}, {int64(3)}}, nil
	})
	ctx := context.Background()
	insert := alchemy.Text("insert into t (v) values (:v) returning id").Columns("id")
	block := func() (*alchemy.Result, error) {
		var res *alchemy.Result
		err := alchemy.Transact(ctx, eng, func(ctx context.Context) error {
			var err error
			if res, err = eng.Execute(ctx, insert, alchemy.Params{"v": 1}); err != nil {
				return err
			}
			if !res.Next() {
				return fmt.Errorf("no row: %w", res.Err())
			}
			var id int64
			return res.Scan(&id) // the Result is left open: COMMIT reads it into memory
		})
		return res, err
	}
	first, err := block()
	if err != nil {
		t.Fatal(err)
	}
	if got, err := readInts(first, true); err != nil || !slices.Equal(got, []int64{1, 2, 3}) {
		t.Errorf("Result after its Transact block gave %v, %v; want [1 2 3], nil", got, err)
	}

	before := goroutines()
	for range 200 {
		if _, err := block(); err != nil {
			t.Fatal(err)
		}
	}
	if n := goroutinesAtMost(before + 2); n > before+2 {
		t.Errorf("goroutines: %d before 200 Transact blocks leaving a buffered Result each, %d after", before, n)
	}
	if err := eng.Dispose(); err != nil {
		t.Fatal(err)
	}
	if n := goroutinesAtMost(base); n > base {
		t.Errorf("goroutines: %d before the engine, %d after Dispose", base, n)
	}
}

// TestRegressionTracerExecutesInsideTransact guards against a deadlock: an
// end hook of a tracer that runs a statement with the context it is given (an audit
// log) inside a Transact got that block's connection, busy with the event's own
// statement. The hook.s statement must run, on another connection.
func TestRegressionTracerExecutesInsideTransact(t *testing.T) {
	var audits atomic.Int32
	var auditErr error // written by the tracer, read after the block
	var eng *alchemy.Engine
	d, eng := newFake(t, alchemy.Tracer(execEnd(
		func(ctx context.Context, _ alchemy.ExecuteStart, ev alchemy.ExecuteEnd) {
			if !strings.HasPrefix(ev.SQL, "update") {
				return // the audit insert itself
			}
			audits.Add(1)
			res, err := eng.Execute(ctx, alchemy.Text("insert into audit values (1)"))
			if err == nil {
				err = res.Close()
			}
			auditErr = err
		})))
	var txErr error
	within(t, "Transact with a tracer that executes", func() {
		txErr = alchemy.Transact(context.Background(), eng, func(ctx context.Context) error {
			res, err := eng.Execute(ctx, alchemy.Text("update t set x = 1"))
			if err != nil {
				return err
			}
			return res.Close()
		})
	})
	if txErr != nil {
		t.Fatalf("Transact: %v", txErr)
	}
	if n := audits.Load(); n != 1 || auditErr != nil {
		t.Fatalf("the hook ran %d time(s); its statement: %v", n, auditErr)
	}
	var update, audit *fakedriver.Event
	for _, e := range d.Events() {
		switch e.SQL {
		case "update t set x = 1":
			update = &e
		case "insert into audit values (1)":
			audit = &e
		}
	}
	if update == nil || audit == nil {
		t.Fatalf("statements missing from the driver's events: %v", d.Events())
	}
	if !update.InTx {
		t.Errorf("the block's statement ran outside its transaction: %v", update)
	}
	if audit.Conn == update.Conn || audit.InTx {
		t.Errorf("the hook's statement (%v, in a transaction: %v) did not run on a connection of its own (the block's is #%d)", audit, audit.InTx, update.Conn)
	}
}

// TestRegressionConcurrentSavepointBlocks guards against the failure of a
// WithSavepoint block that goroutines of one Transact run side by side being
// silently lost. (1) G1's savepoint, released while G2's (opened after it on the same
// connection) was still open, took G2's work along; G2 then failed, its ROLLBACK TO
// found no savepoint (ErrTxDone, swallowed), and the transaction committed the row
// of a block reported failed. (2) A goroutine's plain statement that ran while
// another goroutine's savepoint was open was undone behind its back when that block
// failed, and the rest committed. Both must fail the transaction as a whole:
// Transact returns ErrPendingRollback and no row is committed.
func TestRegressionConcurrentSavepointBlocks(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		eng := newEngine(t, tg.URL)
		table := itemsTable(t, eng, tg)
		insert := func(ctx context.Context, name string) error {
			res, err := eng.Execute(ctx, alchemy.Text("insert into "+table+" (name) values ('"+name+"')"))
			if err == nil {
				err = res.Close()
			}
			return err
		}
		committed := func(t *testing.T) {
			t.Helper()
			if n := scalarInt(t, eng, "select count(*) from "+table); n != 0 {
				t.Errorf("%d row(s) committed, want none", n)
			}
			mustExec(t, eng, "delete from "+table)
		}
		ctx := context.Background()

		t.Run("savepoint released under another block", func(t *testing.T) {
			sp1Open, sp2Open, g1Done := make(chan struct{}), make(chan struct{}), make(chan struct{})
			openSp1, openSp2 := sync.OnceFunc(func() { close(sp1Open) }), sync.OnceFunc(func() { close(sp2Open) })
			var g1Err, g2Err error
			err := alchemy.Transact(ctx, eng, func(ctx context.Context) error {
				if err := insert(ctx, "outer"); err != nil {
					return err
				}
				g2 := make(chan struct{})
				go func() { // G2: its savepoint opens inside G1's
					defer close(g2)
					defer openSp2()
					<-sp1Open
					g2Err = alchemy.Transact(ctx, eng, func(ctx context.Context) error {
						err := insert(ctx, "g2 failed")
						openSp2()
						if err != nil {
							return err
						}
						<-g1Done
						return errors.New("g2 failed")
					}, alchemy.WithSavepoint())
				}()
				g1Err = alchemy.Transact(ctx, eng, func(ctx context.Context) error { // G1
					openSp1()
					<-sp2Open
					return nil // RELEASE of G1's savepoint, G2's still open
				}, alchemy.WithSavepoint())
				openSp1()
				close(g1Done)
				<-g2
				return nil // G2's failure is its savepoint's business, or so it seems
			})
			if g1Err != nil {
				t.Errorf("G1's block: %v", g1Err)
			}
			if g2Err == nil || !strings.Contains(g2Err.Error(), "g2 failed") {
				t.Errorf("G2's block: %v, want its own error", g2Err)
			}
			if !errors.Is(err, alchemy.ErrPendingRollback) {
				t.Errorf("Transact: %v, want ErrPendingRollback", err)
			}
			committed(t)
		})

		t.Run("plain statement inside another block's savepoint", func(t *testing.T) {
			spOpen, plainDone := make(chan struct{}), make(chan struct{})
			openSp := sync.OnceFunc(func() { close(spOpen) })
			var spErr, plainErr error
			err := alchemy.Transact(ctx, eng, func(ctx context.Context) error {
				if err := insert(ctx, "outer"); err != nil {
					return err
				}
				go func() { // G2: a plain statement while G1's savepoint is open
					defer close(plainDone)
					<-spOpen
					plainErr = insert(ctx, "g2 plain")
				}()
				spErr = alchemy.Transact(ctx, eng, func(ctx context.Context) error { // G1
					err := insert(ctx, "g1 failed")
					openSp()
					<-plainDone
					if err != nil {
						return err
					}
					return errors.New("g1 failed")
				}, alchemy.WithSavepoint())
				openSp()
				<-plainDone
				return nil // G1's failure is its savepoint's business, or so it seems
			})
			if plainErr != nil {
				t.Errorf("G2's statement: %v", plainErr)
			}
			if !errors.Is(spErr, alchemy.ErrPendingRollback) {
				t.Errorf("G1's failed block: %v, want ErrPendingRollback along with its error", spErr)
			}
			if !errors.Is(err, alchemy.ErrPendingRollback) {
				t.Errorf("Transact: %v, want ErrPendingRollback", err)
			}
			committed(t)
		})
	})
}

// TestRegressionStaticPoolCheckin guards against a StaticPool's shared connection
// being reset at every checkin: a second Conn's checkin rolled back the transaction
// the first Conn still had open on it, whose later statements then ran in autocommit
// and whose COMMIT committed nothing (or failed). The connection is reset only at its
// last checkin, and the shared transaction flag is safe for concurrent use.
func TestRegressionStaticPoolCheckin(t *testing.T) {
	ctx := context.Background()
	// other runs a statement on a Conn of its own, on another goroutine, and closes it.
	other := func(t *testing.T, eng *alchemy.Engine, sql string) {
		t.Helper()
		done := make(chan struct{})
		go func() {
			defer close(done)
			c, err := eng.Connect(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			res, err := c.Execute(ctx, alchemy.Text(sql))
			if err == nil {
				err = res.Close()
			}
			if err != nil {
				t.Error(err)
			}
		}()
		<-done
	}

	t.Run("fake", func(t *testing.T) {
		d := fakedriver.New()
		t.Cleanup(d.Close)
		eng := newEngine(t, d.URL("single=true"))
		if k := eng.PoolStatus().Kind; k != "StaticPool" {
			t.Fatalf("pool is a %s, want a StaticPool", k)
		}
		c1, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c1.Close()
		tx, err := c1.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, c1, "insert into t values ('a')")
		other(t, eng, "update t set x = 1")
		mustExec(t, c1, "insert into t values ('b')")
		if err := tx.Commit(ctx); err != nil {
			t.Fatalf("Commit: %v", err)
		}
		if n := d.Count(fakedriver.OpRollback); n != 0 {
			t.Errorf("%d ROLLBACK(s) sent: %v", n, d.Events())
		}
		for _, e := range d.Events() {
			if (e.SQL == "insert into t values ('b')" || e.Op == fakedriver.OpCommit) && !e.InTx {
				t.Errorf("%v ran outside the first Conn's transaction", e)
			}
		}
	})

	t.Run("sqlite memory", func(t *testing.T) {
		eng := newEngine(t, "sqlite:///:memory:")
		if k := eng.PoolStatus().Kind; k != "StaticPool" {
			t.Fatalf("pool is a %s, want a StaticPool", k)
		}
		table := makeTable(t, eng, "name varchar(50)")
		c1, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c1.Close()
		tx, err := c1.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, c1, "insert into "+table+" values ('a')")
		other(t, eng, "select 1")
		mustExec(t, c1, "insert into "+table+" values ('b')")
		if err := tx.Commit(ctx); err != nil {
			t.Fatalf("Commit: %v", err)
		}
		res, err := eng.Execute(ctx, alchemy.Text("select name from "+table+" order by name"))
		if err != nil {
			t.Fatal(err)
		}
		names, err := alchemy.Scalars[any](res)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(names, []any{"a", "b"}) {
			t.Errorf("committed rows %v, want [a b]", names)
		}
	})

	t.Run("concurrent", func(t *testing.T) { // for -race
		d := fakedriver.New()
		t.Cleanup(d.Close)
		eng := newEngine(t, d.URL("single=true"))
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 100 {
					err := eng.RunInTx(ctx, func(c *alchemy.Conn) error {
						res, err := c.Execute(ctx, alchemy.Text("update t set x = 1"))
						if err != nil {
							return err
						}
						return res.Close()
					})
					if err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
	})
}
