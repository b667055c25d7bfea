package expr_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/expr"
)

// stubDialect is a stand-in dialect with a name, a paramstyle and quoting; any other
// method panics through the nil embedded interface.
type stubDialect struct {
	dialect.Dialect
	name  string
	style dialect.Paramstyle
}

func (d stubDialect) Name() string                       { return d.name }
func (d stubDialect) Paramstyle() dialect.Paramstyle     { return d.style }
func (d stubDialect) QuoteIdentifier(name string) string { return `"` + name + `"` }

var (
	stubPostgres = stubDialect{name: "postgresql", style: dialect.Dollar}
	stubSQLite   = stubDialect{name: "sqlite", style: dialect.Question}
	stubMSSQL    = stubDialect{name: "mssql", style: dialect.AtP}
	stubMySQL    = stubDialect{name: "mysql", style: dialect.Question}
	stubMariaDB  = stubDialect{name: "mariadb", style: dialect.Question}
)

// subquery is SELECT ... FROM (fragment) s WHERE s.a = :z OR s.a = :x: binds of its
// own around a nested fragment.
type subquery struct{ inner expr.Statement }

func (s subquery) WriteSQL(c *expr.Compiler) error {
	c.WriteString("select * from (")
	if err := c.Write(s.inner); err != nil {
		return err
	}
	c.WriteString(") s where s.a = ")
	if err := c.Bind("z"); err != nil {
		return err
	}
	c.WriteString(" or s.a = ")
	if err := c.Bind("x"); err != nil {
		return err
	}
	c.SetReturnsRows(true, "a")
	return nil
}

// withCTE is WITH name AS (cte) statement: two fragments in one statement.
type withCTE struct {
	name       string
	cte, outer expr.Statement
}

func (w withCTE) WriteSQL(c *expr.Compiler) error {
	c.WriteString("with ")
	c.WriteIdent(w.name)
	c.WriteString(" as (")
	if err := c.Write(w.cte); err != nil {
		return err
	}
	c.WriteString(") ")
	return c.Write(w.outer)
}

// fixedBind is "col = <value>" with a value of the statement's own, around a fragment.
type fixedBind struct {
	name   string
	value  any
	before bool // the value's bind is written before the fragment
	inner  expr.Statement
}

func (f fixedBind) WriteSQL(c *expr.Compiler) error {
	bindValue := func() error {
		c.WriteString(f.name + " = ")
		return c.BindValue(f.name, f.value)
	}
	c.WriteString("select * from t where ")
	if f.before {
		if err := bindValue(); err != nil {
			return err
		}
		c.WriteString(" and ")
	}
	if err := c.Write(f.inner); err != nil {
		return err
	}
	if !f.before {
		c.WriteString(" and ")
		return bindValue()
	}
	return nil
}

func TestCompilerNestsFragments(t *testing.T) {
	inner := expr.Text("select a from t where x = :x and y = :y::int")
	tests := []struct {
		name string
		stmt expr.Statement
		args []any
		want map[dialect.Paramstyle]string
		vals map[dialect.Paramstyle][]any
	}{
		{"subquery", subquery{inner}, []any{expr.Params{"x": 1, "y": 2, "z": 3}},
			map[dialect.Paramstyle]string{
				dialect.Dollar:   "select * from (select a from t where x = $1 and y = $2::int) s where s.a = $3 or s.a = $1",
				dialect.Question: "select * from (select a from t where x = ? and y = ?::int) s where s.a = ? or s.a = ?",
				dialect.AtP:      "select * from (select a from t where x = @p1 and y = @p2::int) s where s.a = @p3 or s.a = @p1",
			},
			map[dialect.Paramstyle][]any{dialect.Dollar: {1, 2, 3}, dialect.Question: {1, 2, 3, 1}, dialect.AtP: {1, 2, 3}}},
		{"subquery positional, in order of first appearance", subquery{inner}, []any{"x", "y", "z"}, nil,
			map[dialect.Paramstyle][]any{dialect.Dollar: {"x", "y", "z"}, dialect.Question: {"x", "y", "z", "x"}}},
		{"CTE and statement, a name shared", withCTE{"recent", expr.Text("select id from t where at > :since"),
			expr.Text("select * from recent where id > :min and :since is not null")},
			[]any{expr.Params{"since": "s", "min": "m"}},
			map[dialect.Paramstyle]string{
				dialect.Dollar:   `with "recent" as (select id from t where at > $1) select * from recent where id > $2 and $1 is not null`,
				dialect.Question: `with "recent" as (select id from t where at > ?) select * from recent where id > ? and ? is not null`,
			},
			map[dialect.Paramstyle][]any{dialect.Dollar: {"s", "m"}, dialect.Question: {"s", "m", "s"}}},
		{"a subquery in a subquery", subquery{subquery{expr.Text("select :x as a, :y as b")}},
			[]any{expr.Params{"x": 1, "y": 2, "z": 3}},
			map[dialect.Paramstyle]string{
				dialect.Dollar: "select * from (select * from (select $1 as a, $2 as b) s where s.a = $3 or s.a = $1) s where s.a = $3 or s.a = $1",
			},
			map[dialect.Paramstyle][]any{dialect.Dollar: {1, 2, 3}, dialect.Question: {1, 2, 3, 1, 3, 1}}},
		{"a value of the statement's own", fixedBind{name: "kind", value: "k", inner: expr.Text("a = :a or b = :a")},
			[]any{expr.Params{"a": 1}},
			map[dialect.Paramstyle]string{dialect.Dollar: "select * from t where a = $1 or b = $1 and kind = $2"},
			map[dialect.Paramstyle][]any{dialect.Dollar: {1, "k"}, dialect.Question: {1, 1, "k"}}},
		{"a value of the statement's own, positionally", fixedBind{name: "kind", value: "k", before: true, inner: expr.Text("a = :a or b = :b")},
			[]any{1, 2},
			map[dialect.Paramstyle]string{dialect.Question: "select * from t where kind = ? and a = ? or b = ?"},
			map[dialect.Paramstyle][]any{dialect.Dollar: {"k", 1, 2}, dialect.Question: {"k", 1, 2}}},
		{"the same value twice", fixedBind{name: "kind", value: "k", inner: fixedBind{name: "kind", value: "k", inner: expr.Text("true")}},
			nil,
			map[dialect.Paramstyle]string{dialect.Dollar: "select * from t where select * from t where true and kind = $1 and kind = $1"},
			map[dialect.Paramstyle][]any{dialect.Dollar: {"k"}, dialect.Question: {"k", "k"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, d := range []stubDialect{stubPostgres, stubSQLite, stubMSSQL} {
				c, err := expr.Compile(d, dialect.Version{}, tc.stmt)
				if err != nil {
					t.Fatalf("%s: Compile: %v", d.name, err)
				}
				if want, ok := tc.want[d.style]; ok && c.SQL != want {
					t.Errorf("%s: SQL = %q, want %q", d.name, c.SQL, want)
				}
				got, err := c.Bind(tc.args)
				if err != nil {
					t.Fatalf("%s: Bind: %v", d.name, err)
				}
				if want, ok := tc.vals[d.style]; ok && !reflect.DeepEqual(got, want) {
					t.Errorf("%s: driver args = %#v, want %#v", d.name, got, want)
				}
			}
		})
	}
}

func TestCompilerRowsAndColumns(t *testing.T) {
	c, err := expr.Compile(stubPostgres, dialect.Version{}, subquery{expr.Text("delete from t returning a").NoRows()})
	if err != nil {
		t.Fatal(err)
	}
	if !c.ReturnsRows || !reflect.DeepEqual(c.Columns, []string{"a"}) {
		t.Errorf("ReturnsRows %v, Columns %q: the outer statement's word should count", c.ReturnsRows, c.Columns)
	}
	c, err = expr.Compile(stubPostgres, dialect.Version{}, expr.Text("select :a, :b").Columns("a", "b"))
	if err != nil {
		t.Fatal(err)
	}
	if !c.ReturnsRows || !reflect.DeepEqual(c.Columns, []string{"a", "b"}) || !reflect.DeepEqual(c.BindNames(), []string{"a", "b"}) {
		t.Errorf("Columns: ReturnsRows %v, Columns %q, BindNames %q", c.ReturnsRows, c.Columns, c.BindNames())
	}
}

func TestCompilerBindCollisions(t *testing.T) {
	frag := expr.Text("x = :kind")
	tests := []struct {
		name string
		stmt expr.Statement
		has  []string
	}{
		{"fragment takes the caller's value of a name the statement bound",
			fixedBind{name: "kind", value: 1, before: true, inner: frag},
			[]string{`bind parameter "kind" of fragment Text("x = :kind") collides with the bind of that name in the statement expr_test.fixedBind`,
				"binds the caller's value"}},
		{"statement binds a value to a name the fragment takes from the caller",
			fixedBind{name: "kind", value: 1, inner: frag},
			[]string{`bind parameter "kind" of the statement expr_test.fixedBind collides with the bind of that name in fragment Text("x = :kind")`,
				"binds a value of its own"}},
		{"two values under one name",
			fixedBind{name: "kind", value: 1, inner: fixedBind{name: "kind", value: 2, inner: expr.Text("true")}},
			[]string{`bind parameter "kind" of the statement expr_test.fixedBind collides with the bind of that name in fragment expr_test.fixedBind`,
				"a different value"}},
		{"uncomparable values under one name",
			fixedBind{name: "kind", value: []int{1}, inner: fixedBind{name: "kind", value: []int{1}, inner: expr.Text("true")}},
			[]string{"a different value"}},
		{"an error of a fragment names it", subquery{expr.Text("select 'open")},
			[]string{`unterminated single-quoted string starting at byte 7 of the SQL (in fragment Text("select 'open"))`}},
		{"a raw placeholder in a fragment", subquery{expr.Text("select ?")},
			[]string{`driver's own placeholder "?"`, `(in fragment Text("select ?"))`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := expr.Compile(stubSQLite, dialect.Version{}, tc.stmt)
			if err == nil {
				t.Fatalf("Compile = %q, want an error", c.SQL)
			}
			if !errors.Is(err, expr.ErrBindParameter) || !strings.HasPrefix(err.Error(), "alchemy: ") {
				t.Errorf("error %q: want an alchemy: error wrapping ErrBindParameter", err)
			}
			if strings.Count(err.Error(), "(in fragment") > 1 {
				t.Errorf("error %q names its fragment twice", err)
			}
			for _, h := range tc.has {
				if !strings.Contains(err.Error(), h) {
					t.Errorf("error %q does not contain %q", err, h)
				}
			}
		})
	}
	if _, err := expr.Compile(nil, dialect.Version{}, frag); !errors.Is(err, expr.ErrBindParameter) {
		t.Errorf("Compile with a nil dialect: %v", err)
	}
	if _, err := expr.Compile(stubSQLite, dialect.Version{}, nil); err == nil {
		t.Error("Compile of a nil statement: no error")
	}
}

// returning is a DML statement with a RETURNING clause that asks the server for it.
type returning struct{ verb, sql string }

func (r returning) WriteSQL(c *expr.Compiler) error {
	feature := strings.ToUpper(r.verb) + " ... RETURNING"
	if err := c.Require(feature, func(v dialect.Version) bool {
		return expr.SupportsReturning(c.Dialect(), v, r.verb)
	}); err != nil {
		return err
	}
	c.WriteString(r.sql)
	c.SetReturnsRows(true)
	return nil
}

func TestCompilerRequire(t *testing.T) {
	mysql8 := dialect.Version{Major: 8, Minor: 0, Patch: 36, Raw: "8.0.36"}
	maria1011 := dialect.Version{Major: 10, Minor: 11, Patch: 6, Raw: "10.11.6-MariaDB-0+deb12u1"}
	maria104 := dialect.Version{Major: 10, Minor: 4, Patch: 32, Raw: "10.4.32-MariaDB"}
	maria13 := dialect.Version{Major: 13, Minor: 0, Patch: 0, Raw: "13.0.0-MariaDB"}
	sqlite334 := dialect.Version{Major: 3, Minor: 34, Patch: 1, Raw: "3.34.1"}
	upd := returning{"update", "update t set a = 1 returning a"}
	ins := returning{"insert", "insert into t (a) values (1) returning a"}
	del := returning{"delete", "delete from t returning a"}
	tests := []struct {
		name string
		d    stubDialect
		v    dialect.Version
		stmt expr.Statement
		err  string // "" for none
	}{
		{"insert on MySQL 8", stubMySQL, mysql8, ins, "INSERT ... RETURNING (in the statement expr_test.returning) is not supported by mysql server 8.0.36"},
		{"delete on MySQL 8", stubMySQL, mysql8, del, "DELETE ... RETURNING (in the statement expr_test.returning) is not supported by mysql server 8.0.36"},
		{"MySQL of unknown version: the server decides", stubMySQL, dialect.Version{}, ins, ""},
		{"update on MariaDB 10.11", stubMariaDB, maria1011, upd, "UPDATE ... RETURNING (in the statement expr_test.returning) is not supported by mariadb server 10.11.6-MariaDB-0+deb12u1"},
		{"update on MariaDB 10.11 through mysql://", stubMySQL, maria1011, upd, "is not supported by mysql server 10.11.6-MariaDB-0+deb12u1"},
		{"insert on MariaDB 10.11", stubMariaDB, maria1011, ins, ""},
		{"insert on MariaDB 10.11 through mysql://", stubMySQL, maria1011, ins, ""},
		{"delete on MariaDB 10.4", stubMariaDB, maria104, del, ""},
		{"insert on MariaDB 10.4", stubMariaDB, maria104, ins, "INSERT ... RETURNING (in the statement expr_test.returning) is not supported by mariadb server 10.4.32-MariaDB"},
		{"update on MariaDB 13", stubMariaDB, maria13, upd, ""},
		{"update on SQLite 3.34", stubSQLite, sqlite334, upd, "not supported by sqlite server 3.34.1"},
		{"update on PostgreSQL", stubPostgres, dialect.Version{Major: 9}, upd, ""},
		{"update on SQL Server", stubMSSQL, dialect.Version{}, upd, "not supported by mssql server of unknown version"},
		{"numbers without the server's words", stubMySQL, dialect.Version{Major: 8}, upd, "not supported by mysql server 8.0.0"},
		{"inside a subquery", stubMariaDB, maria1011, subquery{upd}, "UPDATE ... RETURNING (in fragment expr_test.returning) is not supported by mariadb server 10.11.6"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := expr.Compile(tc.d, tc.v, tc.stmt)
			if tc.err == "" {
				if err != nil || !c.ReturnsRows {
					t.Fatalf("Compile: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Compile = %q, want an error", c.SQL)
			}
			if !errors.Is(err, expr.ErrUnsupported) || !strings.HasPrefix(err.Error(), "alchemy: unsupported: ") {
				t.Errorf("error %q does not wrap ErrUnsupported", err)
			}
			if !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "(in fragment expr_test.returning) (in fragment") {
				t.Errorf("error %q, want it to contain %q once", err, tc.err)
			}
		})
	}
}

func TestTextCacheKey(t *testing.T) {
	const q = "select :a"
	key := expr.Text(q).CacheKey()
	same := []expr.Statement{expr.Text(q), expr.Text(q + "")}
	for _, s := range same {
		if k := s.(expr.CacheKeyer).CacheKey(); k != key {
			t.Errorf("key %v of a Text of the same SQL differs from %v", k, key)
		}
	}
	if expr.Text(q).Columns("a").CacheKey() != expr.Text(q).Columns("a").CacheKey() {
		t.Error("Columns(a) gives different keys")
	}
	distinct := []*expr.TextClause{
		expr.Text(q), expr.Text("select :b"), expr.Text(q).NoRows(), expr.Text(q).Columns(),
		expr.Text(q).Columns("a"), expr.Text(q).Columns("b"), expr.Text(q).Columns("a", "b"),
		expr.Text(q).Columns("a,b"), expr.Text(q).Columns(""), expr.Text(q).Columns("", ""),
	}
	seen := map[any]int{}
	for i, s := range distinct {
		k := s.CacheKey()
		if j, ok := seen[k]; ok {
			t.Errorf("statements %d and %d share the key %v", j, i, k)
		}
		seen[k] = i
	}
}
