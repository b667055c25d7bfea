package expr_test

import (
	"fmt"
	"hash/maphash"
	"reflect"
	"testing"

	"github.com/go-alchemy/alchemy/expr"
)

// TestGoldenPreparedBindsAsCompile checks, for every golden case and dialect, that
// the engine's path (Prepare, Compile once, Bind the statement's values) gives the
// SQL and the arguments that Compile gives.
func TestGoldenPreparedBindsAsCompile(t *testing.T) {
	for _, dn := range goldenDialects {
		d := lookupDialect(t, dn)
		v := goldenVersions[dn]
		for _, gc := range goldenCases() {
			t.Run(dn+"/"+gc.name, func(t *testing.T) {
				stmt := gc.stmt(newGoldenSchema())
				want, wantErr := expr.Compile(d, v, stmt)
				p := expr.Prepare(stmt)
				if p == nil {
					t.Fatal("Prepare gave nil for a statement of the expression language")
				}
				defer p.Release()
				got, gotErr := p.Compile(d, v)
				if (wantErr == nil) != (gotErr == nil) || wantErr != nil && wantErr.Error() != gotErr.Error() {
					t.Fatalf("Compile: %v; Prepare+Compile: %v", wantErr, gotErr)
				}
				if wantErr != nil {
					return
				}
				if got.SQL != want.SQL {
					t.Fatalf("SQL differs:\n%s\n%s", want.SQL, got.SQL)
				}
				wantArgs, err := want.Bind(gc.args)
				if err != nil {
					t.Fatal(err)
				}
				gotArgs, err := p.Bind(got, gc.args)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(wantArgs, gotArgs) {
					t.Fatalf("args differ:\n%#v\n%#v", wantArgs, gotArgs)
				}
				// The same case built afresh (new tables, new nodes) has the same key.
				p2 := expr.Prepare(gc.stmt(newGoldenSchema()))
				defer p2.Release()
				if !p2.SameKey(p.Key()) {
					t.Fatal("the same statement built twice has two keys")
				}
			})
		}
	}
}

// keyPair is two statements, and whether they must share a cache key.
type keyPair struct {
	name string
	a, b func(s goldenSchema) expr.Statement
	same bool
}

func keyPairs() []keyPair {
	type S = goldenSchema
	type St = expr.Statement
	return []keyPair{
		{name: "eq values", same: true,
			a: func(s S) St { return s.users.Select(s.users.ID).Where(s.users.ID.Eq(1), s.users.Name.Ne("a")) },
			b: func(s S) St { return s.users.Select(s.users.ID).Where(s.users.ID.Eq(2), s.users.Name.Ne("b")) }},
		{name: "in values", same: true,
			a: func(s S) St { return s.users.Select(s.users.ID).Where(s.users.ID.In(1, 2)) },
			b: func(s S) St { return s.users.Select(s.users.ID).Where(s.users.ID.In(3, 4)) }},
		{name: "limit offset values", same: true,
			a: func(s S) St { return s.users.Select(s.users.ID).Limit(1).Offset(2) },
			b: func(s S) St { return s.users.Select(s.users.ID).Limit(10).Offset(20) }},
		{name: "insert values", same: true,
			a: func(s S) St { return s.users.Insert().Values(expr.Params{"name": "a", "age": int64(1)}) },
			b: func(s S) St { return s.users.Insert().Values(expr.Params{"age": int64(2), "name": "b"}) }},
		{name: "update values", same: true,
			a: func(s S) St { return s.users.Update().Set(s.users.Name, "a").Where(s.users.ID.Eq(1)) },
			b: func(s S) St { return s.users.Update().Set(s.users.Name, "b").Where(s.users.ID.Eq(2)) }},
		{name: "json path values", same: true,
			a: func(s S) St { return s.docs.Select(expr.JSONText(s.docs.Body, "a")) },
			b: func(s S) St { return s.docs.Select(expr.JSONText(s.docs.Body, "b")) }},
		{name: "cte values", same: true,
			a: func(s S) St { return goldenCTE(s, 1, 2) },
			b: func(s S) St { return goldenCTE(s, 3, 4) }},
		{name: "subquery values", same: true,
			a: func(s S) St {
				return s.users.Select(s.users.ID).Where(s.users.ID.InSelect(s.order.Select(s.order.UserID).Where(s.order.Total.Gt(1))))
			},
			b: func(s S) St {
				return s.users.Select(s.users.ID).Where(s.users.ID.InSelect(s.order.Select(s.order.UserID).Where(s.order.Total.Gt(2))))
			}},

		{name: "in length", a: func(s S) St { return s.users.Select(s.users.ID).Where(s.users.ID.In(1, 2)) },
			b: func(s S) St { return s.users.Select(s.users.ID).Where(s.users.ID.In(1, 2, 3)) }},
		{name: "empty in", a: func(s S) St { return s.users.Select(s.users.ID).Where(s.users.ID.In()) },
			b: func(s S) St { return s.users.Select(s.users.ID).Where(s.users.ID.In(1)) }},
		{name: "operator", a: func(s S) St { return s.users.Select(s.users.ID).Where(s.users.ID.Eq(1)) },
			b: func(s S) St { return s.users.Select(s.users.ID).Where(s.users.ID.Ne(1)) }},
		{name: "column", a: func(s S) St { return s.users.Select(s.users.ID).Where(s.users.ID.Eq(1)) },
			b: func(s S) St { return s.users.Select(s.users.ID).Where(s.users.Age.Eq(1)) }},
		{name: "limit or not", a: func(s S) St { return s.users.Select(s.users.ID).Limit(1) },
			b: func(s S) St { return s.users.Select(s.users.ID) }},
		{name: "limit or offset", a: func(s S) St { return s.users.Select(s.users.ID).Limit(1) },
			b: func(s S) St { return s.users.Select(s.users.ID).Offset(1) }},
		{name: "insert columns", a: func(s S) St { return s.users.Insert().Values(expr.Params{"name": "a"}) },
			b: func(s S) St { return s.users.Insert().Values(expr.Params{"name": "a", "age": int64(1)}) }},
		{name: "insert rows", a: func(s S) St { return s.users.Insert().Values(expr.Params{"name": "a"}) },
			b: func(s S) St { return s.users.Insert().Values(expr.Params{"name": "a"}, expr.Params{"name": "b"}) }},
		{name: "cte query", a: func(s S) St { return goldenCTE(s, 1, 2) },
			b: func(s S) St {
				c := s.order.Select(s.order.UserID, expr.Count().Label("n")).Where(s.order.Total.Lt(1)).GroupBy(s.order.UserID).CTE("counts")
				return s.users.Select(s.users.Name, c.C("n")).Join(c, expr.ColumnOf(c, s.order.UserID).EqExpr(s.users.ID)).Where(s.users.Age.Gt(2))
			}},
		{name: "cast type", a: func(s S) St { return s.users.Select(expr.Cast(s.users.Age, expr.String(10))) },
			b: func(s S) St { return s.users.Select(expr.Cast(s.users.Age, expr.String(20))) }},
		{name: "json path length (one bind)", same: true, a: func(s S) St { return s.docs.Select(expr.JSONText(s.docs.Body, "a")) },
			b: func(s S) St { return s.docs.Select(expr.JSONText(s.docs.Body, "a", "b")) }},
		{name: "for update mode", a: func(s S) St { return s.users.Select(s.users.ID).ForUpdate(expr.LockWait) },
			b: func(s S) St { return s.users.Select(s.users.ID).ForUpdate(expr.LockNoWait) }},
		{name: "one condition twice vs two equal conditions",
			a: func(s S) St {
				c := s.users.ID.Eq(1)
				return s.users.Select(s.users.ID).Where(c, expr.Or(c, s.users.Age.Gt(2)))
			},
			b: func(s S) St {
				return s.users.Select(s.users.ID).Where(s.users.ID.Eq(1), expr.Or(s.users.ID.Eq(1), s.users.Age.Gt(2)))
			}},
		{name: "table", a: func(s S) St { return s.users.Delete().Where(s.users.ID.Eq(1)) },
			b: func(s S) St { return s.order.Delete().Where(s.order.ID.Eq(1)) }},
	}
}

func goldenCTE(s goldenSchema, total float64, age int64) expr.Statement {
	u, o := s.users, s.order
	c := o.Select(o.UserID, expr.Count().Label("n")).Where(o.Total.Gt(total)).GroupBy(o.UserID).CTE("counts")
	return u.Select(u.Name, c.C("n")).Join(c, expr.ColumnOf(c, o.UserID).EqExpr(u.ID)).Where(u.Age.Gt(age))
}

// TestPreparedKeys checks that statements of one shape share a key and a hash, and
// that the compiled form of one, bound with the other's values, gives exactly what
// compiling the other gives; and that statements of other shapes have other keys.
func TestPreparedKeys(t *testing.T) {
	seed := maphash.MakeSeed()
	for _, kp := range keyPairs() {
		t.Run(kp.name, func(t *testing.T) {
			sa, sb := kp.a(newGoldenSchema()), kp.b(newGoldenSchema())
			pa, pb := expr.Prepare(sa), expr.Prepare(sb)
			defer pa.Release()
			defer pb.Release()
			if !pa.Cacheable() || !pb.Cacheable() {
				t.Fatal("a statement of the expression language is not cacheable")
			}
			same := pb.SameKey(pa.Key())
			if same != kp.same {
				t.Fatalf("SameKey = %v, want %v", same, kp.same)
			}
			if kp.same && pa.Hash(seed) != pb.Hash(seed) {
				t.Fatal("one key, two hashes")
			}
			if !kp.same {
				return
			}
			for _, dn := range goldenDialects {
				d := lookupDialect(t, dn)
				v := goldenVersions[dn]
				ca, err := pa.Compile(d, v)
				if err != nil {
					t.Fatalf("%s: %v", dn, err)
				}
				got, err := pb.Bind(ca, nil)
				if err != nil {
					t.Fatalf("%s: %v", dn, err)
				}
				cb, err := expr.Compile(d, v, sb)
				if err != nil {
					t.Fatalf("%s: %v", dn, err)
				}
				want, err := cb.Bind(nil)
				if err != nil {
					t.Fatal(err)
				}
				if ca.SQL != cb.SQL || !reflect.DeepEqual(got, want) {
					t.Fatalf("%s: the cached form bound with b's values gives\n%s %v\nwhile compiling b gives\n%s %v", dn, ca.SQL, got, cb.SQL, want)
				}
			}
		})
	}
}

// TestConditionUsedTwice shows what the two statements of "one condition twice"
// compile to: a shared condition binds its value once (one placeholder, referred to
// twice where the paramstyle allows), two equal conditions bind two values.
func TestConditionUsedTwice(t *testing.T) {
	s := newGoldenSchema()
	u := s.users
	c := u.ID.Eq(7)
	shared := u.Select(u.ID).Where(c, expr.Or(c, u.Age.Gt(2)))
	apart := u.Select(u.ID).Where(u.ID.Eq(7), expr.Or(u.ID.Eq(7), u.Age.Gt(2)))
	for _, tc := range []struct {
		dialect string
		stmt    expr.Statement
		sql     string
		args    string
	}{
		{"postgresql", shared, "SELECT id FROM users WHERE id = $1 AND (id = $1 OR age > $2)", "[7 2]"},
		{"postgresql", apart, "SELECT id FROM users WHERE id = $1 AND (id = $2 OR age > $3)", "[7 7 2]"},
		{"sqlite", shared, "SELECT id FROM users WHERE id = ? AND (id = ? OR age > ?)", "[7 7 2]"},
		{"mssql", shared, "SELECT id FROM users WHERE id = @p1 AND (id = @p1 OR age > @p2)", "[7 2]"},
	} {
		c, err := expr.Compile(lookupDialect(t, tc.dialect), goldenVersions[tc.dialect], tc.stmt)
		if err != nil {
			t.Fatal(err)
		}
		args, err := c.Bind(nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.SQL != tc.sql || fmt.Sprint(args) != tc.args {
			t.Errorf("%s:\n got %s %v\nwant %s %s", tc.dialect, c.SQL, args, tc.sql, tc.args)
		}
	}
}
