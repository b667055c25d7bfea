package alchemy_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/fakedriver"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// slowSQL runs for seconds on each database; bigSQL streams 100000 rows.
var (
	slowSQL = map[string]string{
		testdb.PostgreSQL: "select pg_sleep(5)",
		testdb.MySQL:      "select sleep(5)",
		testdb.SQLite:     "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c",
	}
	bigSQL = map[string]string{
		testdb.PostgreSQL: "select generate_series(1, 100000)",
		testdb.MySQL:      "select seq from seq_1_to_100000",
		testdb.SQLite:     "with recursive c(x) as (select 1 union all select x + 1 from c where x < 100000) select x from c",
	}
)

// warmPool checks n connections out together, runs a statement on each and returns
// them, so that n sit idle.
func warmPool(t testing.TB, eng *alchemy.Engine, n int) {
	t.Helper()
	var conns []*alchemy.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range n {
		c, err := eng.Connect(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		res, err := c.Execute(context.Background(), alchemy.Text("select 1"))
		if err == nil {
			err = res.Close()
		}
		if err != nil {
			t.Fatalf("idle connection %d of %d: %v (pool %+v)", i+1, n, err, eng.PoolStatus())
		}
	}
}

// TestCancelledBeginKeepsPool: an Engine.RunInTx whose block fails after its ctx was
// cancelled rolls back without losing the connection; one whose statement is cut off
// by its deadline loses that connection only. Either way the next 30 requests all
// succeed at once, nothing of the blocks was kept, and the pool was not flushed.
func TestCancelledBeginKeepsPool(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL, alchemy.PoolSize(3), alchemy.MaxOverflow(2))
		table := itemsTable(t, eng, tg)
		insert := alchemy.Text("insert into " + table + " (name) values (:n)")
		warmPool(t, eng, 3)
		st0 := eng.PoolStatus()

		// The block fails after its ctx was cancelled, nothing in flight.
		ctx, cancel := context.WithCancel(context.Background())
		err := eng.RunInTx(ctx, func(c *alchemy.Conn) error {
			if _, err := c.Execute(ctx, insert, alchemy.Params{"n": "gone"}); err != nil {
				return err
			}
			cancel()
			return ctx.Err()
		})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Engine.RunInTx: %v, want context.Canceled", err)
		}
		if st := eng.PoolStatus(); st.Invalidated != st0.Invalidated || st.CheckedOut != 0 {
			t.Errorf("a block that failed with a cancelled ctx lost its connection (a detached ROLLBACK should end it): %+v (before %+v)", st, st0)
		}

		// A statement of the block cut off by the deadline.
		ctx, cancel = context.WithTimeout(context.Background(), 150*time.Millisecond)
		var session int64
		err = eng.RunInTx(ctx, func(c *alchemy.Conn) error {
			if _, err := c.Execute(ctx, insert, alchemy.Params{"n": "gone"}); err != nil {
				return err
			}
			session = serverID(t, tg, c)
			res, err := c.Execute(ctx, alchemy.Text(slowSQL[tg.Name]))
			if err != nil {
				return err
			}
			_, err = alchemy.Scalar[any](res)
			return err
		})
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Engine.RunInTx with a cut-off statement: %v, want DeadlineExceeded", err)
		}
		if tg.Name == testdb.MySQL {
			// MariaDB runs SLEEP to its end after the client has gone, holding the
			// table's metadata lock (the drop at cleanup would wait): end it.
			_, _ = eng.Execute(context.Background(), alchemy.Text(fmt.Sprintf("kill %d", session)))
		}

		for i := range 30 {
			var err error
			switch i % 3 {
			case 0:
				var res *alchemy.Result
				if res, err = eng.Execute(context.Background(), alchemy.Text("select count(*) from "+table)); err == nil {
					_, err = alchemy.Scalar[int64](res)
				}
			case 1:
				err = eng.RunInTx(context.Background(), func(c *alchemy.Conn) error {
					_, err := c.Execute(context.Background(), insert, alchemy.Params{"n": "ok"})
					return err
				})
			case 2:
				err = alchemy.Transact(context.Background(), eng, func(ctx context.Context) error {
					res, err := eng.Execute(ctx, alchemy.Text("select count(*) from "+table))
					if err != nil {
						return err
					}
					_, err = alchemy.Scalar[int64](res)
					return err
				})
			}
			if err != nil {
				t.Errorf("request %d after the cancelled blocks: %v", i, err)
			}
		}
		st := eng.PoolStatus()
		if d := st.Invalidated - st0.Invalidated; d > 1 {
			t.Errorf("%d connections invalidated, want at most the one cut off: the pool was flushed (%+v)", d, st)
		}
		if d := st.Created - st0.Created; d > 1 {
			t.Errorf("%d connections made, want at most one replacement (%+v)", d, st)
		}
		if n := scalarInt(t, eng, "select count(*) from "+table+" where name = 'gone'"); n != 0 {
			t.Errorf("%d rows of the failed blocks were kept", n)
		}
		if n := scalarInt(t, eng, "select count(*) from "+table+" where name = 'ok'"); n != 10 {
			t.Errorf("%d rows of the later blocks, want 10", n)
		}
	})
}

// TestResultClosedAfterCancel: a Result closed (or read to its end) after its ctx was
// cancelled mid-stream invalidates its own connection and no other: the next
// unrelated request succeeds at once, on one of the pool's other connections, and a
// Conn whose connection went goes on with a fresh one.
func TestResultClosedAfterCancel(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL, alchemy.PoolSize(3), alchemy.MaxOverflow(2))
		big := alchemy.Text(bigSQL[tg.Name])
		readSome := func(t *testing.T, res *alchemy.Result, n int) {
			t.Helper()
			for i := range n {
				if !res.Next() {
					t.Fatalf("row %d: %v", i, res.Err())
				}
			}
		}
		next := func(t *testing.T, ex alchemy.Executor) {
			t.Helper()
			res, err := ex.Execute(context.Background(), alchemy.Text("select 1"))
			if err != nil {
				t.Fatalf("the next request: %v", err)
			}
			if v, err := alchemy.Scalar[int64](res); err != nil || v != 1 {
				t.Fatalf("the next request: %v, %v", v, err)
			}
		}
		warmPool(t, eng, 3)

		for _, how := range []string{"Close", "Next to the end"} {
			t.Run("Engine.Execute "+how, func(t *testing.T) {
				st0 := eng.PoolStatus()
				ctx, cancel := context.WithCancel(context.Background())
				res, err := eng.Execute(ctx, big)
				if err != nil {
					t.Fatal(err)
				}
				readSome(t, res, 10)
				cancel()
				n := 10
				if how == "Close" {
					res.Close()
				} else {
					for res.Next() {
						n++
					}
				}
				st := eng.PoolStatus()
				if st.CheckedOut != 0 {
					t.Errorf("the Result kept its connection: %+v", st)
				}
				if d := st.Invalidated - st0.Invalidated; d != 1 && n < 100000 {
					t.Errorf("%d connections invalidated, want exactly the Result's (read %d rows, err %v): %+v", d, n, res.Err(), st)
				}
				t.Logf("read %d rows, Err %v", n, res.Err())
				next(t, eng)
				st = eng.PoolStatus()
				if d := st.Created - st0.Created; d != 0 {
					t.Errorf("the next request made %d connection(s): the pool's other idle ones were flushed (%+v)", d, st)
				}
				warmPool(t, eng, 3)
			})
		}
		t.Run("Conn", func(t *testing.T) {
			st0 := eng.PoolStatus()
			c, err := eng.Connect(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx, cancel := context.WithCancel(context.Background())
			res, err := c.Execute(ctx, big)
			if err != nil {
				t.Fatal(err)
			}
			readSome(t, res, 10)
			cancel()
			res.Close()
			if !c.Invalidated() {
				t.Error("the Conn of a Result closed after its ctx ended was not invalidated")
			}
			next(t, c) // reconnects
			next(t, eng)
			if d := eng.PoolStatus().Invalidated - st0.Invalidated; d != 1 {
				t.Errorf("%d invalidated, want 1", d)
			}
		})
	})
}

// TestCommitWithEndedContext: Commit given a ctx that has already ended sends
// nothing and leaves the transaction open: a later Commit commits it, or Rollback rolls
// it back. Rollback with an ended ctx closes the connection instead of sending
// ROLLBACK, and the Conn goes on outside any transaction on a fresh connection.
func TestCommitWithEndedContext(t *testing.T) {
	t.Parallel()
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	ctx := context.Background()
	t.Run("fake", func(t *testing.T) {
		t.Parallel()
		d, eng := newFake(t)
		c, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fc := fakeConn(t, c)
		tx, err := c.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, c, "insert into t values (1)")
		if err := tx.Commit(ended); !errors.Is(err, context.Canceled) {
			t.Errorf("Commit with an ended ctx: %v, want context.Canceled", err)
		}
		if n := d.Count(fakedriver.OpCommit, fakedriver.OpRollback); n != 0 {
			t.Errorf("Commit with an ended ctx sent something: %v", d.Events())
		}
		if !fc.InTx() || fc.Closed() || !tx.IsActive() || !c.InTransaction() {
			t.Errorf("after Commit with an ended ctx: server tx %v, closed %v, IsActive %v, InTransaction %v; want the transaction open",
				fc.InTx(), fc.Closed(), tx.IsActive(), c.InTransaction())
		}
		mustExec(t, c, "insert into t values (2)")
		if err := tx.Rollback(ctx); err != nil {
			t.Errorf("Rollback after a Commit not sent: %v", err)
		}
		if n := d.Count(fakedriver.OpRollback); n != 1 || fc.InTx() || fc.Closed() {
			t.Errorf("Rollback: %d ROLLBACKs, server tx %v, closed %v; want 1, false, false", n, fc.InTx(), fc.Closed())
		}
		for _, e := range d.EventsOf(fc.ID()) {
			if e.Op == fakedriver.OpExec && !e.InTx {
				t.Errorf("statement outside the transaction: %v", e)
			}
		}

		// Rollback with an ended ctx: the connection is closed instead.
		d.ResetEvents()
		tx, err = c.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, c, "insert into t values (3)")
		if err := tx.Rollback(ended); err != nil {
			t.Errorf("Rollback with an ended ctx: %v", err)
		}
		if n := d.Count(fakedriver.OpRollback); n != 0 || !fc.Closed() {
			t.Errorf("Rollback with an ended ctx: %d ROLLBACKs sent, connection closed %v; want 0, true", n, fc.Closed())
		}
		if c.InTransaction() {
			t.Error("the Conn is still in a transaction after Rollback")
		}
		mustExec(t, c, "insert into t values (4)")
		ev := d.Events()
		if last := ev[len(ev)-1]; last.Op != fakedriver.OpExec || last.Conn == fc.ID() || last.InTx {
			t.Errorf("the statement after the Rollback ran as %v (in tx %v), want on a new connection outside a transaction", last, last.InTx)
		}
	})
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL)
		table := itemsTable(t, eng, tg)
		for _, then := range []string{"commit", "rollback"} {
			c, err := eng.Connect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			tx, err := c.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			mustExec(t, c, "insert into "+table+" (name) values (:n)", alchemy.Params{"n": then})
			if err := tx.Commit(ended); !errors.Is(err, context.Canceled) {
				t.Errorf("%s: Commit with an ended ctx: %v", then, err)
			}
			if n := countFromOther(t, eng, table+" where name = '"+then+"'"); n != 0 {
				t.Errorf("%s: Commit with an ended ctx committed", then)
			}
			if then == "commit" {
				err = tx.Commit(ctx)
			} else {
				err = tx.Rollback(ctx)
			}
			if err != nil {
				t.Errorf("%s after a Commit not sent: %v", then, err)
			}
			c.Close()
			want := int64(0)
			if then == "commit" {
				want = 1
			}
			if n := countFromOther(t, eng, table+" where name = '"+then+"'"); n != want {
				t.Errorf("%s: %d rows, want %d", then, n, want)
			}
		}
		if st := eng.PoolStatus(); st.Invalidated != 0 {
			t.Errorf("a Commit not sent invalidated a connection: %+v", st)
		}
	})
}

// TestScalarCancelRace: Scalar (and First, ScanOne) on a Result whose ctx ends at any
// moment, between Next and Scan included, returns a value or an error and never
// panics; the pool is sound after.
func TestScalarCancelRace(t *testing.T) {
	t.Parallel()
	t.Run("fake, ended after Next", func(t *testing.T) {
		t.Parallel()
		_, eng := newFake(t)
		for n, q := range []string{"select :a", "select :a, :b"} {
			ctx, cancel := context.WithCancel(context.Background())
			res, err := eng.Execute(ctx, alchemy.Text(q), []any{int64(1), int64(2)}[:n+1]...)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Next() {
				t.Fatalf("no row: %v", res.Err())
			}
			cancel()
			// database/sql closes the rows of an ended ctx on a goroutine of its own.
			var x, y int64
			for deadline := time.Now().Add(2 * time.Second); res.Scan([]any{&x, &y}[:n+1]...) == nil; {
				if time.Now().After(deadline) {
					t.Fatalf("%s: the rows of an ended ctx are still open after 2s", q)
				}
				time.Sleep(time.Millisecond)
			}
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("%s: panic reading a row whose ctx ended after Next: %v\n%s", q, p, debug.Stack())
					}
				}()
				var a, b int64
				if err := res.Scan([]any{&a, &b}[:n+1]...); err == nil {
					t.Errorf("%s: Scan of a row whose ctx ended after Next: no error", q)
				}
				_, _ = res.Row()
				_, _ = alchemy.Scalar[int64](res)
			}()
			res.Close()
		}
		if st := eng.PoolStatus(); st.CheckedOut != 0 {
			t.Errorf("after the cut-off Results: %+v", st)
		}
	})
	t.Run("postgresql", func(t *testing.T) {
		t.Parallel()
		scalarCancelRounds(t, newEngine(t, testdb.URL(t, testdb.PostgreSQL)))
	})
}

// scalarCancelRounds runs a few hundred one-row queries whose ctx is cancelled at a
// random moment, read with Scalar, Result.Scalar and First.
func scalarCancelRounds(t *testing.T, eng *alchemy.Engine) {
	const rounds = 300
	var ok, failed int
	for i := range rounds {
		q := "select 1"
		if i%2 == 1 {
			q = "select 1, 2" // several columns: Scalar asks for the columns first
		}
		v, err := func() (v int64, err error) {
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
					t.Fatalf("round %d (%s): %v", i, q, err)
				}
			}()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			timer := time.AfterFunc(time.Duration(rand.IntN(3000))*time.Microsecond, cancel)
			defer timer.Stop()
			res, err := eng.Execute(ctx, alchemy.Text(q))
			if err != nil {
				return 0, err
			}
			switch i % 3 {
			case 0:
				return alchemy.Scalar[int64](res)
			case 1:
				a, err := alchemy.Scalar[any](res)
				n, _ := a.(int64)
				return n, err
			default:
				row, err := alchemy.First[alchemy.Row](res)
				if err != nil {
					return 0, err
				}
				n, _ := row.Values()[0].(int64)
				return n, nil
			}
		}()
		if err == nil {
			ok++
			if v != 1 {
				t.Errorf("round %d: %d, want 1", i, v)
			}
		} else {
			failed++
		}
	}
	t.Logf("%d rounds answered, %d cut off", ok, failed)
	if v := scalarInt(t, eng, "select 1"); v != 1 {
		t.Fatalf("after the rounds: %d", v)
	}
}

// TestDrainAfterCancelLeavesNoDeadConnection: a Result whose ctx is cancelled after
// its first row and which is then read to its end (the driver had the rows already,
// so no error shows) must not hand a dead connection to the next request: the
// driver may have closed it when the ctx ended (go-sql-driver's watcher does). Each
// next request must succeed at once, without a pool-wide invalidation.
func TestDrainAfterCancelLeavesNoDeadConnection(t *testing.T) {
	t.Parallel()
	small := map[string]string{
		testdb.PostgreSQL: "select generate_series(1, 3)",
		testdb.MySQL:      "select seq from seq_1_to_3",
		testdb.SQLite:     "select 1 union all select 2 union all select 3",
	}
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL, alchemy.PoolSize(1), alchemy.MaxOverflow(0))
		const rounds = 20
		var drained, failed int
		var firstErr error
		for range rounds {
			ctx, cancel := context.WithCancel(context.Background())
			res, err := eng.Execute(ctx, alchemy.Text(small[tg.Name]))
			if err != nil {
				cancel()
				t.Fatal(err)
			}
			res.Next()
			cancel()
			for res.Next() {
			}
			if res.Err() == nil {
				drained++
			}
			res.Close()
			next, err := eng.Execute(context.Background(), alchemy.Text("select 1"))
			if err == nil {
				_, err = alchemy.Scalar[int64](next)
			}
			if err != nil {
				failed++
				if firstErr == nil {
					firstErr = err
				}
			}
		}
		if failed > 0 {
			t.Errorf("%d of %d requests after a Result drained past its cancelled ctx (%d drained without error) failed; first: %v",
				failed, rounds, drained, firstErr)
		}
		if st := eng.PoolStatus(); st.CheckedOut != 0 {
			t.Errorf("after the rounds: %+v", st)
		}
	})
}
