package expr

import (
	"errors"
	"fmt"
	"strings"
)

// fromItem is what a FROM clause lists: a table, an alias, a subquery, a join.
type fromItem interface {
	writeFrom(c *Compiler) error
	appendKey(k *keyWriter)
	tables(add func(*Table))
}

// SelectStmt is a SELECT, SQLAlchemy's select(). Every method returns a new
// statement and leaves the one it is called on as it was, so a statement built
// halfway may be finished in several ways. It is safe for concurrent use.
type SelectStmt struct {
	cols         []Expression
	from         []fromItem
	where        []Expression
	order        []Ordering
	limit        int64
	hasLimit     bool
	from1        [1]fromItem // from's room for a table's own Select, saving an allocation
	*selectExtra             // the rarer clauses, shared until one is set (ext)
}

// selectExtra holds a SELECT's rarer clauses, apart so that the statements built
// per request stay small. It is shared between statements and never modified: ext
// copies it.
type selectExtra struct {
	groupBy   []Expression
	having    []Expression
	offset    int64
	hasOffset bool
	distinct  bool
	lock      string // FOR UPDATE and its kind
	with      []*Table
	compound  []*SelectStmt // UNION and the like: the parts, with ops
	ops       []string
}

var noExtra = &selectExtra{}

// ext returns c's rarer clauses, copied so that c may set them.
func (s *SelectStmt) ext() *selectExtra {
	e := *s.selectExtra
	s.selectExtra = &e
	return &e
}

func newSelect(cols []Expression) *SelectStmt {
	return &SelectStmt{cols: clip(cols), selectExtra: noExtra}
}

// Select returns SELECT cols; the FROM clause is the table of the columns when they
// are all of one, or what From and Join give. Columns of several tables without a
// FROM that joins them are an error, never a silent cartesian product.
func Select(cols ...Expression) *SelectStmt { return newSelect(cols) }

// Select returns SELECT cols FROM t; no cols selects all of t's columns.
func (t *Table) Select(cols ...Expression) *SelectStmt {
	if len(cols) == 0 {
		for _, c := range t.Columns() {
			cols = append(cols, c)
		}
	}
	s := newSelect(cols)
	s.from1[0] = t
	s.from = s.from1[:1:1]
	return s
}

func (s *SelectStmt) clone() *SelectStmt {
	c := *s
	if c.selectExtra == nil { // the zero SelectStmt
		c.selectExtra = noExtra
	}
	return &c
}

// norm returns s, or for the zero SelectStmt one with its rarer clauses set.
func (s *SelectStmt) norm() *SelectStmt {
	if s.selectExtra == nil {
		return s.clone()
	}
	return s
}

// Columns replaces the select list.
func (s *SelectStmt) Columns(cols ...Expression) *SelectStmt {
	c := s.clone()
	c.cols = clip(cols)
	return c
}

// AddColumns adds to the select list.
func (s *SelectStmt) AddColumns(cols ...Expression) *SelectStmt {
	c := s.clone()
	c.cols = append(clip(s.cols), cols...)
	return c
}

// From adds tables (aliases, subqueries) to the FROM clause.
func (s *SelectStmt) From(tables ...*Table) *SelectStmt {
	c := s.clone()
	c.from = clip(c.from)
	for _, t := range tables {
		c.from = append(c.from, t)
	}
	return c
}

// Where adds conditions, joined with AND to those before.
func (s *SelectStmt) Where(conds ...Expression) *SelectStmt {
	c := s.clone()
	c.where = append(clip(s.where), conds...)
	return c
}

// GroupBy adds GROUP BY terms.
func (s *SelectStmt) GroupBy(es ...Expression) *SelectStmt {
	c := s.clone()
	c.ext().groupBy = append(clip(s.groupBy), es...)
	return c
}

// Having adds HAVING conditions, joined with AND.
func (s *SelectStmt) Having(conds ...Expression) *SelectStmt {
	c := s.clone()
	c.ext().having = append(clip(s.having), conds...)
	return c
}

// OrderBy adds ORDER BY terms: users.Name.Asc(), users.ID.Desc().
func (s *SelectStmt) OrderBy(o ...Ordering) *SelectStmt {
	c := s.clone()
	c.order = append(clip(s.order), o...)
	return c
}

// Limit returns at most n rows (bound, not written into the SQL). SQL Server gets
// TOP, or OFFSET ... FETCH with an offset.
func (s *SelectStmt) Limit(n int64) *SelectStmt {
	c := s.clone()
	c.limit, c.hasLimit = n, true
	return c
}

// Offset skips n rows.
func (s *SelectStmt) Offset(n int64) *SelectStmt {
	c := s.clone()
	e := c.ext()
	e.offset, e.hasOffset = n, true
	return c
}

// Distinct makes it SELECT DISTINCT.
func (s *SelectStmt) Distinct() *SelectStmt {
	c := s.clone()
	c.ext().distinct = true
	return c
}

// Lock modes for ForUpdate.
const (
	LockWait       = ""            // wait for the rows' locks
	LockNoWait     = "NOWAIT"      // fail at once when a row is locked
	LockSkipLocked = "SKIP LOCKED" // leave out rows that are locked
)

// ForUpdate locks the rows read: FOR UPDATE [NOWAIT | SKIP LOCKED] on PostgreSQL,
// MySQL and MariaDB, the UPDLOCK, ROWLOCK table hints (with NOWAIT or READPAST) on
// SQL Server. SQLite, which locks the whole database, writes nothing, as
// SQLAlchemy does.
func (s *SelectStmt) ForUpdate(mode string) *SelectStmt {
	c := s.clone()
	e := c.ext()
	e.lock = "FOR UPDATE"
	if mode != "" {
		e.lock += " " + mode
	}
	return c
}

// Join adds t to the FROM clause, joined on cond: FROM a JOIN t ON cond. It joins
// the last item of the FROM clause (the statement's table, when none was given).
func (s *SelectStmt) Join(t *Table, on Expression) *SelectStmt { return s.join(t, on, "JOIN") }

// LeftJoin is Join's LEFT OUTER JOIN.
func (s *SelectStmt) LeftJoin(t *Table, on Expression) *SelectStmt {
	return s.join(t, on, "LEFT OUTER JOIN")
}

// FullJoin is Join's FULL OUTER JOIN (not on MySQL or MariaDB, which lack it).
func (s *SelectStmt) FullJoin(t *Table, on Expression) *SelectStmt {
	return s.join(t, on, "FULL OUTER JOIN")
}

func (s *SelectStmt) join(t *Table, on Expression, kind string) *SelectStmt {
	c := s.clone()
	c.from = clip(c.from)
	if len(c.from) == 0 {
		c.from = []fromItem{&joinNode{err: fmt.Errorf("alchemy: %s %s with nothing to join it to (start with a table's Select, or From)", kind, t)}}
		return c
	}
	last := len(c.from) - 1
	c.from = append(c.from[:last:last], &joinNode{left: c.from[last], right: t, on: on, kind: kind})
	return c
}

// joinNode is left JOIN right ON on.
type joinNode struct {
	left  fromItem
	right *Table
	on    Expression
	kind  string
	err   error
}

func (j *joinNode) writeFrom(c *Compiler) error {
	if j.err != nil {
		return j.err
	}
	if j.kind == "FULL OUTER JOIN" && c.flavor().mysqlish() {
		return fmt.Errorf("%w: FULL OUTER JOIN is not supported by %s", ErrUnsupported, c.typeDialect())
	}
	if err := j.left.writeFrom(c); err != nil {
		return err
	}
	c.WriteByte(' ')
	c.WriteString(j.kind)
	c.WriteByte(' ')
	if err := j.right.writeFrom(c); err != nil {
		return err
	}
	c.WriteString(" ON ")
	return c.cond(j.on)
}

func (j *joinNode) appendKey(k *keyWriter) {
	k.op('j')
	if j.err != nil {
		k.noKey = true
		return
	}
	k.str(j.kind)
	j.left.appendKey(k)
	j.right.appendKey(k)
	k.expr(j.on)
}

func (j *joinNode) tables(add func(*Table)) {
	if j.err != nil {
		return
	}
	j.left.tables(add)
	j.right.tables(add)
}

// Union is s UNION others: the parts' rows, duplicates removed. OrderBy, Limit and
// Offset of the result apply to the whole.
func (s *SelectStmt) Union(others ...*SelectStmt) *SelectStmt { return s.setOp("UNION", others) }

// UnionAll is s UNION ALL others.
func (s *SelectStmt) UnionAll(others ...*SelectStmt) *SelectStmt {
	return s.setOp("UNION ALL", others)
}

// Intersect is s INTERSECT others.
func (s *SelectStmt) Intersect(others ...*SelectStmt) *SelectStmt {
	return s.setOp("INTERSECT", others)
}

// Except is s EXCEPT others.
func (s *SelectStmt) Except(others ...*SelectStmt) *SelectStmt { return s.setOp("EXCEPT", others) }

func (s *SelectStmt) setOp(op string, others []*SelectStmt) *SelectStmt {
	c := newSelect(nil)
	e := c.ext()
	e.compound = []*SelectStmt{s}
	for _, o := range others {
		e.compound = append(e.compound, o)
		e.ops = append(e.ops, op)
	}
	return c
}

// Subquery returns s as a table of the FROM clause, named name: its columns are found
// with C by their names (or labels).
func (s *SelectStmt) Subquery(name string) *Table {
	return s.asTable(name, subqueryTable)
}

// CTE returns s as a common table expression named name: use it as a table, and the
// statement that does gets a WITH clause for it.
func (s *SelectStmt) CTE(name string) *Table { return s.asTable(name, cteTable) }

func (s *SelectStmt) asTable(name string, kind tableKind) *Table {
	t := &Table{name: name, kind: kind, query: s, byName: map[string]*columnDef{}}
	for _, n := range s.columnNames() {
		d := &columnDef{table: t, name: n}
		t.byName[n] = d
		t.cols = append(t.cols, d)
	}
	return t
}

// Scalar returns s, a SELECT of one column and row, as an expression: (SELECT ...).
func Scalar[T any](s *SelectStmt) Expr[T] { return Expr[T]{node: &subqueryNode{q: s}} }

// columnNames returns the names of the select list: labels, column names, or ""
// for an expression without either.
func (s *SelectStmt) columnNames() []string {
	s = s.norm()
	if len(s.compound) > 0 {
		return s.compound[0].columnNames()
	}
	names := make([]string, len(s.cols))
	for i, e := range s.cols {
		names[i] = exprName(e)
	}
	return names
}

// exprName names an expression of a select list: its label, or its column's name.
func exprName(e Expression) string {
	for {
		switch x := e.(type) {
		case *labelNode:
			return x.name
		case *columnDef:
			return x.name
		case interface{ column() *columnDef }:
			return x.column().name
		case Expr[any]:
			e = x.node
			continue
		}
		if n, ok := nodeOf(e); ok && n != e {
			e = n
			continue
		}
		return ""
	}
}

// WriteSQL writes the statement (Statement).
func (s *SelectStmt) WriteSQL(c *Compiler) error {
	if err := s.write(c); err != nil {
		return err
	}
	c.SetReturnsRows(true, s.columnNames()...)
	return nil
}

func (s *SelectStmt) write(c *Compiler) error {
	s = s.norm()
	if err := c.writeWith(s); err != nil {
		return err
	}
	if len(s.compound) > 0 {
		return s.writeCompound(c)
	}
	return s.writeSimple(c)
}

func (s *SelectStmt) writeCompound(c *Compiler) error {
	for i, part := range s.compound {
		if i > 0 {
			c.WriteByte(' ')
			c.WriteString(s.ops[i-1])
			c.WriteByte(' ')
		}
		own := len(part.order) > 0 || part.hasLimit || part.hasOffset || len(part.compound) > 0
		if own && c.flavor() == sqliteSQL {
			return fmt.Errorf("%w: SQLite takes no ORDER BY, LIMIT or nested %s in a part of %s: order or limit the whole, or select from the part as a Subquery",
				ErrUnsupported, s.ops[0], s.ops[0])
		}
		paren := own
		if paren {
			c.WriteByte('(')
		}
		if err := part.write(c); err != nil {
			return err
		}
		if paren {
			c.WriteByte(')')
		}
	}
	if len(s.order) > 0 {
		c.WriteByte(' ')
		c.bareColumns = true
		err := c.writeOrder(s.order)
		c.bareColumns = false
		if err != nil {
			return err
		}
	}
	return s.writeLimit(c, len(s.order) > 0)
}

func (s *SelectStmt) writeSimple(c *Compiler) error {
	from, err := s.fromList()
	if err != nil {
		return err
	}
	sc := c.pushScope()
	for _, f := range from {
		f.tables(sc.add)
	}
	defer c.popScope()

	c.WriteString("SELECT ")
	if s.distinct {
		c.WriteString("DISTINCT ")
	}
	top := c.flavor() == mssqlSQL && s.hasLimit && !s.hasOffset
	if top {
		c.WriteString("TOP (")
		if err := c.bindLit(s, 0); err != nil {
			return err
		}
		c.WriteString(") ")
	}
	if len(s.cols) == 0 {
		return errors.New("alchemy: a SELECT without columns")
	}
	for i, e := range s.cols {
		if i > 0 {
			c.WriteString(", ")
		}
		if err := c.selectColumn(e); err != nil {
			return err
		}
	}
	if len(from) > 0 {
		c.WriteString(" FROM ")
		c.lockHint = c.flavor() == mssqlSQL && s.lock != ""
		c.lockMode = s.lock
		for i, f := range from {
			if i > 0 {
				c.WriteString(", ")
			}
			if err := f.writeFrom(c); err != nil {
				c.lockHint = false
				return err
			}
		}
		c.lockHint = false
	}
	if err := c.writeWhere(" WHERE ", s.where); err != nil {
		return err
	}
	if len(s.groupBy) > 0 {
		c.WriteString(" GROUP BY ")
		for i, e := range s.groupBy {
			if i > 0 {
				c.WriteString(", ")
			}
			if err := c.sub(e); err != nil {
				return err
			}
		}
	}
	if err := c.writeWhere(" HAVING ", s.having); err != nil {
		return err
	}
	order := s.order
	if c.flavor() == mssqlSQL && s.hasOffset && len(order) == 0 {
		c.WriteString(" ORDER BY (SELECT NULL)")
	}
	if len(order) > 0 {
		c.WriteByte(' ')
		if err := c.writeOrder(order); err != nil {
			return err
		}
	}
	if !top {
		if err := s.writeLimit(c, true); err != nil {
			return err
		}
	}
	if s.lock != "" && c.flavor() != mssqlSQL && c.flavor() != sqliteSQL {
		c.WriteByte(' ')
		c.WriteString(s.lock)
	}
	return nil
}

// writeLimit writes LIMIT and OFFSET (OFFSET ... FETCH on SQL Server).
func (s *SelectStmt) writeLimit(c *Compiler, ordered bool) error {
	if !s.hasLimit && !s.hasOffset {
		return nil
	}
	if c.flavor() == mssqlSQL {
		if !s.hasOffset && !ordered { // a compound: TOP is not possible
			c.WriteString(" ORDER BY (SELECT NULL)")
		}
		c.WriteString(" OFFSET ")
		if s.hasOffset {
			if err := c.bindLit(s, 1); err != nil {
				return err
			}
		} else {
			c.WriteByte('0')
		}
		c.WriteString(" ROWS")
		if s.hasLimit {
			c.WriteString(" FETCH NEXT ")
			if err := c.bindLit(s, 0); err != nil {
				return err
			}
			c.WriteString(" ROWS ONLY")
		}
		return nil
	}
	if s.hasLimit {
		c.WriteString(" LIMIT ")
		if err := c.bindLit(s, 0); err != nil {
			return err
		}
	} else if s.hasOffset {
		switch {
		case c.flavor() == sqliteSQL:
			c.WriteString(" LIMIT -1")
		case c.flavor().mysqlish():
			c.WriteString(" LIMIT 18446744073709551615")
		}
	}
	if s.hasOffset {
		c.WriteString(" OFFSET ")
		if err := c.bindLit(s, 1); err != nil {
			return err
		}
	}
	return nil
}

// fromList returns the FROM clause: what From and Join gave, or the one table of the
// select list's columns.
func (s *SelectStmt) fromList() ([]fromItem, error) {
	if len(s.from) > 0 {
		return s.from, nil
	}
	var found []*Table
	for _, e := range s.cols {
		walkColumns(e, func(d *columnDef) {
			for _, t := range found {
				if t == d.table {
					return
				}
			}
			found = append(found, d.table)
		})
	}
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		return []fromItem{found[0]}, nil
	}
	names := make([]string, len(found))
	for i, t := range found {
		names[i] = t.refName()
	}
	return nil, fmt.Errorf("alchemy: the select list has columns of %s but no FROM relates them: join them (Join) or list them (From), so that no cartesian product happens by accident",
		strings.Join(names, " and "))
}

func (s *SelectStmt) appendKey(k *keyWriter) {
	s = s.norm()
	k.op('s')
	if len(s.compound) > 0 {
		k.num(len(s.compound))
		for i, p := range s.compound {
			if i > 0 {
				k.str(s.ops[i-1])
			}
			p.appendKey(k)
		}
	} else {
		k.num(len(s.cols))
		for _, e := range s.cols {
			k.expr(e)
		}
		k.num(len(s.from))
		for _, f := range s.from {
			f.appendKey(k)
		}
		appendListKey(k, 'w', s.where)
		appendListKey(k, 'g', s.groupBy)
		appendListKey(k, 'h', s.having)
		k.flag(s.distinct)
		k.str(s.lock)
	}
	appendOrderKey(k, s.order)
	k.flag(s.hasLimit)
	k.flag(s.hasOffset)
	if s.hasLimit || s.hasOffset {
		k.values(s, s.limit, s.offset)
	}
	k.num(len(s.with))
	for _, t := range s.with {
		k.str(t.name)
		t.query.appendKey(k)
	}
}

func appendListKey(k *keyWriter, tag byte, es []Expression) {
	k.op(tag)
	k.num(len(es))
	for _, e := range es {
		k.expr(e)
	}
}

func appendOrderKey(k *keyWriter, os []Ordering) {
	k.op('o')
	k.num(len(os))
	for _, o := range os {
		k.expr(o.e)
		k.flag(o.desc)
		k.num(int(o.nulls))
	}
}

// With adds common table expressions to the WITH clause explicitly (CTEs used in the
// FROM clause are added on their own).
func (s *SelectStmt) With(ctes ...*Table) *SelectStmt {
	c := s.clone()
	c.ext().with = append(clip(s.with), ctes...)
	return c
}

// describe names the statement in errors.
func (s *SelectStmt) describe() string {
	s = s.norm()
	if len(s.compound) > 0 {
		return "SELECT ... " + s.ops[0]
	}
	return "SELECT"
}
