package alchemy_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// pathEngines returns two engines on the PostgreSQL test server: one on the
// native path, one on database/sql's.
func pathEngines(t *testing.T) (native, stdlib *alchemy.Engine) {
	t.Helper()
	u, err := alchemy.ParseURL(testdb.URL(t, testdb.PostgreSQL))
	if err != nil {
		t.Fatal(err)
	}
	return newEngine(t, u.WithQuery("native", "true").RenderWithPassword()),
		newEngine(t, u.WithQuery("native", "false").RenderWithPassword())
}

// upper is a sql.Scanner that records what it was given.
type upper struct{ got string }

func (u *upper) Scan(src any) error {
	if src == nil {
		return fmt.Errorf("upper: NULL")
	}
	u.got = fmt.Sprintf("%T:%v", src, src)
	return nil
}

// TestNativePathScansAsDatabaseSQL scans every kind of value the pgx adapter
// hands out into every kind of destination, on both paths, and requires the
// same value, or the same error, from each.
func TestNativePathScansAsDatabaseSQL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	native, stdlib := pathEngines(t)
	exprs := []string{
		"1::int2", "-7::int4", "300::int4", "9000000000::int8", "1.5::float4", "2.25::float8",
		"12.345::numeric", "true", "'hello'::text", "'42'::varchar(10)", "'abc'::char(5)",
		"'\\x0001ff'::bytea", "''::bytea", `'{"a":1}'::json`, `'{"b":[1,2]}'::jsonb`,
		"'2024-02-29'::date", "'2024-02-29 13:14:15.123456'::timestamp",
		"'2024-02-29 13:14:15.5+02'::timestamptz", "'12:34:56'::time", "'1 day 2 hours'::interval",
		"'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid", "array[1,2,3]::int4[]", "null::int4",
		"null::text", "26::oid", "'<a/>'::xml", "'1'::int8", "'2.5'::text", "'t'::text",
	}
	dests := []func() any{
		func() any { return new(any) }, func() any { return new(string) }, func() any { return new([]byte) },
		func() any { return new(sql.RawBytes) }, func() any { return new(int) }, func() any { return new(int64) },
		func() any { return new(int32) }, func() any { return new(int8) }, func() any { return new(uint64) },
		func() any { return new(float64) }, func() any { return new(float32) }, func() any { return new(bool) },
		func() any { return new(time.Time) }, func() any { return new(sql.NullInt64) },
		func() any { return new(sql.NullString) }, func() any { return new(sql.NullTime) },
		func() any { return new(sql.Null[float64]) }, func() any { return new(*string) },
		func() any { return &upper{} }, func() any { return (*int64)(nil) },
	}
	scan := func(eng *alchemy.Engine, q string, dest any) (any, error) {
		res, err := eng.Execute(ctx, alchemy.Text(q))
		if err != nil {
			return nil, err
		}
		defer res.Close()
		if !res.Next() {
			return nil, fmt.Errorf("no row: %v", res.Err())
		}
		err = res.Scan(dest)
		v := reflect.ValueOf(dest)
		if v.IsNil() {
			return nil, err
		}
		got := v.Elem().Interface()
		if rb, ok := got.(sql.RawBytes); ok {
			got = string(rb) // valid until the next Next
		}
		return got, err
	}
	for _, e := range exprs {
		for _, mk := range dests {
			q := "select " + e
			dn, ds := mk(), mk()
			t.Run(fmt.Sprintf("%s into %T", e, dn), func(t *testing.T) {
				vn, errn := scan(native, q, dn)
				vs, errs := scan(stdlib, q, ds)
				if fmt.Sprint(errn) != fmt.Sprint(errs) {
					t.Fatalf("errors differ:\nnative %v\nstdlib %v", errn, errs)
				}
				if !reflect.DeepEqual(vn, vs) {
					t.Fatalf("values differ:\nnative %#v\nstdlib %#v", vn, vs)
				}
			})
		}
	}
}

// TestNativePathRowsAsDatabaseSQL reads whole rows (Row, and several columns at
// once into mixed destinations) on both paths.
func TestNativePathRowsAsDatabaseSQL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	native, stdlib := pathEngines(t)
	q := alchemy.Text(`select g, g::text as t, '\x00ff'::bytea as b, now()::date as d, null::int4 as n
		from generate_series(1, 300) g`)
	read := func(eng *alchemy.Engine) (rows []alchemy.Row, mixed [][]any) {
		res, err := eng.Execute(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Close()
		for i := 0; res.Next(); i++ {
			if i%2 == 0 {
				r, err := res.Row()
				if err != nil {
					t.Fatal(err)
				}
				rows = append(rows, r)
				continue
			}
			var g int32
			var s string
			var b []byte
			var d any
			var n sql.NullInt32
			if err := res.Scan(&g, &s, &b, &d, &n); err != nil {
				t.Fatal(err)
			}
			mixed = append(mixed, []any{g, s, b, d, n})
		}
		if err := res.Err(); err != nil {
			t.Fatal(err)
		}
		return rows, mixed
	}
	rn, mn := read(native)
	rs, ms := read(stdlib)
	if len(rn) != 150 || len(mn) != 150 {
		t.Fatalf("native path read %d rows and %d scans, want 150 each", len(rn), len(mn))
	}
	if !reflect.DeepEqual(rn, rs) || !reflect.DeepEqual(mn, ms) {
		t.Fatalf("the paths read different rows:\nnative %v %v\nstdlib %v %v", rn[:1], mn[:1], rs[:1], ms[:1])
	}
}

// TestNativePathAllocations: a SELECT on the native path allocates at least 5
// times less than on database/sql's (its Rows, the Rows' destination slice and
// context handling, the adapter's Rows, argument slice and per-column
// closures), with the engine's own work the same on both.
func TestNativePathAllocations(t *testing.T) {
	ctx := context.Background()
	native, stdlib := pathEngines(t)
	stmt := alchemy.Text("select 1")
	run := func(eng *alchemy.Engine) float64 {
		return testing.AllocsPerRun(200, func() {
			res, err := eng.Execute(ctx, stmt)
			if err != nil {
				t.Fatal(err)
			}
			var n int
			for res.Next() {
				if err := res.Scan(&n); err != nil {
					t.Fatal(err)
				}
			}
			if err := res.Err(); err != nil || n != 1 {
				t.Fatalf("select 1 gave %d, %v", n, err)
			}
		})
	}
	n, s := run(native), run(stdlib)
	t.Logf("allocations per SELECT: native path %v, database/sql's %v", n, s)
	if n > s-5 {
		t.Errorf("the native path allocates %v times per SELECT, database/sql's %v: want at least 5 fewer", n, s)
	}
}

// TestNativePathErrorsAsDatabaseSQL: a statement that fails at once, one that
// fails in its first row, one that fails after some rows, and a constraint
// violation give the same error on both paths, classified the same, and leave
// the connection usable.
func TestNativePathErrorsAsDatabaseSQL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	native, stdlib := pathEngines(t)
	table := uniqueName("paths")
	mustExec(t, native, "create table "+table+" (id int primary key)")
	t.Cleanup(func() { mustExec(t, native, "drop table "+table) })
	mustExec(t, native, "insert into "+table+" values (1)")
	stmts := []string{
		"select no_such_column",
		"select 1/0",
		"select 10/(5-g) from generate_series(1, 9) g",
		"insert into " + table + " values (1)",
	}
	run := func(eng *alchemy.Engine, q string) (rows int, err error) {
		c, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		res, err := c.Execute(ctx, alchemy.Text(q))
		if err == nil {
			for res.Next() {
				rows++
			}
			err = res.Err()
		}
		if c.Invalidated() {
			t.Errorf("%s: the connection was invalidated", q)
		}
		mustExec(t, c, "select 1") // still usable
		return rows, err
	}
	for _, q := range stmts {
		nRows, nErr := run(native, q)
		sRows, sErr := run(stdlib, q)
		if nErr == nil || sErr == nil {
			t.Fatalf("%s: errors %v and %v, want both to fail", q, nErr, sErr)
		}
		if nErr.Error() != sErr.Error() || nRows != sRows {
			t.Errorf("%s:\nnative %d rows, %v\nstdlib %d rows, %v", q, nRows, nErr, sRows, sErr)
		}
		for _, is := range []error{alchemy.ErrDisconnect} {
			if errors.Is(nErr, is) != errors.Is(sErr, is) {
				t.Errorf("%s: errors.Is(%v) differs", q, is)
			}
		}
		if native.Dialect().ErrorCode(nErr) != stdlib.Dialect().ErrorCode(sErr) || native.Dialect().ErrorCode(nErr) == "" {
			t.Errorf("%s: codes %q and %q", q, native.Dialect().ErrorCode(nErr), stdlib.Dialect().ErrorCode(sErr))
		}
	}
}
