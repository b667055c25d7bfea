package alchemy_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialect/sqlite"
)

// exampleEngine makes an SQLite memory engine with a users table.
func exampleEngine() *alchemy.Engine {
	eng, err := alchemy.CreateEngine("sqlite://")
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	for _, s := range []string{
		"create table users (id integer primary key, name varchar(50))",
		"insert into users (id, name) values (1, 'jack'), (2, 'wendy')",
	} {
		if _, err := eng.Execute(ctx, alchemy.Text(s)); err != nil {
			panic(err)
		}
	}
	return eng
}

func ExampleCreateEngine() {
	eng, err := alchemy.CreateEngine("sqlite://") // a memory database
	if err != nil {
		fmt.Println(err)
		return
	}
	defer eng.Dispose()
	ctx := context.Background()

	conn, err := eng.Connect(ctx) // checked out of the pool
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close() // back to the pool

	conn.Execute(ctx, alchemy.Text("create table users (id integer primary key, name varchar(50))"))
	conn.Execute(ctx, alchemy.Text("insert into users (id, name) values (:id, :name)"), alchemy.Params{"id": 1, "name": "jack"})
	res, err := conn.Execute(ctx, alchemy.Text("select name from users where id = :id"), 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	for res.Next() {
		var name string
		res.Scan(&name)
		fmt.Println("username:", name)
	}
	if err := res.Err(); err != nil {
		fmt.Println(err)
	}
	fmt.Println(eng.PoolStatus().Kind)
	// Output:
	// username: jack
	// StaticPool
}

func ExampleEngine_Execute() {
	eng := exampleEngine()
	defer eng.Dispose()

	// Connectionless: the connection goes back to the pool when the rows are read.
	res, err := eng.Execute(context.Background(), alchemy.Text("select name from users order by id"))
	if err != nil {
		fmt.Println(err)
		return
	}
	names, err := alchemy.Scalars[string](res)
	fmt.Println(names, err, eng.PoolStatus().CheckedOut)
	// Output: [jack wendy] <nil> 0
}

func ExampleEngine_RunInTx() {
	eng := exampleEngine()
	defer eng.Dispose()
	ctx := context.Background()

	// Commits when fn returns nil...
	err := eng.RunInTx(ctx, func(conn *alchemy.Conn) error {
		_, err := conn.Execute(ctx, alchemy.Text("insert into users (id, name) values (:id, :name)"), 3, "ed")
		return err
	})
	fmt.Println("first:", err)

	// ...and rolls back when it returns an error.
	err = eng.RunInTx(ctx, func(conn *alchemy.Conn) error {
		if _, err := conn.Execute(ctx, alchemy.Text("delete from users")); err != nil {
			return err
		}
		return errors.New("changed my mind")
	})
	fmt.Println("second:", err)

	res, _ := eng.Execute(ctx, alchemy.Text("select count(*) from users"))
	n, _ := alchemy.Scalar[int](res)
	fmt.Println("users:", n)
	// Output:
	// first: <nil>
	// second: changed my mind
	// users: 3
}

// The seed's method_a and method_b: a Begin inside an open transaction joins it,
// and only the outermost Commit commits.
func ExampleConn_Begin() {
	eng := exampleEngine()
	defer eng.Dispose()
	ctx := context.Background()

	methodB := func(conn *alchemy.Conn) error {
		tx, err := conn.Begin(ctx) // joins method_a's transaction
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx) // does nothing once committed
		if _, err := conn.Execute(ctx, alchemy.Text("insert into users (id, name) values (3, 'bat')")); err != nil {
			return err
		}
		return tx.Commit(ctx) // not committed yet
	}
	methodA := func(conn *alchemy.Conn) error {
		tx, err := conn.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if err := methodB(conn); err != nil {
			return err
		}
		fmt.Println("in a transaction after method_b:", conn.InTransaction())
		return tx.Commit(ctx) // committed here
	}

	conn, _ := eng.Connect(ctx)
	defer conn.Close()
	fmt.Println(methodA(conn), conn.InTransaction())
	// Output:
	// in a transaction after method_b: true
	// <nil> false
}

func ExampleConn_BeginNested() {
	eng := exampleEngine()
	defer eng.Dispose()
	ctx := context.Background()
	conn, _ := eng.Connect(ctx)
	defer conn.Close()

	tx, _ := conn.Begin(ctx)
	conn.Execute(ctx, alchemy.Text("insert into users (id, name) values (3, 'kept')"))
	sp, _ := conn.BeginNested(ctx) // SAVEPOINT
	conn.Execute(ctx, alchemy.Text("insert into users (id, name) values (4, 'undone')"))
	sp.Rollback(ctx) // ROLLBACK TO SAVEPOINT
	tx.Commit(ctx)

	res, _ := conn.Execute(ctx, alchemy.Text("select name from users order by id"))
	names, _ := alchemy.Scalars[string](res)
	fmt.Println(names)
	// Output: [jack wendy kept]
}

func ExampleTransact() {
	eng := exampleEngine()
	defer eng.Dispose()
	ctx := context.Background()

	// Code below Transact runs in its transaction by passing ctx on, as the seed's
	// threadlocal strategy does.
	rename := func(ctx context.Context, id int, name string) error {
		_, err := eng.Execute(ctx, alchemy.Text("update users set name = :name where id = :id"), alchemy.Params{"id": id, "name": name})
		return err
	}
	err := alchemy.Transact(ctx, eng, func(ctx context.Context) error {
		if err := rename(ctx, 1, "ed"); err != nil {
			return err
		}
		// A nested Transact with a savepoint fails on its own.
		err := alchemy.Transact(ctx, eng, func(ctx context.Context) error {
			rename(ctx, 2, "nobody")
			return errors.New("no")
		}, alchemy.WithSavepoint())
		fmt.Println("inner:", err)
		return nil
	})
	fmt.Println("outer:", err)

	res, _ := eng.Execute(ctx, alchemy.Text("select name from users order by id"))
	names, _ := alchemy.Scalars[string](res)
	fmt.Println(names)
	// Output:
	// inner: no
	// outer: <nil>
	// [ed wendy]
}

func ExampleAll() {
	eng := exampleEngine()
	defer eng.Dispose()

	type User struct {
		ID   int64  `db:"id"`
		Name string `db:"name"`
	}
	res, err := eng.Execute(context.Background(), alchemy.Text("select id, name from users order by id"))
	if err != nil {
		fmt.Println(err)
		return
	}
	users, err := alchemy.All[User](res)
	fmt.Printf("%+v %v\n", users, err)
	// Output: [{ID:1 Name:jack} {ID:2 Name:wendy}] <nil>
}

func ExampleOne() {
	eng := exampleEngine()
	defer eng.Dispose()
	ctx := context.Background()

	res, _ := eng.Execute(ctx, alchemy.Text("select id, name from users where id = :id"), 2)
	row, err := alchemy.One[alchemy.Row](res)
	name, _ := row.Get("name")
	fmt.Println(name, row.Values()[0], err)

	res, _ = eng.Execute(ctx, alchemy.Text("select id from users where id = :id"), 99)
	_, err = alchemy.One[alchemy.Row](res)
	fmt.Println(errors.Is(err, alchemy.ErrNoRows))
	// Output:
	// wendy 2 <nil>
	// true
}
