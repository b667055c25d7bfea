package alchemy_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// fillItems inserts the names with ids 1, 2, 3...
func fillItems(t testing.TB, ex alchemy.Executor, table string, names ...string) {
	t.Helper()
	for i, n := range names {
		mustExec(t, ex, "insert into "+table+" (id, name) values (:id, :name)", alchemy.Params{"id": i + 1, "name": n})
	}
}

// TestResultCursor: Next, Scan, Err, Close, Columns; the cursor closes when the rows
// are exhausted, and the connection is busy until then.
func TestResultCursor(t *testing.T) {
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
		fillItems(t, c, table, "ann", "bob", "cy")

		res, err := c.Execute(ctx, alchemy.Text("select id, name from "+table+" order by id"))
		if err != nil {
			t.Fatal(err)
		}
		if !res.ReturnsRows() {
			t.Fatal("ReturnsRows is false for a SELECT")
		}
		if cols := res.Columns(); !slices.Equal(cols, []string{"id", "name"}) {
			t.Fatalf("Columns = %v", cols)
		}
		if _, err := res.RowsAffected(); !errors.Is(err, alchemy.ErrNotAvailable) {
			t.Errorf("RowsAffected of a SELECT: %v, want ErrNotAvailable", err)
		}
		var got []string
		// A statement while the cursor is open, on a row: the rest of the Result is
		// read into memory first, the statement runs, and the Result goes on from
		// the row it was on.
		if !res.Next() {
			t.Fatalf("no first row: %v", res.Err())
		}
		res1, err := c.Execute(ctx, alchemy.Text("select 1"))
		if err != nil {
			t.Fatalf("statement while a Result is open: %v", err)
		}
		one, err := alchemy.Scalar[int](res1)
		if err != nil || one != 1 {
			t.Fatalf("statement while a Result is open: %d, %v", one, err)
		}
		for more := true; more; more = res.Next() {
			var id int64
			var name string
			if err := res.Scan(&id, &name); err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprint(id, name))
		}
		if err := res.Err(); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, []string{"1ann", "2bob", "3cy"}) {
			t.Fatalf("rows %v", got)
		}
		// Exhausted: closed, and the connection free again without an explicit Close.
		if res.Next() {
			t.Fatal("Next after the end is true")
		}
		var x any
		if err := res.Scan(&x); !errors.Is(err, alchemy.ErrClosed) {
			t.Errorf("Scan after the end: %v, want ErrClosed", err)
		}
		mustExec(t, c, "select 1")
		if err := res.Close(); err != nil {
			t.Errorf("Close after the end: %v", err)
		}

		// Close early: the rest is dropped and the connection free.
		res, err = c.Execute(ctx, alchemy.Text("select id from "+table+" order by id"))
		if err != nil {
			t.Fatal(err)
		}
		if !res.Next() {
			t.Fatal("no first row")
		}
		if err := res.Close(); err != nil {
			t.Fatal(err)
		}
		if res.Next() {
			t.Fatal("Next after Close is true")
		}
		if err := res.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		mustExec(t, c, "select 1")

		// A statement without rows: nothing to close, the connection free at once.
		res, err = c.Execute(ctx, alchemy.Text("update "+table+" set name = name"))
		if err != nil {
			t.Fatal(err)
		}
		if res.ReturnsRows() || res.Next() || res.Columns() != nil {
			t.Fatal("an UPDATE's Result has rows")
		}
		mustExec(t, c, "select 1")
		if n, err := res.RowsAffected(); err != nil || (n != 3 && !(tg.Name == testdb.MySQL && n == 0)) {
			// MariaDB counts changed rows, not matched ones, unless asked (CLIENT_FOUND_ROWS).
			t.Errorf("RowsAffected = %d, %v", n, err)
		}
		res, err = c.Execute(ctx, alchemy.Text("update "+table+" set name = :n where id >= 2"), "zed")
		if err != nil {
			t.Fatal(err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 2 {
			t.Errorf("RowsAffected = %d, %v; want 2", n, err)
		}
	})
}

// TestResultRows: Row by name and index, and the one-shot readers with their errors.
func TestResultRows(t *testing.T) {
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
		fillItems(t, c, table, "ann", "bob", "cy")
		q := func(sql string, args ...any) *alchemy.Result {
			t.Helper()
			res, err := c.Execute(ctx, alchemy.Text(sql), args...)
			if err != nil {
				t.Fatalf("%s: %v", sql, err)
			}
			return res
		}
		all := "select id, name from " + table + " order by id"
		none := "select id, name from " + table + " where id < 0"

		rows, err := alchemy.All[alchemy.Row](q(all))
		if err != nil || len(rows) != 3 {
			t.Fatalf("All: %d rows, %v", len(rows), err)
		}
		r := rows[1]
		if v, ok := r.Get("name"); !ok || v != "bob" {
			// MariaDB sends text as bytes: the Row must give a string.
			t.Errorf("Get(name) = %#v (%T), %v; want the string bob", v, v, ok)
		}
		if v, ok := r.Get("NAME"); !ok || v != "bob" {
			t.Errorf("Get(NAME) without regard to case = %#v, %v", v, ok)
		}
		if _, ok := r.Get("nope"); ok {
			t.Error("Get of a missing column reports one")
		}
		if v := r.Values()[1]; v != "bob" {
			t.Errorf("Values()[1] = %#v", v)
		}
		if id := toInt(t, r.Values()[0]); id != 2 {
			t.Errorf("Values()[0] = %#v", r.Values()[0])
		}
		if !slices.Equal(r.Columns(), []string{"id", "name"}) || len(r.Values()) != 2 {
			t.Errorf("Columns %v Values %v", r.Columns(), r.Values())
		}

		if rows, err := alchemy.All[alchemy.Row](q(none)); err != nil || len(rows) != 0 {
			t.Errorf("All of nothing: %v, %v", rows, err)
		}

		if row, err := alchemy.First[alchemy.Row](q(all)); err != nil || row.Values()[1] != "ann" {
			t.Errorf("First: %v, %v", row.Values(), err)
		}
		if _, err := alchemy.First[alchemy.Row](q(none)); !errors.Is(err, alchemy.ErrNoRows) {
			t.Errorf("First of nothing: %v, want ErrNoRows", err)
		}

		if row, err := alchemy.One[alchemy.Row](q("select name from "+table+" where id = :id", 3)); err != nil || row.Values()[0] != "cy" {
			t.Errorf("One: %v, %v", row.Values(), err)
		}
		if _, err := alchemy.One[alchemy.Row](q(none)); !errors.Is(err, alchemy.ErrNoRows) {
			t.Errorf("One of nothing: %v, want ErrNoRows", err)
		}
		if _, err := alchemy.One[alchemy.Row](q(all)); !errors.Is(err, alchemy.ErrMultipleRows) {
			t.Errorf("One of three: %v, want ErrMultipleRows", err)
		}

		// Rows as maps, and single values as any (text as strings, as Row reads it).
		if m, err := alchemy.One[map[string]any](q("select id, name from " + table + " where id = 1")); err != nil || m["name"] != "ann" || len(m) != 2 {
			t.Errorf("One as a map: %v, %v", m, err)
		}
		if ms, err := alchemy.All[map[string]any](q(all)); err != nil || len(ms) != 3 || ms[2]["name"] != "cy" || ms[1]["name"] != "bob" || len(ms[1]) != 2 {
			t.Errorf("All as maps: %v, %v", ms, err)
		}
		if vs, err := alchemy.All[any](q("select name from " + table + " order by id")); err != nil || !slices.Equal(vs, []any{"ann", "bob", "cy"}) {
			t.Errorf("All as values: %#v, %v", vs, err)
		}
		if _, err := alchemy.All[int64](q(all)); err == nil || !strings.Contains(err.Error(), "map[string]any") {
			t.Errorf("All[int64] of two columns: %v, want an error saying what to read them into", err)
		}

		if v, err := alchemy.Scalar[any](q("select name from " + table + " where id = 2")); err != nil || v != "bob" {
			t.Errorf("Scalar: %#v, %v", v, err)
		}
		if _, err := alchemy.Scalar[any](q(none)); !errors.Is(err, alchemy.ErrNoRows) {
			t.Errorf("Scalar of nothing: %v, want ErrNoRows", err)
		}
		if vs, err := alchemy.Scalars[any](q("select name from " + table + " order by id")); err != nil || !slices.Equal(vs, []any{"ann", "bob", "cy"}) {
			t.Errorf("Scalars: %#v, %v", vs, err)
		}
		// A statement without rows has none to give.
		if _, err := alchemy.One[alchemy.Row](q("update " + table + " set name = name where id < 0")); !errors.Is(err, alchemy.ErrNoRows) {
			t.Errorf("One of an UPDATE: %v, want ErrNoRows", err)
		}
		// Every one-shot reader closed its Result: the connection is free.
		mustExec(t, c, "select 1")
	})
}

func toInt(t testing.TB, v any) int64 {
	t.Helper()
	switch n := v.(type) {
	case int64:
		return n
	case int32:
		return int64(n)
	case int:
		return int64(n)
	case string: // MariaDB's text protocol
		var i int64
		fmt.Sscan(n, &i)
		return i
	}
	t.Fatalf("not an integer: %#v (%T)", v, v)
	return 0
}

// TestLastInsertID: the generated id on SQLite and MariaDB; PostgreSQL has none.
func TestLastInsertID(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL)
		table := itemsTable(t, eng, tg)
		ctx := context.Background()
		var last int64
		for i := 1; i <= 2; i++ {
			res, err := eng.Execute(ctx, alchemy.Text("insert into "+table+" (name) values (:n)"), "x")
			if err != nil {
				t.Fatal(err)
			}
			id, err := res.LastInsertID()
			if tg.Name == testdb.PostgreSQL {
				if !errors.Is(err, alchemy.ErrNotAvailable) {
					t.Fatalf("LastInsertID on PostgreSQL: %d, %v; want ErrNotAvailable", id, err)
				}
				continue
			}
			if err != nil || id <= last {
				t.Fatalf("LastInsertID = %d, %v (previous %d)", id, err, last)
			}
			last = id
		}
		if tg.Name != testdb.PostgreSQL && scalarInt(t, eng, "select max(id) from "+table) != last {
			t.Fatal("LastInsertID is not the id of the row inserted")
		}
		if tg.Name == testdb.PostgreSQL {
			res, err := eng.Execute(ctx, alchemy.Text("insert into "+table+" (name) values (:n) returning id"), "r")
			if err != nil {
				t.Fatal(err)
			}
			if id, err := alchemy.Scalar[int64](res); err != nil || id != 3 {
				t.Fatalf("RETURNING id = %d, %v; want 3", id, err)
			}
		}
		res, err := eng.Execute(ctx, alchemy.Text("select 1"))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Close()
		if _, err := res.LastInsertID(); !errors.Is(err, alchemy.ErrNotAvailable) {
			t.Errorf("LastInsertID of a SELECT: %v", err)
		}
	})
}

// TestConnectionlessResult: engine.Execute's connection goes back to the pool when
// its Result is exhausted or closed, and at once for a statement without rows.
func TestConnectionlessResult(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL, alchemy.PoolSize(1), alchemy.MaxOverflow(0))
		table := itemsTable(t, eng, tg)
		fillItems(t, eng, table, "a", "b")
		ctx := context.Background()
		out := func() int { return eng.PoolStatus().CheckedOut }

		res, err := eng.Execute(ctx, alchemy.Text("insert into "+table+" (id, name) values (3, 'c')"))
		if err != nil {
			t.Fatal(err)
		}
		if n := out(); n != 0 {
			t.Fatalf("a statement without rows kept its connection: %d checked out", n)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			t.Fatalf("RowsAffected after the connection went back: %d, %v", n, err)
		}
		res.Close()

		res, err = eng.Execute(ctx, alchemy.Text("select name from "+table+" order by id"))
		if err != nil {
			t.Fatal(err)
		}
		if n := out(); n != 1 {
			t.Fatalf("an open Result: %d checked out, want 1", n)
		}
		n := 0
		for res.Next() {
			n++
			if out() != 1 {
				t.Fatal("the connection went back before the rows were read")
			}
		}
		if err := res.Err(); err != nil || n != 3 {
			t.Fatalf("%d rows, %v", n, err)
		}
		if n := out(); n != 0 {
			t.Fatalf("exhausted Result: %d checked out, want 0", n)
		}

		res, err = eng.Execute(ctx, alchemy.Text("select name from "+table))
		if err != nil {
			t.Fatal(err)
		}
		res.Next()
		res.Close()
		if n := out(); n != 0 {
			t.Fatalf("closed Result: %d checked out, want 0", n)
		}
		// A failed statement gives its connection back too.
		if _, err := eng.Execute(ctx, alchemy.Text("select * from no_such_table_here")); err == nil {
			t.Fatal("select from a missing table succeeded")
		}
		if n := out(); n != 0 {
			t.Fatalf("failed statement: %d checked out, want 0", n)
		}
		// With a pool of one, everything above would have timed out had a
		// connection been kept.
		if got := scalarInt(t, eng, "select count(*) from "+table); got != 3 {
			t.Fatalf("count %d", got)
		}
	})
}

// TestRowKeepsBinary: Row turns the text MariaDB sends as bytes into strings, but
// binary values must stay []byte, whatever the column.
func TestRowKeepsBinary(t *testing.T) {
	t.Parallel()
	binaryExpr := map[string]string{
		testdb.PostgreSQL: `select '\x00ff'::bytea as b, 'abc' as s`,
		testdb.MySQL:      "select unhex('00ff') as b, 'abc' as s",
		testdb.SQLite:     "select x'00ff' as b, 'abc' as s",
	}
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL)
		res, err := eng.Execute(context.Background(), alchemy.Text(binaryExpr[tg.Name]))
		if err != nil {
			t.Fatal(err)
		}
		row, err := alchemy.One[alchemy.Row](res)
		if err != nil {
			t.Fatal(err)
		}
		if s, _ := row.Get("s"); s != "abc" {
			t.Errorf("text column: %#v (%T), want the string abc", s, s)
		}
		// BUG(lead): Result.Row turns []byte into a string whenever the column's
		// DatabaseTypeName is not a known binary type; SQLite reports no type for an
		// expression, so a blob comes back as a string.
		if b, _ := row.Get("b"); !bytesEqual(b, []byte{0x00, 0xff}) {
			t.Errorf("binary value: %#v (%T), want []byte{0x00, 0xff}", b, b)
		}
	})
}

func bytesEqual(v any, want []byte) bool {
	b, ok := v.([]byte)
	return ok && string(b) == string(want)
}
