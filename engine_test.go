package alchemy_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/internal/fakedriver"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/pool"
)

func TestCreateEngineDefaultPool(t *testing.T) {
	t.Parallel()
	d, eng := newFake(t)
	st := eng.PoolStatus()
	if st.Kind != "QueuePool" || st.Size != 5 || st.MaxOverflow != 10 {
		t.Fatalf("default pool: got %s size %d overflow %d, want QueuePool size 5 overflow 10", st.Kind, st.Size, st.MaxOverflow)
	}
	if d.Opened() != 0 {
		t.Fatalf("CreateEngine opened %d connections, want none before the first Connect", d.Opened())
	}
	if got := eng.Dialect().Name(); got != "fake" {
		t.Errorf("Dialect().Name() = %q", got)
	}

	single := fakedriver.New()
	t.Cleanup(single.Close)
	seng := newEngine(t, single.URL("single=true"))
	if k := seng.PoolStatus().Kind; k != "StaticPool" {
		t.Fatalf("single-connection database: pool %s, want StaticPool", k)
	}
	// A pool chosen by the caller wins over the dialect's preference.
	qeng := newEngine(t, single.URL("single=true"), alchemy.PoolClass(alchemy.QueuePool))
	if k := qeng.PoolStatus().Kind; k != "QueuePool" {
		t.Fatalf("PoolClass(QueuePool) on a single-connection database: pool %s", k)
	}
}

// TestSQLiteMemoryStaticPool: sqlite:// is a memory database that lives in one
// connection; every Conn of the engine must see the same database.
func TestSQLiteMemoryStaticPool(t *testing.T) {
	t.Parallel()
	for _, url := range []string{"sqlite://", "sqlite:///:memory:"} {
		t.Run(url, func(t *testing.T) {
			eng := newEngine(t, url)
			if k := eng.PoolStatus().Kind; k != "StaticPool" {
				t.Fatalf("%s: pool %s, want StaticPool", url, k)
			}
			ctx := context.Background()
			c1, err := eng.Connect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer c1.Close()
			c2, err := eng.Connect(ctx) // held at the same time as c1
			if err != nil {
				t.Fatal(err)
			}
			defer c2.Close()
			mustExec(t, c1, "create table shared (x integer)")
			mustExec(t, c1, "insert into shared values (7)")
			if n := scalarInt(t, c2, "select x from shared"); n != 7 {
				t.Fatalf("second connection read %d, want 7", n)
			}
			if n := scalarInt(t, eng, "select count(*) from shared"); n != 1 {
				t.Fatalf("connectionless execution read %d rows, want 1", n)
			}
			if st := eng.PoolStatus(); st.CheckedOut != 2 || st.Created != 1 {
				t.Fatalf("StaticPool status %+v: want 2 checked out over 1 connection", st)
			}
		})
	}

	// With a QueuePool each connection would be a database of its own: this is why
	// StaticPool is the default.
	eng := newEngine(t, "sqlite://", alchemy.PoolClass(alchemy.QueuePool))
	ctx := context.Background()
	c1, _ := eng.Connect(ctx)
	defer c1.Close()
	c2, _ := eng.Connect(ctx)
	defer c2.Close()
	mustExec(t, c1, "create table only_here (x integer)")
	if _, err := c2.Execute(ctx, alchemy.Text("select * from only_here")); err == nil {
		t.Fatal("a QueuePool over sqlite:// shared one memory database between connections")
	}
}

func TestCreateEnginePoolKinds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("NullPool", func(t *testing.T) {
		d, eng := newFake(t, alchemy.PoolClass(alchemy.NullPool))
		if k := eng.PoolStatus().Kind; k != "NullPool" {
			t.Fatalf("pool %s", k)
		}
		for i := 0; i < 2; i++ {
			c, err := eng.Connect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			mustExec(t, c, "select 1")
			c.Close()
			if n := d.OpenConns(); n != 0 {
				t.Fatalf("NullPool kept %d connections open after Close", n)
			}
		}
		if n := d.Opened(); n != 2 {
			t.Fatalf("NullPool made %d connections for 2 checkouts, want 2", n)
		}
	})

	t.Run("StaticPool", func(t *testing.T) {
		d, eng := newFake(t, alchemy.PoolClass(alchemy.StaticPool))
		c1, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c1.Close()
		c2, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c2.Close()
		if a, b := fakeConn(t, c1).ID(), fakeConn(t, c2).ID(); a != b || d.Opened() != 1 {
			t.Fatalf("StaticPool gave connections %d and %d (%d made), want one shared", a, b, d.Opened())
		}
	})

	t.Run("AssertionPool", func(t *testing.T) {
		_, eng := newFake(t, alchemy.PoolClass(alchemy.AssertionPool))
		c1, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, err = eng.Connect(ctx)
		if !errors.Is(err, pool.ErrAssertion) {
			t.Fatalf("second checkout of an AssertionPool: %v, want ErrAssertion", err)
		}
		c1.Close()
		c3, err := eng.Connect(ctx)
		if err != nil {
			t.Fatalf("checkout after the first came back: %v", err)
		}
		c3.Close()
	})
}

// TestQueuePoolOptions: size, overflow and timeout, as Status shows them and as a
// checkout beyond them fails, on every database.
func TestQueuePoolOptions(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL, alchemy.PoolSize(2), alchemy.MaxOverflow(1), alchemy.PoolTimeout(time.Second))
		st := eng.PoolStatus()
		if st.Kind != "QueuePool" || st.Size != 2 || st.MaxOverflow != 1 {
			t.Fatalf("status %+v: want QueuePool size 2 overflow 1", st)
		}
		ctx := context.Background()
		var held []*alchemy.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for i := 0; i < 3; i++ {
			c, err := eng.Connect(ctx)
			if err != nil {
				t.Fatalf("checkout %d: %v", i+1, err)
			}
			mustExec(t, c, "select 1")
			held = append(held, c)
		}
		st = eng.PoolStatus()
		if st.CheckedOut != 3 || st.Open != 3 || st.Overflow != 1 || st.CheckedIn != 0 {
			t.Fatalf("3 checked out: status %+v", st)
		}
		start := time.Now()
		_, err := eng.Connect(ctx)
		waited := time.Since(start)
		if !errors.Is(err, alchemy.ErrPoolTimeout) {
			t.Fatalf("checkout beyond size+overflow: %v, want ErrPoolTimeout", err)
		}
		if !strings.Contains(err.Error(), "limit of size 2 overflow 1 reached") {
			t.Errorf("timeout error %q does not say which limit was reached", err)
		}
		if waited < 950*time.Millisecond || waited > 5*time.Second {
			t.Errorf("the checkout waited %v, want about the 1s pool timeout", waited)
		}
		if st := eng.PoolStatus(); st.Timeouts != 1 || st.Waiters != 0 {
			t.Errorf("after the timeout: %+v", st)
		}
		for _, c := range held {
			c.Close()
		}
		held = nil
		st = eng.PoolStatus()
		if st.CheckedOut != 0 || st.CheckedIn != 2 || st.Open != 2 {
			t.Fatalf("all returned: status %+v, want 2 idle (the overflow one closed)", st)
		}
	})
}

// TestPoolOptionsReachPool: recycle, pre-ping, LIFO, reset-on-return and checkout
// tracking, seen through what the fake connections went through.
func TestPoolOptionsReachPool(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	connID := func(t *testing.T, eng *alchemy.Engine) int {
		c, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return fakeConn(t, c).ID()
	}

	t.Run("PoolRecycle", func(t *testing.T) {
		d, eng := newFake(t, alchemy.PoolRecycle(300*time.Millisecond))
		first := connID(t, eng)
		if again := connID(t, eng); again != first {
			t.Fatalf("a young connection was replaced: %d then %d", first, again)
		}
		time.Sleep(350 * time.Millisecond)
		if later := connID(t, eng); later == first {
			t.Fatalf("connection %d outlived PoolRecycle", first)
		}
		if !d.Conns()[first-1].Closed() {
			t.Fatal("the recycled connection was not closed")
		}
	})

	t.Run("PoolRecycleJitter", func(t *testing.T) {
		_, eng := newFake(t, alchemy.PoolRecycle(time.Hour), alchemy.PoolRecycleJitter(time.Minute))
		connID(t, eng)
	})

	t.Run("PoolPrePing", func(t *testing.T) {
		d, eng := newFake(t, alchemy.PoolPrePing(true), alchemy.PoolPingTimeout(time.Second))
		first := connID(t, eng)
		if n := d.Count(fakedriver.OpPing); n != 0 {
			t.Fatalf("a connection made by the checkout was pinged (%d pings)", n)
		}
		d.Conns()[first-1].Kill() // the server went away while it was idle
		c, err := eng.Connect(ctx)
		if err != nil {
			t.Fatalf("checkout after the idle connection died: %v", err)
		}
		mustExec(t, c, "select 1")
		if id := fakeConn(t, c).ID(); id == first {
			t.Fatal("pre-ping handed out the dead connection")
		}
		c.Close()
		if st := eng.PoolStatus(); st.PingsFailed != 1 {
			t.Fatalf("PingsFailed = %d, want 1", st.PingsFailed)
		}
	})

	t.Run("PoolPrePingIdle", func(t *testing.T) {
		d, eng := newFake(t, alchemy.PoolPrePing(true), alchemy.PoolPrePingIdle(time.Hour))
		connID(t, eng)
		connID(t, eng)
		if n := d.Count(fakedriver.OpPing); n != 0 {
			t.Fatalf("a connection idle for less than PoolPrePingIdle was pinged %d times", n)
		}
	})

	t.Run("default idle order is LIFO", func(t *testing.T) {
		_, eng := newFake(t)
		a, _ := eng.Connect(ctx)
		b, _ := eng.Connect(ctx)
		idb := fakeConn(t, b).ID()
		a.Close()
		b.Close()
		for range 3 {
			if got := connID(t, eng); got != idb {
				t.Fatalf("default pool: got connection %d, want the most recently returned, %d", got, idb)
			}
		}
	})

	t.Run("PoolMaxIdleTime", func(t *testing.T) {
		d, eng := newFake(t, alchemy.PoolMaxIdleTime(0))
		first := connID(t, eng)
		if again := connID(t, eng); again != first {
			t.Fatalf("connection %d replaced with PoolMaxIdleTime(0)", first)
		}
		if _, err := alchemy.CreateEngine(d.URL(), alchemy.PoolMaxIdleTime(time.Millisecond)); err == nil ||
			!strings.Contains(err.Error(), "MaxIdleTime") {
			t.Fatalf("PoolMaxIdleTime(1ms): err = %v, want one naming MaxIdleTime", err)
		}
	})

	t.Run("PoolUseLIFO", func(t *testing.T) {
		for _, lifo := range []bool{false, true} {
			_, eng := newFake(t, alchemy.PoolUseLIFO(lifo))
			a, _ := eng.Connect(ctx)
			b, _ := eng.Connect(ctx)
			ida, idb := fakeConn(t, a).ID(), fakeConn(t, b).ID()
			a.Close()
			b.Close()
			want := ida
			if lifo {
				want = idb
			}
			if got := connID(t, eng); got != want {
				t.Fatalf("LIFO=%v: got connection %d, want %d", lifo, got, want)
			}
		}
	})

	t.Run("PoolTrackCheckouts", func(t *testing.T) {
		_, eng := newFake(t, alchemy.PoolClass(alchemy.AssertionPool), alchemy.PoolTrackCheckouts(true))
		c, _ := eng.Connect(ctx)
		defer c.Close()
		_, err := eng.Connect(ctx)
		if err == nil || !strings.Contains(err.Error(), "engine_test.go") {
			t.Fatalf("AssertionPool with tracking: %v, want the first checkout's stack", err)
		}
	})

	t.Run("PoolListener", func(t *testing.T) {
		var mu sync.Mutex
		seen := map[string]int{}
		note := func(s string) { mu.Lock(); seen[s]++; mu.Unlock() }
		_, eng := newFake(t, alchemy.PoolListener(pool.Listener{
			Connect:  func(*pool.Record) { note("connect") },
			Checkout: func(context.Context, *pool.Record) error { note("checkout"); return nil },
			Checkin:  func(*pool.Record) { note("checkin") },
			Reset:    func(*pool.Record, pool.ResetMode) { note("reset") },
		}))
		connID(t, eng)
		connID(t, eng)
		mu.Lock()
		defer mu.Unlock()
		if seen["connect"] != 1 || seen["checkout"] != 2 || seen["checkin"] != 2 || seen["reset"] != 2 {
			t.Fatalf("pool events %v: want 1 connect, 2 checkouts, 2 checkins, 2 resets", seen)
		}
	})
}

func TestCreateEngineCreator(t *testing.T) {
	t.Parallel()
	urlDB, factory := fakedriver.New(), fakedriver.New()
	t.Cleanup(urlDB.Close)
	t.Cleanup(factory.Close)
	calls := 0
	eng := newEngine(t, urlDB.URL(), alchemy.Creator(func(ctx context.Context) (driver.Conn, error) {
		calls++
		return factory.Connect(ctx)
	}))
	mustExec(t, eng, "select 1")
	if calls != 1 || factory.Opened() != 1 || urlDB.Opened() != 0 {
		t.Fatalf("creator called %d times; factory made %d, URL's database %d: want the creator's connection only",
			calls, factory.Opened(), urlDB.Opened())
	}
	if eng.Dialect().Name() != "fake" {
		t.Fatal("with a creator the URL must still choose the dialect")
	}
	if len(urlDB.ConnectArgs()) != 0 {
		t.Fatal("with a creator the dialect's connector must not be asked for one")
	}
}

func TestCreateEngineConnectArgs(t *testing.T) {
	t.Parallel()
	d := fakedriver.New()
	t.Cleanup(d.Close)
	newEngine(t, d.URL(), alchemy.ConnectArgs(map[string]any{"application_name": "billing"}), alchemy.ConnectArgs(map[string]any{"tag": 7}))
	args := d.ConnectArgs()
	if len(args) != 1 || args[0]["application_name"] != "billing" || args[0]["tag"] != 7 {
		t.Fatalf("connect args reaching the dialect: %v", args)
	}

	t.Run("postgresql", func(t *testing.T) {
		t.Parallel()
		url := testdb.URL(t, testdb.PostgreSQL)
		name := uniqueName("app")
		eng := newEngine(t, url, alchemy.ConnectArgs(map[string]any{"application_name": name}))
		res, err := eng.Execute(context.Background(), alchemy.Text(
			"select application_name from pg_stat_activity where pid = pg_backend_pid()"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := alchemy.Scalar[string](res)
		if err != nil || got != name {
			t.Fatalf("application_name in pg_stat_activity: %q, %v; want %q", got, err, name)
		}
	})
}

// TestCreateEngineBadInput: a bad URL, an unknown dialect, a bad option: a clear
// error, never a panic, and never the password.
func TestCreateEngineBadInput(t *testing.T) {
	t.Parallel()
	d := fakedriver.New()
	t.Cleanup(d.Close)
	const pw = "s3cr3t-Pw"
	cases := []struct {
		name string
		url  string
		opts []alchemy.Option
		is   error  // the error must satisfy errors.Is, when set
		says string // the error must contain this
	}{
		{name: "no scheme", url: "scott:" + pw + "@localhost/test", is: dialect.ErrInvalidURL, says: "://"},
		{name: "bad port", url: "postgresql://scott:" + pw + "@localhost:99999/test", is: dialect.ErrInvalidURL, says: "port"},
		{name: "bad escape in password", url: "postgresql://scott:%zz" + pw + "@localhost/test", is: dialect.ErrInvalidURL, says: "password"},
		{name: "unknown dialect", url: "nosuchdb://scott:" + pw + "@localhost/test", is: dialect.ErrUnknownDialect, says: "nosuchdb"},
		{name: "unknown driver", url: "postgresql+nosuchdriver://scott:" + pw + "@localhost/test", is: dialect.ErrUnknownDialect, says: "nosuchdriver"},
		{name: "unknown pg option", url: "postgresql://scott:" + pw + "@localhost/test?no_such_opt%25=1", says: "no_such_opt"},
		{name: "unknown connect arg", url: d.URL(), opts: []alchemy.Option{alchemy.ConnectArgs(map[string]any{"bogus": 1})}, says: "bogus"},
		{name: "no such fake database", url: "fake:///nope", says: "nope"},
		{name: "pool size 0", url: d.URL(), opts: []alchemy.Option{alchemy.PoolSize(0)}, is: pool.ErrInvalidConfig, says: "Size"},
		{name: "negative overflow", url: d.URL(), opts: []alchemy.Option{alchemy.MaxOverflow(-5)}, is: pool.ErrInvalidConfig, says: "MaxOverflow"},
		{name: "negative timeout", url: d.URL(), opts: []alchemy.Option{alchemy.PoolTimeout(-time.Second)}, is: pool.ErrInvalidConfig, says: "Timeout"},
		{name: "jitter without recycle", url: d.URL(), opts: []alchemy.Option{alchemy.PoolRecycleJitter(time.Second)}, is: pool.ErrInvalidConfig, says: "RecycleJitter"},
		{name: "pre-ping idle without pre-ping", url: d.URL(), opts: []alchemy.Option{alchemy.PoolPrePingIdle(time.Second)}, is: pool.ErrInvalidConfig, says: "PrePingIdle"},
		{name: "reset mode", url: d.URL(), opts: []alchemy.Option{alchemy.PoolResetOnReturn(pool.ResetMode(42))}, is: pool.ErrInvalidConfig, says: "ResetOnReturn"},
		{name: "pool kind", url: d.URL(), opts: []alchemy.Option{alchemy.PoolClass(alchemy.PoolKind(99))}, says: "pool kind"},
		{name: "isolation level", url: d.URL(), opts: []alchemy.Option{alchemy.IsolationLevel("SNAPSHOTTY")}, says: "SNAPSHOTTY"},
		{name: "statement timeout", url: d.URL(), opts: []alchemy.Option{alchemy.StatementTimeout(-time.Second)}, says: "StatementTimeout"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			eng, err := alchemy.CreateEngine(tc.url, tc.opts...)
			if err == nil {
				eng.Dispose()
				t.Fatalf("CreateEngine succeeded")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q does not wrap %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %q does not mention %q", err, tc.says)
			}
			if strings.Contains(err.Error(), pw) {
				t.Errorf("error %q shows the password", err)
			}
			if !strings.HasPrefix(err.Error(), "alchemy") {
				t.Errorf("error %q does not start with alchemy", err)
			}
		})
	}

	// A nil option is ignored, not a panic.
	eng := newEngine(t, d.URL(), nil)
	if eng == nil {
		t.Fatal("nil engine")
	}
}

func TestEngineHidesPassword(t *testing.T) {
	t.Parallel()
	url := "postgresql://scott:tiger-pw@localhost:5/test"
	eng := newEngine(t, url)
	for _, s := range []string{eng.String(), eng.URL().String()} {
		if strings.Contains(s, "tiger-pw") {
			t.Errorf("%q shows the password", s)
		}
	}
	if eng.URL().Password != "tiger-pw" || eng.URL().Host != "localhost" {
		t.Errorf("URL() lost its parts: %#v", eng.URL())
	}
	// Connecting fails (nothing listens on port 5): the error carries no password.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := eng.Connect(ctx)
	if err == nil {
		t.Fatal("Connect to port 5 succeeded")
	}
	if strings.Contains(err.Error(), "tiger-pw") {
		t.Errorf("connect error %q shows the password", err)
	}
	if st := eng.PoolStatus(); st.Open != 0 || st.CheckedOut != 0 {
		t.Errorf("a failed connect moved the counts: %+v", st)
	}
}

// TestEngineIsolationLevelOption: isolation_level reaches every transaction.
func TestEngineIsolationLevelOption(t *testing.T) {
	t.Parallel()
	d, eng := newFake(t, alchemy.IsolationLevel(alchemy.Serializable))
	if err := eng.RunInTx(context.Background(), func(c *alchemy.Conn) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if ev := d.Events(); !hasSQL(ev, fakedriver.OpBegin, "BEGIN ISOLATION LEVEL SERIALIZABLE") {
		t.Fatalf("isolation_level SERIALIZABLE: begin events %v", ev)
	}

	t.Run("postgresql", func(t *testing.T) {
		t.Parallel()
		eng := newEngine(t, testdb.URL(t, testdb.PostgreSQL), alchemy.IsolationLevel("serializable"))
		err := eng.RunInTx(context.Background(), func(c *alchemy.Conn) error {
			res, err := c.Execute(context.Background(), alchemy.Text("show transaction_isolation"))
			if err != nil {
				return err
			}
			got, err := alchemy.Scalar[string](res)
			if err == nil && got != "serializable" {
				t.Errorf("SHOW transaction_isolation = %q, want serializable", got)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("mysql", func(t *testing.T) {
		t.Parallel()
		tg := testdb.Target{Name: testdb.MySQL, URL: testdb.URL(t, testdb.MySQL)}
		// MariaDB's default is REPEATABLE READ; under READ COMMITTED a transaction sees
		// a row that another session committed after its first read.
		eng := newEngine(t, tg.URL, alchemy.IsolationLevel(alchemy.ReadCommitted))
		table := itemsTable(t, eng, tg)
		if !seesLaterCommit(t, eng, table) {
			t.Fatal("with isolation_level READ COMMITTED a transaction did not see a later commit")
		}
		def := newEngine(t, tg.URL)
		if seesLaterCommit(t, def, table) {
			t.Fatal("with the default REPEATABLE READ a transaction saw a later commit")
		}
	})
}

func hasSQL(events []fakedriver.Event, op fakedriver.Op, sql string) bool {
	for _, e := range events {
		if e.Op == op && e.SQL == sql {
			return true
		}
	}
	return false
}

// seesLaterCommit begins a transaction on eng with o, counts table's rows, lets
// another connection insert and commit one, counts again, and reports whether the
// second count saw it (a non-repeatable read: READ COMMITTED yes, REPEATABLE READ no).
func seesLaterCommit(t testing.TB, eng *alchemy.Engine, table string, opts ...alchemy.TxOption) bool {
	t.Helper()
	ctx := context.Background()
	c, err := eng.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tx, err := c.Begin(ctx, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	before := scalarInt(t, c, "select count(*) from "+table)
	other, err := eng.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, other, "insert into "+table+" (name) values ('later')")
	other.Close()
	after := scalarInt(t, c, "select count(*) from "+table)
	return after == before+1
}

// TestDefaultExecutionOptions: IsolationLevel and StatementTimeout set the
// execution options every connection starts with.
func TestDefaultExecutionOptions(t *testing.T) {
	t.Parallel()
	d, eng := newFake(t, alchemy.IsolationLevel(alchemy.RepeatableRead), alchemy.StatementTimeout(50*time.Millisecond))
	ctx := context.Background()
	c, err := eng.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.ExecutionOptions(); got.Isolation != alchemy.RepeatableRead || got.Timeout != 50*time.Millisecond {
		t.Fatalf("a new connection's execution options: %+v", got)
	}
	tx, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tx.Rollback(ctx)
	if !hasSQL(d.Events(), fakedriver.OpBegin, "BEGIN ISOLATION LEVEL REPEATABLE READ") {
		t.Fatalf("default isolation level not used: %v", d.Events())
	}
	start := time.Now()
	_, err = c.Execute(ctx, alchemy.Text("sleep"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a statement longer than the default timeout: %v, want DeadlineExceeded", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("the statement ran %v despite a 50ms timeout", el)
	}
	c.Close()

	// Changes to one connection's options are forgotten at its return.
	c, _ = eng.Connect(ctx)
	if err := c.SetExecutionOptions(alchemy.ExecutionOptions{Isolation: alchemy.Autocommit}); err != nil {
		t.Fatal(err)
	}
	c.Close()
	c, _ = eng.Connect(ctx)
	defer c.Close()
	if got := c.ExecutionOptions(); got.Isolation != alchemy.RepeatableRead {
		t.Fatalf("a connection's own options leaked to the next checkout: %+v", got)
	}
	if err := c.SetExecutionOptions(alchemy.ExecutionOptions{Isolation: "WHATEVER"}); err == nil {
		t.Fatal("SetExecutionOptions accepted an unknown isolation level")
	}
}

func TestServerVersion(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL)
		v, err := eng.ServerVersion(context.Background())
		if err != nil || v.Major < 3 || v.Raw == "" {
			t.Fatalf("ServerVersion: %+v, %v", v, err)
		}
		again, err := eng.ServerVersion(context.Background())
		if err != nil || again != v {
			t.Fatalf("second ServerVersion: %+v, %v", again, err)
		}
		if st := eng.PoolStatus(); st.CheckedOut != 0 || st.Created != 1 {
			t.Fatalf("%+v", st)
		}
	})
}

// TestEngineInvalidatePool: InvalidatePool discards every connection made before
// it, idle ones at once and checked-out ones at their checkin, and the engine goes
// on with new connections.
func TestEngineInvalidatePool(t *testing.T) {
	t.Parallel()
	d, eng := newFake(t, alchemy.PoolSize(2), alchemy.MaxOverflow(0))
	ctx := context.Background()
	held, err := eng.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	idle, err := eng.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	idle.Close()
	if st := eng.PoolStatus(); st.Open != 2 || st.CheckedIn != 1 || st.CheckedOut != 1 {
		t.Fatalf("before: %+v", st)
	}

	eng.InvalidatePool(nil)
	if st := eng.PoolStatus(); st.Open != 1 || st.CheckedIn != 0 || st.CheckedOut != 1 || st.Invalidated != 1 || d.OpenConns() != 1 {
		t.Fatalf("after InvalidatePool: %+v, %d driver connections open; want the idle one closed", st, d.OpenConns())
	}
	// The checked-out connection keeps working until it goes back...
	mustExec(t, held, "select 1")
	held.Close()
	// ...and is closed then.
	if st := eng.PoolStatus(); st.Open != 0 || st.CheckedIn != 0 || st.Invalidated != 2 || d.OpenConns() != 0 {
		t.Fatalf("after the checkin: %+v, %d driver connections open", st, d.OpenConns())
	}

	// The engine is not disposed: the next checkout connects anew.
	c, err := eng.Connect(ctx)
	if err != nil {
		t.Fatalf("Connect after InvalidatePool: %v", err)
	}
	mustExec(t, c, "select 1")
	c.Close()
	if d.Opened() != 3 {
		t.Fatalf("%d driver connections made, want 3", d.Opened())
	}
}

// TestEngineDoesNotHandOutItsPool: the engine offers its pool's status and
// invalidation, never a handle with which a caller could check connections in and
// out, or dispose the pool behind the engine.
func TestEngineDoesNotHandOutItsPool(t *testing.T) {
	t.Parallel()
	et := reflect.TypeFor[*alchemy.Engine]()
	for i := range et.NumMethod() {
		m := et.Method(i)
		for j := range m.Type.NumOut() {
			out := m.Type.Out(j)
			if out == et {
				continue
			}
			_, get := out.MethodByName("Get")
			_, put := out.MethodByName("Put")
			_, dispose := out.MethodByName("Dispose")
			if get || put || dispose {
				t.Errorf("Engine.%s returns %v, which has Get, Put or Dispose", m.Name, out)
			}
		}
	}
}
