package alchemy_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// textDialect is a stand-in dialect of which Text's Render uses only the paramstyle;
// any other method panics through the nil embedded interface. (The parser's own
// tests live with it, in expr.)
type textDialect struct {
	dialect.Dialect
	style dialect.Paramstyle
}

func (d textDialect) Paramstyle() dialect.Paramstyle { return d.style }

var (
	textQuestion = textDialect{style: dialect.Question}
	textDollar   = textDialect{style: dialect.Dollar}
	textAtP      = textDialect{style: dialect.AtP}
)

// textDialects lists the three paramstyles in the order of textWant's fields.
var textDialects = []textDialect{textQuestion, textDollar, textAtP}

// textWant is the SQL rendered for Question, Dollar and AtP.
type textWant struct{ q, dollar, atp string }

func (w textWant) of(style dialect.Paramstyle) string {
	return [...]string{w.q, w.dollar, w.atp}[style]
}

// TestTextIsExprText: the root's door is the expression floor's TextClause, with the
// same sentinel.
func TestTextIsExprText(t *testing.T) {
	var tx *expr.TextClause = alchemy.Text("select :a")
	if tx.SQL() != "select :a" {
		t.Errorf("SQL() = %q", tx.SQL())
	}
	if alchemy.ErrBindParameter != expr.ErrBindParameter || alchemy.ErrUnsupported != expr.ErrUnsupported {
		t.Error("the root's sentinels are not expr's")
	}
	var p expr.Params = alchemy.Params{"a": 1}
	if q, args, err := tx.Render(textDollar, []any{p}); err != nil || q != "select $1" || args[0] != 1 {
		t.Errorf("Render = %q, %v, %v", q, args, err)
	}
}

// TestCompiledCacheTextRebuilt: a Text built afresh per call with the same SQL is
// compiled once per engine; a different SQL, or a different statement of rows, is
// compiled on its own; the statements run right whichever way.
func TestCompiledCacheTextRebuilt(t *testing.T) {
	eng := newEngine(t, "sqlite://")
	ctx := context.Background()
	if st := eng.CacheStats(); st != (alchemy.QueryCacheStats{Capacity: 500}) {
		t.Fatalf("new engine: %+v", st)
	}
	for i := range 5 {
		if n := scalarInt(t, eng, "select :n + 1", alchemy.Params{"n": i}); n != int64(i+1) {
			t.Fatalf("select %d + 1 = %d", i, n)
		}
	}
	st := eng.CacheStats()
	if st.Hits != 4 || st.Misses != 1 || st.Size != 1 || st.Evictions != 0 {
		t.Errorf("after 5 executions of one SQL: %+v, want 4 hits, 1 miss, size 1", st)
	}
	// NoRows and Columns of the same SQL are other statements.
	res, err := eng.Execute(ctx, alchemy.Text("select :n + 1").NoRows(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if res.ReturnsRows() {
		t.Error("NoRows: the Result has rows, as the cached SELECT would")
	}
	res.Close()
	if n := scalarInt(t, eng, "select :n + 2", 1); n != 3 {
		t.Errorf("select 1 + 2 = %d", n)
	}
	if st := eng.CacheStats(); st.Misses != 3 || st.Size != 3 {
		t.Errorf("after two more statements: %+v, want 3 misses, size 3", st)
	}
	// A failed compile is not cached, and fails again.
	for range 2 {
		if _, err := eng.Execute(ctx, alchemy.Text("select 'open")); !errors.Is(err, alchemy.ErrBindParameter) {
			t.Errorf("unterminated quote: %v", err)
		}
	}
	if st := eng.CacheStats(); st.Size != 3 {
		t.Errorf("a failed compile was cached: %+v", st)
	}
	// A bind error is the caller's, not the statement's: the compiled form stays.
	if _, err := eng.Execute(ctx, alchemy.Text("select :n + 2")); !errors.Is(err, alchemy.ErrBindParameter) {
		t.Errorf("missing value: %v", err)
	}
}

// TestCompiledCacheBounded: the cache keeps its size, evicting the least recently
// used; size 0 turns it off; a negative size is an error.
func TestCompiledCacheBounded(t *testing.T) {
	eng := newEngine(t, "sqlite://", alchemy.QueryCacheSize(2))
	for _, q := range []string{"select 1", "select 2", "select 1", "select 3", "select 1", "select 2"} {
		scalarInt(t, eng, q)
	}
	// 1 miss, 2 miss, 1 hit, 3 miss (evicts 2), 1 hit, 2 miss (evicts 3).
	want := alchemy.QueryCacheStats{Hits: 2, Misses: 4, Evictions: 2, Size: 2, Capacity: 2}
	if st := eng.CacheStats(); st != want {
		t.Errorf("CacheStats = %+v, want %+v", st, want)
	}

	// A statement run again between one-off statements is never the one evicted,
	// however many pass through.
	hot := newEngine(t, "sqlite://", alchemy.QueryCacheSize(3))
	scalarInt(t, hot, "select 1")
	for i := range 20 {
		scalarInt(t, hot, "select 1")
		scalarInt(t, hot, fmt.Sprintf("select %d", 100+i))
	}
	want = alchemy.QueryCacheStats{Hits: 20, Misses: 21, Evictions: 18, Size: 3, Capacity: 3}
	if st := hot.CacheStats(); st != want {
		t.Errorf("CacheStats with a hot statement = %+v, want %+v", st, want)
	}
	off := newEngine(t, "sqlite://", alchemy.QueryCacheSize(0))
	for range 3 {
		if n := scalarInt(t, off, "select :n", 7); n != 7 {
			t.Fatalf("select 7 = %d", n)
		}
	}
	if st := off.CacheStats(); st != (alchemy.QueryCacheStats{}) {
		t.Errorf("cache off: %+v", st)
	}
	if _, err := alchemy.CreateEngine("sqlite://", alchemy.QueryCacheSize(-1)); err == nil ||
		!strings.Contains(err.Error(), "QueryCacheSize") {
		t.Errorf("QueryCacheSize(-1): %v", err)
	}
}

// uncached is a statement without a cache key: it is compiled on every execution
// and never counted.
type uncached struct{ n int }

func (u uncached) WriteSQL(c *expr.Compiler) error {
	c.WriteString(fmt.Sprintf("select %d", u.n))
	c.SetReturnsRows(true)
	return nil
}

// nilKey is a Text whose key says not to cache it.
type nilKey struct{ *expr.TextClause }

func (nilKey) CacheKey() any { return nil }

// sliceKey gives an uncomparable key, which is not cached either.
type sliceKey struct{ *expr.TextClause }

func (sliceKey) CacheKey() any { return []string{"x"} }

func TestCompiledCacheSkipsWithoutKey(t *testing.T) {
	eng := newEngine(t, "sqlite://")
	for i, stmt := range []alchemy.Executable{uncached{3}, nilKey{alchemy.Text("select 3")}, sliceKey{alchemy.Text("select 3")}} {
		res, err := eng.Execute(context.Background(), stmt)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		if n, err := alchemy.Scalar[int64](res); err != nil || n != 3 {
			t.Errorf("%d: %d, %v", i, n, err)
		}
	}
	if st := eng.CacheStats(); st.Hits+st.Misses+uint64(st.Size) != 0 {
		t.Errorf("statements without a key were cached: %+v", st)
	}
}

// TestCompiledCacheConcurrent: goroutines rebuilding the same few Texts all get
// right results (run with -race).
func TestCompiledCacheConcurrent(t *testing.T) {
	eng := newEngine(t, "sqlite://", alchemy.QueryCacheSize(3))
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				k := (g + i) % 5
				res, err := eng.Execute(context.Background(), alchemy.Text(fmt.Sprintf("select :n + %d", k)), i)
				if err == nil {
					var n int64
					n, err = alchemy.Scalar[int64](res)
					if err == nil && n != int64(i+k) {
						err = fmt.Errorf("select %d + %d = %d", i, k, n)
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if st := eng.CacheStats(); st.Hits+st.Misses != 400 || st.Size > 3 {
		t.Errorf("CacheStats = %+v", st)
	}
}

// subselect runs a Text fragment as a subquery with a bind of its own.
type subselect struct{ inner *expr.TextClause }

func (s subselect) WriteSQL(c *expr.Compiler) error {
	c.WriteString("select count(*) from (")
	if err := c.Write(s.inner); err != nil {
		return err
	}
	c.WriteString(") as s where s.v >= ")
	if err := c.Bind("min"); err != nil {
		return err
	}
	c.SetReturnsRows(true, "count")
	return nil
}

// returningUpdate is an UPDATE ... RETURNING that asks the server whether it has it.
type returningUpdate struct{ sql string }

func (r returningUpdate) WriteSQL(c *expr.Compiler) error {
	if err := c.Require("UPDATE ... RETURNING", func(v dialect.Version) bool {
		return expr.SupportsReturning(c.Dialect(), v, "update")
	}); err != nil {
		return err
	}
	c.WriteString(r.sql)
	c.SetReturnsRows(true)
	return nil
}

// TestExecuteCompiledStatements: on every database, a statement with a Text fragment
// runs with its placeholders numbered in the whole statement; and a statement that
// requires UPDATE ... RETURNING runs where the server has it, and fails before
// anything is sent, naming the version, where it has not (MariaDB before 13).
func TestExecuteCompiledStatements(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL)
		ctx := context.Background()
		table := makeTable(t, eng, idColumn(tg)+", v int")
		if _, err := eng.Execute(ctx, alchemy.Text("insert into "+table+" (v) values (1), (3), (5)")); err != nil {
			t.Fatal(err)
		}
		inner := alchemy.Text("select v from " + table + " where v <= :max or v = :max + 1")
		res, err := eng.Execute(ctx, subselect{inner}, alchemy.Params{"max": 4, "min": 2})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := alchemy.Scalar[int64](res); err != nil || n != 2 {
			t.Errorf("count = %d, %v; want 2", n, err)
		}
		if _, err := eng.Execute(ctx, alchemy.Text("delete from "+table+" where v > 1")); err != nil {
			t.Fatal(err)
		}

		v, err := eng.ServerVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		upd := returningUpdate{"update " + table + " set v = v + 1 returning v"}
		res, err = eng.Execute(ctx, upd)
		if strings.Contains(v.Raw, "MariaDB") && !v.AtLeast(13, 0) {
			if !errors.Is(err, alchemy.ErrUnsupported) || !strings.Contains(err.Error(), v.Raw) ||
				!strings.Contains(err.Error(), "UPDATE ... RETURNING") {
				t.Fatalf("UPDATE ... RETURNING on %s: err = %v, want ErrUnsupported naming the version", v.Raw, err)
			}
			if n := scalarInt(t, eng, "select v from "+table); n != 1 {
				t.Errorf("v = %d after a refused UPDATE, want 1", n)
			}
			return
		}
		if err != nil {
			t.Fatalf("UPDATE ... RETURNING on %s %s: %v", tg.Name, v.Raw, err)
		}
		if n, err := alchemy.Scalar[int64](res); err != nil || n != 2 {
			t.Errorf("RETURNING v = %d, %v; want 2", n, err)
		}
	})
}

func ExampleText() {
	stmt := alchemy.Text("select name from users where id = :id and kind = :kind or parent = :id")

	// PostgreSQL's paramstyle: each name is bound once.
	query, args, _ := stmt.Render(textDollar, []any{alchemy.Params{"id": 5, "kind": "admin"}})
	fmt.Println(query, args)

	// SQLite's and MySQL's: a repeated name repeats its value.
	query, args, _ = stmt.Render(textQuestion, []any{5, "admin"})
	fmt.Println(query, args)

	_, _, err := stmt.Render(textDollar, []any{alchemy.Params{"id": 5}})
	fmt.Println(err)
	// Output:
	// select name from users where id = $1 and kind = $2 or parent = $1 [5 admin]
	// select name from users where id = ? and kind = ? or parent = ? [5 admin 5]
	// alchemy: bind parameter "kind" has no value
}

// TestExecuteTextRebuiltAllocations: a Text built afresh per call costs at most 2
// allocations more than a reused one (its own, and boxing its cache key), since the
// engine's cache spares the parse and the compile.
func TestExecuteTextRebuiltAllocations(t *testing.T) {
	eng := newEngine(t, "sqlite://")
	ctx := context.Background()
	const q = "select :a + 1 where :b = :b"
	run := func(stmt func() *alchemy.TextClause) float64 {
		return testing.AllocsPerRun(200, func() {
			res, err := eng.Execute(ctx, stmt(), 1, 2)
			if err != nil {
				t.Fatal(err)
			}
			for res.Next() {
			}
			if err := res.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
	reusedText := alchemy.Text(q)
	reused := run(func() *alchemy.TextClause { return reusedText })
	rebuilt := run(func() *alchemy.TextClause { return alchemy.Text(q) })
	if rebuilt > reused+2 {
		t.Errorf("Execute allocates %v times with a rebuilt Text, %v with a reused one: want at most 2 more", rebuilt, reused)
	}
	if st := eng.CacheStats(); st.Misses != 1 {
		t.Errorf("CacheStats = %+v, want one miss", st)
	}
}

// TestVersionReadForTheFirstRequire: a statement that requires a server feature on
// a fresh engine makes it read the server's version, so the very first Execute is
// refused by the version, without a ServerVersion call, and sends nothing else.
func TestVersionReadForTheFirstRequire(t *testing.T) {
	t.Parallel()
	eng := newEngine(t, testdb.URL(t, testdb.MySQL))
	ctx := context.Background()
	table := makeTable(t, eng, "v int")
	fresh := newEngine(t, testdb.URL(t, testdb.MySQL))
	_, err := fresh.Execute(ctx, returningUpdate{"update " + table + " set v = v + 1 returning v"})
	v, verr := fresh.ServerVersion(ctx)
	if verr != nil {
		t.Fatal(verr)
	}
	if strings.Contains(v.Raw, "MariaDB") && !v.AtLeast(13, 0) && !errors.Is(err, alchemy.ErrUnsupported) {
		t.Errorf("the first statement on %s: %v, want ErrUnsupported from the version read at connect", v.Raw, err)
	}
}
