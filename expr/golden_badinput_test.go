package expr_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/expr"
)

// compileErr compiles stmt for the dialect at its golden version and returns the
// error, failing when there is none.
func compileErr(t *testing.T, dn string, stmt expr.Statement, args ...any) error {
	t.Helper()
	c, err := expr.Compile(lookupDialect(t, dn), goldenVersions[dn], stmt)
	if err == nil {
		_, err = c.Bind(args)
	}
	if err == nil {
		t.Fatalf("%s: no error; SQL %s", dn, c.SQL)
	}
	return err
}

func wantIn(t *testing.T, err error, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not name %q", err, p)
		}
	}
}

// TestBadInput is issue 13's list of bad input: each a clear error, never a panic
// and never wrong SQL.
func TestBadInput(t *testing.T) {
	s := newGoldenSchema()
	u, o := s.users, s.order
	t.Run("column not in FROM", func(t *testing.T) {
		err := compileErr(t, "postgresql", u.Select(u.Name).Where(o.Total.Gt(1)))
		wantIn(t, err, "order", "users", "total")
		// Columns of two tables with no FROM that relates them.
		err = compileErr(t, "postgresql", expr.Select(u.Name, o.Total))
		wantIn(t, err, "order", "users")
	})
	t.Run("type the dialect cannot render", func(t *testing.T) {
		for _, dn := range []string{"mysql", "mariadb", "sqlite", "mssql"} {
			err := compileErr(t, dn, u.Select(expr.Cast(u.Name, expr.Interval)))
			if !errors.Is(err, expr.ErrUnsupported) {
				t.Errorf("%s: %v does not wrap ErrUnsupported", dn, err)
			}
			wantIn(t, err, "INTERVAL", dn)
		}
		if _, err := expr.Compile(lookupDialect(t, "postgresql"), goldenVersions["postgresql"], u.Select(expr.Cast(u.Name, expr.Interval))); err != nil {
			t.Errorf("postgresql has INTERVAL: %v", err)
		}
		err := compileErr(t, "postgresql", u.Select(expr.Cast(u.Name, expr.Type[string]{})))
		wantIn(t, err, "CAST")
	})
	t.Run("text bind without a value", func(t *testing.T) {
		err := compileErr(t, "postgresql", u.Select(u.ID).Where(expr.Text("age > :minage")))
		if !errors.Is(err, expr.ErrBindParameter) {
			t.Errorf("%v does not wrap ErrBindParameter", err)
		}
		wantIn(t, err, "minage")
	})
	t.Run("update and delete without WHERE", func(t *testing.T) {
		for _, dn := range goldenDialects {
			wantIn(t, compileErr(t, dn, u.Update().Set(u.Name, "x")), "WHERE", "All")
			wantIn(t, compileErr(t, dn, u.Delete()), "WHERE", "All")
		}
		wantIn(t, compileErr(t, "sqlite", u.Update().Where(u.ID.Eq(1))), "sets nothing")
	})
	t.Run("value of the wrong Go type", func(t *testing.T) {
		wantIn(t, compileErr(t, "sqlite", u.Update().Set(u.Age, "ten").Where(u.ID.Eq(1))), "age", "int64", "string")
		wantIn(t, compileErr(t, "sqlite", u.Insert().Values(expr.Params{"name": 5})), "name", "string", "int")
		wantIn(t, compileErr(t, "sqlite", u.Insert().Values(expr.Params{"name": "a", "nope": 1})), "nope")
		wantIn(t, compileErr(t, "sqlite", u.Insert().Values(42)), "Params")
		// Untyped columns (C) check values too.
		wantIn(t, compileErr(t, "sqlite", u.Update().Set(u.C("age"), "ten").Where(u.ID.Eq(1))), "age")
	})
	t.Run("unknown column", func(t *testing.T) {
		err := compileErr(t, "postgresql", u.Select(u.C("nope")))
		wantIn(t, err, "users", "nope", "name")
		wantIn(t, compileErr(t, "postgresql", u.Select(u.ID).Where(u.C("nope").Eq(1))), "nope")
		wantIn(t, compileErr(t, "postgresql", u.Update().Set(u.C("nope"), 1).All()), "nope")
	})
	t.Run("zero values", func(t *testing.T) {
		wantIn(t, compileErr(t, "postgresql", u.Select(u.ID).Where(expr.Expr[bool]{})), "empty Expr")
		wantIn(t, compileErr(t, "postgresql", u.Select(u.ID).Where(nil)), "nil")
		wantIn(t, compileErr(t, "postgresql", expr.Select()), "without columns")
	})
	t.Run("unsupported by the dialect", func(t *testing.T) {
		wantIn(t, compileErr(t, "mysql", u.Select(u.ID).FullJoin(o.Table, o.UserID.EqExpr(u.ID))), "FULL OUTER JOIN", "mysql")
		wantIn(t, compileErr(t, "mssql", u.Select(u.ID).OrderBy(u.ID.Asc().NullsLast())), "NULLS")
		wantIn(t, compileErr(t, "sqlite", u.Select(u.ID).Limit(1).Union(u.Select(u.ID))), "SQLite", "LIMIT", "UNION")

	})
}

// TestIdentifierQuoting checks that names with quotes, reserved words and mixed
// case are quoted as each dialect wants, and that a quote inside a name is doubled.
func TestIdentifierQuoting(t *testing.T) {
	md := expr.NewMetaData()
	tb := md.NewTable(`we"ird` + "`]")
	sel := expr.NewColumn(tb, "select", expr.Integer)
	mixed := expr.NewColumn(tb, "MixedCase", expr.Integer)
	user := md.NewTable("user")
	uid := expr.NewColumn(user, "id", expr.Integer)
	want := map[string][2]string{
		"postgresql": {"SELECT \"we\"\"ird`]\".\"select\", \"we\"\"ird`]\".\"MixedCase\" FROM \"we\"\"ird`]\", \"user\" WHERE \"we\"\"ird`]\".\"select\" = $1",
			`SELECT id FROM "user"`},
		"sqlite": {"SELECT \"we\"\"ird`]\".\"select\", \"we\"\"ird`]\".MixedCase FROM \"we\"\"ird`]\", user WHERE \"we\"\"ird`]\".\"select\" = ?",
			`SELECT id FROM user`},
		"mysql": {"SELECT `we\"ird``]`.`select`, `we\"ird``]`.MixedCase FROM `we\"ird``]`, user WHERE `we\"ird``]`.`select` = ?",
			"SELECT id FROM user"},
		"mssql": {"SELECT [we\"ird`]]].[select], [we\"ird`]]].MixedCase FROM [we\"ird`]]], [user] WHERE [we\"ird`]]].[select] = @p1",
			"SELECT id FROM [user]"},
	}
	for dn, w := range want {
		for i, stmt := range []expr.Statement{tb.Select(sel, mixed).From(user).Where(sel.Eq(1)), user.Select(uid)} { // two tables: columns qualified
			c, err := expr.Compile(lookupDialect(t, dn), goldenVersions[dn], stmt)
			if err != nil {
				t.Fatalf("%s: %v", dn, err)
			}
			if c.SQL != w[i] {
				t.Errorf("%s:\n got %s\nwant %s", dn, c.SQL, w[i])
			}
		}
	}
}

// TestRandomStatementsNeverPanic builds statements from random parts, good and bad,
// and compiles them for every dialect and through Prepare: an error is fine, a panic
// is not, and what compiles binds as many values as it has placeholders.
func TestRandomStatementsNeverPanic(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, uint64(len(goldenCases()))))
	s := newGoldenSchema()
	u, o := s.users, s.order
	alias := u.Alias("m")
	conds := []func() expr.Expression{
		func() expr.Expression { return u.ID.Eq(rng.Int64N(9)) },
		func() expr.Expression { return o.Total.Gt(1.5) },
		func() expr.Expression { return u.Name.In() },
		func() expr.Expression { return u.Name.NotIn("a", "b") },
		func() expr.Expression { return expr.Text("age > :x") },
		func() expr.Expression { return u.Active },
		func() expr.Expression { return expr.Not(u.Active) },
		func() expr.Expression { return u.C("nope").Eq(1) },
		func() expr.Expression { return expr.Expr[bool]{} },
		func() expr.Expression { return nil },
		func() expr.Expression { return expr.Exists(o.Select(o.ID).Where(o.UserID.EqExpr(u.ID))) },
		func() expr.Expression { return expr.ColumnOf(alias, u.Age).Gt(3) },
		func() expr.Expression { return expr.Or() },
		func() expr.Expression { return expr.JSONText(s.docs.Body, "k").Eq("v") },
		func() expr.Expression { return expr.Cast(u.Age, expr.Interval).Eq("1 day") },
		func() expr.Expression { return u.ID.InSelect(o.Select(o.UserID)) },
	}
	cond := func() expr.Expression {
		c := conds[rng.IntN(len(conds))]()
		switch rng.IntN(4) {
		case 0:
			return expr.And(c, conds[rng.IntN(len(conds))]())
		case 1:
			return expr.Or(c, conds[rng.IntN(len(conds))]())
		case 2:
			return expr.Not(c)
		}
		return c
	}
	build := func() expr.Statement {
		switch rng.IntN(4) {
		case 0:
			q := u.Select(u.ID, u.Name)
			for range rng.IntN(3) {
				q = q.Where(cond())
			}
			if rng.IntN(2) == 0 {
				q = q.Join(o.Table, o.UserID.EqExpr(u.ID))
			}
			if rng.IntN(3) == 0 {
				q = q.LeftJoin(alias, expr.ColumnOf(alias, u.ID).EqExpr(u.ManagerID))
			}
			if rng.IntN(3) == 0 {
				q = q.Limit(rng.Int64N(5))
			}
			if rng.IntN(3) == 0 {
				q = q.Offset(rng.Int64N(5))
			}
			if rng.IntN(3) == 0 {
				q = q.OrderBy(u.Name.Desc())
			}
			if rng.IntN(4) == 0 {
				q = q.ForUpdate(expr.LockSkipLocked)
			}
			if rng.IntN(4) == 0 {
				q = q.Union(o.Select(o.UserID, o.Group))
			}
			if rng.IntN(5) == 0 {
				return expr.Select(q.Subquery("sq").C("id")).From(q.Subquery("sq"))
			}
			return q
		case 1:
			q := u.Update().Set(u.Name, "x")
			if rng.IntN(2) == 0 {
				q = q.Set(u.Age, rng.IntN(2) == 0) // the wrong Go type half the time
			}
			if rng.IntN(3) > 0 {
				q = q.Where(cond())
			}
			if rng.IntN(3) == 0 {
				q = q.Returning(u.ID)
			}
			return q
		case 2:
			q := u.Delete()
			if rng.IntN(3) > 0 {
				q = q.Where(cond())
			}
			if rng.IntN(3) == 0 {
				q = q.Returning(u.ID)
			}
			return q
		}
		q := u.Insert().Values(expr.Params{"id": rng.Int64N(9), "name": "n"})
		if rng.IntN(2) == 0 {
			q = q.OnConflict(u.ID).DoUpdate(u.Name)
		}
		if rng.IntN(3) == 0 {
			q = q.Returning(u.ID)
		}
		return q
	}
	for i := range 2000 {
		stmt := build()
		for _, dn := range goldenDialects {
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("statement %d on %s: panic %v", i, dn, r)
					}
				}()
				d := lookupDialect(t, dn)
				for _, v := range []dialect.Version{goldenVersions[dn], {}} {
					c, err := expr.Compile(d, v, stmt)
					p := expr.Prepare(stmt)
					c2, err2 := p.Compile(d, v)
					if (err == nil) != (err2 == nil) {
						t.Fatalf("statement %d on %s: Compile %v, Prepare %v", i, dn, err, err2)
					}
					if err == nil {
						var args []any
						if len(c.BindNames()) > 0 {
							args = []any{expr.Params{"x": 1}}
						}
						a1, e1 := c.Bind(args)
						a2, e2 := p.Bind(c2, args)
						if e1 != nil || e2 != nil || fmt.Sprint(a1) != fmt.Sprint(a2) {
							t.Fatalf("statement %d on %s: %s\n%v %v\n%v %v", i, dn, c.SQL, a1, e1, a2, e2)
						}
					}
					p.Release()
				}
			}()
		}
	}
}
