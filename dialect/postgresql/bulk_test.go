package postgresql_test

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/dialect/postgresql"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/jackc/pgx/v5/stdlib"
)

var bulk dialect.BulkLoader = postgresql.Dialect{}

// uniqueName is a table (or schema) name unique to the test: its name, made a
// plain identifier, and a random suffix.
func uniqueName(t testing.TB, prefix string) string {
	t.Helper()
	var b strings.Builder
	for _, r := range strings.ToLower(t.Name()) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	name := b.String()
	if len(name) > 40 {
		name = name[:40]
	}
	return fmt.Sprintf("%s_%s_%08x", prefix, name, rand.Uint32())
}

// bulkTable creates the table name with the given column definitions and drops it
// when the test ends.
func bulkTable(t testing.TB, db *sql.DB, name, columns string) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), "create table "+name+" ("+columns+")"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := db.ExecContext(context.Background(), "drop table if exists "+name); err != nil {
			t.Errorf("drop table %s: %v", name, err)
		}
	})
}

// pgDB opens the test server through the dialect's connector.
func pgDB(t testing.TB) *sql.DB {
	t.Helper()
	u, err := dialect.ParseURL(testdb.URL(t, testdb.PostgreSQL))
	if err != nil {
		t.Fatal(err)
	}
	return openTB(t, u)
}

func openTB(t testing.TB, u dialect.URL) *sql.DB {
	t.Helper()
	c, err := postgresql.Dialect{}.Connector(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db
}

func reserve(ctx context.Context, c *sql.Conn, schema, table, column string, n int) ([]int64, error) {
	var keys []int64
	err := c.Raw(func(dc any) error {
		var err error
		keys, err = bulk.ReserveKeys(ctx, dc, schema, table, column, n)
		return err
	})
	return keys, err
}

func copyRows(ctx context.Context, c *sql.Conn, schema, table string, columns []string, src dialect.RowSource) (int64, error) {
	var n int64
	err := c.Raw(func(dc any) error {
		var err error
		n, err = bulk.CopyRows(ctx, dc, schema, table, columns, src)
		return err
	})
	return n, err
}

func mustReserve(t *testing.T, c *sql.Conn, schema, table, column string, n int) []int64 {
	t.Helper()
	keys, err := reserve(context.Background(), c, schema, table, column, n)
	if err != nil {
		t.Fatal(err)
	}
	checkKeys(t, keys, n)
	return keys
}

// checkKeys checks that keys holds n keys, ascending and distinct.
func checkKeys(t *testing.T, keys []int64, n int) {
	t.Helper()
	if len(keys) != n {
		t.Fatalf("got %d keys, want %d", len(keys), n)
	}
	for i, k := range keys {
		if i > 0 && k <= keys[i-1] {
			t.Fatalf("keys not ascending and distinct: [%d]=%d after %d", i, k, keys[i-1])
		}
	}
}

func count(t *testing.T, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, table string) int {
	t.Helper()
	return scan[int](t, q, "select count(*) from "+table)
}

// TestBulkReserveAndCopy reserves 1000 keys, copies 1000 rows of many types with
// them and reads them back.
func TestBulkReserveAndCopy(t *testing.T) {
	ctx := context.Background()
	db := pgDB(t)
	table := uniqueName(t, "alchemy_bulk")
	bulkTable(t, db, table, `id bigserial primary key, i4 int not null, i8 bigint, small smallint,
		name varchar(100) not null, body text, f8 double precision, f4 real,
		ts timestamp, tstz timestamptz, note varchar(200) null, data bytea, ok boolean`)
	c := conn(t, db)

	const n = 1000
	keys := mustReserve(t, c, "", table, "id", n)
	tokyo := time.FixedZone("JST", 9*3600)
	base := time.Date(2024, 2, 29, 23, 59, 58, 123456000, tokyo)
	type row struct {
		id    int64
		i4    int32
		i8    int64
		small int
		name  string
		body  string
		f8    float64
		f4    float32
		ts    time.Time
		note  *string
		data  []byte
		ok    bool
	}
	rows := make([]row, n)
	for i := range rows {
		r := row{
			id: keys[i], i4: int32(i - 500), i8: int64(i) * 10_000_000_000, small: i % 300,
			name: fmt.Sprintf("name %d ‘é’ \"q\" \\ \t", i), body: strings.Repeat("x", i),
			f8: float64(i) / 3, f4: float32(i) / 4,
			ts:   base.Add(time.Duration(i) * time.Second),
			data: []byte{byte(i), 0, 0xff, byte(i >> 8)},
			ok:   i%2 == 0,
		}
		if i%3 != 0 {
			s := fmt.Sprintf("note %d", i)
			r.note = &s
		}
		if i == 7 {
			r.data = []byte{} // empty, not NULL
		}
		rows[i] = r
	}
	src := dialect.FuncRows(n, func(i int) ([]any, error) {
		r := rows[i]
		var body any = r.body
		if i == 5 {
			body = nil
		}
		return []any{r.id, r.i4, r.i8, r.small, r.name, body, r.f8, r.f4, r.ts, r.ts, r.note, r.data, r.ok}, nil
	})
	cols := []string{"id", "i4", "i8", "small", "name", "body", "f8", "f4", "ts", "tstz", "note", "data", "ok"}
	got, err := copyRows(ctx, c, "", table, cols, src)
	if err != nil {
		t.Fatal(err)
	}
	if got != n {
		t.Fatalf("CopyRows = %d, want %d", got, n)
	}

	res, err := c.QueryContext(ctx, "select id, i4, i8, small, name, body, f8, f4, ts, tstz, note, data, ok from "+table+" order by id")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	i := 0
	for ; res.Next(); i++ {
		var (
			r         row
			body      sql.NullString
			ts, tstz  time.Time
			note      sql.NullString
			wantNote  sql.NullString
			wantBody  = sql.NullString{String: rows[i].body, Valid: true}
			wantWall  = rows[i].ts
			wantStamp = rows[i].ts
		)
		if err := res.Scan(&r.id, &r.i4, &r.i8, &r.small, &r.name, &body, &r.f8, &r.f4, &ts, &tstz, &note, &r.data, &r.ok); err != nil {
			t.Fatal(err)
		}
		if i == 5 {
			wantBody = sql.NullString{}
		}
		if rows[i].note != nil {
			wantNote = sql.NullString{String: *rows[i].note, Valid: true}
		}
		w := rows[i]
		if r.id != w.id || r.i4 != w.i4 || r.i8 != w.i8 || r.small != w.small || r.name != w.name ||
			r.f8 != w.f8 || r.f4 != w.f4 || r.ok != w.ok || body != wantBody || note != wantNote {
			t.Fatalf("row %d: got %+v body %v note %v, want %+v body %v note %v", i, r, body, note, w, wantBody, wantNote)
		}
		if !bytes.Equal(r.data, w.data) || r.data == nil {
			t.Fatalf("row %d: data %x, want %x", i, r.data, w.data)
		}
		// timestamp keeps the wall clock and drops the zone; timestamptz the instant.
		if y, mo, d := ts.Date(); y != wantWall.Year() || mo != wantWall.Month() || d != wantWall.Day() ||
			ts.Hour() != wantWall.Hour() || ts.Minute() != wantWall.Minute() || ts.Second() != wantWall.Second() ||
			ts.Nanosecond() != wantWall.Nanosecond() {
			t.Fatalf("row %d: timestamp %v, want the wall clock of %v", i, ts, wantWall)
		}
		if !tstz.Equal(wantStamp) {
			t.Fatalf("row %d: timestamptz %v, want %v", i, tstz, wantStamp)
		}
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	if i != n {
		t.Fatalf("read back %d rows, want %d", i, n)
	}
	// The sequence has moved past the keys: a row inserted the usual way gets a new one.
	next := scan[int64](t, c, "insert into "+table+" (i4, name) values (0, 'after') returning id")
	if next <= keys[n-1] {
		t.Errorf("a default key %d after the reserved ones (last %d)", next, keys[n-1])
	}
}

// TestBulkKeyColumns reserves keys from each kind of key column and loads rows with
// them.
func TestBulkKeyColumns(t *testing.T) {
	ctx := context.Background()
	db := pgDB(t)
	schema := uniqueName(t, "alchemy_bulk_s")
	if _, err := db.ExecContext(ctx, "create schema "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.ExecContext(context.Background(), "drop schema "+schema+" cascade") })

	for _, tc := range []struct {
		name, schema, table, column, def string
	}{
		{name: "bigserial", column: "id", def: "id bigserial primary key"},
		{name: "serial", column: "id", def: "id serial primary key"},
		{name: "identity by default", column: "id", def: "id bigint generated by default as identity primary key"},
		{name: "identity always", column: "id", def: "id int generated always as identity primary key"},
		{name: "identity with increment", column: "id", def: "id bigint generated by default as identity (start 1000 increment 7) primary key"},
		{name: "descending sequence", column: "id", def: "id bigint generated by default as identity (start -1 increment -1) primary key"},
		{name: "schema", schema: schema, column: "id", def: "id bigserial primary key"},
		{name: "mixed case names", schema: schema, table: `Mixed "Case" Table`, column: "Key Col", def: `"Key Col" bigserial primary key`},
		{name: "reserved word", table: "select", column: "order", def: `"order" bigserial primary key`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			table := tc.table
			if table == "" {
				table = uniqueName(t, "alchemy_bulk")
			} else {
				table += " " + fmt.Sprintf("%08x", rand.Uint32())
			}
			qualified := postgresql.Dialect{}.Quote(table)
			if tc.schema != "" {
				qualified = tc.schema + "." + qualified
			}
			bulkTable(t, db, qualified, tc.def+", v text not null")
			c := conn(t, db)
			keys := mustReserve(t, c, tc.schema, table, tc.column, 50)
			if strings.Contains(tc.def, "increment -1") && keys[len(keys)-1] != -1 {
				t.Errorf("keys of a descending sequence: %v, want -50..-1", keys)
			}
			if strings.Contains(tc.def, "increment 7") {
				for i := 1; i < len(keys); i++ {
					if keys[i]-keys[i-1] != 7 {
						t.Errorf("keys %v: not 7 apart", keys)
						break
					}
				}
			}
			n, err := copyRows(ctx, c, tc.schema, table, []string{tc.column, "v"},
				dialect.FuncRows(len(keys), func(i int) ([]any, error) { return []any{keys[i], fmt.Sprint("v", i)}, nil }))
			if err != nil || n != int64(len(keys)) {
				t.Fatalf("CopyRows = %d, %v", n, err)
			}
			got := scan[int64](t, c, "select sum("+postgresql.Dialect{}.Quote(tc.column)+") from "+qualified)
			var want int64
			for _, k := range keys {
				want += k
			}
			if got != want {
				t.Errorf("sum of the keys loaded %d, want %d", got, want)
			}
		})
	}

	t.Run("temporary table", func(t *testing.T) {
		c := conn(t, db)
		if _, err := c.ExecContext(ctx, "create temporary table bulk_tmp (id bigserial, v text)"); err != nil {
			t.Fatal(err)
		}
		keys := mustReserve(t, c, "", "bulk_tmp", "id", 3)
		if n, err := copyRows(ctx, c, "", "bulk_tmp", []string{"id", "v"},
			dialect.SliceRows([][]any{{keys[0], "a"}, {keys[1], nil}, {keys[2], "c"}})); err != nil || n != 3 {
			t.Fatalf("CopyRows = %d, %v", n, err)
		}
	})
}

// TestBulkReserveKeysErrors checks the errors of ReserveKeys: each names the table
// and the column.
func TestBulkReserveKeysErrors(t *testing.T) {
	ctx := context.Background()
	db := pgDB(t)
	table := uniqueName(t, "alchemy_bulk")
	bulkTable(t, db, table, "id int primary key, seqd bigint default nextval('pg_catalog.pg_class_oid_index'::regclass), v text")
	c := conn(t, db)

	for _, tc := range []struct {
		name, schema, table, column string
		n                           int
		noSeq                       bool
		code                        string
	}{
		{name: "no sequence", table: table, column: "id", n: 10, noSeq: true},
		{name: "text column", table: table, column: "v", n: 1, noSeq: true},
		{name: "no such column", table: table, column: "nope", n: 1, code: "42703"},
		{name: "no such table", table: table + "_nope", column: "id", n: 1, code: "42P01"},
		{name: "no such schema", schema: "alchemy_no_schema", table: table, column: "id", n: 1, code: "3F000"},
		{name: "negative count", table: table, column: "id", n: -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keys, err := reserve(ctx, c, tc.schema, tc.table, tc.column, tc.n)
			t.Logf("%v", err)
			if err == nil {
				t.Fatalf("ReserveKeys = %v, want an error", keys)
			}
			if !strings.Contains(err.Error(), tc.table) || !strings.Contains(err.Error(), tc.column) {
				t.Errorf("error %q does not name table %s and column %s", err, tc.table, tc.column)
			}
			if errors.Is(err, dialect.ErrNoKeySequence) != tc.noSeq {
				t.Errorf("errors.Is(%v, ErrNoKeySequence) = %v", err, !tc.noSeq)
			}
			if got := postgresql.ErrorCode(err); got != tc.code {
				t.Errorf("SQLSTATE %q, want %q", got, tc.code)
			}
		})
	}
	if keys, err := reserve(ctx, c, "", table, "id", 0); err != nil || keys == nil || len(keys) != 0 {
		t.Errorf("ReserveKeys(0) = %v, %v; want an empty slice", keys, err)
	}
	if got := scan[int](t, c, "select 1"); got != 1 {
		t.Error("connection unusable after the errors")
	}
}

// TestBulkWrongDriverConn hands both methods what is not a pgx connection.
func TestBulkWrongDriverConn(t *testing.T) {
	ctx := context.Background()
	src := dialect.SliceRows([][]any{{1}})
	for _, dc := range []any{nil, "conn", 42, (*stdlib.Conn)(nil), &stdlib.Conn{}, struct{ driver.Conn }{}} {
		_, err := bulk.ReserveKeys(ctx, dc, "s", "tbl", "col", 3)
		if err == nil || !strings.Contains(err.Error(), `"tbl"`) || !strings.Contains(err.Error(), `"col"`) ||
			!strings.Contains(err.Error(), fmt.Sprintf("%T", dc)) {
			t.Errorf("ReserveKeys(%T): %v", dc, err)
		}
		_, err = bulk.CopyRows(ctx, dc, "", "tbl", []string{"col"}, src)
		if err == nil || !strings.Contains(err.Error(), `"tbl"`) || !strings.Contains(err.Error(), fmt.Sprintf("%T", dc)) {
			t.Errorf("CopyRows(%T): %v", dc, err)
		}
		t.Logf("%v", err)
	}
	// Bad arguments are errors before the connection is even looked at.
	for _, err := range []error{
		func() error { _, err := bulk.ReserveKeys(ctx, nil, "", "", "id", 1); return err }(),
		func() error { _, err := bulk.ReserveKeys(ctx, nil, "", "t", "", 1); return err }(),
		func() error { _, err := bulk.CopyRows(ctx, nil, "", "", []string{"a"}, src); return err }(),
		func() error { _, err := bulk.CopyRows(ctx, nil, "", "t", nil, src); return err }(),
		func() error { _, err := bulk.CopyRows(ctx, nil, "", "t", []string{"a", ""}, src); return err }(),
		func() error { _, err := bulk.CopyRows(ctx, nil, "", "t", []string{"a"}, nil); return err }(),
	} {
		if err == nil {
			t.Error("no error for a bad argument")
		} else {
			t.Logf("%v", err)
		}
	}
}

// TestBulkCopyRollback copies inside a transaction, then rolls it back: no row is
// left, and the keys reserved stay spent.
func TestBulkCopyRollback(t *testing.T) {
	ctx := context.Background()
	db := pgDB(t)
	table := uniqueName(t, "alchemy_bulk")
	bulkTable(t, db, table, "id bigserial primary key, v text")
	c := conn(t, db)
	if _, err := c.ExecContext(ctx, "begin"); err != nil {
		t.Fatal(err)
	}
	keys := mustReserve(t, c, "", table, "id", 200)
	n, err := copyRows(ctx, c, "", table, []string{"id", "v"},
		dialect.FuncRows(len(keys), func(i int) ([]any, error) { return []any{keys[i], "x"}, nil }))
	if err != nil || n != 200 {
		t.Fatalf("CopyRows = %d, %v", n, err)
	}
	if got := count(t, c, table); got != 200 {
		t.Fatalf("inside the transaction: %d rows", got)
	}
	if got := count(t, db, table); got != 0 {
		t.Fatalf("another session sees %d uncommitted rows", got)
	}
	if _, err := c.ExecContext(ctx, "rollback"); err != nil {
		t.Fatal(err)
	}
	if got := count(t, c, table); got != 0 {
		t.Fatalf("after ROLLBACK: %d rows", got)
	}
	again := mustReserve(t, c, "", table, "id", 1)
	if again[0] <= keys[len(keys)-1] {
		t.Errorf("key %d handed out again after ROLLBACK (last reserved %d)", again[0], keys[len(keys)-1])
	}
}

// TestBulkCopyServerError loads a NULL into a NOT NULL column: an error the server
// reports, after which the connection is usable and, inside a transaction, the
// transaction failed and rolls back to nothing.
func TestBulkCopyServerError(t *testing.T) {
	ctx := context.Background()
	db := pgDB(t)
	table := uniqueName(t, "alchemy_bulk")
	bulkTable(t, db, table, "id bigserial primary key, name text not null")
	c := conn(t, db)
	const bad = 600
	rows := func(n int) dialect.RowSource {
		return dialect.FuncRows(n, func(i int) ([]any, error) {
			if i == bad {
				return []any{int64(i + 1), nil}, nil
			}
			return []any{int64(i + 1), fmt.Sprint("n", i)}, nil
		})
	}
	cols := []string{"id", "name"}

	t.Run("autocommit", func(t *testing.T) {
		n, err := copyRows(ctx, c, "", table, cols, rows(1000))
		t.Logf("%v", err)
		if err == nil || postgresql.ErrorCode(err) != "23502" {
			t.Fatalf("CopyRows = %d, %v; want a NOT NULL violation (23502)", n, err)
		}
		if !strings.Contains(err.Error(), table) || !strings.Contains(err.Error(), fmt.Sprint("line ", bad+1)) {
			t.Errorf("error %q names neither the table nor the line", err)
		}
		if postgresql.IsDisconnect(err) {
			t.Errorf("IsDisconnect(%v) = true", err)
		}
		if got := count(t, c, table); got != 0 {
			t.Errorf("%d rows kept from a failed COPY", got)
		}
	})
	t.Run("transaction", func(t *testing.T) {
		if _, err := c.ExecContext(ctx, "begin"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ExecContext(ctx, "insert into "+table+" (id, name) values (-1, 'before')"); err != nil {
			t.Fatal(err)
		}
		_, err := copyRows(ctx, c, "", table, cols, rows(1000))
		if postgresql.ErrorCode(err) != "23502" {
			t.Fatalf("CopyRows: %v; want a NOT NULL violation", err)
		}
		failed := false
		if err := c.Raw(func(dc any) error { failed = postgresql.Dialect{}.TxFailed(dc); return nil }); err != nil {
			t.Fatal(err)
		}
		if !failed {
			t.Error("the transaction is not failed after the COPY's error")
		}
		if _, err := c.ExecContext(ctx, "rollback"); err != nil {
			t.Fatal(err)
		}
		if got := count(t, c, table); got != 0 {
			t.Errorf("after ROLLBACK: %d rows", got)
		}
	})
	t.Run("value pgx cannot encode", func(t *testing.T) {
		small := uniqueName(t, "alchemy_bulk")
		bulkTable(t, db, small, "id int")
		for _, rows := range [][][]any{
			{{int64(1)}, {int64(1) << 40}, {int64(3)}}, // out of int's range
			{{"12"}, {"twelve"}, {"13"}},               // no number
		} {
			if _, err := c.ExecContext(ctx, "begin"); err != nil {
				t.Fatal(err)
			}
			_, err := copyRows(ctx, c, "", small, []string{"id"}, dialect.SliceRows(rows))
			t.Logf("%v", err)
			if err == nil || !strings.Contains(err.Error(), small) || !strings.Contains(err.Error(), "row 2: unable to encode") {
				t.Errorf("CopyRows(%v): %v, want an error naming the table and row 2", rows, err)
			}
			if code := postgresql.ErrorCode(err); code != "" {
				t.Errorf("SQLSTATE %s for an error of the client", code)
			}
			failed := false
			c.Raw(func(dc any) error { failed = postgresql.Dialect{}.TxFailed(dc); return nil })
			if !failed {
				t.Error("transaction not failed")
			}
			if _, err := c.ExecContext(ctx, "rollback"); err != nil {
				t.Fatal(err)
			}
		}
		if got := count(t, c, small); got != 0 {
			t.Errorf("%d rows kept from failed COPYs", got)
		}
	})
	if got := scan[int](t, c, "select 1"); got != 1 {
		t.Error("connection unusable")
	}
}

// errSource is a source's own error.
var errSource = errors.New("the objects ran out of patience")

// TestBulkCopySourceError makes the source fail: the error is in the chain, no row
// is kept and the connection is usable.
func TestBulkCopySourceError(t *testing.T) {
	ctx := context.Background()
	db := pgDB(t)
	table := uniqueName(t, "alchemy_bulk")
	bulkTable(t, db, table, "id bigint, name text")
	c := conn(t, db)
	for _, tc := range []struct {
		name string
		src  dialect.RowSource
		want error
		text string
	}{
		{name: "row error", want: errSource, text: "the row source failed after 700 rows",
			src: dialect.FuncRows(1000, func(i int) ([]any, error) {
				if i == 700 {
					return nil, errSource
				}
				return []any{i, "x"}, nil
			})},
		{name: "values error", want: errSource, src: &failingSource{n: 700}, text: "the row source failed at row 701"},
		{name: "wrong width", text: "row 3 has 1 values for 2 columns",
			src: dialect.SliceRows([][]any{{1, "a"}, {2, "b"}, {3}})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := copyRows(ctx, c, "", table, []string{"id", "name"}, tc.src)
			t.Logf("%v", err)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) || !strings.Contains(err.Error(), tc.text) ||
				!strings.Contains(err.Error(), table) {
				t.Errorf("CopyRows: %v; want %v, %q", err, tc.want, tc.text)
			}
			if got := count(t, c, table); got != 0 {
				t.Errorf("%d rows kept", got)
			}
		})
	}
}

// failingSource yields n good rows, then calls before (when set) and fails in
// Values.
type failingSource struct {
	i, n   int
	before func()
}

func (s *failingSource) Next() bool { s.i++; return true }
func (s *failingSource) Values() ([]any, error) {
	if s.i > s.n {
		if s.before != nil {
			s.before()
		}
		return nil, errSource
	}
	return []any{s.i, "y"}, nil
}
func (s *failingSource) Err() error { return nil }

// endless yields rows without end, calling at(i) before row i.
type endless struct {
	i  int
	at func(i int)
}

func (s *endless) Next() bool {
	s.i++
	if s.at != nil {
		s.at(s.i)
	}
	return true
}
func (s *endless) Values() ([]any, error) { return []any{s.i, "row of an endless source"}, nil }
func (s *endless) Err() error             { return nil }

// TestBulkCopyCancel ends the context in the middle of a COPY: the error carries
// the context's, the connection is closed (its transaction with it) and
// database/sql finds it bad; the rows are not kept.
func TestBulkCopyCancel(t *testing.T) {
	db := pgDB(t)
	table := uniqueName(t, "alchemy_bulk")
	bulkTable(t, db, table, "id bigint, name text")

	for _, tc := range []struct {
		name string
		tx   bool
		// run starts the COPY with a source that makes the context end.
		run  func(c *sql.Conn) error
		want error
	}{
		{name: "canceled while streaming", want: context.Canceled, run: func(c *sql.Conn) error {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			_, err := copyRows(ctx, c, "", table, []string{"id", "name"}, &endless{at: func(i int) {
				if i == 20000 {
					cancel()
				}
			}})
			return err
		}},
		{name: "canceled in a transaction", tx: true, want: context.Canceled, run: func(c *sql.Conn) error {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			_, err := copyRows(ctx, c, "", table, []string{"id", "name"}, &endless{at: func(i int) {
				if i == 20000 {
					cancel()
				}
			}})
			return err
		}},
		{name: "canceled, then the source fails", want: context.Canceled, run: func(c *sql.Conn) error {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			src := &failingSource{n: 5000, before: cancel}
			_, err := copyRows(ctx, c, "", table, []string{"id", "name"}, src)
			if !errors.Is(err, errSource) {
				t.Errorf("CopyRows: %v; want the source's error in the chain", err)
			}
			return err
		}},
		{name: "deadline while the source waits", want: context.DeadlineExceeded, run: func(c *sql.Conn) error {
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			_, err := copyRows(ctx, c, "", table, []string{"id", "name"}, &endless{at: func(i int) {
				if i > 1000 {
					time.Sleep(time.Millisecond)
				}
			}})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := db.Conn(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if tc.tx {
				if _, err := c.ExecContext(context.Background(), "begin"); err != nil {
					t.Fatal(err)
				}
				if _, err := c.ExecContext(context.Background(), "insert into "+table+" values (-1, 'in tx')"); err != nil {
					t.Fatal(err)
				}
			}
			var pid int
			if err := c.QueryRowContext(context.Background(), "select pg_backend_pid()").Scan(&pid); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			err = tc.run(c)
			t.Logf("after %v: %v", time.Since(start).Round(time.Millisecond), err)
			if !errors.Is(err, tc.want) {
				t.Fatalf("CopyRows: %v; want %v in the chain", err, tc.want)
			}
			if postgresql.IsDisconnect(err) {
				t.Errorf("IsDisconnect(%v) = true for the caller's own context", err)
			}
			if !waitClosed(t, c) {
				t.Error("the connection is open after a COPY cut off by its context")
			}
			if _, err := c.ExecContext(context.Background(), "select 1"); !errors.Is(err, driver.ErrBadConn) {
				t.Errorf("next statement on the connection: %v, want driver.ErrBadConn", err)
			}
			// The server ends the session, and rolls back what it did.
			deadline := time.Now().Add(5 * time.Second)
			for scan[int](t, db, "select count(*) from pg_stat_activity where pid = $1", pid) > 0 {
				if time.Now().After(deadline) {
					t.Fatal("the session of the cut-off COPY is still there")
				}
				time.Sleep(10 * time.Millisecond)
			}
			if got := count(t, db, table); got != 0 {
				t.Errorf("%d rows kept", got)
			}
		})
	}

	t.Run("context done before", func(t *testing.T) {
		c := conn(t, db)
		if _, err := c.ExecContext(context.Background(), "begin"); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := copyRows(ctx, c, "", table, []string{"id", "name"}, dialect.SliceRows([][]any{{1, "a"}}))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("CopyRows: %v", err)
		}
		_, err = reserve(ctx, c, "", table, "id", 5)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("ReserveKeys: %v", err)
		}
		failed := true
		c.Raw(func(dc any) error { failed = postgresql.Dialect{}.TxFailed(dc); return nil })
		if failed {
			t.Error("the transaction failed")
		}
		if got := count(t, c, table); got != 0 {
			t.Errorf("%d rows", got)
		}
		if _, err := c.ExecContext(context.Background(), "rollback"); err != nil {
			t.Fatal(err)
		}
	})
}

// waitClosed reports whether pgx has closed c's connection, and waits until pgx has
// finished closing it in the background (so that no goroutine of it outlives the
// test).
func waitClosed(t *testing.T, c *sql.Conn) (closed bool) {
	t.Helper()
	c.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn().PgConn()
		if closed = pc.IsClosed(); closed {
			select {
			case <-pc.CleanupDone():
			case <-time.After(20 * time.Second):
				t.Error("pgx has not finished closing the connection after 20s")
			}
		}
		return nil
	})
	return closed
}

// TestBulkReserveKeysCancel ends the context of a large reservation.
func TestBulkReserveKeysCancel(t *testing.T) {
	db := pgDB(t)
	table := uniqueName(t, "alchemy_bulk")
	bulkTable(t, db, table, "id bigserial")
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = reserve(ctx, c, "", table, "id", 10_000_000)
	t.Logf("%v", err)
	if !errors.Is(err, context.DeadlineExceeded) || postgresql.IsDisconnect(err) {
		t.Errorf("ReserveKeys: %v, want DeadlineExceeded in the chain", err)
	}
	if !waitClosed(t, c) {
		t.Error("connection open after ReserveKeys was cut off")
	}
}

// TestBulkPgBouncer reserves and copies through PgBouncer in transaction mode,
// where pgx neither caches nor names prepared statements.
func TestBulkPgBouncer(t *testing.T) {
	ctx := context.Background()
	direct := pgDB(t)
	table := uniqueName(t, "alchemy_bulk")
	bulkTable(t, direct, table, "id bigserial primary key, name text not null, at timestamptz")
	u, err := dialect.ParseURL(testdb.URL(t, testdb.PgBouncer))
	if err != nil {
		t.Fatal(err)
	}
	c := conn(t, openTB(t, u.WithQuery("pgbouncer", "true")))
	for range 3 {
		if _, err := c.ExecContext(ctx, "begin"); err != nil {
			t.Fatal(err)
		}
		keys := mustReserve(t, c, "public", table, "id", 100)
		now := time.Now()
		n, err := copyRows(ctx, c, "public", table, []string{"id", "name", "at"},
			dialect.FuncRows(len(keys), func(i int) ([]any, error) { return []any{keys[i], "n", now}, nil }))
		if err != nil || n != 100 {
			t.Fatalf("CopyRows = %d, %v", n, err)
		}
		if _, err := c.ExecContext(ctx, "commit"); err != nil {
			t.Fatal(err)
		}
	}
	if got := count(t, direct, table); got != 300 {
		t.Errorf("%d rows, want 300", got)
	}
}

// TestBulkConcurrentReservations checks that sessions reserving at once get keys
// no other gets.
func TestBulkConcurrentReservations(t *testing.T) {
	db := pgDB(t)
	table := uniqueName(t, "alchemy_bulk")
	bulkTable(t, db, table, "id bigserial")
	const sessions, each = 4, 5000
	results := make([][]int64, sessions)
	errs := make([]error, sessions)
	done := make(chan struct{})
	for s := range sessions {
		go func() {
			defer func() { done <- struct{}{} }()
			c, err := db.Conn(context.Background())
			if err != nil {
				errs[s] = err
				return
			}
			defer c.Close()
			results[s], errs[s] = reserve(context.Background(), c, "", table, "id", each)
		}()
	}
	for range sessions {
		<-done
	}
	var all []int64
	for s := range sessions {
		if errs[s] != nil {
			t.Fatal(errs[s])
		}
		checkKeys(t, results[s], each)
		all = append(all, results[s]...)
	}
	slices.Sort(all)
	if len(slices.Compact(all)) != sessions*each {
		t.Error("a key was handed to two sessions")
	}
}

// BenchmarkBulkLoad reserves the keys of 100,000 rows and copies them in.
func BenchmarkBulkLoad(b *testing.B) {
	ctx := context.Background()
	db := pgDB(b)
	table := uniqueName(b, "alchemy_bulk")
	bulkTable(b, db, table, `id bigserial primary key, name varchar(100), qty int, price double precision,
		created_at timestamp, note varchar(200) null`)
	c, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	const n = 100_000
	type item struct {
		name  string
		qty   int
		price float64
		at    time.Time
		note  *string
	}
	items := make([]item, n)
	now := time.Now()
	note := "a note"
	for i := range items {
		items[i] = item{name: fmt.Sprint("item ", i), qty: i % 1000, price: float64(i) * 0.25, at: now.Add(time.Duration(i) * time.Millisecond)}
		if i%2 == 0 {
			items[i].note = &note
		}
	}
	cols := []string{"id", "name", "qty", "price", "created_at", "note"}
	var reserveTime, copyTime time.Duration
	for b.Loop() {
		b.StopTimer()
		if _, err := c.ExecContext(ctx, "truncate "+table); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now()
		keys, err := reserve(ctx, c, "", table, "id", n)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		row := make([]any, len(cols))
		got, err := copyRows(ctx, c, "", table, cols, dialect.FuncRows(n, func(i int) ([]any, error) {
			it := &items[i]
			row[0], row[1], row[2], row[3], row[4], row[5] = keys[i], it.name, it.qty, it.price, it.at, it.note
			return row, nil
		}))
		if err != nil || got != n {
			b.Fatalf("CopyRows = %d, %v", got, err)
		}
		reserveTime += t1.Sub(t0)
		copyTime += time.Since(t1)
	}
	b.ReportMetric(float64(reserveTime.Microseconds())/1000/float64(b.N), "reserve-ms/op")
	b.ReportMetric(float64(copyTime.Microseconds())/1000/float64(b.N), "copy-ms/op")
}
