package expr_test

import (
	"encoding/json"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/expr"
)

// goldenCase is a statement whose SQL, per dialect, is kept in testdata/golden.
type goldenCase struct {
	name string
	stmt func(s goldenSchema) expr.Statement
	args []any // the caller's values for Text binds
}

// goldenVersions are the server versions the golden files are compiled for.
var goldenVersions = map[string]dialect.Version{
	"sqlite":     {Major: 3, Minor: 45, Patch: 1, Raw: "3.45.1"},
	"postgresql": {Major: 15, Minor: 6, Raw: "15.6"},
	"mysql":      {Major: 8, Minor: 0, Patch: 36, Raw: "8.0.36"},
	"mariadb":    {Major: 10, Minor: 11, Patch: 6, Raw: "10.11.6-MariaDB"},
	"mssql":      {Major: 16, Minor: 0, Patch: 4105, Raw: "16.0.4105.2"},
}

// goldenDialects is the order the dialects are compiled in.
var goldenDialects = []string{"sqlite", "postgresql", "mysql", "mariadb", "mssql"}

// oldCase is a case compiled for an older server, to show a feature it lacks.
type oldCase struct {
	name    string // file name, under the dialect's directory
	dialect string
	version dialect.Version
	stmt    func(s goldenSchema) expr.Statement
}

func goldenCases() []goldenCase {
	type S = goldenSchema
	type St = expr.Statement
	return []goldenCase{
		// SELECT: columns and conditions.
		{name: "select_columns", stmt: func(s S) St { return s.users.Select(s.users.ID, s.users.Name) }},
		{name: "select_all_columns", stmt: func(s S) St { return s.users.Select() }},
		{name: "select_free_function", stmt: func(s S) St { return expr.Select(s.users.ID, s.users.Name).Where(s.users.ID.Eq(7)) }},
		{name: "select_comparisons", stmt: func(s S) St {
			u := s.users
			return u.Select(u.ID).Where(u.ID.Eq(1), u.Name.Ne("ed"), u.Age.Lt(65), u.Age.Le(64), u.Age.Gt(17), u.Age.Ge(18), u.ManagerID.NeExpr(u.ID))
		}},
		{name: "select_and_or_not", stmt: func(s S) St {
			u := s.users
			return u.Select(u.ID).Where(expr.Or(u.Name.Eq("a"), expr.And(u.Age.Lt(10), expr.Not(u.Email.Eq("x@y"))), expr.Not(expr.Or(u.ID.Eq(1), u.ID.Eq(2)))), u.Age.Gt(1))
		}},
		{name: "select_where_or_list", stmt: func(s S) St {
			u := s.users
			return u.Select(u.ID).Where(expr.Or(u.ID.Eq(1), u.ID.Eq(2)), expr.Or(u.Age.Eq(3), u.Age.Eq(4)))
		}},
		{name: "select_bool_column", stmt: func(s S) St {
			u := s.users
			return u.Select(u.ID).Where(u.Active, expr.Not(u.Active), expr.Or(u.Active, u.Age.Gt(3)), u.Active.Eq(true))
		}},
		{name: "select_empty_and_or", stmt: func(s S) St { u := s.users; return u.Select(u.ID).Where(expr.And(), expr.Or()) }},
		{name: "select_in", stmt: func(s S) St { u := s.users; return u.Select(u.ID).Where(u.ID.In(1, 2, 3), u.Name.In("a")) }},
		{name: "select_not_in", stmt: func(s S) St { u := s.users; return u.Select(u.ID).Where(u.ID.NotIn(4, 5)) }},
		{name: "select_in_empty", stmt: func(s S) St { u := s.users; return u.Select(u.ID).Where(u.ID.In()) }},
		{name: "select_not_in_empty", stmt: func(s S) St { u := s.users; return u.Select(u.ID).Where(u.ID.NotIn()) }},
		{name: "select_like", stmt: func(s S) St {
			u := s.users
			return u.Select(u.ID).Where(expr.Like(u.Name, "a%"), expr.NotLike(u.Email, "%@example.com"))
		}},
		{name: "select_ilike", stmt: func(s S) St { u := s.users; return u.Select(u.ID).Where(expr.ILike(u.Name, "Ed%")) }},
		{name: "select_is_null", stmt: func(s S) St {
			u := s.users
			return u.Select(u.ID).Where(u.Email.IsNull(), u.ManagerID.IsNotNull())
		}},
		{name: "select_between", stmt: func(s S) St { u := s.users; return u.Select(u.ID).Where(u.Age.Between(18, 65)) }},
		{name: "select_value_and_null", stmt: func(s S) St {
			u := s.users
			return u.Select(u.ID, expr.Value("x").Label("const"), expr.Null[string]().Label("nothing"))
		}},

		// Joins.
		{name: "join_inner", stmt: func(s S) St {
			u, o := s.users, s.order
			return u.Select(u.Name, o.Total).Join(o.Table, o.UserID.EqExpr(u.ID)).Where(o.Total.Gt(10))
		}},
		{name: "join_left", stmt: func(s S) St {
			u, o := s.users, s.order
			return u.Select(u.Name, o.Total).LeftJoin(o.Table, o.UserID.EqExpr(u.ID))
		}},
		{name: "join_full", stmt: func(s S) St {
			u, o := s.users, s.order
			return u.Select(u.Name, o.Total).FullJoin(o.Table, o.UserID.EqExpr(u.ID))
		}},
		{name: "join_two", stmt: func(s S) St {
			u, o, t := s.users, s.order, s.tree
			return u.Select(u.Name, o.Total, t.Label).Join(o.Table, o.UserID.EqExpr(u.ID)).LeftJoin(t.Table, t.ID.EqExpr(o.ID))
		}},
		{name: "join_self_alias", stmt: func(s S) St {
			u := s.users
			m := u.Alias("m")
			return u.Select(u.Name, expr.ColumnOf(m, u.Name).Label("manager")).Join(m, expr.ColumnOf(m, u.ID).EqExpr(u.ManagerID)).Where(expr.ColumnOf(m, u.Age).Gt(40))
		}},
		{name: "from_two_tables", stmt: func(s S) St {
			u, o := s.users, s.order
			return expr.Select(u.Name, o.Total).From(u.Table, o.Table).Where(o.UserID.EqExpr(u.ID))
		}},

		// Grouping, order, limit.
		{name: "group_by_having", stmt: func(s S) St {
			o := s.order
			return o.Select(o.UserID, expr.Count().Label("n"), expr.Sum(o.Total).Label("total")).GroupBy(o.UserID).Having(expr.Count().Gt(1), expr.Sum(o.Total).Ge(100))
		}},
		{name: "order_by", stmt: func(s S) St { u := s.users; return u.Select(u.ID).OrderBy(u.Name.Asc(), u.ID.Desc()) }},
		{name: "order_by_nulls", stmt: func(s S) St {
			u := s.users
			return u.Select(u.ID).OrderBy(u.Email.Asc().NullsFirst(), u.Age.Desc().NullsLast())
		}},
		{name: "order_by_label", stmt: func(s S) St {
			o := s.order
			n := expr.Count().Label("n")
			return o.Select(o.UserID, n).GroupBy(o.UserID).OrderBy(n.Desc())
		}},
		{name: "limit", stmt: func(s S) St { u := s.users; return u.Select(u.ID).OrderBy(u.ID.Asc()).Limit(10) }},
		{name: "limit_offset", stmt: func(s S) St { u := s.users; return u.Select(u.ID).OrderBy(u.ID.Asc()).Limit(10).Offset(20) }},
		{name: "offset_only", stmt: func(s S) St { u := s.users; return u.Select(u.ID).OrderBy(u.ID.Asc()).Offset(5) }},
		{name: "limit_unordered", stmt: func(s S) St { u := s.users; return u.Select(u.ID).Limit(1).Offset(1) }},
		{name: "distinct", stmt: func(s S) St { u := s.users; return u.Select(u.Name).Distinct().Where(u.Age.Gt(3)) }},

		// Subqueries, CTEs, EXISTS, set operations.
		{name: "subquery_scalar", stmt: func(s S) St {
			u, o := s.users, s.order
			n := expr.Scalar[int64](o.Select(expr.Count()).Where(o.UserID.EqExpr(u.ID)))
			return u.Select(u.Name, n.Label("orders")).Where(n.Gt(0))
		}},
		{name: "subquery_in", stmt: func(s S) St {
			u, o := s.users, s.order
			return u.Select(u.Name).Where(u.ID.InSelect(o.Select(o.UserID).Where(o.Total.Gt(100))))
		}},
		{name: "subquery_from", stmt: func(s S) St {
			o := s.order
			t := o.Select(o.UserID, expr.Sum(o.Total).Label("total")).GroupBy(o.UserID).Subquery("t")
			return expr.Select(t.C("user_id"), t.C("total")).From(t).Where(t.C("total").Gt(50.0))
		}},
		{name: "subquery_join", stmt: func(s S) St {
			u, o := s.users, s.order
			t := o.Select(o.UserID, expr.Max(o.Total).Label("top")).Where(o.Total.Gt(1)).GroupBy(o.UserID).Subquery("t")
			return u.Select(u.Name, t.C("top")).Join(t, expr.ColumnOf(t, o.UserID).EqExpr(u.ID)).Where(u.Age.Gt(2))
		}},
		{name: "cte", stmt: func(s S) St {
			u, o := s.users, s.order
			c := o.Select(o.UserID, expr.Count().Label("n")).Where(o.Total.Gt(5)).GroupBy(o.UserID).CTE("counts")
			return u.Select(u.Name, c.C("n")).Join(c, expr.ColumnOf(c, o.UserID).EqExpr(u.ID)).Where(u.Age.Gt(30))
		}},
		{name: "cte_recursive", stmt: func(s S) St {
			t := s.tree
			rec := t.Select(t.ID, t.ParentID, t.Label).Where(t.ParentID.IsNull()).RecursiveCTE("subtree")
			rec = rec.UnionAll(t.Select(t.ID, t.ParentID, t.Label).Join(rec, t.ParentID.EqExpr(expr.ColumnOf(rec, t.ID))))
			return expr.Select(expr.ColumnOf(rec, t.ID), expr.ColumnOf(rec, t.Label)).From(rec).OrderBy(expr.ColumnOf(rec, t.ID).Asc())
		}},
		{name: "exists", stmt: func(s S) St {
			u, o := s.users, s.order
			return u.Select(u.Name).Where(expr.Exists(o.Select(o.ID).Where(o.UserID.EqExpr(u.ID), o.Total.Gt(9))))
		}},
		{name: "not_exists", stmt: func(s S) St {
			u, o := s.users, s.order
			return u.Select(u.Name).Where(expr.Not(expr.Exists(o.Select(o.ID).Where(o.UserID.EqExpr(u.ID)))))
		}},
		{name: "union", stmt: func(s S) St {
			u, o := s.users, s.order
			return u.Select(u.ID).Where(u.Age.Gt(1)).Union(o.Select(o.UserID).Where(o.Total.Gt(2)))
		}},
		{name: "union_all_order_limit", stmt: func(s S) St {
			u, o := s.users, s.order
			return u.Select(u.ID).UnionAll(o.Select(o.UserID)).OrderBy(u.ID.Asc()).Limit(5)
		}},
		{name: "intersect", stmt: func(s S) St {
			u, o := s.users, s.order
			return u.Select(u.ID).Intersect(o.Select(o.UserID))
		}},
		{name: "except", stmt: func(s S) St {
			u, o := s.users, s.order
			return u.Select(u.ID).Except(o.Select(o.UserID))
		}},

		// Functions and expressions.
		{name: "functions", stmt: func(s S) St {
			u := s.users
			return u.Select(expr.Lower(u.Name), expr.Upper(u.Name), expr.Coalesce(u.Email, expr.Value("none")).Label("email"),
				expr.Func[int64]("length", u.Name).Label("len"), expr.Now[string]().Label("now"))
		}},
		{name: "aggregates", stmt: func(s S) St {
			o := s.order
			return o.Select(expr.Count(), expr.Count(o.ID), expr.CountDistinct(o.UserID), expr.Sum(o.Total), expr.Avg(o.Total), expr.Min(o.Total), expr.Max(o.Total))
		}},
		{name: "arithmetic", stmt: func(s S) St {
			u := s.users
			return u.Select(expr.Add(u.Age, expr.Value[int64](1)).Label("next"), expr.Mul(expr.Sub(u.Age, u.ID), expr.Value[int64](2)).Label("m"), expr.Div(u.Age, expr.Value[int64](3)).Label("d"))
		}},
		{name: "case", stmt: func(s S) St {
			u := s.users
			c := expr.Case(u.Age.Lt(18), expr.Value("minor")).When(u.Age.Lt(65), expr.Value("adult")).Else(expr.Value("senior"))
			return u.Select(u.Name, c.Label("bracket")).Where(expr.Case(u.Active, u.Age).End().Gt(3))
		}},
		{name: "cast", stmt: func(s S) St {
			u := s.users
			return u.Select(expr.Cast(u.Age, expr.String(10)).Label("age_s"), expr.Cast(u.Name, expr.Integer).Label("name_i"),
				expr.Cast(u.Age, expr.Numeric(10, 2)).Label("age_n"), expr.Cast(u.Age, expr.Float).Label("age_f"),
				expr.Cast(u.Name, expr.Date).Label("d"), expr.Cast(u.Name, expr.DateTime(false)).Label("ts"))
		}},
		{name: "window", stmt: func(s S) St {
			o := s.order
			w := expr.Window{}.PartitionBy(o.UserID).OrderBy(o.Total.Desc())
			return o.Select(o.ID,
				expr.Over(expr.RowNumber(), w).Label("rn"),
				expr.Over(expr.Rank(), expr.Window{}.OrderBy(o.Total.Desc())).Label("rk"),
				expr.Over(expr.Sum(o.Total), expr.Window{}.PartitionBy(o.UserID).OrderBy(o.ID.Asc()).Rows(expr.Unbounded, 0)).Label("running"),
				expr.Over(expr.Avg(o.Total), expr.Window{}.OrderBy(o.ID.Asc()).Rows(-2, 2)).Label("moving"),
				expr.Over(expr.Count(), expr.Window{}.PartitionBy(o.UserID)).Label("n"),
				expr.Over(expr.Max(o.Total), expr.Window{}.OrderBy(o.ID.Asc()).Range(expr.Unbounded, expr.Unbounded)).Label("top"))
		}},
		{name: "for_update", stmt: func(s S) St { u := s.users; return u.Select(u.ID).Where(u.ID.Eq(1)).ForUpdate(expr.LockWait) }},
		{name: "for_update_nowait", stmt: func(s S) St { u := s.users; return u.Select(u.ID).Where(u.ID.Eq(1)).ForUpdate(expr.LockNoWait) }},
		{name: "for_update_skip_locked", stmt: func(s S) St {
			u := s.users
			return u.Select(u.ID).Where(u.Age.Gt(1)).OrderBy(u.ID.Asc()).Limit(1).ForUpdate(expr.LockSkipLocked)
		}},
		{name: "for_update_join", stmt: func(s S) St {
			u, o := s.users, s.order
			return u.Select(u.ID, o.ID).Join(o.Table, o.UserID.EqExpr(u.ID)).ForUpdate(expr.LockWait)
		}},
		{name: "for_update_alias", stmt: func(s S) St {
			u := s.users
			m := u.Alias("m")
			return u.Select(u.ID).Join(m, expr.ColumnOf(m, u.ID).EqExpr(u.ManagerID)).ForUpdate(expr.LockNoWait)
		}},
		{name: "json_text", stmt: func(s S) St {
			d := s.docs
			return d.Select(d.ID, expr.JSONText(d.Body, "a", "b").Label("ab")).Where(expr.JSONText(d.Body, "kind").Eq("x"))
		}},
		{name: "text_in_where", args: []any{expr.Params{"minage": 18}}, stmt: func(s S) St {
			u := s.users
			return u.Select(u.Name).Where(u.Active.Eq(true), expr.Text("users.age > :minage"), u.Name.Ne("z"))
		}},
		{name: "text_in_select", args: []any{expr.Params{"suffix": "!"}}, stmt: func(s S) St {
			u := s.users
			return u.Select(u.Name, expr.As[string](expr.Text("upper(users.name)")).Label("shout"), expr.As[string](expr.Text(":suffix")).Label("suffix")).Where(u.ID.Gt(0))
		}},
		{name: "text_typed_compare", stmt: func(s S) St {
			u := s.users
			return u.Select(u.Name).Where(u.ID.EqExpr(expr.As[int64](expr.Text("(select max(id) from users)"))))
		}},
		{name: "text_in_subquery", args: []any{expr.Params{"t": 5.5}}, stmt: func(s S) St {
			u, o := s.users, s.order
			return u.Select(u.Name).Where(u.Age.Gt(1), u.ID.InSelect(o.Select(o.UserID).Where(expr.Text("total > :t"))))
		}},

		// INSERT.
		{name: "insert_one", stmt: func(s S) St {
			return s.users.Insert().Values(expr.Params{"name": "ed", "age": int64(30), "active": true})
		}},
		{name: "insert_many", stmt: func(s S) St {
			return s.users.Insert().Values(expr.Params{"name": "ed", "age": int64(30)}, expr.Params{"name": "wendy", "age": int64(31)}, expr.Params{"name": "jack", "age": nil})
		}},
		{name: "insert_columns_rows", stmt: func(s S) St {
			return s.users.Insert().Columns(s.users.Name, s.users.Age).Row("ed", 30).Row("wendy", nil)
		}},
		{name: "insert_columns_executemany", args: []any{expr.Params{"name": "ed", "age": int64(30)}}, stmt: func(s S) St {
			return s.users.Insert().Columns(s.users.Name, s.users.Age)
		}},
		{name: "insert_struct", stmt: func(s S) St {
			type row struct {
				ID   int64
				Name string
				Age  int64
			}
			return s.users.Insert().Values(row{Name: "ed", Age: 3}, &row{Name: "x", Age: 4})
		}},
		{name: "insert_expression_value", stmt: func(s S) St {
			return s.users.Insert().Values(expr.Params{"name": expr.Upper(expr.Value("ed")), "age": int64(1)})
		}},
		{name: "insert_from_select", stmt: func(s S) St {
			u, o := s.users, s.order
			return o.Insert().FromSelect([]expr.ColumnRef{o.UserID, o.Total}, u.Select(u.ID, expr.Value(0.5)).Where(u.Age.Gt(21)))
		}},
		{name: "insert_returning", stmt: func(s S) St {
			u := s.users
			return u.Insert().Values(expr.Params{"name": "ed"}).Returning(u.ID, u.Name)
		}},
		{name: "insert_default_values", stmt: func(s S) St { return s.tree.Insert() }},
		{name: "insert_default_values_returning", stmt: func(s S) St { return s.tree.Insert().Returning(s.tree.ID) }},
		{name: "insert_json", stmt: func(s S) St {
			return s.docs.Insert().Values(expr.Params{"id": int64(1), "body": json.RawMessage(`{"a":{"b":"c"}}`)})
		}},
		{name: "upsert_do_nothing", stmt: func(s S) St {
			u := s.users
			return u.Insert().Values(expr.Params{"id": int64(1), "name": "ed"}).OnConflict(u.ID).DoNothing()
		}},
		{name: "upsert_do_update", stmt: func(s S) St {
			u := s.users
			return u.Insert().Values(expr.Params{"id": int64(1), "name": "ed", "age": int64(3)}).OnConflict(u.ID).DoUpdate(u.Name, u.Age)
		}},
		{name: "upsert_reserved_words", stmt: func(s S) St {
			o := s.order
			return o.Insert().Values(expr.Params{"id": int64(1), "group": "g", "total": 2.5}).OnConflict(o.ID).DoUpdate(o.Group, o.Total)
		}},
		{name: "upsert_returning", stmt: func(s S) St {
			u := s.users
			return u.Insert().Values(expr.Params{"id": int64(1), "name": "ed"}).OnConflict(u.ID).DoUpdate(u.Name).Returning(u.ID)
		}},

		// UPDATE.
		{name: "update_value", stmt: func(s S) St {
			u := s.users
			return u.Update().Set(u.Name, "ed").Set(u.Email, nil).Where(u.ID.Eq(5))
		}},
		{name: "update_expression", stmt: func(s S) St {
			u := s.users
			return u.Update().Set(u.Age, expr.Add(u.Age, expr.Value[int64](1))).Where(u.Active.Eq(true), expr.Or(u.ID.Eq(1), u.ID.Eq(2)))
		}},
		{name: "update_subquery_where", stmt: func(s S) St {
			u, o := s.users, s.order
			return u.Update().Set(u.Status, "buyer").Where(u.ID.InSelect(o.Select(o.UserID).Where(o.Total.Gt(10))))
		}},
		{name: "update_returning", stmt: func(s S) St {
			u := s.users
			return u.Update().Set(u.Name, "ed").Where(u.ID.Eq(5)).Returning(u.ID, u.Name)
		}},
		{name: "update_all", stmt: func(s S) St { u := s.users; return u.Update().Set(u.Active, false).All() }},
		{name: "update_reserved_words", stmt: func(s S) St {
			o := s.order
			return o.Update().Set(o.Group, "vip").Where(o.Group.Eq("std"))
		}},

		// DELETE.
		{name: "delete_where", stmt: func(s S) St {
			u := s.users
			return u.Delete().Where(expr.Or(u.ID.Eq(1), u.ID.Eq(2)), u.Age.Lt(3))
		}},
		{name: "delete_returning", stmt: func(s S) St {
			u := s.users
			return u.Delete().Where(u.ID.Eq(1)).Returning(u.ID, u.Name)
		}},
		{name: "delete_all", stmt: func(s S) St { return s.order.Delete().All() }},
	}
}

// oldCases are compiled for older servers, which lack features the cases use.
func oldCases() []oldCase {
	type S = goldenSchema
	type St = expr.Statement
	ret := func(s S) St { return s.users.Insert().Values(expr.Params{"name": "ed"}).Returning(s.users.ID) }
	upd := func(s S) St {
		return s.users.Update().Set(s.users.Name, "ed").Where(s.users.ID.Eq(1)).Returning(s.users.ID)
	}
	del := func(s S) St { return s.users.Delete().Where(s.users.ID.Eq(1)).Returning(s.users.ID) }
	v := func(raw string) dialect.Version {
		ver, err := dialect.ParseVersion(raw)
		if err != nil {
			panic(err)
		}
		return ver
	}
	return []oldCase{
		{name: "old_3.34_insert_returning", dialect: "sqlite", version: v("3.34.1"), stmt: ret},
		{name: "old_3.35_insert_returning", dialect: "sqlite", version: v("3.35.0"), stmt: ret},
		{name: "old_5.7_insert_returning", dialect: "mysql", version: v("5.7.44"), stmt: ret},
		{name: "old_10.4_insert_returning", dialect: "mariadb", version: v("10.4.32-MariaDB"), stmt: ret},
		{name: "old_10.4_delete_returning", dialect: "mariadb", version: v("10.4.32-MariaDB"), stmt: del},
		{name: "old_10.5_insert_returning", dialect: "mariadb", version: v("10.5.0-MariaDB"), stmt: ret},
		{name: "old_mysql_url_mariadb_server_update_returning", dialect: "mysql", version: v("10.11.6-MariaDB"), stmt: upd},
		{name: "old_mysql_url_mariadb_server_insert_returning", dialect: "mysql", version: v("10.11.6-MariaDB"), stmt: ret},
		{name: "old_unknown_version_insert_returning", dialect: "mysql", version: dialect.Version{}, stmt: ret},
	}
}
