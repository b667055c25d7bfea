package alchemy_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"net/url"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/fakedriver"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/pool"
)

// deadPort returns a loopback port where nothing listens.
func deadPort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// checkConnectFailure checks an error of a connection that could not be made: it
// says so, and does not claim a connection was lost. Whether it satisfies
// ErrDisconnect is the dialect's call, as SQLAlchemy's is_disconnect: a server that
// cannot be reached is (the pool's other connections are suspect), a server that
// answered with an error, such as a wrong password, is not.
func checkConnectFailure(t testing.TB, what string, err error, unreachable bool) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error", what)
		return
	}
	msg := err.Error()
	if !strings.Contains(msg, "connect") {
		t.Errorf("%s: %q does not say it could not connect", what, msg)
	}
	if strings.Contains(msg, "lost the connection") {
		t.Errorf("%s: %q says a connection was lost; none was ever made", what, msg)
	}
	if got := errors.Is(err, alchemy.ErrDisconnect); got != unreachable {
		t.Errorf("%s: %q: satisfies ErrDisconnect = %v, want %v", what, msg, got, unreachable)
	}
}

// requests runs a statement through each way in: Connect, Engine.Execute,
// Engine.RunInTx and Transact.
func requests(eng *alchemy.Engine) map[string]error {
	ctx := context.Background()
	out := map[string]error{}
	c, err := eng.Connect(ctx)
	if err == nil {
		c.Close()
	}
	out["Connect"] = err
	res, err := eng.Execute(ctx, alchemy.Text("select 1"))
	if err == nil {
		res.Close()
	}
	out["Engine.Execute"] = err
	out["Engine.RunInTx"] = eng.RunInTx(ctx, func(*alchemy.Conn) error { return nil })
	out["Transact"] = alchemy.Transact(ctx, eng, func(ctx context.Context) error {
		res, err := eng.Execute(ctx, alchemy.Text("select 1"))
		if err == nil {
			res.Close()
		}
		return err
	})
	return out
}

// TestConnectRefusedSaysConnect: a server that is not there gives an error that says
// the connect failed, not that a connection was lost (it satisfies ErrDisconnect: the
// server cannot be reached); the pool gives the slot back.
func TestConnectRefusedSaysConnect(t *testing.T) {
	t.Parallel()
	port := deadPort(t)
	for name, u := range map[string]string{
		"postgresql": fmt.Sprintf("postgresql://scott:tiger@127.0.0.1:%d/test?sslmode=disable", port),
		"mysql":      fmt.Sprintf("mysql://scott:tiger@127.0.0.1:%d/test", port),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			eng := newEngine(t, u, alchemy.PoolSize(1), alchemy.MaxOverflow(0), alchemy.PoolTimeout(2*time.Second))
			for what, err := range requests(eng) {
				checkConnectFailure(t, what, err, true)
				var ae *alchemy.Error
				if errors.As(err, &ae) && ae.Op != "connect" {
					t.Errorf("%s: Op %q, want connect", what, ae.Op)
				}
			}
			if st := eng.PoolStatus(); st.Open != 0 || st.CheckedOut != 0 {
				t.Errorf("failed connects took slots: %+v", st)
			}
		})
	}
}

// TestWrongPasswordIsNotDisconnect: a refused login is no lost connection.
func TestWrongPasswordIsNotDisconnect(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		u, err := url.Parse(tg.URL)
		if err != nil {
			t.Fatal(err)
		}
		pw, _ := u.User.Password()
		u.User = url.UserPassword(u.User.Username(), "not-"+pw)
		eng := newEngine(t, u.String(), alchemy.PoolSize(1), alchemy.MaxOverflow(0), alchemy.PoolTimeout(2*time.Second))
		wantCode := map[string]string{testdb.PostgreSQL: "28P01", testdb.MySQL: "1045"}[tg.Name]
		for what, err := range requests(eng) {
			checkConnectFailure(t, what, err, false)
			var ae *alchemy.Error
			if !errors.As(err, &ae) {
				t.Errorf("%s: %v is no *alchemy.Error", what, err)
			} else if ae.Code != wantCode {
				t.Errorf("%s: code %q, want %q (%v)", what, ae.Code, wantCode, err)
			}
			if strings.Contains(fmt.Sprint(err), "not-"+pw) {
				t.Errorf("%s: the error shows the password: %v", what, err)
			}
		}
		if st := eng.PoolStatus(); st.Open != 0 || st.CheckedOut != 0 || st.Invalidated != 0 {
			t.Errorf("after refused logins: %+v", st)
		}
	}, testdb.PostgreSQL, testdb.MySQL)
}

// TestNoRowsMatchesSQLNoRows: every "no row" answer matches both alchemy.ErrNoRows and
// sql.ErrNoRows, and is not logged as a failure.
func TestNoRowsMatchesSQLNoRows(t *testing.T) {
	t.Parallel()
	if !errors.Is(alchemy.ErrNoRows, sql.ErrNoRows) {
		t.Error("errors.Is(ErrNoRows, sql.ErrNoRows) is false")
	}
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL)
		table := itemsTable(t, eng, tg)
		none := alchemy.Text("select name from " + table + " where id = :id")
		ctx := context.Background()
		get := func() *alchemy.Result {
			t.Helper()
			res, err := eng.Execute(ctx, none, 42)
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		for what, read := range map[string]func(*alchemy.Result) error{
			"First":     func(r *alchemy.Result) error { _, err := alchemy.First[alchemy.Row](r); return err },
			"One":       func(r *alchemy.Result) error { _, err := alchemy.One[alchemy.Row](r); return err },
			"Scalar":    func(r *alchemy.Result) error { _, err := alchemy.Scalar[any](r); return err },
			"Scalar[T]": func(r *alchemy.Result) error { _, err := alchemy.Scalar[string](r); return err },
			"One[T]":    func(r *alchemy.Result) error { _, err := alchemy.One[string](r); return err },
			"First[]":   func(r *alchemy.Result) error { _, err := alchemy.First[string](r); return err },
		} {
			err := read(get())
			if !errors.Is(err, sql.ErrNoRows) || !errors.Is(err, alchemy.ErrNoRows) {
				t.Errorf("%s on no rows: %v; want errors.Is sql.ErrNoRows and alchemy.ErrNoRows", what, err)
			}
		}
		// First of a statement without rows.
		res, err := eng.Execute(ctx, alchemy.Text("update "+table+" set name = 'x' where id = 42"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := alchemy.First[alchemy.Row](res); !errors.Is(err, sql.ErrNoRows) {
			t.Errorf("First of an UPDATE: %v, want errors.Is sql.ErrNoRows", err)
		}
	})
}

// TestClosedAfterDispose: after Dispose every way in fails with ErrClosed, including
// the first statement of a Transact that began (lazily) before it.
func TestClosedAfterDispose(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, eng := newFake(t)
	err := alchemy.Transact(ctx, eng, func(ctx context.Context) error {
		if err := eng.Dispose(); err != nil {
			return err
		}
		_, err := eng.Execute(ctx, alchemy.Text("insert into t values (1)"))
		return err
	})
	if !errors.Is(err, alchemy.ErrClosed) {
		t.Errorf("first statement of a Transact after Dispose: %v, want ErrClosed", err)
	}
	for what, err := range requests(eng) {
		if !errors.Is(err, alchemy.ErrClosed) {
			t.Errorf("%s after Dispose: %v, want ErrClosed", what, err)
		}
	}
	if _, err := eng.Execute(ctx, alchemy.Text("insert into t values (:v)"), []any{[]any{1}}); !errors.Is(err, alchemy.ErrClosed) {
		t.Errorf("executemany after Dispose: %v, want ErrClosed", err)
	}
	if d.Opened() != 0 {
		t.Errorf("%d connections opened after Dispose", d.Opened())
	}
}

// TestDisposeRace: goroutines checking out, executing and returning connections while
// the engine is disposed get either a result or ErrClosed: nothing else, no panic,
// nothing left checked out or open.
func TestDisposeRace(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts []alchemy.Option
	}{
		{"QueuePool", []alchemy.Option{alchemy.PoolSize(2), alchemy.MaxOverflow(2), alchemy.PoolTimeout(5 * time.Second)}},
		{"NullPool", []alchemy.Option{alchemy.PoolClass(alchemy.NullPool)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for round := range 10 {
				d, eng := newFake(t, tc.opts...)
				ctx := context.Background()
				var ran atomic.Int64
				start := make(chan struct{})
				go func() {
					<-start
					time.Sleep(time.Duration(round) * 300 * time.Microsecond)
					eng.Dispose()
				}()
				errs := fanOut(16, func(g int) error {
					if g == 0 {
						close(start)
					}
					for i := 0; ; i++ {
						var err error
						switch (g + i) % 3 {
						case 0:
							var c *alchemy.Conn
							if c, err = eng.Connect(ctx); err == nil {
								_, err = c.Execute(ctx, alchemy.Text("insert into t values (1)"))
								c.Close()
							}
						case 1:
							var res *alchemy.Result
							if res, err = eng.Execute(ctx, alchemy.Text("select 1")); err == nil {
								_, err = alchemy.Scalar[int64](res)
							}
						case 2:
							err = alchemy.Transact(ctx, eng, func(ctx context.Context) error {
								_, err := eng.Execute(ctx, alchemy.Text("insert into t values (2)"))
								return err
							})
						}
						if err != nil {
							if errors.Is(err, alchemy.ErrClosed) {
								return nil
							}
							return fmt.Errorf("goroutine %d, request %d, racing Dispose: %w", g, i, err)
						}
						ran.Add(1)
					}
				})
				if len(errs) > 0 {
					t.Errorf("round %d: %d request(s) racing Dispose failed with another error than ErrClosed, first: %v", round, len(errs), errs[0])
				}
				if st := eng.PoolStatus(); st.CheckedOut != 0 {
					t.Errorf("round %d: %+v after the race", round, st)
				}
				if n := d.OpenConns(); n != 0 {
					t.Errorf("round %d: %d driver connections open after Dispose", round, n)
				}
			}
		})
	}
}

// TestNilContext: every call given a nil context returns an error saying so, without
// a panic and without touching the database.
func TestNilContext(t *testing.T) {
	t.Parallel()
	d, eng := newFake(t)
	ctx := context.Background()
	var nilCtx context.Context
	c, err := eng.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tx, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stmt := alchemy.Text("select 1")
	sets := []any{[]any{}}
	d.ResetEvents()
	for what, call := range map[string]func() error{
		"Engine.Connect":       func() error { _, err := eng.Connect(nilCtx); return err },
		"Engine.Execute":       func() error { _, err := eng.Execute(nilCtx, stmt); return err },
		"Engine.ExecuteMany":   func() error { _, err := eng.Execute(nilCtx, stmt, sets); return err },
		"Engine.RunInTx":       func() error { return eng.RunInTx(nilCtx, func(*alchemy.Conn) error { return nil }) },
		"Engine.ServerVersion": func() error { _, err := eng.ServerVersion(nilCtx); return err },
		"Transact":             func() error { return alchemy.Transact(nilCtx, eng, func(context.Context) error { return nil }) },
		"Conn.Execute":         func() error { _, err := c.Execute(nilCtx, stmt); return err },
		"Conn.ExecuteMany":     func() error { _, err := c.Execute(nilCtx, stmt, sets); return err },
		"Conn.Begin":           func() error { _, err := c.Begin(nilCtx); return err },
		"Conn.Begin+options":   func() error { _, err := c.Begin(nilCtx, alchemy.WithReadOnly()); return err },
		"Conn.BeginNested":     func() error { _, err := c.BeginNested(nilCtx); return err },
		"Tx.Commit":            func() error { return tx.Commit(nilCtx) },
		"Tx.Rollback":          func() error { return tx.Rollback(nilCtx) },
	} {
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s(nil ctx) panicked: %v\n%s", what, p, debug.Stack())
				}
			}()
			const want = "alchemy: nil context (pass context.Background() or context.TODO())"
			if err := call(); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s(nil ctx): %v, want %q", what, err, want)
			}
		}()
	}
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Errorf("ConnFromContext(nil ctx) panicked: %v", p)
			}
		}()
		if c, ok := alchemy.ConnFromContext(nilCtx, eng); ok || c != nil {
			t.Errorf("ConnFromContext(nil) = %v, %v", c, ok)
		}
	}()
	if ev := d.Events(); len(ev) != 0 {
		t.Errorf("calls with a nil ctx reached the driver: %v", ev)
	}
	if !tx.IsActive() {
		t.Error("Commit or Rollback with a nil ctx ended the transaction")
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Error(err)
	}
}

// TestSavepointRollbackInBrokenTx: once the connection under a transaction is lost,
// rolling back to a savepoint (or anything but the full rollback) gives
// ErrPendingRollback; the full rollback works, and the Conn then runs outside any
// transaction on a fresh connection.
func TestSavepointRollbackInBrokenTx(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"Kill", "FailNext ErrBadConn"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			d, eng := newFake(t)
			ctx := context.Background()
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
			sp, err := c.BeginNested(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if how == "Kill" {
				fc.Kill()
			} else {
				d.FailNext(fakedriver.OpExec, driver.ErrBadConn)
			}
			if _, err := c.Execute(ctx, alchemy.Text("insert into t values (1)")); !errors.Is(err, alchemy.ErrDisconnect) {
				t.Errorf("statement on a lost connection: %v, want ErrDisconnect", err)
			}
			if err := sp.Rollback(ctx); !errors.Is(err, alchemy.ErrPendingRollback) {
				t.Errorf("savepoint Rollback in a broken transaction: %v, want ErrPendingRollback", err)
			}
			if _, err := c.BeginNested(ctx); !errors.Is(err, alchemy.ErrPendingRollback) {
				t.Errorf("BeginNested in a broken transaction: %v, want ErrPendingRollback", err)
			}
			if _, err := c.Execute(ctx, alchemy.Text("insert into t values (2)")); !errors.Is(err, alchemy.ErrPendingRollback) {
				t.Errorf("statement in a broken transaction: %v, want ErrPendingRollback", err)
			}
			if err := tx.Commit(ctx); !errors.Is(err, alchemy.ErrPendingRollback) {
				t.Errorf("Commit of a broken transaction: %v, want ErrPendingRollback", err)
			}
			if err := tx.Rollback(ctx); err != nil {
				t.Errorf("Rollback of a broken transaction: %v", err)
			}
			mustExec(t, c, "insert into t values (3)")
			ev := d.Events()
			if last := ev[len(ev)-1]; last.Op != fakedriver.OpExec || last.Conn == fc.ID() || last.InTx {
				t.Errorf("the statement after the rollback ran as %v (in tx %v); want on a new connection, outside a transaction", last, last.InTx)
			}
			for _, e := range ev {
				if e.Op == fakedriver.OpExec && strings.Contains(e.SQL, "(2)") {
					t.Errorf("a statement of the broken transaction reached a connection: %v", e)
				}
			}
		})
	}
}

// TestPostgresFailedStatementCommit: on PostgreSQL, committing a transaction in which
// a statement failed reports ErrRolledBack (the server rolled it back), keeps none of
// its rows, ends the transaction and keeps the connection.
func TestPostgresFailedStatementCommit(t *testing.T) {
	t.Parallel()
	eng := newEngine(t, testdb.URL(t, testdb.PostgreSQL))
	table := itemsTable(t, eng, testdb.Target{Name: testdb.PostgreSQL})
	ctx := context.Background()
	insert := func(ex alchemy.Executor, ctx context.Context, name string) error {
		_, err := ex.Execute(ctx, alchemy.Text("insert into "+table+" (name) values (:n)"), name)
		return err
	}
	fail := func(ex alchemy.Executor, ctx context.Context) {
		if _, err := ex.Execute(ctx, alchemy.Text("select 1/0")); err == nil {
			t.Error("select 1/0 did not fail")
		}
	}
	count := func(name string) int64 {
		return scalarInt(t, eng, "select count(*) from "+table+" where name = :n", name)
	}

	t.Run("Conn.Begin", func(t *testing.T) {
		c, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		tx, err := c.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := insert(c, ctx, "conn"); err != nil {
			t.Fatal(err)
		}
		fail(c, ctx)
		if err := tx.Commit(ctx); !errors.Is(err, alchemy.ErrRolledBack) {
			t.Errorf("Commit after a failed statement: %v, want ErrRolledBack", err)
		}
		if c.InTransaction() || tx.IsActive() {
			t.Error("the transaction is still open after Commit reported ErrRolledBack")
		}
		if err := tx.Rollback(ctx); !errors.Is(err, alchemy.ErrTxDone) {
			t.Errorf("Rollback after ErrRolledBack: %v, want ErrTxDone", err)
		}
		if v := scalarInt(t, c, "select 1"); v != 1 {
			t.Errorf("the connection after ErrRolledBack: %d", v)
		}
		if c.Invalidated() {
			t.Error("ErrRolledBack invalidated the connection")
		}
		if n := count("conn"); n != 0 {
			t.Errorf("%d rows of the rolled-back transaction kept", n)
		}
	})
	t.Run("Transact", func(t *testing.T) {
		err := alchemy.Transact(ctx, eng, func(ctx context.Context) error {
			if err := insert(eng, ctx, "transact"); err != nil {
				return err
			}
			fail(eng, ctx)
			return nil // the failure is ignored: Commit must not pretend
		})
		if !errors.Is(err, alchemy.ErrRolledBack) {
			t.Errorf("Transact after a failed statement: %v, want ErrRolledBack", err)
		}
		if n := count("transact"); n != 0 {
			t.Errorf("%d rows of the rolled-back transaction kept", n)
		}
	})
	t.Run("Engine.RunInTx", func(t *testing.T) {
		err := eng.RunInTx(ctx, func(c *alchemy.Conn) error {
			if err := insert(c, ctx, "begin"); err != nil {
				return err
			}
			fail(c, ctx)
			return nil
		})
		if !errors.Is(err, alchemy.ErrRolledBack) {
			t.Errorf("Engine.RunInTx after a failed statement: %v, want ErrRolledBack", err)
		}
		if n := count("begin"); n != 0 {
			t.Errorf("%d rows of the rolled-back transaction kept", n)
		}
	})
	if st := eng.PoolStatus(); st.Invalidated != 0 {
		t.Errorf("a rolled-back commit invalidated connections: %+v", st)
	}
}

// TestPostgresPreparedStatementHint: the PostgreSQL errors PgBouncer's transaction
// mode causes (26000, 42P05) carry a Hint naming pgbouncer=true; others carry none.
func TestPostgresPreparedStatementHint(t *testing.T) {
	t.Parallel()
	eng := newEngine(t, testdb.URL(t, testdb.PostgreSQL))
	ctx := context.Background()
	c, err := eng.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	name := uniqueName("ps")
	mustExec(t, c, "prepare "+name+" as select 1")
	defer mustExec(t, c, "deallocate "+name)
	for _, tc := range []struct{ sql, code string }{
		{"execute " + name + "_missing", "26000"},
		{"prepare " + name + " as select 2", "42P05"},
		{"select 1/0", "22012"},
	} {
		_, err := c.Execute(ctx, alchemy.Text(tc.sql))
		var ae *alchemy.Error
		if !errors.As(err, &ae) {
			t.Errorf("%s: %v, want an *alchemy.Error", tc.sql, err)
			continue
		}
		if ae.Code != tc.code {
			t.Errorf("%s: code %q, want %q", tc.sql, ae.Code, tc.code)
		}
		wantHint := tc.code != "22012"
		if got := strings.Contains(ae.Hint, "pgbouncer=true"); got != wantHint {
			t.Errorf("%s: Hint %q; want one naming pgbouncer=true: %v", tc.sql, ae.Hint, wantHint)
		}
		if wantHint && !strings.Contains(err.Error(), "pgbouncer=true") {
			t.Errorf("%s: the message %q does not show the hint", tc.sql, err)
		}
	}
}

// TestCheckoutListenerInvalidates: a pool checkout listener that invalidates the
// connection it is handed never makes a checkout panic: the caller gets a connection
// that works or an error, and nothing stays checked out.
func TestCheckoutListenerInvalidates(t *testing.T) {
	t.Parallel()
	for _, every := range []int64{1, 2} {
		t.Run(fmt.Sprintf("every %d", every), func(t *testing.T) {
			t.Parallel()
			var n atomic.Int64
			d, eng := newFake(t, alchemy.PoolListener(pool.Listener{Checkout: func(_ context.Context, c *pool.Record) error {
				if n.Add(1)%every == 0 {
					c.Invalidate(errors.New("x"))
				}
				return nil
			}}))
			ctx := context.Background()
			var ok, failed int
			for i := range 20 {
				func() {
					defer func() {
						if p := recover(); p != nil {
							t.Fatalf("request %d panicked: %v\n%s", i, p, debug.Stack())
						}
					}()
					for what, err := range requests(eng) {
						if err != nil {
							failed++
							if every == 2 && !errors.Is(err, alchemy.ErrDisconnect) {
								t.Errorf("%s: %v", what, err)
							}
						} else {
							ok++
						}
					}
					c, err := eng.Connect(ctx)
					if err != nil {
						return
					}
					defer c.Close()
					if _, err := c.Execute(ctx, alchemy.Text("select 1")); err != nil {
						t.Errorf("a connection Connect handed out fails: %v", err)
					}
				}()
			}
			if every == 1 && ok != 0 {
				t.Errorf("%d requests succeeded on connections all invalidated at checkout", ok)
			}
			t.Logf("%d requests succeeded, %d failed; %d driver connections made", ok, failed, d.Opened())
			if st := eng.PoolStatus(); st.CheckedOut != 0 {
				t.Errorf("after the checkouts: %+v", st)
			}
		})
	}
}
