package alchemy_test

import (
	"context"
	"fmt"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialect/postgresql"
	_ "github.com/go-alchemy/alchemy/dialect/sqlite"
)

// The seed's whole arc on the embedded SQLite: an engine made once for its URL, a
// connection checked out and returned, textual SQL with :name binds, a transaction
// block, the method_a / method_b nesting where only the outermost block commits, a
// savepoint, and results read into values and structs.
func Example() {
	ctx := context.Background()
	eng, err := alchemy.CreateEngine("sqlite://") // once per URL, shared by the program
	if err != nil {
		fmt.Println(err)
		return
	}
	defer eng.Dispose()

	// A connection, checked out of the pool and always given back.
	conn, err := eng.Connect(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	conn.Execute(ctx, alchemy.Text("create table users (id integer primary key, name varchar(50))"))
	conn.Execute(ctx, alchemy.Text("insert into users (id, name) values (:id, :name)"),
		[]alchemy.Params{{"id": 1, "name": "jack"}, {"id": 2, "name": "wendy"}}) // executemany
	conn.Close()

	// A transaction block: commits when the function returns nil.
	err = eng.RunInTx(ctx, func(conn *alchemy.Conn) error {
		_, err := conn.Execute(ctx, alchemy.Text("update users set name = :name where id = :id"),
			alchemy.Params{"id": 1, "name": "jack sparrow"})
		return err
	})
	fmt.Println("block:", err)

	// method_a calls method_b: method_b's Begin joins method_a's transaction, and
	// only method_a's Commit commits.
	methodB := func(conn *alchemy.Conn) error {
		tx, err := conn.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx) // does nothing once committed
		if _, err := conn.Execute(ctx, alchemy.Text("insert into users (id, name) values (3, 'ed')")); err != nil {
			return err
		}
		return tx.Commit(ctx) // not yet: the outer transaction is still open
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
		// A savepoint: its rollback undoes only what ran inside it.
		sp, err := conn.BeginNested(ctx)
		if err != nil {
			return err
		}
		conn.Execute(ctx, alchemy.Text("delete from users"))
		sp.Rollback(ctx)
		return tx.Commit(ctx) // commits here
	}
	conn, err = eng.Connect(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("method_a:", methodA(conn))
	conn.Close()

	// Results: connectionless execution gives its connection back once read.
	res, err := eng.Execute(ctx, alchemy.Text("select id, name from users order by id"))
	if err != nil {
		fmt.Println(err)
		return
	}
	type user struct {
		ID   int    `db:"id"`
		Name string `db:"name"`
	}
	users, err := alchemy.All[user](res)
	fmt.Println(users, err)
	// Output:
	// block: <nil>
	// method_a: <nil>
	// [{1 jack sparrow} {2 wendy} {3 ed}] <nil>
}

// The snippet at the top of README.md, kept here so that it compiles. It has no
// Output: it needs a PostgreSQL server, so go test compiles it without running it.
func Example_readme() {
	ctx := context.Background()
	eng, err := alchemy.CreateEngine("postgresql://scott:tiger@localhost/test",
		alchemy.PoolSize(20), alchemy.MaxOverflow(10), alchemy.PoolPrePing(true))
	if err != nil {
		return
	}
	defer eng.Dispose()

	conn, err := eng.Connect(ctx) // checked out of the pool
	if err != nil {
		return
	}
	defer conn.Close() // back to the pool, rolled back if needed
	res, err := conn.Execute(ctx, alchemy.Text("select name from users where id = :id"),
		alchemy.Params{"id": 5})
	if err != nil {
		return
	}
	name, err := alchemy.Scalar[string](res)
	fmt.Println(name, err)

	err = eng.RunInTx(ctx, func(conn *alchemy.Conn) error { return nil }) // commit, or rollback on error/panic
	fmt.Println(err)
}
