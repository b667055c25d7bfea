package alchemy_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// TestTextColumnsAndNoRowsAreCopies: Columns and NoRows return new statements that
// state whether they return rows; the original keeps guessing, and all of them bind
// and render alike.
func TestTextColumnsAndNoRowsAreCopies(t *testing.T) {
	orig := alchemy.Text("update jobs set output = :o where id = :id")
	names := []string{"id", "output"}
	cols := orig.Columns(names...)
	none := orig.NoRows()
	names[0] = "changed" // the caller's slice is not kept

	for _, tc := range []struct {
		name    string
		tx      *alchemy.TextClause
		rows    bool
		columns []string
	}{
		{"original", orig, false, nil},
		{"Columns", cols, true, []string{"id", "output"}},
		{"NoRows", none, false, nil},
		{"Columns without names", orig.Columns(), true, nil},
		{"NoRows of Columns", cols.NoRows(), false, nil},
		{"Columns of NoRows", none.Columns("x"), true, []string{"x"}},
	} {
		if got := tc.tx.ReturnsRows(); got != tc.rows {
			t.Errorf("%s: ReturnsRows() = %v, want %v", tc.name, got, tc.rows)
		}
		if got := tc.tx.ColumnNames(); !slices.Equal(got, tc.columns) {
			t.Errorf("%s: ColumnNames() = %q, want %q", tc.name, got, tc.columns)
		}
		if tc.tx.SQL() != orig.SQL() || !slices.Equal(tc.tx.BindNames(), []string{"o", "id"}) {
			t.Errorf("%s: SQL %q, binds %q", tc.name, tc.tx.SQL(), tc.tx.BindNames())
		}
		for _, d := range textDialects {
			want, _, _ := orig.Render(d, []any{1, 2})
			q, args, err := tc.tx.Render(d, []any{1, 2})
			if err != nil || q != want || len(args) != 2 {
				t.Errorf("%s: Render(%v) = %q, %v, %v; want %q", tc.name, d.style, q, args, err, want)
			}
		}
	}
	if cols == orig || none == orig {
		t.Error("Columns or NoRows returned the statement itself")
	}
	got := cols.ColumnNames()
	got[0] = "changed"
	if cols.ColumnNames()[0] != "id" {
		t.Error("ColumnNames returned the statement's own slice")
	}

	// The zero value is the empty statement, whatever it states.
	var zero alchemy.TextClause
	if q, _, err := zero.Columns("a").Render(textDollar, nil); q != "" || err != nil || !zero.Columns().ReturnsRows() {
		t.Errorf("zero.Columns: Render = %q, %v", q, err)
	}
	if zero.ReturnsRows() || zero.NoRows().ReturnsRows() {
		t.Error("the empty statement returns rows")
	}
}

// TestTextColumnsConcurrentWithRender: copies share the parse and the render cache
// while other goroutines render the original (run with -race).
func TestTextColumnsConcurrentWithRender(t *testing.T) {
	orig := alchemy.Text("select :a, :b, :a")
	want := textWant{"select ?, ?, ?", "select $1, $2, $1", "select @p1, @p2, @p1"}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				tx := orig
				switch (g + i) % 3 {
				case 1:
					tx = orig.Columns("a", "b")
				case 2:
					tx = orig.NoRows()
				}
				d := textDialects[(g+i)%3]
				q, args, err := tx.Render(d, []any{alchemy.Params{"a": g, "b": i}})
				if err != nil || q != want.of(d.style) || args[0] != g {
					errs <- fmt.Sprintf("%v: %q %v %v", d.style, q, args, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestReturnsRowsColumnsNamedLikeClauses: INSERT, UPDATE and DELETE statements that
// mention columns named output, returning and values, and strings and comments with
// those words, run as execs on every database: RowsAffected works and a connectionless
// Result gives its connection back at once. A real RETURNING still gives rows, and
// Columns and NoRows override the guess.
func TestReturnsRowsColumnsNamedLikeClauses(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL)
		ctx := context.Background()
		// output is reserved nowhere and stays bare; returning and values are
		// reserved (returning by MariaDB but not MySQL, whose quoting the mysql://
		// dialect follows), so they are always quoted.
		if out := eng.Dialect().QuoteIdentifier("output"); out != "output" {
			t.Fatalf("QuoteIdentifier(output) = %s: the test wants it bare", out)
		}
		quote := func(name string) string {
			if tg.Name == testdb.MySQL {
				return "`" + name + "`"
			}
			return `"` + name + `"`
		}
		ret, vals := quote("returning"), quote("values")
		table := makeTable(t, eng, idColumn(tg)+", output varchar(50), "+ret+" varchar(50), "+vals+" varchar(50), note varchar(50)")
		r := strings.NewReplacer("{t}", table, "{returning}", ret, "{values}", vals)

		run := func(name string, ex alchemy.Executor, connectionless bool) {
			t.Helper()
			if _, err := ex.Execute(ctx, alchemy.Text(r.Replace("delete from {t}"))); err != nil {
				t.Fatal(err)
			}
			steps := []struct {
				sql      string
				args     alchemy.Params
				affected int64
				only     []string // the targets that have the syntax; nil for all
			}{
				{"insert into {t} (output, {returning}, {values}, note) values (:o, :r, :v, 'returning output inserted.x -- values')",
					alchemy.Params{"o": "o1", "r": "r1", "v": "v1"}, 1, nil},
				{"insert into {t} (note, output) values (:n, :o) /* returning id */",
					alchemy.Params{"n": "n2", "o": "o2"}, 1, nil},
				{"insert into {t} (output, {returning}) values ('output inserted.id', 'returning *') -- output inserted.id\n",
					nil, 1, nil},
				{"update {t} set output = :o where output is not null -- returning *",
					alchemy.Params{"o": "set"}, 3, nil},
				{"update {t} set {returning} = 'output inserted.id', {values} = :v where note = :n",
					alchemy.Params{"v": "v2", "n": "n2"}, 1, nil},
				{"update {t} set output = {returning} where {values} = :v /* returning output */",
					alchemy.Params{"v": "v1"}, 1, nil},
				{"update {t} set note = output, output = 'returning' where note is null",
					nil, 1, nil},
				{"with src as (select 'w' as o) insert into {t} (output) select o from src",
					nil, 1, []string{testdb.SQLite, testdb.PostgreSQL}},
				{"with src as (select 'w' as o) update {t} set {returning} = 'returning' where output in (select o from src)",
					nil, 1, []string{testdb.SQLite, testdb.PostgreSQL}},
				{"delete from {t} where output = :o -- returning",
					alchemy.Params{"o": "w"}, 1, []string{testdb.SQLite, testdb.PostgreSQL}},
				{"delete from {t} where output = :o or output = 'returning'",
					alchemy.Params{"o": "none"}, 1, nil},
				{"delete from {t} where {values} = :v -- returning id",
					alchemy.Params{"v": "v1"}, 1, nil},
			}
			for _, st := range steps {
				if st.only != nil && !slices.Contains(st.only, tg.Name) {
					continue
				}
				sql := r.Replace(st.sql)
				var args []any
				if st.args != nil {
					args = []any{st.args}
				}
				res, err := ex.Execute(ctx, alchemy.Text(sql), args...)
				if err != nil {
					t.Fatalf("%s: Execute(%q): %v", name, sql, err)
				}
				if out := eng.PoolStatus().CheckedOut; connectionless && out != 0 {
					t.Errorf("%s: %q: the Result holds its connection (%d checked out)", name, sql, out)
				}
				n, err := res.RowsAffected()
				if res.ReturnsRows() || err != nil || n != st.affected {
					t.Errorf("%s: %q: ReturnsRows %v, RowsAffected %d, %v; want %d",
						name, sql, res.ReturnsRows(), n, err, st.affected)
				}
				if err := res.Close(); err != nil {
					t.Fatal(err)
				}
			}
			if n := scalarInt(t, ex, r.Replace("select count(*) from {t}")); n != 1 {
				t.Errorf("%s: %d rows left, want 1", name, n)
			}
		}
		run("Engine", eng, true)
		c, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		run("Conn", c, false)
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}

		// A real RETURNING gives rows on all three; a connectionless Result holds its
		// connection until they are read.
		returning := []struct {
			sql  string
			only []string
		}{
			{"insert into {t} (output, note) values (:o, 'returning') returning id", nil},
			{"update {t} set output = :o where note = 'returning' returning id", []string{testdb.SQLite, testdb.PostgreSQL}},
			{"with src as (select 1 as n) update {t} set output = :o where note = 'returning' returning id", []string{testdb.SQLite, testdb.PostgreSQL}},
			{"delete from {t} where output = :o returning id", nil},
		}
		for _, st := range returning {
			if st.only != nil && !slices.Contains(st.only, tg.Name) {
				continue
			}
			sql := r.Replace(st.sql)
			res, err := eng.Execute(ctx, alchemy.Text(sql), alchemy.Params{"o": "ret"})
			if err != nil {
				t.Fatalf("Execute(%q): %v", sql, err)
			}
			if !res.ReturnsRows() {
				res.Close()
				t.Fatalf("%q gave no rows", sql)
			}
			if out := eng.PoolStatus().CheckedOut; out != 1 {
				t.Errorf("%q: %d connections checked out while its rows are unread, want 1", sql, out)
			}
			if id, err := alchemy.Scalar[int64](res); err != nil || id <= 0 {
				t.Errorf("%q: id %d, %v", sql, id, err)
			}
			if out := eng.PoolStatus().CheckedOut; out != 0 {
				t.Errorf("%q: %d connections checked out after its rows were read", sql, out)
			}
		}

		// What the statement states wins over the guess.
		res, err := eng.Execute(ctx, alchemy.Text(r.Replace("insert into {t} (output) values (:o) returning id")).NoRows(), alchemy.Params{"o": "norows"})
		if err != nil {
			t.Fatal(err)
		}
		// MariaDB sends the RETURNING rows instead of a count, so the driver reports 0.
		want := int64(1)
		if tg.Name == testdb.MySQL {
			want = 0
		}
		if n, err := res.RowsAffected(); res.ReturnsRows() || err != nil || n != want {
			t.Errorf("NoRows: ReturnsRows %v, RowsAffected %d, %v; want %d", res.ReturnsRows(), n, err, want)
		}
		if out := eng.PoolStatus().CheckedOut; out != 0 {
			t.Errorf("NoRows: %d connections checked out", out)
		}
		if n := scalarInt(t, eng, r.Replace("select count(*) from {t} where output = 'norows'")); n != 1 {
			t.Errorf("NoRows: the INSERT added %d rows, want 1", n)
		}
		res, err = eng.Execute(ctx, alchemy.Text(r.Replace("update {t} set output = :o where output = 'norows'")).Columns(), alchemy.Params{"o": "columns"})
		if err != nil {
			t.Fatal(err)
		}
		if !res.ReturnsRows() {
			t.Error("Columns: the Result has no rows")
		}
		if _, err := res.RowsAffected(); !errors.Is(err, alchemy.ErrNotAvailable) {
			t.Errorf("Columns: RowsAffected err = %v, want ErrNotAvailable", err)
		}
		if res.Next() {
			t.Error("Columns: an UPDATE without RETURNING gave a row")
		}
		if err := res.Close(); err != nil {
			t.Fatal(err)
		}
		if n := scalarInt(t, eng, r.Replace("select count(*) from {t} where output = 'columns'")); n != 1 {
			t.Errorf("Columns: the UPDATE changed %d rows, want 1", n)
		}
	})
}

func ExampleTextClause_Columns() {
	eng := exampleEngine()
	defer eng.Dispose()
	ctx := context.Background()

	// Columns states that the statement returns rows, and records their names.
	stmt := alchemy.Text("insert into users (name) values (:name) returning id, name").Columns("id", "name")
	fmt.Println(stmt.ReturnsRows(), stmt.ColumnNames())
	res, err := eng.Execute(ctx, stmt, alchemy.Params{"name": "ed"})
	if err != nil {
		fmt.Println(err)
		return
	}
	row, err := alchemy.One[alchemy.Row](res)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(row.Values()...)

	// NoRows states that it returns none: an exec, with RowsAffected.
	res, err = eng.Execute(ctx, alchemy.Text("update users set name = upper(name) where id > :id").NoRows(), 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	n, err := res.RowsAffected()
	fmt.Println(n, err)
	// Output:
	// true [id name]
	// 3 ed
	// 2 <nil>
}
