// Command quickstart walks through alchemy's connection model on the embedded SQLite
// database, with no setup: an engine, connections checked out and returned, text with
// bind parameters, transaction blocks that nest, a savepoint, connectionless
// execution and the pool's status.
//
//	go run ./examples/quickstart                 # SQLite in a temporary file
//	go run ./examples/quickstart -url 'postgresql://alchemy:pw@127.0.0.1/alchemy_test'
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialect/mysql"
	_ "github.com/go-alchemy/alchemy/dialect/postgresql"
	_ "github.com/go-alchemy/alchemy/dialect/sqlite"
)

func main() {
	url := flag.String("url", "", "database URL (default: SQLite in a temporary file)")
	flag.Parse()
	if err := run(context.Background(), *url); err != nil {
		log.Fatal(err)
	}
}

// User is a row of the users table, scanned by its db tags.
type User struct {
	ID   int64  `db:"id"`
	Name string `db:"name"`
}

func run(ctx context.Context, url string) error {
	if url == "" {
		dir, err := os.MkdirTemp("", "alchemy-quickstart")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		url = "sqlite:///" + filepath.Join(dir, "quickstart.db")
	}

	// One engine per database URL, made once and shared.
	eng, err := alchemy.CreateEngine(url, alchemy.PoolSize(5), alchemy.MaxOverflow(2))
	if err != nil {
		return err
	}
	defer eng.Dispose()
	fmt.Println("engine:", eng) // the password, if any, is hidden

	// A connection is checked out of the pool and always returned: defer Close is
	// Go's form of Python's "with engine.connect() as conn".
	conn, err := eng.Connect(ctx)
	if err != nil {
		return err
	}
	for _, q := range []string{
		"drop table if exists users",
		"create table users (id integer primary key, name varchar(50) not null)",
	} {
		if _, err := conn.Execute(ctx, alchemy.Text(q)); err != nil {
			conn.Close()
			return err
		}
	}
	// Outside a transaction each statement commits on its own (autocommit).
	insert := alchemy.Text("insert into users (id, name) values (:id, :name)")
	if _, err := conn.Execute(ctx, insert, alchemy.Params{"id": 1, "name": "jack"}); err != nil {
		conn.Close()
		return err
	}
	// Many parameter sets, one statement.
	res, err := conn.Execute(ctx, insert, []any{
		alchemy.Params{"id": 2, "name": "wendy"},
		User{ID: 3, Name: "mary"},
	})
	if err != nil {
		conn.Close()
		return err
	}
	n, _ := res.RowsAffected()
	fmt.Println("inserted with executemany:", n)
	conn.Close()

	// engine.Begin: commit when the block returns nil, roll back on error or panic.
	err = eng.RunInTx(ctx, func(conn *alchemy.Conn) error {
		_, err := conn.Execute(ctx, insert, alchemy.Params{"id": 4, "name": "ed"})
		return err
	})
	if err != nil {
		return err
	}

	// Nesting of transaction blocks: methodB's Begin joins methodA's transaction, and
	// only methodA's Commit commits.
	conn, err = eng.Connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := methodA(ctx, conn); err != nil {
		return err
	}

	// A savepoint: its rollback undoes only its own work.
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	sp, err := conn.BeginNested(ctx)
	if err != nil {
		return err
	}
	if _, err := conn.Execute(ctx, insert, alchemy.Params{"id": 99, "name": "oops"}); err != nil {
		return err
	}
	if err := sp.Rollback(ctx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}

	// A bind without a value is an error before anything is sent.
	_, err = conn.Execute(ctx, insert, alchemy.Params{"id": 7})
	fmt.Println("missing bind:", err)

	// Connectionless execution: the connection goes back to the pool when the result
	// has been read.
	res, err = eng.Execute(ctx, alchemy.Text("select id, name from users order by id"))
	if err != nil {
		return err
	}
	users, err := alchemy.All[User](res)
	if err != nil {
		return err
	}
	for _, u := range users {
		fmt.Printf("user %d: %s\n", u.ID, u.Name)
	}

	// A transaction carried by the context: Execute with that context joins it.
	err = alchemy.Transact(ctx, eng, func(ctx context.Context) error {
		if _, err := eng.Execute(ctx, alchemy.Text("delete from users where id = :id"), 4); err != nil {
			return err
		}
		return errors.New("changed my mind") // rolls the delete back
	})
	fmt.Println("transact:", err)
	res, err = eng.Execute(ctx, alchemy.Text("select count(*) from users"))
	if err != nil {
		return err
	}
	count, err := alchemy.Scalar[int64](res)
	if err != nil {
		return err
	}
	fmt.Println("users:", count)

	fmt.Println("pool:", eng.PoolStatus())
	return nil
}

func methodA(ctx context.Context, conn *alchemy.Conn) error {
	tx, err := conn.Begin(ctx) // begins the transaction
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) // does nothing once committed
	if err := methodB(ctx, conn); err != nil {
		return err
	}
	return tx.Commit(ctx) // commits here
}

func methodB(ctx context.Context, conn *alchemy.Conn) error {
	tx, err := conn.Begin(ctx) // joins methodA's transaction
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := conn.Execute(ctx, alchemy.Text("insert into users (id, name) values (:id, :name)"),
		alchemy.Params{"id": 5, "name": "bat"}); err != nil {
		return err
	}
	return tx.Commit(ctx) // not committed yet: methodA's transaction is still open
}
