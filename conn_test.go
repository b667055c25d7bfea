package alchemy_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// TestConnectClose: a checkout shows in the pool's counts and Close gives it back;
// a second Close is harmless; a closed Conn refuses everything with ErrClosed.
func TestConnectClose(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL, alchemy.PoolSize(2))
		ctx := context.Background()
		c, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.Engine() != eng {
			t.Error("Conn.Engine() is not its engine")
		}
		if st := eng.PoolStatus(); st.CheckedOut != 1 || st.CheckedIn != 0 || st.Open != 1 {
			t.Fatalf("one checked out: %+v", st)
		}
		mustExec(t, c, "select 1")
		if err := c.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if st := eng.PoolStatus(); st.CheckedOut != 0 || st.CheckedIn != 1 || st.Open != 1 {
			t.Fatalf("after Close: %+v, want the connection idle in the pool", st)
		}
		if err := c.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		if st := eng.PoolStatus(); st.CheckedOut != 0 || st.CheckedIn != 1 {
			t.Fatalf("a second Close moved the counts: %+v", st)
		}

		_, err = c.Execute(ctx, alchemy.Text("select 1"))
		if !errors.Is(err, alchemy.ErrClosed) {
			t.Errorf("Execute after Close: %v, want ErrClosed", err)
		}
		_, err = c.Begin(ctx)
		if !errors.Is(err, alchemy.ErrClosed) {
			t.Errorf("Begin after Close: %v, want ErrClosed", err)
		}
		_, err = c.BeginNested(ctx)
		if !errors.Is(err, alchemy.ErrClosed) {
			t.Errorf("BeginNested after Close: %v, want ErrClosed", err)
		}
		_, err = c.Execute(ctx, alchemy.Text("select :x"), []any{alchemy.Params{"x": 1}})
		if !errors.Is(err, alchemy.ErrClosed) {
			t.Errorf("executemany after Close: %v, want ErrClosed", err)
		}
		if err := c.Invalidate(); !errors.Is(err, alchemy.ErrClosed) {
			t.Errorf("Invalidate after Close: %v, want ErrClosed", err)
		}
		if err := c.Raw(func(any) error { return nil }); !errors.Is(err, alchemy.ErrClosed) {
			t.Errorf("Raw after Close: %v, want ErrClosed", err)
		}
		if st := eng.PoolStatus(); st.CheckedOut != 0 || st.Open != 1 {
			t.Fatalf("use after Close moved the counts: %+v", st)
		}
	})
}

// TestInvalidate: an invalidated connection is closed and never reused; the Conn
// carries on with a fresh one from the pool.
func TestInvalidate(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL, alchemy.PoolSize(1), alchemy.MaxOverflow(0))
		ctx := context.Background()
		c, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		before := serverID(t, tg, c)
		if err := c.Invalidate(); err != nil {
			t.Fatalf("Invalidate: %v", err)
		}
		if !c.Invalidated() {
			t.Fatal("Invalidated() is false after Invalidate")
		}
		st := eng.PoolStatus()
		if st.Invalidated != 1 || st.Closed != 1 || st.CheckedOut != 0 || st.Open != 0 {
			t.Fatalf("after Invalidate: %+v, want the connection closed and its slot free", st)
		}
		after := serverID(t, tg, c) // runs on a fresh connection
		if c.Invalidated() {
			t.Fatal("the Conn did not reconnect on its next statement")
		}
		if tg.Name != testdb.SQLite && after == before {
			t.Fatalf("server session %d survived Invalidate", before)
		}
		if st := eng.PoolStatus(); st.Created != 2 || st.CheckedOut != 1 {
			t.Fatalf("after the next statement: %+v, want a second connection checked out", st)
		}
		c.Close()

		// The pool's one connection now is the new one; the old never comes back.
		c2, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if id := serverID(t, tg, c2); tg.Name != testdb.SQLite && (id == before || id != after) {
			t.Fatalf("next checkout got session %d; the old one was %d, the new %d", id, before, after)
		}
		c2.Close()
		if st := eng.PoolStatus(); st.Created != 2 || st.CheckedIn != 1 {
			t.Fatalf("at the end: %+v", st)
		}
	})
}

// TestInvalidateInTransaction: invalidating the connection under an open transaction
// loses the transaction; until it is rolled back every statement says so.
func TestInvalidateInTransaction(t *testing.T) {
	t.Parallel()
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
		tx, err := c.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, c, "insert into "+table+" (name) values ('lost')")
		if err := c.Invalidate(); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Execute(ctx, alchemy.Text("select 1")); !errors.Is(err, alchemy.ErrPendingRollback) {
			t.Fatalf("statement after invalidation inside a transaction: %v, want ErrPendingRollback", err)
		}
		if err := tx.Commit(ctx); err == nil {
			t.Fatal("Commit of a transaction whose connection was invalidated succeeded")
		}
		if err := tx.Rollback(ctx); err != nil {
			t.Fatalf("Rollback: %v", err)
		}
		if n := scalarInt(t, c, "select count(*) from "+table); n != 0 {
			t.Fatalf("%d rows committed by an invalidated transaction", n)
		}
	})
}

// TestDispose: after Dispose the engine refuses new work with ErrClosed; a Conn
// checked out before it can still be closed, and its connection is then closed.
func TestDispose(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng, err := alchemy.CreateEngine(tg.URL, alchemy.Logger(quiet))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		idle, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, idle, "select 1")
		idle.Close()
		held, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, held, "select 1")
		if err := eng.Dispose(); err != nil {
			t.Fatalf("Dispose: %v", err)
		}
		if err := eng.Dispose(); err != nil {
			t.Fatalf("second Dispose: %v", err)
		}
		if _, err := eng.Connect(ctx); !errors.Is(err, alchemy.ErrClosed) {
			t.Errorf("Connect after Dispose: %v, want ErrClosed", err)
		}
		if _, err := eng.Execute(ctx, alchemy.Text("select 1")); !errors.Is(err, alchemy.ErrClosed) {
			t.Errorf("Execute after Dispose: %v, want ErrClosed", err)
		}
		called := false
		err = eng.RunInTx(ctx, func(*alchemy.Conn) error { called = true; return nil })
		if !errors.Is(err, alchemy.ErrClosed) || called {
			t.Errorf("Begin after Dispose: %v (fn called: %v), want ErrClosed", err, called)
		}
		err = alchemy.Transact(ctx, eng, func(context.Context) error { called = true; return nil })
		if !errors.Is(err, alchemy.ErrClosed) || called {
			t.Errorf("Transact after Dispose: %v (fn called: %v), want ErrClosed", err, called)
		}
		if err := held.Close(); err != nil {
			t.Errorf("Close of a Conn held across Dispose: %v", err)
		}
		if st := eng.PoolStatus(); st.Open != 0 || st.CheckedOut != 0 || st.CheckedIn != 0 || st.Closed != st.Created {
			t.Errorf("after Dispose and the last Close: %+v, want every connection closed", st)
		}
	})
}

// TestConcurrentUse: one engine, 32 goroutines, a pool smaller than that: under the
// race detector, with checkouts, transactions and connectionless execution mixed.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL, alchemy.PoolSize(4), alchemy.MaxOverflow(4))
		table := itemsTable(t, eng, tg)
		const workers, rounds = 32, 5
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		ctx := context.Background()
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- func() error {
					for r := 0; r < rounds; r++ {
						name := fmt.Sprintf("w%d-r%d", w, r)
						switch r % 3 {
						case 0:
							c, err := eng.Connect(ctx)
							if err != nil {
								return err
							}
							_, err = c.Execute(ctx, alchemy.Text("insert into "+table+" (name) values (:n)"), alchemy.Params{"n": name})
							c.Close()
							if err != nil {
								return err
							}
						case 1:
							err := eng.RunInTx(ctx, func(c *alchemy.Conn) error {
								_, err := c.Execute(ctx, alchemy.Text("insert into "+table+" (name) values (:n)"), name)
								return err
							})
							if err != nil {
								return err
							}
						case 2:
							err := alchemy.Transact(ctx, eng, func(ctx context.Context) error {
								_, err := eng.Execute(ctx, alchemy.Text("insert into "+table+" (name) values (:n)"), name)
								return err
							})
							if err != nil {
								return err
							}
						}
						res, err := eng.Execute(ctx, alchemy.Text("select count(*) from "+table+" where name = :n"), name)
						if err != nil {
							return err
						}
						n, err := alchemy.Scalar[int64](res)
						if err != nil {
							return err
						}
						if n != 1 {
							return fmt.Errorf("%s: %d rows", name, n)
						}
					}
					return nil
				}()
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		if n := countFromOther(t, eng, table); n != workers*rounds {
			t.Fatalf("%d rows, want %d", n, workers*rounds)
		}
		st := eng.PoolStatus()
		if st.CheckedOut != 0 || st.Open > 8 || st.CheckedIn > 4 {
			t.Fatalf("after the storm: %+v, want nothing checked out, at most 8 open and 4 idle", st)
		}
	})
}

// TestConcurrentStaticPool: 32 goroutines sharing an SQLite memory database.
func TestConcurrentStaticPool(t *testing.T) {
	t.Parallel()
	eng := newEngine(t, "sqlite://")
	mustExec(t, eng, "create table nums (n integer)")
	var wg sync.WaitGroup
	ctx := context.Background()
	for w := 0; w < 32; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := eng.Connect(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			if _, err := c.Execute(ctx, alchemy.Text("insert into nums values (:n)"), w); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := scalarInt(t, eng, "select count(*) from nums"); n != 32 {
		t.Fatalf("%d rows, want 32", n)
	}
}
