package alchemy_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/fakedriver"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/pool"
)

// checkoutCounter counts the pool's checkouts through a pool listener.
type checkoutCounter struct{ n atomic.Int64 }

func (c *checkoutCounter) option() alchemy.Option {
	return alchemy.PoolListener(pool.Listener{Checkout: func(context.Context, *pool.Record) error {
		c.n.Add(1)
		return nil
	}})
}

// fanOut runs work(g) on n goroutines and returns every error they gave.
func fanOut(n int, work func(g int) error) []error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for g := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := work(g); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errs
}

// connStateWords are what an error says when statements from several goroutines
// trampled on one connection.
var connStateWords = []string{"busy", "bad connection", "out of sync", "conn closed", "connection is already closed", "pending rollback", "must be rolled back"}

// TestTransactFanOut: a Transact ctx shared by 16 goroutines that insert and select
// (reading their Results fully, partly then closing, or partly then running another
// statement first) runs them all on one transaction: everything commits together when
// fn returns nil, nothing when fn or one goroutine fails; no goroutine sees a busy
// or broken connection; one checkout per Transact, nothing left checked out and no
// connection invalidated.
func TestTransactFanOut(t *testing.T) {
	// Not parallel with the other tests: the race detector fails every test running
	// when it finds a race, and a race here should name this test only.
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		var checkouts checkoutCounter
		eng := newEngine(t, tg.URL, checkouts.option())
		table := makeTable(t, eng, idColumn(tg)+", g integer, i integer, name varchar(50)")
		insert := alchemy.Text("insert into " + table + " (g, i, name) values (:g, :i, :n)")
		mine := alchemy.Text("select i from " + table + " where g = :g and name = :n order by i")
		count := alchemy.Text("select count(*) from " + table + " where name = :n")
		const workers, perWorker = 16, 4
		errBoom := errors.New("fan-out: a worker gives up")

		work := func(ctx context.Context, batch string, g int, fail bool) error {
			for i := range perWorker {
				if _, err := eng.Execute(ctx, insert, alchemy.Params{"g": g, "i": i, "n": batch}); err != nil {
					return fmt.Errorf("worker %d insert %d: %w", g, i, err)
				}
				res, err := eng.Execute(ctx, mine, alchemy.Params{"g": g, "n": batch})
				if err != nil {
					return fmt.Errorf("worker %d select %d: %w", g, i, err)
				}
				switch (g + i) % 3 {
				case 0: // read to the end
					got, err := alchemy.Scalars[int64](res)
					if err != nil {
						return fmt.Errorf("worker %d reading all: %w", g, err)
					}
					if len(got) != i+1 {
						return fmt.Errorf("worker %d sees %d of its own rows after insert %d, want %d: %v", g, len(got), i, i+1, got)
					}
				case 1: // read one row, close the rest
					if !res.Next() {
						return fmt.Errorf("worker %d: no row (err %v)", g, res.Err())
					}
					var v int64
					if err := res.Scan(&v); err != nil {
						return fmt.Errorf("worker %d scan: %w", g, err)
					}
					if err := res.Close(); err != nil {
						return fmt.Errorf("worker %d close: %w", g, err)
					}
					if v != 0 {
						return fmt.Errorf("worker %d: first row %d, want 0", g, v)
					}
				case 2: // read one row, run another statement, then read the rest
					if !res.Next() {
						return fmt.Errorf("worker %d: no row (err %v)", g, res.Err())
					}
					r2, err := eng.Execute(ctx, count, alchemy.Params{"n": batch})
					if err != nil {
						res.Close()
						return fmt.Errorf("worker %d statement with a Result open: %w", g, err)
					}
					total, err := alchemy.Scalar[int64](r2)
					if err != nil || total < int64(i+1) {
						res.Close()
						return fmt.Errorf("worker %d count: %d, %v", g, total, err)
					}
					n := 1
					for res.Next() {
						n++
					}
					if err := res.Err(); err != nil {
						return fmt.Errorf("worker %d: the rest of a Result read around another statement: %w", g, err)
					}
					if n != i+1 {
						return fmt.Errorf("worker %d: %d rows around another statement, want %d", g, n, i+1)
					}
				}
			}
			if fail {
				return errBoom
			}
			return nil
		}

		for _, tc := range []struct {
			name      string
			fnFails   bool // fn returns an error after every worker succeeded
			oneFails  bool // worker 7 returns an error after its statements
			committed bool
		}{
			{name: "commit", committed: true},
			{name: "fn error", fnFails: true},
			{name: "one goroutine fails", oneFails: true},
		} {
			batch := strings.ReplaceAll(tc.name, " ", "_")
			st0 := eng.PoolStatus()
			c0 := checkouts.n.Load()
			var workerErrs []error
			err := alchemy.Transact(context.Background(), eng, func(ctx context.Context) error {
				workerErrs = fanOut(workers, func(g int) error {
					return work(ctx, batch, g, tc.oneFails && g == 7)
				})
				if len(workerErrs) > 0 {
					return errors.Join(workerErrs...)
				}
				if tc.fnFails {
					return errBoom
				}
				return nil
			})
			for _, e := range workerErrs {
				if !errors.Is(e, errBoom) {
					t.Errorf("%s: a worker failed: %v", tc.name, e)
				}
				for _, w := range connStateWords {
					if strings.Contains(strings.ToLower(e.Error()), w) {
						t.Errorf("%s: a worker saw a %q connection: %v", tc.name, w, e)
					}
				}
			}
			if tc.committed && err != nil {
				t.Errorf("%s: Transact: %v", tc.name, err)
			}
			if !tc.committed && !errors.Is(err, errBoom) {
				t.Errorf("%s: Transact returned %v, want the block's error", tc.name, err)
			}
			want := int64(0)
			if tc.committed {
				want = workers * perWorker
			}
			if n := scalarInt(t, eng, "select count(*) from "+table+" where name = :n", alchemy.Params{"n": batch}); n != want {
				t.Errorf("%s: %d rows after Transact, want %d", tc.name, n, want)
			}
			st := eng.PoolStatus()
			if st.CheckedOut != 0 {
				t.Errorf("%s: %d connection(s) checked out after Transact: %+v", tc.name, st.CheckedOut, st)
			}
			if st.Invalidated != st0.Invalidated {
				t.Errorf("%s: %d connection(s) invalidated during Transact", tc.name, st.Invalidated-st0.Invalidated)
			}
			// scalarInt checked out one more.
			if n := checkouts.n.Load() - c0; n != 2 {
				t.Errorf("%s: %d checkouts for one Transact (and one count), want 1 (+1): the goroutines did not share its connection", tc.name, n)
			}
		}
	})
}

// TestTransactLazyCheckout: a Transact whose block never runs a statement takes no
// connection and sends no BEGIN, whether it commits or fails; asking whether it is
// in a transaction does not check one out either.
func TestTransactLazyCheckout(t *testing.T) {
	t.Parallel()
	var checkouts checkoutCounter
	d, eng := newFake(t, checkouts.option())
	ctx := context.Background()
	boom := errors.New("boom")
	for _, ret := range []error{nil, boom} {
		err := alchemy.Transact(ctx, eng, func(ctx context.Context) error {
			c, ok := alchemy.ConnFromContext(ctx, eng)
			if !ok || !c.InTransaction() {
				t.Errorf("inside Transact: ConnFromContext %v, %v; want a conn in a transaction", c, ok)
			}
			return ret
		})
		if !errors.Is(err, ret) || (ret == nil && err != nil) {
			t.Errorf("Transact returning %v: %v", ret, err)
		}
	}
	if n := checkouts.n.Load(); n != 0 {
		t.Errorf("%d checkouts for blocks that run no statement, want 0", n)
	}
	if d.Opened() != 0 || len(d.Events()) != 0 {
		t.Errorf("blocks that run no statement reached the driver: %d connections, events %v", d.Opened(), d.Events())
	}
	if st := eng.PoolStatus(); st.CheckedOut != 0 || st.Created != 0 {
		t.Errorf("pool after empty blocks: %+v", st)
	}
}

// TestBeginJoinsTransact: Engine.RunInTx inside Transact joins its transaction (one
// checkout, one BEGIN, one COMMIT, every statement on the one connection inside it);
// an inner block that fails rolls the whole transaction back and the outer one
// reports ErrTxDone (an inner rollback) without sending COMMIT.
func TestBeginJoinsTransact(t *testing.T) {
	t.Parallel()
	var checkouts checkoutCounter
	d, eng := newFake(t, checkouts.option())
	ctx := context.Background()
	ins := func(ex alchemy.Executor, ctx context.Context, v int) error {
		_, err := ex.Execute(ctx, alchemy.Text("insert into t values (:v)"), v)
		return err
	}

	err := alchemy.Transact(ctx, eng, func(ctx context.Context) error {
		if err := ins(eng, ctx, 1); err != nil {
			return err
		}
		outer, _ := alchemy.ConnFromContext(ctx, eng)
		return eng.RunInTx(ctx, func(c *alchemy.Conn) error {
			if c != outer {
				t.Error("Engine.RunInTx inside Transact runs on a connection of its own")
			}
			if err := c.Close(); err != nil { // the block's: does nothing
				return err
			}
			return ins(c, ctx, 2)
		})
	})
	if err != nil {
		t.Fatalf("Transact with a joined Engine.RunInTx: %v", err)
	}
	if b, c, r := d.Count(fakedriver.OpBegin), d.Count(fakedriver.OpCommit), d.Count(fakedriver.OpRollback); b != 1 || c != 1 || r != 0 {
		t.Errorf("BEGIN %d, COMMIT %d, ROLLBACK %d; want 1, 1, 0: %v", b, c, r, d.Events())
	}
	if n := checkouts.n.Load(); n != 1 {
		t.Errorf("%d checkouts, want 1", n)
	}
	for _, e := range d.Events() {
		if e.Op == fakedriver.OpExec && (!e.InTx || e.Conn != 1) {
			t.Errorf("statement outside the transaction: %v (in tx %v)", e, e.InTx)
		}
	}

	d.ResetEvents()
	boom := errors.New("inner boom")
	err = alchemy.Transact(ctx, eng, func(ctx context.Context) error {
		if err := ins(eng, ctx, 1); err != nil {
			return err
		}
		ierr := eng.RunInTx(ctx, func(c *alchemy.Conn) error {
			if err := ins(c, ctx, 2); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(ierr, boom) {
			t.Errorf("inner Engine.RunInTx: %v, want its block's error", ierr)
		}
		return nil // the outer block carries on as if nothing happened
	})
	if !rolledBackInside(err) {
		t.Errorf("outer Transact after an inner rollback: %v, want the ErrTxDone of an inner rollback", err)
	}
	if c, r := d.Count(fakedriver.OpCommit), d.Count(fakedriver.OpRollback); c != 0 || r != 1 {
		t.Errorf("after an inner rollback: COMMIT %d, ROLLBACK %d; want 0, 1: %v", c, r, d.Events())
	}
}

// TestConnFromContextCloseKeepsTx: closing the connection ConnFromContext gives inside
// Transact ends nothing: later statements run in the same transaction, on the same
// connection, and the commit happens when the block returns.
func TestConnFromContextCloseKeepsTx(t *testing.T) {
	t.Parallel()
	t.Run("fake", func(t *testing.T) {
		t.Parallel()
		d, eng := newFake(t)
		err := alchemy.Transact(context.Background(), eng, func(ctx context.Context) error {
			if _, err := eng.Execute(ctx, alchemy.Text("insert into t values (1)")); err != nil {
				return err
			}
			c, _ := alchemy.ConnFromContext(ctx, eng)
			if err := c.Close(); err != nil {
				return fmt.Errorf("Close: %w", err)
			}
			if !c.InTransaction() {
				t.Error("Close of the block's connection ended its transaction")
			}
			if _, err := eng.Execute(ctx, alchemy.Text("insert into t values (2)")); err != nil {
				return fmt.Errorf("Engine.Execute after Close: %w", err)
			}
			if _, err := c.Execute(ctx, alchemy.Text("insert into t values (3)")); err != nil {
				return fmt.Errorf("Conn.Execute after Close: %w", err)
			}
			if n := d.Count(fakedriver.OpCommit, fakedriver.OpRollback); n != 0 {
				t.Errorf("Close ended the transaction: %v", d.Events())
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		ev := d.Events()
		var ops []string
		for _, e := range ev {
			if e.Op == fakedriver.OpExec && (!e.InTx || e.Conn != 1) {
				t.Errorf("statement outside the transaction: %v", e)
			}
			ops = append(ops, string(e.Op))
		}
		if got := strings.Join(ops, " "); got != "connect begin exec exec exec commit" {
			t.Errorf("events %q, want one transaction around the three statements: %v", got, ev)
		}
	})
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL)
		table := itemsTable(t, eng, tg)
		err := alchemy.Transact(context.Background(), eng, func(ctx context.Context) error {
			if _, err := eng.Execute(ctx, alchemy.Text("insert into "+table+" (name) values ('a')")); err != nil {
				return err
			}
			c, _ := alchemy.ConnFromContext(ctx, eng)
			if err := c.Close(); err != nil {
				return err
			}
			if _, err := eng.Execute(ctx, alchemy.Text("insert into "+table+" (name) values ('b')")); err != nil {
				return fmt.Errorf("after closing the block's connection: %w", err)
			}
			if n := countFromOther(t, eng, table); n != 0 {
				t.Errorf("another connection sees %d rows before the block ends: Close committed", n)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := countFromOther(t, eng, table); n != 2 {
			t.Errorf("%d rows after the block, want 2", n)
		}
	})
}

// TestContextWithConnExecute: Engine.Execute and Engine.RunInTx with a context from
// ContextWithConn run on that connection, inside its transaction, without a checkout
// of their own; a Result they return does not close the connection.
func TestContextWithConnExecute(t *testing.T) {
	t.Parallel()
	t.Run("fake", func(t *testing.T) {
		t.Parallel()
		var checkouts checkoutCounter
		d, eng := newFake(t, checkouts.option())
		ctx := context.Background()
		c, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		tx, err := c.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cctx := alchemy.ContextWithConn(ctx, c)
		if got, ok := alchemy.ConnFromContext(cctx, eng); !ok || got != c {
			t.Fatalf("ConnFromContext(ContextWithConn(c)) = %p, %v; want c", got, ok)
		}
		if _, err := eng.Execute(cctx, alchemy.Text("insert into t values (1)")); err != nil {
			t.Fatal(err)
		}
		res, err := eng.Execute(cctx, alchemy.Text("select 1"))
		if err != nil {
			t.Fatal(err)
		}
		if v, err := alchemy.Scalar[int64](res); err != nil || v != 1 {
			t.Fatalf("Scalar: %v, %v", v, err)
		}
		if err := eng.RunInTx(cctx, func(bc *alchemy.Conn) error {
			if bc != c {
				t.Error("Engine.RunInTx with ContextWithConn runs on another connection")
			}
			_, err := bc.Execute(cctx, alchemy.Text("insert into t values (2)"))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if st := eng.PoolStatus(); st.CheckedOut != 1 || checkouts.n.Load() != 1 {
			t.Errorf("checkouts %d, status %+v; want the one connection only", checkouts.n.Load(), st)
		}
		if n := d.Count(fakedriver.OpCommit); n != 0 {
			t.Errorf("the joined Engine.RunInTx committed c's transaction: %v", d.Events())
		}
		for _, e := range d.Events() {
			if (e.Op == fakedriver.OpExec || e.Op == fakedriver.OpQuery) && (!e.InTx || e.Conn != 1) {
				t.Errorf("statement outside c's transaction: %v", e)
			}
		}
		if err := tx.Rollback(ctx); err != nil {
			t.Fatal(err)
		}
		if n := d.Count(fakedriver.OpRollback); n != 1 {
			t.Errorf("%d ROLLBACKs, want 1", n)
		}
		// c is still c's caller's: a statement runs on it after the Results closed.
		if _, err := c.Execute(ctx, alchemy.Text("insert into t values (3)")); err != nil {
			t.Errorf("c after the Results of Engine.Execute closed: %v", err)
		}
	})
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL)
		table := itemsTable(t, eng, tg)
		ctx := context.Background()
		c, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		for _, commit := range []bool{false, true} {
			tx, err := c.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			cctx := alchemy.ContextWithConn(ctx, c)
			if _, err := eng.Execute(cctx, alchemy.Text("insert into "+table+" (name) values ('x')")); err != nil {
				t.Fatal(err)
			}
			if n := scalarIntCtx(t, cctx, eng, "select count(*) from "+table); n != 1 {
				t.Errorf("the transaction sees %d rows through the ctx, want 1", n)
			}
			if commit {
				err = tx.Commit(ctx)
			} else {
				err = tx.Rollback(ctx)
			}
			if err != nil {
				t.Fatal(err)
			}
			want := int64(0)
			if commit {
				want = 1
			}
			if n := countFromOther(t, eng, table); n != want {
				t.Errorf("commit=%v: %d rows, want %d", commit, n, want)
			}
		}
	})
}

// scalarIntCtx is scalarInt with a context (one carrying a connection, say).
func scalarIntCtx(t testing.TB, ctx context.Context, eng *alchemy.Engine, sql string, args ...any) int64 {
	t.Helper()
	res, err := eng.Execute(ctx, alchemy.Text(sql), args...)
	if err != nil {
		t.Fatalf("Execute(%q): %v", sql, err)
	}
	n, err := alchemy.Scalar[int64](res)
	if err != nil {
		t.Fatalf("Scalar(%q): %v", sql, err)
	}
	return n
}
