package expr

import (
	"fmt"
	"reflect"
)

// Expression is a SQL expression: a column, a value, a comparison, a function call, a
// subquery, or a Text fragment, which nests anywhere an expression goes. This
// package's expressions implement it; a Statement of another package becomes one
// with As.
type Expression interface {
	WriteSQL(c *Compiler) error
	appendKey(k *keyWriter) // its shape, and the values it carries (key.go)
}

// Operand is an expression whose values are of the Go type T: a Column[T] or an
// Expr[T]. Comparisons between two expressions take Operands of the same T, so that
// comparing an integer column with a string column does not compile.
type Operand[T any] interface {
	Expression
	operand() T
}

// Expr is an expression whose values are T: what functions, CAST, CASE, arithmetic
// and labels give, and what a Column[T] is. Its methods build conditions; values
// given to them are always bound, never written into the SQL. An Expr is immutable.
type Expr[T any] struct {
	node Expression
}

// WriteSQL writes the expression (Expression).
func (e Expr[T]) WriteSQL(c *Compiler) error {
	if e.node == nil {
		return fmt.Errorf("alchemy: an empty Expr[%s] (the zero value; build expressions with this package's functions)", typeName[T]())
	}
	return e.node.WriteSQL(c)
}

func (e Expr[T]) appendKey(k *keyWriter) { k.expr(e.node) }

func (e Expr[T]) operand() (zero T) { return }

// typeName names T for errors.
func typeName[T any]() string { return reflect.TypeFor[T]().String() }

// As gives s (a Text fragment, or a Statement of another package) the Go type T, so
// that it can be used as an expression and compared with typed columns:
// users.ID.EqExpr(expr.As[int64](expr.Text("(select max(id) from users)"))). A
// Statement of another package is cached with the statement only if it has a
// CacheKey (CacheKeyer).
func As[T any](s Statement) Expr[T] {
	if e, ok := s.(Expression); ok {
		return Expr[T]{node: e}
	}
	return Expr[T]{node: foreignNode{s}}
}

// foreignNode is a Statement of another package used as an expression.
type foreignNode struct{ s Statement }

func (n foreignNode) WriteSQL(c *Compiler) error { return c.Write(n.s) }
func (n foreignNode) appendKey(k *keyWriter)     { k.part(n.s) }

// Value is the value v as an expression, bound like every value.
func Value[T any](v T) Expr[T] { return Expr[T]{node: &valueNode{v: v}} }

// Null is SQL's NULL, of the Go type T.
func Null[T any]() Expr[T] { return Expr[T]{node: keyword("NULL")} }

// Eq is e = v.
func (e Expr[T]) Eq(v T) Expr[bool] { return cmpV(e, "=", v) }

// Ne is e <> v.
func (e Expr[T]) Ne(v T) Expr[bool] { return cmpV(e, "<>", v) }

// Lt is e < v.
func (e Expr[T]) Lt(v T) Expr[bool] { return cmpV(e, "<", v) }

// Le is e <= v.
func (e Expr[T]) Le(v T) Expr[bool] { return cmpV(e, "<=", v) }

// Gt is e > v.
func (e Expr[T]) Gt(v T) Expr[bool] { return cmpV(e, ">", v) }

// Ge is e >= v.
func (e Expr[T]) Ge(v T) Expr[bool] { return cmpV(e, ">=", v) }

// EqExpr is e = o, for another column or expression of the same Go type.
func (e Expr[T]) EqExpr(o Operand[T]) Expr[bool] { return cmpE(e, "=", o) }

// NeExpr is e <> o.
func (e Expr[T]) NeExpr(o Operand[T]) Expr[bool] { return cmpE(e, "<>", o) }

// LtExpr is e < o.
func (e Expr[T]) LtExpr(o Operand[T]) Expr[bool] { return cmpE(e, "<", o) }

// LeExpr is e <= o.
func (e Expr[T]) LeExpr(o Operand[T]) Expr[bool] { return cmpE(e, "<=", o) }

// GtExpr is e > o.
func (e Expr[T]) GtExpr(o Operand[T]) Expr[bool] { return cmpE(e, ">", o) }

// GeExpr is e >= o.
func (e Expr[T]) GeExpr(o Operand[T]) Expr[bool] { return cmpE(e, ">=", o) }

// In is e IN (vs...), one bind per value. An empty list matches no row, as in
// SQLAlchemy (the IN of an empty subquery).
func (e Expr[T]) In(vs ...T) Expr[bool] { return Expr[bool]{node: newIn(e.node, false, vs)} }

// NotIn is e NOT IN (vs...); with an empty list it matches every row.
func (e Expr[T]) NotIn(vs ...T) Expr[bool] { return Expr[bool]{node: newIn(e.node, true, vs)} }

// InSelect is e IN (subquery).
func (e Expr[T]) InSelect(q *SelectStmt) Expr[bool] {
	return Expr[bool]{node: &binaryNode{left: e.node, op: " IN ", right: &subqueryNode{q: q}}}
}

// Between is e BETWEEN lo AND hi.
func (e Expr[T]) Between(lo, hi T) Expr[bool] {
	return Expr[bool]{node: &betweenNode{e: e.node, vals: [2]any{lo, hi}}}
}

// IsNull is e IS NULL.
func (e Expr[T]) IsNull() Expr[bool] {
	return Expr[bool]{node: &postfixNode{e: e.node, op: " IS NULL"}}
}

// IsNotNull is e IS NOT NULL.
func (e Expr[T]) IsNotNull() Expr[bool] {
	return Expr[bool]{node: &postfixNode{e: e.node, op: " IS NOT NULL"}}
}

// Asc orders by e, ascending.
func (e Expr[T]) Asc() Ordering { return Ordering{e: e.node} }

// Desc orders by e, descending.
func (e Expr[T]) Desc() Ordering { return Ordering{e: e.node, desc: true} }

// Label names e in a select list: e AS name.
func (e Expr[T]) Label(name string) Expr[T] { return Expr[T]{node: &labelNode{e: e.node, name: name}} }

func cmpV[T any](e Expr[T], op string, v T) Expr[bool] {
	return Expr[bool]{node: &cmpValueNode{left: e.node, op: op, v: v}}
}

func cmpE[T any](e Expr[T], op string, o Operand[T]) Expr[bool] {
	return Expr[bool]{node: &binaryNode{left: e.node, op: " " + op + " ", right: o}}
}

// Like is e LIKE pattern.
func Like[S ~string](e Operand[S], pattern string) Expr[bool] {
	return Expr[bool]{node: &likeNode{e: e, pattern: pattern}}
}

// NotLike is e NOT LIKE pattern.
func NotLike[S ~string](e Operand[S], pattern string) Expr[bool] {
	return Expr[bool]{node: &likeNode{e: e, pattern: pattern, not: true}}
}

// ILike is a case-insensitive LIKE: ILIKE on PostgreSQL, lower(e) LIKE lower(pattern)
// elsewhere, as in SQLAlchemy.
func ILike[S ~string](e Operand[S], pattern string) Expr[bool] {
	return Expr[bool]{node: &likeNode{e: e, pattern: pattern, ilike: true}}
}

// And is the conjunction of conds; no conds is true.
func And(conds ...Expression) Expr[bool] {
	return Expr[bool]{node: &boolNode{op: " AND ", items: clip(conds)}}
}

// Or is the disjunction of conds; no conds is false.
func Or(conds ...Expression) Expr[bool] {
	return Expr[bool]{node: &boolNode{op: " OR ", items: clip(conds)}}
}

// Not is NOT cond.
func Not(cond Expression) Expr[bool] { return Expr[bool]{node: &prefixNode{op: "NOT ", e: cond}} }

// Exists is EXISTS (q).
func Exists(q *SelectStmt) Expr[bool] {
	return Expr[bool]{node: &prefixNode{op: "EXISTS ", e: &subqueryNode{q: q}}}
}

// Ordering is an ORDER BY term: an expression and its direction.
type Ordering struct {
	e     Expression
	desc  bool
	nulls int8 // -1 first, 1 last
}

// NullsFirst puts NULLs first.
func (o Ordering) NullsFirst() Ordering { o.nulls = -1; return o }

// NullsLast puts NULLs last.
func (o Ordering) NullsLast() Ordering { o.nulls = 1; return o }

// clip returns s with no room to grow, so that an append copies it: statements
// share their slices.
func clip[S ~[]E, E any](s S) S { return s[:len(s):len(s)] }
