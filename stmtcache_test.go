package alchemy_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// comStmtPrepare reads how many statements the MariaDB session of conn has
// prepared.
func comStmtPrepare(t *testing.T, conn *alchemy.Conn) int64 {
	t.Helper()
	res, err := conn.Execute(context.Background(), alchemy.Text("SHOW SESSION STATUS LIKE 'Com_stmt_prepare'"))
	if err != nil {
		t.Fatal(err)
	}
	var name string
	var n int64
	for res.Next() {
		if err := res.Scan(&name, &n); err != nil {
			t.Fatal(err)
		}
	}
	if err := res.Close(); err != nil {
		t.Fatal(err)
	}
	return n
}

// On MySQL, a connection keeps the statements it prepared: a statement with
// parameters run again is not prepared again, and past 32 statements the one
// used longest ago goes; interpolateParams=true (binding client-side) prepares
// nothing.
func TestPreparedStatementsKeptPerConnection(t *testing.T) {
	url := testdb.URL(t, testdb.MySQL)
	ctx := context.Background()
	run := func(t *testing.T, conn *alchemy.Conn, q string, arg int) {
		t.Helper()
		res, err := conn.Execute(ctx, alchemy.Text(q), alchemy.Params{"a": arg})
		if err != nil {
			t.Fatal(err)
		}
		got, err := alchemy.Scalar[int64](res)
		if err != nil || got != int64(arg) {
			t.Fatalf("%s: %d %v", q, got, err)
		}
	}
	eng, err := alchemy.CreateEngine(url)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Dispose()
	conn, err := eng.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	before := comStmtPrepare(t, conn)
	for i := range 20 {
		run(t, conn, "SELECT :a", i)
	}
	if n := comStmtPrepare(t, conn) - before; n != 1 {
		t.Errorf("20 runs of one statement prepared %d times, want 1", n)
	}
	// 40 other statements push the first one out; it is prepared again.
	for i := range 40 {
		run(t, conn, fmt.Sprintf("SELECT :a + %d - %d", i, i), i)
	}
	before = comStmtPrepare(t, conn)
	run(t, conn, "SELECT :a", 1)
	if n := comStmtPrepare(t, conn) - before; n != 1 {
		t.Errorf("a statement evicted from the cache was prepared %d times when run again, want 1", n)
	}
	// A failing statement is dropped, and the connection goes on.
	if _, err := conn.Execute(ctx, alchemy.Text("SELECT 1 FROM no_such_table_xyz WHERE 1 = :a"), alchemy.Params{"a": 1}); err == nil {
		t.Errorf("a query of a missing table did not fail")
	}
	run(t, conn, "SELECT :a", 2)

	eng2, err := alchemy.CreateEngine(url + "?interpolateParams=true")
	if err != nil {
		t.Fatal(err)
	}
	defer eng2.Dispose()
	conn2, err := eng2.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close()
	before = comStmtPrepare(t, conn2)
	for i := range 5 {
		run(t, conn2, "SELECT :a", i)
	}
	if n := comStmtPrepare(t, conn2) - before; n != 0 {
		t.Errorf("with interpolateParams, %d statements were prepared, want none", n)
	}
}
