package expr

import (
	"fmt"
	"strings"
)

// scope is the tables a FROM clause makes visible to the columns of its statement.
type scope struct{ tables []*Table }

func (s *scope) add(t *Table) { s.tables = append(s.tables, t) }

// pushScope opens the scope of a FROM clause holding tables (more may be added),
// reusing the scopes a pooled compiler kept; popScope closes it.
func (c *Compiler) pushScope(tables ...*Table) *scope {
	n := len(c.scopes)
	if n < cap(c.scopes) && c.scopes[:n+1][n] != nil {
		c.scopes = c.scopes[:n+1]
	} else {
		c.scopes = append(c.scopes, new(scope))
	}
	sc := c.scopes[n]
	sc.tables = append(sc.tables[:0], tables...)
	return sc
}

func (c *Compiler) popScope() {
	sc := c.scopes[len(c.scopes)-1]
	clear(sc.tables)
	sc.tables = sc.tables[:0]
	c.scopes = c.scopes[:len(c.scopes)-1]
}

func (s *scope) has(t *Table) bool {
	for _, x := range s.tables {
		if x == t {
			return true
		}
	}
	return false
}

// soleTable reports whether t is the only table of the only FROM clause being
// written, where a column needs no qualifier.
func (c *Compiler) soleTable(t *Table) bool {
	return len(c.scopes) == 1 && len(c.scopes[0].tables) == 1 && c.scopes[0].tables[0] == t
}

// checkFrom refuses a column whose table is in no FROM clause being written (the
// statement's, or an enclosing one's for a correlated subquery).
func (c *Compiler) checkFrom(d *columnDef) error {
	if len(c.scopes) == 0 {
		return nil
	}
	for i := len(c.scopes) - 1; i >= 0; i-- {
		if c.scopes[i].has(d.table) {
			return nil
		}
	}
	in := c.scopes[len(c.scopes)-1]
	names := make([]string, len(in.tables))
	for i, t := range in.tables {
		names[i] = t.refName()
	}
	from := strings.Join(names, ", ")
	if from == "" {
		from = "nothing"
	}
	return fmt.Errorf("alchemy: column %s is of table %s, which is not in the FROM clause (%s): add it with From or Join%w",
		d, d.table.refName(), from, errNamed)
}

// sub writes a part of an expression: the package's own nodes directly, anything
// else as a named fragment (Write).
func (c *Compiler) sub(e Expression) error {
	if e == nil {
		return fmt.Errorf("alchemy: a nil expression (in %s)", c.fragment())
	}
	if _, text := e.(*TextClause); text {
		return c.Write(e)
	}
	return e.WriteSQL(c)
}

// cond writes a condition. SQL Server has no boolean expressions of a bare column:
// it gets column = 1.
func (c *Compiler) cond(e Expression) error {
	if err := c.sub(e); err != nil {
		return err
	}
	if c.flavor() == mssqlSQL {
		if _, bare := nodeOfExpr(e).(*columnDef); bare {
			c.WriteString(" = 1")
		}
	}
	return nil
}

// nodeOfExpr returns the node inside a typed expression or column.
func nodeOfExpr(e Expression) Expression {
	if n, ok := nodeOf(e); ok {
		return n
	}
	return e
}

// nodeOf returns the node an Expr or Column wraps.
func nodeOf(e Expression) (Expression, bool) {
	if w, ok := e.(interface{ inner() Expression }); ok {
		return w.inner(), true
	}
	return nil, false
}

func (e Expr[T]) inner() Expression { return e.node }

// writeWhere writes kw and conds joined with AND, or nothing for no conds.
func (c *Compiler) writeWhere(kw string, conds []Expression) error {
	if len(conds) == 0 {
		return nil
	}
	c.WriteString(kw)
	for i, e := range conds {
		if i > 0 {
			c.WriteString(" AND ")
		}
		b, isOr := nodeOfExpr(e).(*boolNode)
		paren := len(conds) > 1 && isOr && b.op == " OR " && len(b.items) > 1
		if paren {
			c.WriteByte('(')
		}
		if err := c.cond(e); err != nil {
			return err
		}
		if paren {
			c.WriteByte(')')
		}
	}
	return nil
}

// writeOrder writes ORDER BY terms.
func (c *Compiler) writeOrder(os []Ordering) error {
	c.WriteString("ORDER BY ")
	for i, o := range os {
		if i > 0 {
			c.WriteString(", ")
		}
		if l, ok := nodeOfExpr(o.e).(*labelNode); ok {
			c.WriteIdent(l.name)
		} else if err := c.sub(o.e); err != nil {
			return err
		}
		if o.desc {
			c.WriteString(" DESC")
		}
		switch {
		case o.nulls == 0:
		case c.flavor() == postgresSQL || c.flavor() == sqliteSQL || c.flavor() == generic:
			if o.nulls < 0 {
				c.WriteString(" NULLS FIRST")
			} else {
				c.WriteString(" NULLS LAST")
			}
		default:
			return fmt.Errorf("%w: NULLS FIRST/LAST is not supported by %s", ErrUnsupported, c.typeDialect())
		}
	}
	return nil
}

// selectColumn writes a term of a select list: e AS label for a label.
func (c *Compiler) selectColumn(e Expression) error {
	if l, ok := nodeOfExpr(e).(*labelNode); ok {
		if err := c.sub(l.e); err != nil {
			return err
		}
		c.WriteString(" AS ")
		c.WriteIdent(l.name)
		return nil
	}
	return c.sub(e)
}

// writeLockHint writes SQL Server's row-lock hints after a table of a SELECT ...
// FOR UPDATE.
func (c *Compiler) writeLockHint() {
	if !c.lockHint {
		return
	}
	c.WriteString(" WITH (UPDLOCK, ROWLOCK")
	switch {
	case strings.HasSuffix(c.lockMode, LockNoWait):
		c.WriteString(", NOWAIT")
	case strings.HasSuffix(c.lockMode, LockSkipLocked):
		c.WriteString(", READPAST")
	}
	c.WriteByte(')')
}

// writeWith writes the WITH clause of the outermost statement: the CTEs it names
// (With) and those its FROM clauses use, each once, in the order met.
func (c *Compiler) writeWith(s *SelectStmt) error {
	if c.inWith {
		return nil
	}
	ctes := collectCTEs(s)
	if len(ctes) == 0 {
		return nil
	}
	c.inWith = true
	defer func() { c.inWith = false }()
	saved := c.scopes
	c.scopes = nil
	defer func() { c.scopes = saved }()
	c.WriteString("WITH ")
	for _, t := range ctes {
		if t.rec && c.flavor() != mssqlSQL {
			c.WriteString("RECURSIVE ")
			break
		}
	}
	for i, t := range ctes {
		if i > 0 {
			c.WriteString(", ")
		}
		c.WriteIdent(t.name)
		if t.rec {
			c.WriteByte('(')
			for j, n := range t.query.columnNames() {
				if j > 0 {
					c.WriteString(", ")
				}
				c.WriteIdent(n)
			}
			c.WriteByte(')')
		}
		c.WriteString(" AS (")
		if err := t.query.write(c); err != nil {
			return err
		}
		c.WriteByte(')')
	}
	c.WriteByte(' ')
	return nil
}

// collectCTEs returns the CTEs s uses, by name, outermost first.
func collectCTEs(s *SelectStmt) []*Table {
	var out []*Table
	seen := map[string]bool{}
	var visitSelect func(q *SelectStmt)
	var visitFrom func(f fromItem)
	addCTE := func(t *Table) {
		if seen[t.name] {
			return
		}
		seen[t.name] = true
		visitSelect(t.query) // CTEs it uses come first
		out = append(out, t)
	}
	visitFrom = func(f fromItem) {
		switch x := f.(type) {
		case *Table:
			switch x.kind {
			case cteTable:
				addCTE(x)
			case subqueryTable:
				visitSelect(x.query)
			}
		case *joinNode:
			if x.err == nil {
				visitFrom(x.left)
				visitFrom(x.right)
			}
		}
	}
	visitSelect = func(q *SelectStmt) {
		if q == nil {
			return
		}
		q = q.norm()
		for _, t := range q.with {
			addCTE(t)
		}
		for _, p := range q.compound {
			visitSelect(p)
		}
		for _, f := range q.from {
			visitFrom(f)
		}
		lists := [][]Expression{q.cols, q.where, q.having}
		for _, l := range lists {
			for _, e := range l {
				walk(e, func(n Expression) {
					if sq, ok := n.(*subqueryNode); ok {
						visitSelect(sq.q)
					}
				})
			}
		}
	}
	visitSelect(s)
	return out
}

// RecursiveCTE returns s as a recursive common table expression named name: join it
// into the query given to UnionAll, which completes it.
func (s *SelectStmt) RecursiveCTE(name string) *Table {
	t := s.asTable(name, cteTable)
	t.rec = true
	return t
}

// UnionAll completes a recursive CTE: its first query UNION ALL q, where q refers to
// the CTE. It returns the CTE to use in the FROM clause.
func (t *Table) UnionAll(q *SelectStmt) *Table {
	if t.kind != cteTable {
		return &Table{name: t.name, err: fmt.Errorf("alchemy: UnionAll of %s, which is not a CTE", t.name)}
	}
	n := t.query.UnionAll(q).asTable(t.name, cteTable)
	n.rec = t.rec
	return n
}

// walkColumns calls fn for each column e refers to.
func walkColumns(e Expression, fn func(*columnDef)) {
	walk(e, func(n Expression) {
		if d, ok := n.(*columnDef); ok {
			fn(d)
		}
	})
}

// walk calls fn for e and each node inside it, not entering subqueries.
func walk(e Expression, fn func(Expression)) {
	if e == nil {
		return
	}
	if n, ok := nodeOf(e); ok {
		walk(n, fn)
		return
	}
	fn(e)
	switch x := e.(type) {
	case *cmpValueNode:
		walk(x.left, fn)
	case *binaryNode:
		walk(x.left, fn)
		walk(x.right, fn)
	case *inNode:
		walk(x.left, fn)
	case *betweenNode:
		walk(x.e, fn)
	case *postfixNode:
		walk(x.e, fn)
	case *prefixNode:
		walk(x.e, fn)
	case *likeNode:
		walk(x.e, fn)
	case *boolNode:
		for _, it := range x.items {
			walk(it, fn)
		}
	case *labelNode:
		walk(x.e, fn)
	case *funcNode:
		for _, a := range x.args {
			walk(a, fn)
		}
	case *castNode:
		walk(x.e, fn)
	case *caseNode:
		for _, w := range x.whens {
			walk(w, fn)
		}
		walk(x.els, fn)
	case *overNode:
		walk(x.fn, fn)
		for _, p := range x.w.partition {
			walk(p, fn)
		}
		for _, o := range x.w.order {
			walk(o.e, fn)
		}
	case *jsonNode:
		walk(x.e, fn)
	}
}
