package expr

import (
	"fmt"
)

// The nodes of expressions. Each writes its SQL (WriteSQL) and its key (appendKey),
// visiting its parts in the same order in both; a value is written with
// Compiler.bindLit and keyed with keyWriter.values.

// keyword is SQL text of the package's own (NULL, CURRENT_TIMESTAMP).
type keyword string

func (w keyword) WriteSQL(c *Compiler) error { c.WriteString(string(w)); return nil }
func (w keyword) appendKey(k *keyWriter)     { k.op('K'); k.str(string(w)) }

// valueNode is a bound value.
type valueNode struct{ v any }

func (n *valueNode) WriteSQL(c *Compiler) error { return c.bindLit(n, 0) }
func (n *valueNode) appendKey(k *keyWriter)     { k.values(n, n.v) }

// cmpValueNode is left op value.
type cmpValueNode struct {
	left Expression
	op   string
	v    any
}

func (n *cmpValueNode) WriteSQL(c *Compiler) error {
	if err := c.sub(n.left); err != nil {
		return err
	}
	c.WriteByte(' ')
	c.WriteString(n.op)
	c.WriteByte(' ')
	return c.bindLit(n, 0)
}

func (n *cmpValueNode) appendKey(k *keyWriter) {
	k.op('C')
	k.str(n.op)
	k.expr(n.left)
	k.values(n, n.v)
}

// binaryNode is left op right; op carries its spaces.
type binaryNode struct {
	left  Expression
	op    string
	right Expression
	paren bool // arithmetic: wrap in parentheses
}

func (n *binaryNode) WriteSQL(c *Compiler) error {
	if n.paren {
		c.WriteByte('(')
	}
	if err := c.sub(n.left); err != nil {
		return err
	}
	c.WriteString(n.op)
	if err := c.sub(n.right); err != nil {
		return err
	}
	if n.paren {
		c.WriteByte(')')
	}
	return nil
}

func (n *binaryNode) appendKey(k *keyWriter) {
	k.op('B')
	k.str(n.op)
	k.flag(n.paren)
	k.expr(n.left)
	k.expr(n.right)
}

// inNode is left [NOT] IN (values).
type inNode struct {
	left Expression
	not  bool
	vals []any
}

func newIn[T any](left Expression, not bool, vs []T) *inNode {
	vals := make([]any, len(vs))
	for i, v := range vs {
		vals[i] = v
	}
	return &inNode{left: left, not: not, vals: vals}
}

func (n *inNode) WriteSQL(c *Compiler) error {
	if len(n.vals) == 0 {
		c.WriteByte('(')
	}
	if err := c.sub(n.left); err != nil {
		return err
	}
	if len(n.vals) == 0 {
		// An empty set: no row is IN it, every row is NOT IN it, NULL or not. Not
		// SQLAlchemy's IN (SELECT 1 WHERE 1!=1), which PostgreSQL refuses for a
		// column that is not an integer; the operand stays, for the FROM check.
		if n.not {
			c.WriteString(" IS NULL OR 1 = 1)")
		} else {
			c.WriteString(" IS NULL AND 1 != 1)")
		}
		return nil
	}
	if n.not {
		c.WriteString(" NOT")
	}
	c.WriteString(" IN (")
	for i := range n.vals {
		if i > 0 {
			c.WriteString(", ")
		}
		if err := c.bindLit(n, i); err != nil {
			return err
		}
	}
	c.WriteByte(')')
	return nil
}

func (n *inNode) appendKey(k *keyWriter) {
	k.op('I')
	k.flag(n.not)
	k.expr(n.left)
	k.values(n, n.vals...)
}

// betweenNode is e BETWEEN lo AND hi.
type betweenNode struct {
	e    Expression
	vals [2]any
}

func (n *betweenNode) WriteSQL(c *Compiler) error {
	if err := c.sub(n.e); err != nil {
		return err
	}
	c.WriteString(" BETWEEN ")
	if err := c.bindLit(n, 0); err != nil {
		return err
	}
	c.WriteString(" AND ")
	return c.bindLit(n, 1)
}

func (n *betweenNode) appendKey(k *keyWriter) {
	k.op('W')
	k.expr(n.e)
	k.values(n, n.vals[0], n.vals[1])
}

// postfixNode is e followed by op (" IS NULL").
type postfixNode struct {
	e  Expression
	op string
}

func (n *postfixNode) WriteSQL(c *Compiler) error {
	if err := c.sub(n.e); err != nil {
		return err
	}
	c.WriteString(n.op)
	return nil
}

func (n *postfixNode) appendKey(k *keyWriter) { k.op('P'); k.str(n.op); k.expr(n.e) }

// prefixNode is op followed by e ("NOT ", "EXISTS ").
type prefixNode struct {
	op string
	e  Expression
}

func (n *prefixNode) WriteSQL(c *Compiler) error {
	c.WriteString(n.op)
	inner := nodeOfExpr(n.e)
	_, isBool := inner.(*boolNode)
	_, bare := inner.(*columnDef)
	if isBool || isComparison(n.e) || bare && c.flavor() == mssqlSQL {
		c.WriteByte('(')
		defer c.WriteByte(')')
	}
	if n.op == "NOT " {
		return c.cond(n.e) // NOT (flag = 1) on SQL Server
	}
	return c.sub(n.e)
}

func (n *prefixNode) appendKey(k *keyWriter) { k.op('p'); k.str(n.op); k.expr(n.e) }

// isComparison reports whether e needs parentheses after NOT.
func isComparison(e Expression) bool {
	switch nodeOfExpr(e).(type) {
	case *cmpValueNode, *binaryNode, *inNode, *betweenNode, *likeNode, *postfixNode:
		return true
	}
	return false
}

// likeNode is e [NOT] LIKE pattern, or a case-insensitive LIKE.
type likeNode struct {
	e       Expression
	pattern string
	not     bool
	ilike   bool
}

func (n *likeNode) WriteSQL(c *Compiler) error {
	lower := n.ilike && c.flavor() != postgresSQL
	if lower {
		c.WriteString("lower(")
	}
	if err := c.sub(n.e); err != nil {
		return err
	}
	if lower {
		c.WriteByte(')')
	}
	if n.not {
		c.WriteString(" NOT")
	}
	switch {
	case n.ilike && !lower:
		c.WriteString(" ILIKE ")
	default:
		c.WriteString(" LIKE ")
	}
	if lower {
		c.WriteString("lower(")
		defer c.WriteByte(')')
	}
	return c.bindLit(n, 0)
}

func (n *likeNode) appendKey(k *keyWriter) {
	k.op('L')
	k.flag(n.not)
	k.flag(n.ilike)
	k.expr(n.e)
	k.values(n, n.pattern)
}

// boolNode joins conditions with AND or OR.
type boolNode struct {
	op    string
	items []Expression
}

func (n *boolNode) WriteSQL(c *Compiler) error {
	if len(n.items) == 0 {
		if n.op == " AND " {
			c.WriteString("1 = 1")
		} else {
			c.WriteString("1 = 0")
		}
		return nil
	}
	for i, it := range n.items {
		if i > 0 {
			c.WriteString(n.op)
		}
		inner := unwrap(it)
		b, nested := inner.(*boolNode)
		paren := nested && b.op != n.op && len(b.items) > 1
		if paren {
			c.WriteByte('(')
		}
		if err := c.cond(it); err != nil { // a bare flag is flag = 1 on SQL Server
			return err
		}
		if paren {
			c.WriteByte(')')
		}
	}
	return nil
}

func (n *boolNode) appendKey(k *keyWriter) {
	k.op('A')
	k.str(n.op)
	k.num(len(n.items))
	for _, it := range n.items {
		k.expr(it)
	}
}

// unwrap returns the node inside an Expr.
func unwrap(e Expression) Expression {
	switch x := e.(type) {
	case Expr[bool]:
		return x.node
	}
	return e
}

// labelNode is e AS name in a select list, and e elsewhere.
type labelNode struct {
	e    Expression
	name string
}

func (n *labelNode) WriteSQL(c *Compiler) error { return c.sub(n.e) }
func (n *labelNode) appendKey(k *keyWriter)     { k.op('N'); k.str(n.name); k.expr(n.e) }

// subqueryNode is (q).
type subqueryNode struct{ q *SelectStmt }

func (n *subqueryNode) WriteSQL(c *Compiler) error {
	if n.q == nil {
		return fmt.Errorf("alchemy: a nil subquery")
	}
	c.WriteByte('(')
	if err := n.q.write(c); err != nil {
		return err
	}
	c.WriteByte(')')
	return nil
}

func (n *subqueryNode) appendKey(k *keyWriter) {
	k.op('Q')
	if n.q == nil {
		k.op(0)
		return
	}
	n.q.appendKey(k)
}
