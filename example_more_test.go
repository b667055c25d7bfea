package alchemy_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/expr"
)

func ExampleCreateEngineURL() {
	u, err := alchemy.ParseURL("sqlite://")
	if err != nil {
		fmt.Println(err)
		return
	}
	// The With methods return a copy: u itself is unchanged.
	mem := u.WithDatabase(":memory:").WithQuery("foreign_keys", "on")
	eng, err := alchemy.CreateEngineURL(mem)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer eng.Dispose()
	// A URL's String, and so the engine's, hides the password: both are safe to log.
	fmt.Println(u)
	fmt.Println(eng.URL())
	fmt.Println(eng)
	// Output:
	// sqlite://
	// sqlite:///:memory:?foreign_keys=on
	// Engine(sqlite:///:memory:?foreign_keys=on)
}

func ExampleEngine_Connect() {
	eng := exampleEngine()
	defer eng.Dispose()
	ctx := context.Background()

	conn, err := eng.Connect(ctx) // checked out of the pool
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := conn.Execute(ctx, alchemy.Text("select count(*) from users"))
	if err != nil {
		fmt.Println(err)
		return
	}
	n, err := alchemy.Scalar[int](res)
	fmt.Println(n, err, "checked out:", eng.PoolStatus().CheckedOut)
	conn.Close() // back to the pool; usually deferred
	fmt.Println("checked out:", eng.PoolStatus().CheckedOut)
	// Output:
	// 2 <nil> checked out: 1
	// checked out: 0
}

// A RunInTx inside an open transaction joins it: its nil return commits nothing,
// and only the outermost block decides.
func ExampleConn_RunInTx() {
	eng := exampleEngine()
	defer eng.Dispose()
	ctx := context.Background()
	conn, _ := eng.Connect(ctx)
	defer conn.Close()

	addUser := func(conn *alchemy.Conn) error {
		return conn.RunInTx(ctx, func(conn *alchemy.Conn) error {
			_, err := conn.Execute(ctx, alchemy.Text("insert into users (id, name) values (3, 'ed')"))
			return err
		})
	}
	err := conn.RunInTx(ctx, func(conn *alchemy.Conn) error {
		if err := addUser(conn); err != nil {
			return err
		}
		fmt.Println("still in a transaction:", conn.InTransaction())
		return errors.New("outer block fails")
	})
	fmt.Println(err)

	res, _ := conn.Execute(ctx, alchemy.Text("select count(*) from users"))
	n, _ := alchemy.Scalar[int](res)
	fmt.Println("users:", n)
	// Output:
	// still in a transaction: true
	// outer block fails
	// users: 2
}

// Executemany: one argument that is a slice of parameter sets runs the statement once
// for each, and RowsAffected is the total.
func ExampleConn_Execute() {
	eng := exampleEngine()
	defer eng.Dispose()
	ctx := context.Background()
	conn, _ := eng.Connect(ctx)
	defer conn.Close()
	insert := alchemy.Text("insert into users (id, name) values (:id, :name)")

	res, err := conn.Execute(ctx, insert, []alchemy.Params{
		{"id": 3, "name": "ed"},
		{"id": 4, "name": "mary"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.RowsAffected())

	type user struct {
		ID   int    `db:"id"`
		Name string `db:"name"`
	}
	res, err = conn.Execute(ctx, insert, []user{{5, "fred"}, {6, "sue"}, {7, "tom"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.RowsAffected())
	// Output:
	// 2 <nil>
	// 3 <nil>
}

// Under AUTOCOMMIT there is no transaction: every statement commits on its own, and
// a Rollback has nothing to undo. The options last until the connection goes back to
// the pool.
func ExampleConn_SetExecutionOptions() {
	eng := exampleEngine()
	defer eng.Dispose()
	ctx := context.Background()
	conn, _ := eng.Connect(ctx)
	defer conn.Close()

	opts := conn.ExecutionOptions()
	opts.Isolation = alchemy.Autocommit
	if err := conn.SetExecutionOptions(opts); err != nil {
		fmt.Println(err)
		return
	}
	tx, _ := conn.Begin(ctx)
	conn.Execute(ctx, alchemy.Text("insert into users (id, name) values (3, 'ed')"))
	tx.Rollback(ctx)

	res, _ := conn.Execute(ctx, alchemy.Text("select count(*) from users"))
	n, _ := alchemy.Scalar[int](res)
	fmt.Println(conn.ExecutionOptions().Isolation, "users:", n)
	// Output: AUTOCOMMIT users: 3
}

// IsolationLevel sets the level every connection of the engine starts with;
// Conn.SetExecutionOptions and WithIsolation override it.
func ExampleIsolationLevel() {
	eng, err := alchemy.CreateEngine("sqlite://", alchemy.IsolationLevel(alchemy.Serializable))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer eng.Dispose()
	ctx := context.Background()
	conn, err := eng.Connect(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	fmt.Println(conn.ExecutionOptions().Isolation)

	_, err = alchemy.CreateEngine("sqlite://", alchemy.IsolationLevel("SNAPSHOT"))
	fmt.Println(err)
	// Output:
	// SERIALIZABLE
	// alchemy: unknown isolation level "SNAPSHOT" (want READ UNCOMMITTED, READ COMMITTED, REPEATABLE READ, SERIALIZABLE or AUTOCOMMIT)
}

// WithIsolation sets the level of one transaction. (SQLite runs every transaction
// SERIALIZABLE whatever is asked; PostgreSQL, MySQL and SQL Server set the level.)
func ExampleWithIsolation() {
	eng := exampleEngine()
	defer eng.Dispose()
	ctx := context.Background()

	err := eng.RunInTx(ctx, func(conn *alchemy.Conn) error {
		res, err := conn.Execute(ctx, alchemy.Text("select count(*) from users"))
		if err != nil {
			return err
		}
		n, err := alchemy.Scalar[int](res)
		if err != nil {
			return err
		}
		_, err = conn.Execute(ctx, alchemy.Text("insert into users (id, name) values (:id, 'ed')"), n+1)
		return err
	}, alchemy.WithIsolation(alchemy.Serializable))
	fmt.Println(err)

	res, _ := eng.Execute(ctx, alchemy.Text("select count(*) from users"))
	n, _ := alchemy.Scalar[int](res)
	fmt.Println("users:", n)
	// Output:
	// <nil>
	// users: 3
}

// WithRetry runs the whole block again when it fails with a serialization failure
// or a deadlock (IsSerializationFailure); each failed attempt is rolled back.
func ExampleWithRetry() {
	eng := exampleEngine()
	defer eng.Dispose()
	ctx := context.Background()

	attempts := 0
	err := eng.RunInTx(ctx, func(conn *alchemy.Conn) error {
		attempts++
		if _, err := conn.Execute(ctx, alchemy.Text("insert into users (id, name) values (3, 'ed')")); err != nil {
			return err
		}
		if attempts == 1 { // what PostgreSQL reports when a concurrent transaction wins
			return &alchemy.Error{Op: "commit", Code: "40001", SerializationFailure: true,
				Err: errors.New("could not serialize access due to concurrent update")}
		}
		return nil
	}, alchemy.WithRetry(alchemy.RetryPolicy{MaxAttempts: 3}))
	fmt.Println("attempts:", attempts, err)

	res, _ := eng.Execute(ctx, alchemy.Text("select count(*) from users"))
	n, _ := alchemy.Scalar[int](res)
	fmt.Println("users:", n)
	// Output:
	// attempts: 2 <nil>
	// users: 3
}

// A Transact inside another one opens a savepoint with WithSavepoint: its failure
// rolls back its own work only, and the outer transaction goes on.
func ExampleWithSavepoint() {
	eng := exampleEngine()
	defer eng.Dispose()
	ctx := context.Background()

	err := alchemy.Transact(ctx, eng, func(ctx context.Context) error {
		eng.Execute(ctx, alchemy.Text("insert into users (id, name) values (3, 'ed')"))
		err := alchemy.Transact(ctx, eng, func(ctx context.Context) error {
			eng.Execute(ctx, alchemy.Text("insert into users (id, name) values (4, 'mary')"))
			return errors.New("mary is not welcome")
		}, alchemy.WithSavepoint())
		fmt.Println("inner:", err)
		return nil
	})
	fmt.Println("outer:", err)

	res, _ := eng.Execute(ctx, alchemy.Text("select name from users order by id"))
	names, _ := alchemy.Scalars[string](res)
	fmt.Println(names)
	// Output:
	// inner: mary is not welcome
	// outer: <nil>
	// [jack wendy ed]
}

// A context that carries a connection makes Engine.Execute run on it, inside the
// transaction open there: code below takes only ctx and the engine.
func ExampleContextWithConn() {
	eng := exampleEngine()
	defer eng.Dispose()
	ctx := context.Background()

	addUser := func(ctx context.Context, id int, name string) error {
		_, err := eng.Execute(ctx, alchemy.Text("insert into users (id, name) values (:id, :name)"), id, name)
		return err
	}

	conn, _ := eng.Connect(ctx)
	defer conn.Close() // the caller still owns conn
	tx, _ := conn.Begin(ctx)
	txCtx := alchemy.ContextWithConn(ctx, conn)
	fmt.Println(addUser(txCtx, 3, "ed"))
	tx.Rollback(ctx) // undoes addUser's insert

	res, _ := conn.Execute(ctx, alchemy.Text("select count(*) from users"))
	n, _ := alchemy.Scalar[int](res)
	fmt.Println("users:", n)
	// Output:
	// <nil>
	// users: 2
}

func ExampleConnFromContext() {
	eng := exampleEngine()
	defer eng.Dispose()
	ctx := context.Background()

	_, ok := alchemy.ConnFromContext(ctx, eng)
	fmt.Println("outside:", ok)
	alchemy.Transact(ctx, eng, func(ctx context.Context) error {
		conn, ok := alchemy.ConnFromContext(ctx, eng) // the block's connection
		fmt.Println("inside:", ok, conn.InTransaction())
		return nil
	})
	// Output:
	// outside: false
	// inside: true true
}

func ExampleFirst() {
	eng := exampleEngine()
	defer eng.Dispose()
	ctx := context.Background()

	res, _ := eng.Execute(ctx, alchemy.Text("select name from users order by id desc"))
	name, err := alchemy.First[string](res) // the other rows are not read
	fmt.Println(name, err)

	res, _ = eng.Execute(ctx, alchemy.Text("select name from users where id > :id"), 99)
	_, err = alchemy.First[string](res)
	fmt.Println(errors.Is(err, alchemy.ErrNoRows))
	// Output:
	// wendy <nil>
	// true
}

func ExampleScalar() {
	eng := exampleEngine()
	defer eng.Dispose()

	res, err := eng.Execute(context.Background(), alchemy.Text("select count(*) from users"))
	if err != nil {
		fmt.Println(err)
		return
	}
	n, err := alchemy.Scalar[int64](res)
	fmt.Println(n, err)
	// Output: 2 <nil>
}

func ExampleScalars() {
	eng := exampleEngine()
	defer eng.Dispose()

	res, err := eng.Execute(context.Background(), alchemy.Text("select id from users order by id"))
	if err != nil {
		fmt.Println(err)
		return
	}
	ids, err := alchemy.Scalars[int64](res)
	fmt.Println(ids, err)
	// Output: [1 2] <nil>
}

func ExampleResult_Row() {
	eng := exampleEngine()
	defer eng.Dispose()

	res, err := eng.Execute(context.Background(), alchemy.Text("select id, name from users order by id"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer res.Close()
	for res.Next() {
		row, err := res.Row()
		if err != nil {
			fmt.Println(err)
			return
		}
		name, _ := row.Get("name")
		fmt.Println(row.Values()[0], name, row.Columns())
	}
	if err := res.Err(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 1 jack [id name]
	// 2 wendy [id name]
}

// sqlTracer prints each statement when it is over.
type sqlTracer struct{}

func (sqlTracer) TraceExecuteStart(ctx context.Context, _ *alchemy.Conn, _ alchemy.ExecuteStart) context.Context {
	return ctx
}

func (sqlTracer) TraceExecuteEnd(_ context.Context, _ *alchemy.Conn, end alchemy.ExecuteEnd) {
	fmt.Printf("traced: %s (%d rows)\n", end.SQL, end.Rows)
}

// A tracer implements one or more of the hook interfaces; here ExecuteTracer. The
// end hook of a statement with rows runs when its rows have been read.
func ExampleTracer() {
	eng, err := alchemy.CreateEngine("sqlite://", alchemy.Tracer(sqlTracer{}))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer eng.Dispose()
	ctx := context.Background()

	eng.Execute(ctx, alchemy.Text("create table users (id integer primary key, name varchar(50))"))
	eng.Execute(ctx, alchemy.Text("insert into users (id, name) values (:id, :name)"),
		[]alchemy.Params{{"id": 1, "name": "jack"}, {"id": 2, "name": "wendy"}})
	res, _ := eng.Execute(ctx, alchemy.Text("select name from users where id > :id"), 0)
	fmt.Println("executed")
	names, _ := alchemy.Scalars[string](res)
	fmt.Println(names)
	// Output:
	// traced: create table users (id integer primary key, name varchar(50)) (0 rows)
	// traced: insert into users (id, name) values (?, ?) (2 rows)
	// executed
	// traced: select name from users where id > ? (2 rows)
	// [jack wendy]
}

// printErrors is an ErrorHandler: it prints each driver error.
type printErrors struct{}

func (printErrors) HandleError(ev *alchemy.ErrorEvent) {
	fmt.Printf("%s failed: %s (disconnect: %t)\n", ev.Op, ev.Statement, ev.Disconnect)
}

// An ErrorHandler sees every driver error before the engine acts on it, and may
// decide whether it counts as a lost connection (ev.Disconnect).
func ExampleErrorHandler() {
	eng, err := alchemy.CreateEngine("sqlite://", alchemy.Tracer(printErrors{}))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer eng.Dispose()

	_, err = eng.Execute(context.Background(), alchemy.Text("select * from no_such_table"))
	var aerr *alchemy.Error
	if errors.As(err, &aerr) {
		fmt.Println("returned:", aerr.Op, aerr.Statement)
	}
	// Output:
	// execute failed: select * from no_such_table (disconnect: false)
	// returned: execute select * from no_such_table
}

func ExampleEngine_PoolStatus() {
	eng := exampleEngine()
	defer eng.Dispose()
	ctx := context.Background()

	conn, _ := eng.Connect(ctx)
	st := eng.PoolStatus()
	fmt.Println(st.Kind, "open:", st.Open, "checked out:", st.CheckedOut)
	conn.Close()
	st = eng.PoolStatus()
	fmt.Println(st.Kind, "open:", st.Open, "checked out:", st.CheckedOut)
	// Output:
	// StaticPool open: 1 checked out: 1
	// StaticPool open: 1 checked out: 0
}

// A Text built afresh for each call is compiled once: the engine caches the
// compiled form under its SQL.
func ExampleEngine_CacheStats() {
	eng := exampleEngine()
	defer eng.Dispose()
	ctx := context.Background()

	before := eng.CacheStats()
	for id := 1; id <= 3; id++ {
		res, err := eng.Execute(ctx, alchemy.Text("select name from users where id = :id"), id)
		if err != nil {
			fmt.Println(err)
			return
		}
		res.Close()
	}
	after := eng.CacheStats()
	fmt.Println("misses:", after.Misses-before.Misses, "hits:", after.Hits-before.Hits)
	fmt.Println("capacity:", after.Capacity)
	// Output:
	// misses: 1 hits: 2
	// capacity: 500
}

// countUsers runs on whatever it is given: the engine, a held connection, or a
// transaction's connection.
func countUsers(ctx context.Context, ex alchemy.Executor) (int, error) {
	res, err := ex.Execute(ctx, alchemy.Text("select count(*) from users"))
	if err != nil {
		return 0, err
	}
	return alchemy.Scalar[int](res)
}

func ExampleExecutor() {
	eng := exampleEngine()
	defer eng.Dispose()
	ctx := context.Background()

	fmt.Println(countUsers(ctx, eng))
	eng.RunInTx(ctx, func(conn *alchemy.Conn) error {
		conn.Execute(ctx, alchemy.Text("insert into users (id, name) values (3, 'ed')"))
		fmt.Println(countUsers(ctx, conn)) // sees the transaction's own insert
		return errors.New("roll back")
	})
	fmt.Println(countUsers(ctx, eng))
	// Output:
	// 2 <nil>
	// 3 <nil>
	// 2 <nil>
}

// The expression language through the engine: a table declared as a struct of
// typed columns, created with CreateAll, written with Insert and Update, and read
// back into structs with All. A statement rebuilt for each request with other
// values has the same shape, so the engine compiles it once.
func Example_expressionLanguage() {
	ctx := context.Background()
	eng, err := alchemy.CreateEngine("sqlite://")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer eng.Dispose()

	type Users struct {
		*expr.Table
		ID   expr.Column[int64]
		Name expr.Column[string]
		Age  expr.Column[int64]
	}
	md := expr.NewMetaData()
	t := md.NewTable("users")
	users := Users{Table: t,
		ID:   expr.NewColumn(t, "id", expr.Integer, expr.PrimaryKey()),
		Name: expr.NewColumn(t, "name", expr.String(50), expr.NotNull()),
		Age:  expr.NewColumn(t, "age", expr.Integer),
	}
	if err := expr.CreateAll(ctx, eng, md); err != nil {
		fmt.Println(err)
		return
	}

	_, err = eng.Execute(ctx, users.Insert().Values(
		expr.Params{"name": "ed", "age": int64(30)},
		expr.Params{"name": "wendy", "age": int64(25)},
		expr.Params{"name": "jack", "age": int64(17)},
	))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := eng.Execute(ctx, users.Update().
		Set(users.Age, expr.Add(users.Age, expr.Value[int64](1))).
		Where(users.Name.Eq("jack")))
	if err != nil {
		fmt.Println(err)
		return
	}
	n, err := res.RowsAffected()
	fmt.Println("updated:", n, err)

	type User struct {
		ID   int64  `db:"id"`
		Name string `db:"name"`
	}
	before := eng.CacheStats()
	for _, minAge := range []int64{18, 26} {
		res, err := eng.Execute(ctx, users.Select(users.ID, users.Name).
			Where(users.Age.Ge(minAge)).
			OrderBy(users.Name.Asc()))
		if err != nil {
			fmt.Println(err)
			return
		}
		adults, err := alchemy.All[User](res) // reads every row and closes res
		fmt.Println(minAge, adults, err)
	}
	after := eng.CacheStats()
	fmt.Println("compiled:", after.Misses-before.Misses, "reused:", after.Hits-before.Hits)
	// Output:
	// updated: 1 <nil>
	// 18 [{1 ed} {3 jack} {2 wendy}] <nil>
	// 26 [{1 ed}] <nil>
	// compiled: 1 reused: 1
}
