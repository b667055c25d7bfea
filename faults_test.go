package alchemy_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/fakedriver"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/pool"
)

// checkoutN checks out n connections at once and returns them to the pool, so that
// n connections are idle.
func checkoutN(t *testing.T, eng *alchemy.Engine, n int) []int {
	t.Helper()
	var cs []*alchemy.Conn
	var ids []int
	for i := 0; i < n; i++ {
		c, err := eng.Connect(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
		ids = append(ids, fakeConn(t, c).ID())
	}
	for _, c := range cs {
		c.Close()
	}
	return ids
}

// TestDisconnectDuringStatement: the statement fails with ErrDisconnect, the
// connection is invalidated, and by default every connection made before it is
// discarded by generation; an ErrorHandler that clears ev.InvalidatePool discards
// that one only.
func TestDisconnectDuringStatement(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, disconnect := range []error{driver.ErrBadConn, fakedriver.ErrDisconnect} {
		for _, all := range []bool{true, false} {
			var opts []alchemy.Option
			if !all {
				opts = append(opts, alchemy.Tracer(errorHandler(func(ev *alchemy.ErrorEvent) { ev.InvalidatePool = false })))
			}
			d, eng := newFake(t, opts...)
			idle := checkoutN(t, eng, 3) // three idle connections
			c, err := eng.Connect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			victim := fakeConn(t, c).ID()
			d.FailNext(fakedriver.OpExec, disconnect)
			_, err = c.Execute(ctx, alchemy.Text("update t set x = :x"), 1)
			if !errors.Is(err, alchemy.ErrDisconnect) {
				t.Fatalf("%v: %v, want ErrDisconnect", disconnect, err)
			}
			var ae *alchemy.Error
			if !errors.As(err, &ae) || !ae.Disconnect || ae.Statement != "update t set x = ?" || !errors.Is(err, disconnect) {
				t.Fatalf("%v: error %#v", disconnect, ae)
			}
			if !c.Invalidated() || !d.Conns()[victim-1].Closed() {
				t.Fatal("the lost connection was not invalidated and closed")
			}
			st := eng.PoolStatus()
			if st.CheckedOut != 0 {
				t.Fatalf("the invalidated connection still counts as checked out: %+v", st)
			}
			closedIdle := 0
			for _, id := range idle {
				if d.Conns()[id-1].Closed() {
					closedIdle++
				}
			}
			if all && (closedIdle != 3 || st.CheckedIn != 0) { // the victim was one of the three
				t.Fatalf("whole pool: %d of the other idle connections closed, status %+v", closedIdle, st)
			}
			if !all && (closedIdle != 1 || st.CheckedIn != 2) {
				t.Fatalf("connection only: %d idle connections closed, status %+v", closedIdle, st)
			}
			// The Conn carries on, on a fresh connection.
			mustExec(t, c, "select 1")
			if id := fakeConn(t, c).ID(); id == victim || (all && id <= 3) {
				t.Fatalf("the next statement ran on connection %d", id)
			}
			c.Close()
			// Close after the disconnect gave the slot back: the full pool is usable.
			checkoutN(t, eng, 15)
			if st := eng.PoolStatus(); st.CheckedOut != 0 || st.Open > 15 {
				t.Fatalf("%+v", st)
			}
		}
	}
}

// TestDisconnectInTransaction: a lost connection inside a transaction refuses every
// further statement with ErrPendingRollback until the caller rolls back; then the
// next statement runs on a fresh connection, outside any transaction. Nothing ever
// runs outside the transaction the caller believes is open.
func TestDisconnectInTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, eng := newFake(t)
	c, err := eng.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tx, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, c, "insert into t values (1)")
	first := fakeConn(t, c)
	first.Kill() // the server goes away
	_, err = c.Execute(ctx, alchemy.Text("insert into t values (2)"))
	if !errors.Is(err, alchemy.ErrDisconnect) {
		t.Fatalf("statement on a dead connection: %v", err)
	}
	opened := d.Opened()
	stmts := len(d.Statements())
	for name, try := range map[string]func() error{
		"Execute": func() error { _, err := c.Execute(ctx, alchemy.Text("insert into t values (3)")); return err },
		"ExecuteMany": func() error {
			_, err := c.Execute(ctx, alchemy.Text("insert into t values (:x)"), []any{alchemy.Params{"x": 1}})
			return err
		},
		"Begin":       func() error { _, err := c.Begin(ctx); return err },
		"BeginNested": func() error { _, err := c.BeginNested(ctx); return err },
		"Raw":         func() error { return c.Raw(func(any) error { return nil }) },
	} {
		if err := try(); !errors.Is(err, alchemy.ErrPendingRollback) {
			t.Errorf("%s after a disconnect in a transaction: %v, want ErrPendingRollback", name, err)
		}
	}
	if err := tx.Commit(ctx); !errors.Is(err, alchemy.ErrPendingRollback) {
		t.Errorf("Commit after a disconnect: %v, want ErrPendingRollback", err)
	}
	if d.Opened() != opened || len(d.Statements()) != stmts {
		t.Fatalf("something ran after the disconnect: %d new connections, statements %q", d.Opened()-opened, d.Statements()[stmts:])
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatalf("Rollback: %v", err)
	}
	if c.InTransaction() {
		t.Fatal("still in a transaction after Rollback")
	}
	mustExec(t, c, "insert into t values (4)")
	second := fakeConn(t, c)
	if second.ID() == first.ID() || second.InTx() {
		t.Fatalf("after Rollback: connection %d, in a transaction %v; want a fresh one outside any", second.ID(), second.InTx())
	}
	for _, e := range d.EventsOf(second.ID()) {
		if e.Op == fakedriver.OpBegin {
			t.Fatalf("a BEGIN ran on the fresh connection: %v", d.EventsOf(second.ID()))
		}
	}
	if st := eng.PoolStatus(); st.CheckedOut != 1 {
		t.Fatalf("%+v", st)
	}
}

// TestDisconnectInTransact: the same through Transact and connectionless execution:
// after the disconnect, code below that keeps using the ctx gets ErrPendingRollback,
// never a fresh autocommitting connection.
func TestDisconnectInTransact(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, eng := newFake(t)
	var afterErr error
	err := alchemy.Transact(ctx, eng, func(ctx context.Context) error {
		if _, err := eng.Execute(ctx, alchemy.Text("insert into t values (1)")); err != nil {
			return err
		}
		d.FailNext(fakedriver.OpExec, driver.ErrBadConn)
		_, err := eng.Execute(ctx, alchemy.Text("insert into t values (2)"))
		if !errors.Is(err, alchemy.ErrDisconnect) {
			t.Errorf("second insert: %v", err)
		}
		_, afterErr = eng.Execute(ctx, alchemy.Text("insert into t values (3)")) // ignoring the error above
		return nil
	})
	if !errors.Is(afterErr, alchemy.ErrPendingRollback) {
		t.Fatalf("statement after the disconnect: %v, want ErrPendingRollback", afterErr)
	}
	if err == nil {
		t.Fatal("Transact committed a transaction whose connection was lost")
	}
	for _, s := range d.Statements() {
		if s == "insert into t values (3)" {
			t.Fatal("a statement ran after the disconnect")
		}
	}
	if st := eng.PoolStatus(); st.CheckedOut != 0 {
		t.Fatalf("%+v", st)
	}
}

// TestFailedCommit: a Commit that fails leaves a pending rollback; nothing runs
// outside the transaction meanwhile.
func TestFailedCommit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, commitErr := range []error{errors.New("commit refused"), fakedriver.Serialization, driver.ErrBadConn} {
		d, eng := newFake(t)
		c, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tx, _ := c.Begin(ctx)
		mustExec(t, c, "insert into t values (1)")
		d.FailNext(fakedriver.OpCommit, commitErr)
		err = tx.Commit(ctx)
		var ae *alchemy.Error
		if !errors.As(err, &ae) || ae.Op != "commit" || !errors.Is(err, commitErr) {
			t.Fatalf("%v: Commit returned %v", commitErr, err)
		}
		if alchemy.IsSerializationFailure(err) != (commitErr == fakedriver.Serialization) {
			t.Errorf("%v: IsSerializationFailure %v", commitErr, alchemy.IsSerializationFailure(err))
		}
		n := len(d.Statements())
		if _, err := c.Execute(ctx, alchemy.Text("insert into t values (2)")); !errors.Is(err, alchemy.ErrPendingRollback) {
			t.Errorf("%v: statement after a failed Commit: %v, want ErrPendingRollback", commitErr, err)
		}
		if len(d.Statements()) != n {
			t.Fatalf("%v: a statement ran after the failed Commit, outside the transaction", commitErr)
		}
		if err := tx.Rollback(ctx); err != nil {
			t.Fatalf("%v: Rollback: %v", commitErr, err)
		}
		mustExec(t, c, "select 1")
		c.Close()
		if st := eng.PoolStatus(); st.CheckedOut != 0 {
			t.Fatalf("%+v", st)
		}
		// engine.Begin: the failed commit is the error; the connection comes back.
		d.FailNext(fakedriver.OpCommit, commitErr)
		err = eng.RunInTx(ctx, func(c *alchemy.Conn) error {
			_, err := c.Execute(ctx, alchemy.Text("insert into t values (3)"))
			return err
		})
		if !errors.Is(err, commitErr) {
			t.Fatalf("engine.Begin with a failing commit: %v", err)
		}
		if st := eng.PoolStatus(); st.CheckedOut != 0 {
			t.Fatalf("%+v", st)
		}
	}
}

// TestFailedBeginAndConnect: a failed BEGIN or connect leaves the counts right.
func TestFailedBeginAndConnect(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, eng := newFake(t, alchemy.PoolSize(1), alchemy.MaxOverflow(0))

	d.FailNext(fakedriver.OpConnect, errors.New("connection refused"))
	if _, err := eng.Connect(ctx); err == nil {
		t.Fatal("Connect with a failing connect succeeded")
	}
	if st := eng.PoolStatus(); st.Open != 0 || st.CheckedOut != 0 {
		t.Fatalf("a failed connect took a slot: %+v", st)
	}
	// Right after a failed connect the pool backs off: the next checkout fails at
	// once with the last connect error, without dialling.
	opened := d.Opened()
	if _, err := eng.Connect(ctx); !errors.Is(err, alchemy.ErrConnectBackoff) || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("Connect right after a failed connect: %v, want ErrConnectBackoff with the last error", err)
	}
	if d.Opened() != opened {
		t.Fatal("a checkout during the back-off dialled")
	}
	time.Sleep(pool.DefaultConnectBackoff)

	c, err := eng.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	first := fakeConn(t, c).ID()
	d.FailNext(fakedriver.OpBegin, errors.New("begin refused"))
	if _, err := c.Begin(ctx); err == nil || c.InTransaction() {
		t.Fatalf("Begin: %v, in transaction %v", err, c.InTransaction())
	}
	tx, err := c.Begin(ctx)
	if err != nil {
		t.Fatalf("Begin after a refused one: %v", err)
	}
	tx.Rollback(ctx)

	d.FailNext(fakedriver.OpBegin, driver.ErrBadConn)
	_, err = c.Begin(ctx)
	if !errors.Is(err, alchemy.ErrDisconnect) || !c.Invalidated() {
		t.Fatalf("Begin on a lost connection: %v, invalidated %v", err, c.Invalidated())
	}
	tx, err = c.Begin(ctx)
	if err != nil {
		t.Fatalf("Begin after the lost one: %v", err)
	}
	if fakeConn(t, c).ID() == first {
		t.Fatal("the lost connection was reused")
	}
	tx.Commit(ctx)
}

// TestFailedRollback: a ROLLBACK that fails on a lost connection still ends the
// transaction and gives the slot back.
func TestFailedRollback(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, eng := newFake(t, alchemy.PoolSize(1), alchemy.MaxOverflow(0))
	c, _ := eng.Connect(ctx)
	tx, _ := c.Begin(ctx)
	d.FailNext(fakedriver.OpRollback, driver.ErrBadConn)
	err := tx.Rollback(ctx)
	if !errors.Is(err, alchemy.ErrDisconnect) {
		t.Errorf("Rollback on a lost connection: %v", err)
	}
	if c.InTransaction() {
		t.Fatal("still in a transaction")
	}
	mustExec(t, c, "select 1")
	c.Close()
	if st := eng.PoolStatus(); st.CheckedOut != 0 || st.Open != 1 {
		t.Fatalf("%+v", st)
	}
}

// TestFetchDisconnect: a connection lost while reading rows is invalidated; a
// connectionless Result still gives its slot back.
func TestFetchDisconnect(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, eng := newFake(t, alchemy.PoolSize(1), alchemy.MaxOverflow(0))
	d.OnQuery(func(q string, args []any) ([]string, [][]any, error) {
		if q == "select broken" {
			return []string{"v"}, [][]any{{int64(1)}, {driver.ErrBadConn}}, nil
		}
		return []string{"v"}, [][]any{{int64(1)}}, nil
	})
	res, err := eng.Execute(ctx, alchemy.Text("select broken"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for res.Next() {
		n++
	}
	if n != 1 || !errors.Is(res.Err(), alchemy.ErrDisconnect) {
		t.Fatalf("%d rows, %v", n, res.Err())
	}
	res.Close()
	if st := eng.PoolStatus(); st.CheckedOut != 0 || st.Invalidated == 0 {
		t.Fatalf("%+v", st)
	}
	mustExec(t, eng, "select 1") // the pool of one is usable
}

// TestDisposeWithCheckedOut: Dispose while a Conn is out; its Close closes the raw
// connection, and nothing leaks.
func TestDisposeWithCheckedOut(t *testing.T) {
	t.Parallel()
	d := fakedriver.New()
	t.Cleanup(d.Close)
	eng, err := alchemy.CreateEngine(d.URL(), alchemy.Logger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	checkoutN(t, eng, 2)
	c, _ := eng.Connect(ctx)
	tx, _ := c.Begin(ctx)
	_ = tx
	eng.Dispose()
	if n := d.OpenConns(); n != 1 {
		t.Fatalf("%d connections open after Dispose with one checked out, want 1", n)
	}
	c.Close()
	if n := d.OpenConns(); n != 0 {
		t.Fatalf("%d connections open after the last Close", n)
	}
	evs := d.EventsOf(fakeConnID(d))
	if len(evs) < 2 || evs[len(evs)-2].Op != fakedriver.OpRollback {
		t.Fatalf("the open transaction was not rolled back before closing: %v", evs)
	}
}

// fakeConnID returns the ID of the last connection that began a transaction.
func fakeConnID(d *fakedriver.Driver) int {
	id := 0
	for _, e := range d.Events() {
		if e.Op == fakedriver.OpBegin {
			id = e.Conn
		}
	}
	return id
}

// TestServerKillsConnection: the real thing on PostgreSQL and MariaDB: the server
// ends a pooled connection (pg_terminate_backend, KILL).
func TestServerKillsConnection(t *testing.T) {
	t.Parallel()
	kill := map[string]string{
		testdb.PostgreSQL: "select pg_terminate_backend(:id)",
		testdb.MySQL:      "kill :id",
	}
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		ctx := context.Background()
		killer := newEngine(t, tg.URL, alchemy.PoolClass(alchemy.NullPool))
		gone := map[string]string{
			testdb.PostgreSQL: "select count(*) from pg_stat_activity where pid = :id",
			testdb.MySQL:      "select count(*) from information_schema.processlist where id = :id",
		}
		killSession := func(id int64) {
			t.Helper()
			mustExec(t, killer, kill[tg.Name], id)
			for deadline := time.Now().Add(5 * time.Second); scalarInt(t, killer, gone[tg.Name], id) != 0; {
				if time.Now().After(deadline) {
					t.Fatalf("session %d still there 5s after it was killed", id)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		killIdle := func(eng *alchemy.Engine) int64 {
			t.Helper()
			c, err := eng.Connect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			id := serverID(t, tg, c)
			c.Close()
			killSession(id)
			return id
		}

		t.Run("idle, pre-ping", func(t *testing.T) {
			eng := newEngine(t, tg.URL, alchemy.PoolPrePing(true))
			old := killIdle(eng)
			c, err := eng.Connect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if id := serverID(t, tg, c); id == old {
				t.Fatal("pre-ping handed out the killed session")
			}
			if st := eng.PoolStatus(); st.PingsFailed != 1 {
				t.Errorf("%+v", st)
			}
		})

		t.Run("idle, no pre-ping", func(t *testing.T) {
			eng := newEngine(t, tg.URL)
			old := killIdle(eng)
			c, err := eng.Connect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_, err = c.Execute(ctx, alchemy.Text("select 1"))
			if !errors.Is(err, alchemy.ErrDisconnect) || !c.Invalidated() {
				t.Fatalf("statement on a killed session: %v (invalidated %v), want ErrDisconnect", err, c.Invalidated())
			}
			if id := serverID(t, tg, c); id == old {
				t.Fatal("the killed session is still in use")
			}
		})

		t.Run("in a transaction", func(t *testing.T) {
			eng := newEngine(t, tg.URL)
			table := itemsTable(t, eng, tg)
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
			killSession(serverID(t, tg, c))
			_, err = c.Execute(ctx, alchemy.Text("insert into "+table+" (name) values ('lost too')"))
			if !errors.Is(err, alchemy.ErrDisconnect) {
				t.Fatalf("statement on a killed session: %v", err)
			}
			if _, err := c.Execute(ctx, alchemy.Text("insert into "+table+" (name) values ('outside')")); !errors.Is(err, alchemy.ErrPendingRollback) {
				t.Fatalf("statement after the disconnect: %v, want ErrPendingRollback", err)
			}
			if err := tx.Commit(ctx); !errors.Is(err, alchemy.ErrPendingRollback) {
				t.Fatalf("Commit: %v", err)
			}
			if err := tx.Rollback(ctx); err != nil {
				t.Fatal(err)
			}
			mustExec(t, c, "select 1")
			if n := countFromOther(t, eng, table); n != 0 {
				t.Fatalf("%d rows", n)
			}
		})
	}, testdb.PostgreSQL, testdb.MySQL)
}

// TestDeadContextKeepsConnection: a context that has already ended before the call
// sends nothing (database/sql checks it first), so there is no reason to throw the
// connection away; a request cancelled upstream must not churn the pool.
func TestDeadContextKeepsConnection(t *testing.T) {
	t.Parallel()
	d, eng := newFake(t)
	c, err := eng.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	mustExec(t, c, "select 1")
	dead, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Execute(dead, alchemy.Text("update t set x = 1"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Execute with a cancelled context: %v", err)
	}
	for _, s := range d.Statements() {
		if s == "update t set x = 1" {
			t.Fatal("the statement reached the driver")
		}
	}
	// BUG(lead): Conn.fail invalidates whenever ctx.Err() != nil, even when
	// database/sql refused to start because the context was already done.
	if c.Invalidated() || eng.PoolStatus().Invalidated != 0 {
		t.Errorf("a connection that sent nothing was invalidated")
	}
}

// TestDeadContextKeepsConnectionPostgres: the same on PostgreSQL, where pgx refuses
// a call whose context has already ended without touching the connection.
func TestDeadContextKeepsConnectionPostgres(t *testing.T) {
	t.Parallel()
	eng := newEngine(t, testdb.URL(t, testdb.PostgreSQL))
	tg := testdb.Target{Name: testdb.PostgreSQL}
	c, err := eng.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	pid := serverID(t, tg, c)
	dead, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Execute(dead, alchemy.Text("select 1")); !errors.Is(err, context.Canceled) {
		t.Fatalf("Execute with a cancelled context: %v", err)
	}
	// BUG(lead): see TestDeadContextKeepsConnection.
	if c.Invalidated() {
		t.Errorf("a connection that sent nothing was invalidated")
	}
	if got := serverID(t, tg, c); got != pid {
		t.Errorf("server session changed from %d to %d", pid, got)
	}
}
