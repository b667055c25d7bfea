package alchemy_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// Execution of the expression language on real servers: SQLite, PostgreSQL and
// MariaDB. The tables are made with raw DDL, named for the test with a random
// suffix, and dropped after.

type xUsers struct {
	*expr.Table
	ID     expr.Column[int64]
	Name   expr.Column[string]
	Email  expr.Column[string]
	Age    expr.Column[int64]
	Active expr.Column[bool]
	Status expr.Column[string]
}

type xOrders struct {
	*expr.Table
	ID     expr.Column[int64]
	UserID expr.Column[int64]
	Total  expr.Column[float64]
	Group  expr.Column[string]
}

type xTree struct {
	*expr.Table
	ID       expr.Column[int64]
	ParentID expr.Column[int64]
	Label    expr.Column[string]
}

type xDocs struct {
	*expr.Table
	ID   expr.Column[int64]
	Body expr.Column[json.RawMessage]
}

type execSchema struct {
	users  xUsers
	orders xOrders
	tree   xTree
	docs   xDocs
}

// newExecSchema declares the tables under names unique to this run and creates them.
func newExecSchema(t *testing.T, eng *alchemy.Engine, target string) execSchema {
	t.Helper()
	sfx := fmt.Sprintf("%s_%d", strings.ToLower(strings.NewReplacer("/", "_", "-", "_").Replace(t.Name())), rand.Int64N(1e9))
	if len(sfx) > 40 {
		sfx = sfx[len(sfx)-40:]
	}
	md := expr.NewMetaData()
	ut := md.NewTable("u_" + sfx)
	u := xUsers{Table: ut,
		ID:     expr.NewColumn(ut, "id", expr.Integer, expr.PrimaryKey()),
		Name:   expr.NewColumn(ut, "name", expr.String(50), expr.NotNull()),
		Email:  expr.NewColumn(ut, "email", expr.String(100)),
		Age:    expr.NewColumn(ut, "age", expr.Integer),
		Active: expr.NewColumn(ut, "active", expr.Boolean),
		Status: expr.NewColumn(ut, "status", expr.String(20), expr.Default("new")),
	}
	ot := md.NewTable("o_" + sfx)
	o := xOrders{Table: ot,
		ID:     expr.NewColumn(ot, "id", expr.Integer, expr.PrimaryKey()),
		UserID: expr.NewColumn(ot, "user_id", expr.Integer),
		Total:  expr.NewColumn(ot, "total", expr.Float),
		Group:  expr.NewColumn(ot, "group", expr.String(20)),
	}
	tt := md.NewTable("t_" + sfx)
	tr := xTree{Table: tt,
		ID:       expr.NewColumn(tt, "id", expr.Integer, expr.PrimaryKey()),
		ParentID: expr.NewColumn(tt, "parent_id", expr.Integer),
		Label:    expr.NewColumn(tt, "label", expr.String(40)),
	}
	dt := md.NewTable("d_" + sfx)
	d := xDocs{Table: dt,
		ID:   expr.NewColumn(dt, "id", expr.Integer, expr.PrimaryKey()),
		Body: expr.NewColumn(dt, "body", expr.JSON),
	}

	q := eng.Dialect().QuoteIdentifier
	var serial, dbl, boolean, jsonT string
	switch target {
	case testdb.SQLite:
		serial, dbl, boolean, jsonT = "INTEGER PRIMARY KEY", "DOUBLE", "BOOLEAN", "JSON"
	case testdb.PostgreSQL:
		serial, dbl, boolean, jsonT = "SERIAL PRIMARY KEY", "DOUBLE PRECISION", "BOOLEAN", "JSONB"
	default:
		serial, dbl, boolean, jsonT = "INTEGER AUTO_INCREMENT PRIMARY KEY", "DOUBLE", "BOOL", "JSON"
	}
	ddl := []string{
		fmt.Sprintf("CREATE TABLE %s (id %s, name VARCHAR(50) NOT NULL, email VARCHAR(100), age INTEGER, active %s, status VARCHAR(20))", q(ut.Name()), serial, boolean),
		fmt.Sprintf("CREATE TABLE %s (id %s, user_id INTEGER, total %s, %s VARCHAR(20))", q(ot.Name()), serial, dbl, q("group")),
		fmt.Sprintf("CREATE TABLE %s (id INTEGER PRIMARY KEY, parent_id INTEGER, label VARCHAR(40))", q(tt.Name())),
		fmt.Sprintf("CREATE TABLE %s (id INTEGER PRIMARY KEY, body %s)", q(dt.Name()), jsonT),
	}
	ctx := context.Background()
	for _, s := range ddl {
		xExec(t, eng, alchemy.Text(s))
	}
	t.Cleanup(func() {
		for _, n := range []string{ut.Name(), ot.Name(), tt.Name(), dt.Name()} {
			if res, err := eng.Execute(ctx, alchemy.Text("DROP TABLE "+q(n))); err != nil {
				t.Errorf("drop %s: %v", n, err)
			} else {
				res.Close()
			}
		}
	})
	return execSchema{users: u, orders: o, tree: tr, docs: d}
}

// mustExec runs a statement that returns no rows and gives its row count.
func xExec(t *testing.T, eng interface {
	Execute(context.Context, alchemy.Executable, ...any) (*alchemy.Result, error)
}, stmt alchemy.Executable, args ...any) int64 {
	t.Helper()
	res, err := eng.Execute(context.Background(), stmt, args...)
	if err != nil {
		t.Fatalf("%v", err)
	}
	defer res.Close()
	if res.ReturnsRows() {
		return -1
	}
	n, err := res.RowsAffected()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// query runs stmt and reads every row with scan.
func xQuery(t *testing.T, eng interface {
	Execute(context.Context, alchemy.Executable, ...any) (*alchemy.Result, error)
}, stmt alchemy.Executable, scan func(res *alchemy.Result) error, args ...any) int {
	t.Helper()
	res, err := eng.Execute(context.Background(), stmt, args...)
	if err != nil {
		t.Fatalf("%v", err)
	}
	defer res.Close()
	n := 0
	for res.Next() {
		n++
		if err := scan(res); err != nil {
			t.Fatal(err)
		}
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestExprExecution(t *testing.T) {
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		eng, err := alchemy.CreateEngine(tg.URL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { eng.Dispose() }) // after the tables are dropped
		ctx := context.Background()
		s := newExecSchema(t, eng, tg.Name)
		u, o, tr, d := s.users, s.orders, s.tree, s.docs
		ver, err := eng.ServerVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("server %s", ver.Raw)

		// INSERT: many rows by Params, one by struct; the client default fills status.
		n := xExec(t, eng, u.Insert().Values(
			expr.Params{"name": "ed", "age": int64(30), "active": true, "email": "ed@x"},
			expr.Params{"name": "Wendy", "age": int64(25), "active": false, "email": nil},
			expr.Params{"name": "jack", "age": nil, "active": true, "email": "j@x"}))
		if n != 3 {
			t.Fatalf("insert of 3 rows affected %d", n)
		}
		type newUser struct {
			ID     int64
			Name   string
			Age    int64
			Active bool
		}
		if n := xExec(t, eng, u.Insert().Values(newUser{Name: "mary", Age: 41, Active: false})); n != 1 {
			t.Fatalf("insert of a struct affected %d", n)
		}

		// SELECT back, read through the columns' types.
		type row struct {
			name   string
			age    sql.Null[int64]
			active bool
			status string
		}
		var got []row
		xQuery(t, eng, u.Select(u.Name, u.Age, u.Active, u.Status).OrderBy(u.ID.Asc()), func(res *alchemy.Result) error {
			var r row
			err := res.Scan(u.Name.Into(&r.name), u.Age.IntoNull(&r.age), u.Active.Into(&r.active), u.Status.Into(&r.status))
			got = append(got, r)
			return err
		})
		want := []row{{"ed", sql.Null[int64]{V: 30, Valid: true}, true, "new"}, {"Wendy", sql.Null[int64]{V: 25, Valid: true}, false, "new"},
			{"jack", sql.Null[int64]{}, true, "new"}, {"mary", sql.Null[int64]{V: 41, Valid: true}, false, "new"}}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("rows:\n got %v\nwant %v", got, want)
		}
		// A NULL read with Into into a non-nullable type is an error naming the column.
		res, err := eng.Execute(ctx, u.Select(u.Age).Where(u.Name.Eq("jack")))
		if err != nil {
			t.Fatal(err)
		}
		var age int64
		if !res.Next() {
			t.Fatal("no row for jack")
		}
		if err := res.Scan(u.Age.Into(&age)); err == nil || !strings.Contains(err.Error(), "age") {
			t.Fatalf("NULL into int64: %v, want an error naming the column", err)
		}
		res.Close()

		// All[T] into structs.
		type userRow struct {
			ID    int64  `db:"id"`
			Name  string `db:"name"`
			Email sql.NullString
		}
		res, err = eng.Execute(ctx, u.Select(u.ID, u.Name, u.Email).Where(u.Active.Eq(true)).OrderBy(u.Name.Asc()))
		if err != nil {
			t.Fatal(err)
		}
		users, err := alchemy.All[userRow](res)
		if err != nil {
			t.Fatal(err)
		}
		if len(users) != 2 || users[0].Name != "ed" || users[0].Email.String != "ed@x" || users[1].Name != "jack" || users[0].ID == 0 {
			t.Fatalf("All: %+v", users)
		}
		ids := map[string]int64{}
		xQuery(t, eng, u.Select(u.ID, u.Name), func(res *alchemy.Result) error {
			var id int64
			var name string
			err := res.Scan(u.ID.Into(&id), u.Name.Into(&name))
			ids[name] = id
			return err
		})

		// Conditions: IN, empty IN, NOT IN, LIKE, ILIKE, BETWEEN, IS NULL, a bare flag, Text.
		count := func(cond ...expr.Expression) int {
			t.Helper()
			return xQuery(t, eng, u.Select(u.ID).Where(cond...), func(*alchemy.Result) error { return nil })
		}
		checks := []struct {
			name string
			n    int
			cond []expr.Expression
		}{
			{"in", 2, []expr.Expression{u.Name.In("ed", "jack", "nobody")}},
			{"empty in", 0, []expr.Expression{u.Name.In()}},
			{"empty not in", 4, []expr.Expression{u.Name.NotIn()}},
			{"not in", 2, []expr.Expression{u.Name.NotIn("ed", "jack")}},
			{"like", 1, []expr.Expression{expr.Like(u.Name, "e%")}},
			{"ilike", 1, []expr.Expression{expr.ILike(u.Name, "wEN%")}},
			{"between", 2, []expr.Expression{u.Age.Between(25, 30)}},
			{"is null", 1, []expr.Expression{u.Age.IsNull()}},
			{"bare flag", 2, []expr.Expression{u.Active}},
			{"not flag", 2, []expr.Expression{expr.Not(u.Active)}},
			{"not or", 2, []expr.Expression{expr.Not(expr.Or(u.Name.Eq("ed"), u.Name.Eq("jack")))}},
			{"text", 2, []expr.Expression{expr.Text("age > :min"), u.Name.Ne("x")}},
			{"case", 1, []expr.Expression{expr.Case(u.Active, u.Age).Else(expr.Value[int64](0)).Gt(29)}},
		}
		for _, c := range checks {
			var got int
			if c.name == "text" {
				got = xQuery(t, eng, u.Select(u.ID).Where(c.cond...), func(*alchemy.Result) error { return nil }, alchemy.Params{"min": 26})
			} else {
				got = count(c.cond...)
			}
			if got != c.n {
				t.Errorf("%s: %d rows, want %d", c.name, got, c.n)
			}
		}

		// CAST runs on every dialect.
		var ageText string
		xQuery(t, eng, u.Select(expr.Cast(u.Age, expr.String(10)).Label("a")).Where(u.Name.Eq("ed")), func(res *alchemy.Result) error {
			return res.Scan(&ageText)
		})
		if ageText != "30" {
			t.Errorf("CAST(age AS string) = %q", ageText)
		}

		// UPDATE: a value, an expression; without WHERE refused unless All.
		if n := xExec(t, eng, u.Update().Set(u.Email, "w@x").Where(u.Name.Eq("Wendy"))); n != 1 {
			t.Fatalf("update affected %d", n)
		}
		if n := xExec(t, eng, u.Update().Set(u.Age, expr.Add(u.Age, expr.Value[int64](1))).Where(u.Age.IsNotNull())); n != 3 {
			t.Fatalf("update by expression affected %d", n)
		}
		if _, err := eng.Execute(ctx, u.Update().Set(u.Status, "x")); err == nil || !strings.Contains(err.Error(), "without WHERE") {
			t.Fatalf("update without WHERE: %v", err)
		}
		if n := xExec(t, eng, u.Update().Set(u.Status, "seen").All()); n != 4 {
			t.Fatalf("update All affected %d", n)
		}
		var edAge int64
		xQuery(t, eng, u.Select(u.Age).Where(u.Name.Eq("ed")), func(res *alchemy.Result) error { return res.Scan(u.Age.Into(&edAge)) })
		if edAge != 31 {
			t.Fatalf("ed's age after age + 1: %d", edAge)
		}

		// Upsert: DO UPDATE changes the row, DO NOTHING leaves it.
		xExec(t, eng, u.Insert().Values(expr.Params{"id": ids["ed"], "name": "eddie", "age": int64(50)}).OnConflict(u.ID).DoUpdate(u.Name))
		xExec(t, eng, u.Insert().Values(expr.Params{"id": ids["jack"], "name": "jacques"}).OnConflict(u.ID).DoNothing())
		names := map[int64]string{}
		xQuery(t, eng, u.Select(u.ID, u.Name, u.Age), func(res *alchemy.Result) error {
			var id int64
			var name string
			var age sql.Null[int64]
			err := res.Scan(u.ID.Into(&id), u.Name.Into(&name), u.Age.IntoNull(&age))
			names[id] = name
			if id == ids["ed"] && age.V != 31 {
				t.Errorf("upsert DO UPDATE of name changed age to %v", age)
			}
			return err
		})
		if names[ids["ed"]] != "eddie" || names[ids["jack"]] != "jack" || len(names) != 4 {
			t.Fatalf("after upserts: %v", names)
		}

		// RETURNING where the server has it.
		ret := u.Insert().Values(expr.Params{"name": "rita", "age": int64(5)}).Returning(u.ID, u.Name)
		res, err = eng.Execute(ctx, ret)
		if err != nil {
			t.Fatalf("insert returning: %v", err)
		}
		var rid int64
		var rname string
		if !res.Next() {
			t.Fatalf("insert returning gave no row: %v", res.Err())
		}
		if err := res.Scan(u.ID.Into(&rid), u.Name.Into(&rname)); err != nil || rid == 0 || rname != "rita" {
			t.Fatalf("insert returning: %d %q %v", rid, rname, err)
		}
		res.Close()
		upd := u.Update().Set(u.Age, int64(6)).Where(u.ID.Eq(rid)).Returning(u.Age)
		res, err = eng.Execute(ctx, upd)
		if tg.Name == testdb.MySQL && !ver.AtLeast(13, 0) {
			if !errors.Is(err, expr.ErrUnsupported) {
				t.Fatalf("update returning on %s: %v, want ErrUnsupported", ver.Raw, err)
			}
		} else {
			if err != nil {
				t.Fatal(err)
			}
			var a int64
			if !res.Next() || res.Scan(u.Age.Into(&a)) != nil || a != 6 {
				t.Fatalf("update returning: %d %v", a, res.Err())
			}
			res.Close()
		}
		res, err = eng.Execute(ctx, u.Delete().Where(u.ID.Eq(rid)).Returning(u.Name))
		if err != nil {
			t.Fatal(err)
		}
		if !res.Next() || res.Scan(u.Name.Into(&rname)) != nil || rname != "rita" {
			t.Fatalf("delete returning: %q %v", rname, res.Err())
		}
		res.Close()

		// Orders, with a reserved word for a column: join, group by, window.
		var rows []any
		for i, uid := range []int64{ids["ed"], ids["ed"], ids["Wendy"], ids["ed"]} {
			rows = append(rows, expr.Params{"user_id": uid, "total": float64(10 * (i + 1)), "group": "g"})
		}
		xExec(t, eng, o.Insert().Values(rows...))
		type sums struct {
			Name  string  `db:"name"`
			N     int64   `db:"n"`
			Total float64 `db:"total"`
		}
		res, err = eng.Execute(ctx, u.Select(u.Name, expr.Count().Label("n"), expr.Sum(o.Total).Label("total")).
			Join(o.Table, o.UserID.EqExpr(u.ID)).Where(o.Group.Eq("g")).GroupBy(u.Name).Having(expr.Count().Gt(0)).OrderBy(expr.Count().Asc()))
		if err != nil {
			t.Fatal(err)
		}
		agg, err := alchemy.All[sums](res)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(agg) != "[{Wendy 1 30} {eddie 3 70}]" {
			t.Fatalf("join + group by: %v", agg)
		}
		left := xQuery(t, eng, u.Select(u.Name, o.Total).LeftJoin(o.Table, o.UserID.EqExpr(u.ID)), func(*alchemy.Result) error { return nil })
		if left != 6 { // ed 3, Wendy 1, jack and mary none
			t.Fatalf("left join: %d rows", left)
		}
		var ranks []string
		xQuery(t, eng, o.Select(o.Total, expr.Over(expr.RowNumber(), expr.Window{}.PartitionBy(o.UserID).OrderBy(o.Total.Desc())).Label("rn"),
			expr.Over(expr.Sum(o.Total), expr.Window{}.OrderBy(o.ID.Asc()).Rows(expr.Unbounded, 0)).Label("running")).OrderBy(o.ID.Asc()),
			func(res *alchemy.Result) error {
				var total, running float64
				var rn int64
				err := res.Scan(&total, &rn, &running)
				ranks = append(ranks, fmt.Sprint(total, "/", rn, "/", running))
				return err
			})
		if strings.Join(ranks, " ") != "10/3/10 20/2/30 30/1/60 40/1/100" {
			t.Fatalf("window: %v", ranks)
		}
		// A scalar subquery, EXISTS, IN subquery, UNION, LIMIT/OFFSET.
		var withOrders []string
		xQuery(t, eng, u.Select(u.Name).Where(expr.Exists(o.Select(o.ID).Where(o.UserID.EqExpr(u.ID)))).OrderBy(u.ID.Asc()), func(res *alchemy.Result) error {
			var n string
			withOrders = append(withOrders, n)
			return res.Scan(u.Name.Into(&withOrders[len(withOrders)-1]))
		})
		if fmt.Sprint(withOrders) != "[eddie Wendy]" {
			t.Fatalf("exists: %v", withOrders)
		}
		if n := count(u.ID.InSelect(o.Select(o.UserID).Where(o.Total.Gt(25.0)))); n != 2 {
			t.Fatalf("in subquery: %d", n)
		}
		if n := count(expr.Scalar[int64](o.Select(expr.Count()).Where(o.UserID.EqExpr(u.ID))).Ge(3)); n != 1 {
			t.Fatalf("scalar subquery: %d", n)
		}
		if n := xQuery(t, eng, u.Select(u.ID).Union(o.Select(o.UserID)), func(*alchemy.Result) error { return nil }); n != 4 {
			t.Fatalf("union: %d", n)
		}
		if n := xQuery(t, eng, u.Select(u.ID).Except(o.Select(o.UserID)), func(*alchemy.Result) error { return nil }); n != 2 {
			t.Fatalf("except: %d", n)
		}
		var page []int64
		xQuery(t, eng, o.Select(o.ID).OrderBy(o.Total.Asc()).Offset(1), func(res *alchemy.Result) error {
			page = append(page, 0)
			return res.Scan(&page[len(page)-1])
		})
		if len(page) != 3 {
			t.Fatalf("offset without limit: %v", page)
		}
		if n := xQuery(t, eng, o.Select(o.ID).OrderBy(o.Total.Asc()).Limit(2).Offset(1), func(*alchemy.Result) error { return nil }); n != 2 {
			t.Fatalf("limit offset: %d", n)
		}

		// CTEs: a plain one and a recursive one.
		c := o.Select(o.UserID, expr.Count().Label("n")).GroupBy(o.UserID).CTE("counts")
		var cn []int64
		xQuery(t, eng, u.Select(u.Name, c.C("n")).Join(c, expr.ColumnOf(c, o.UserID).EqExpr(u.ID)).Where(u.Age.Gt(0)).OrderBy(u.ID.Asc()), func(res *alchemy.Result) error {
			var name string
			cn = append(cn, 0)
			return res.Scan(&name, &cn[len(cn)-1])
		})
		if fmt.Sprint(cn) != "[3 1]" {
			t.Fatalf("cte: %v", cn)
		}
		xExec(t, eng, tr.Insert().Values(
			expr.Params{"id": int64(1), "parent_id": nil, "label": "root"},
			expr.Params{"id": int64(2), "parent_id": int64(1), "label": "a"},
			expr.Params{"id": int64(3), "parent_id": int64(2), "label": "b"},
			expr.Params{"id": int64(4), "parent_id": nil, "label": "other"}))
		rec := tr.Select(tr.ID, tr.ParentID, tr.Label).Where(tr.ID.Eq(1)).RecursiveCTE("subtree")
		rec = rec.UnionAll(tr.Select(tr.ID, tr.ParentID, tr.Label).Join(rec, tr.ParentID.EqExpr(expr.ColumnOf(rec, tr.ID))))
		var labels []string
		xQuery(t, eng, expr.Select(expr.ColumnOf(rec, tr.Label)).From(rec).OrderBy(expr.ColumnOf(rec, tr.ID).Asc()), func(res *alchemy.Result) error {
			labels = append(labels, "")
			return res.Scan(&labels[len(labels)-1])
		})
		if fmt.Sprint(labels) != "[root a b]" {
			t.Fatalf("recursive cte: %v", labels)
		}

		// JSON: a document in, a value read at a path.
		xExec(t, eng, d.Insert().Values(
			expr.Params{"id": int64(1), "body": json.RawMessage(`{"a": {"b": "deep"}, "kind": "x"}`)},
			expr.Params{"id": int64(2), "body": json.RawMessage(`{"a": {"b": "other"}, "kind": "y"}`)}))
		var deep []string
		xQuery(t, eng, d.Select(expr.JSONText(d.Body, "a", "b").Label("ab")).Where(expr.JSONText(d.Body, "kind").Eq("x")), func(res *alchemy.Result) error {
			deep = append(deep, "")
			return res.Scan(&deep[len(deep)-1])
		})
		if fmt.Sprint(deep) != "[deep]" {
			t.Fatalf("json: %v", deep)
		}
		var body json.RawMessage
		xQuery(t, eng, d.Select(d.Body).Where(d.ID.Eq(2)), func(res *alchemy.Result) error { return res.Scan(d.Body.Into(&body)) })
		var doc map[string]any
		if err := json.Unmarshal(body, &doc); err != nil || doc["kind"] != "y" {
			t.Fatalf("json read back: %s %v", body, err)
		}

		// FOR UPDATE inside a transaction.
		err = eng.RunInTx(ctx, func(conn *alchemy.Conn) error {
			for _, mode := range []string{expr.LockWait, expr.LockNoWait, expr.LockSkipLocked} {
				var id int64
				res, err := conn.Execute(ctx, o.Select(o.ID).Where(o.Total.Gt(15.0)).OrderBy(o.ID.Asc()).Limit(1).ForUpdate(mode))
				if err != nil {
					return fmt.Errorf("%q: %w", mode, err)
				}
				if !res.Next() {
					res.Close()
					return fmt.Errorf("%q: no row: %v", mode, res.Err())
				}
				err = res.Scan(&id)
				res.Close()
				if err != nil {
					return err
				}
				if _, err := conn.Execute(ctx, o.Update().Set(o.Total, expr.Mul(o.Total, expr.Value(2.0))).Where(o.ID.Eq(id))); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("for update in a transaction: %v", err)
		}

		// DELETE.
		if n := xExec(t, eng, o.Delete().Where(o.UserID.Eq(ids["Wendy"]))); n != 1 {
			t.Fatalf("delete affected %d", n)
		}
		if _, err := eng.Execute(ctx, o.Delete()); err == nil || !strings.Contains(err.Error(), "without WHERE") {
			t.Fatalf("delete without WHERE: %v", err)
		}
		if n := xExec(t, eng, o.Delete().All()); n != 3 {
			t.Fatalf("delete All affected %d", n)
		}

		// The cache: one shape with other values is compiled once.
		before := eng.CacheStats()
		for i := range 5 {
			n := count(u.Name.Eq(fmt.Sprint("nobody", i)), u.Age.In(int64(i), int64(i+1)))
			if n != 0 {
				t.Fatalf("%d rows", n)
			}
		}
		after := eng.CacheStats()
		if after.Misses-before.Misses != 1 || after.Hits-before.Hits != 4 {
			t.Fatalf("one shape, five values: %d misses %d hits, want 1 and 4", after.Misses-before.Misses, after.Hits-before.Hits)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}
