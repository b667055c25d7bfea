package expr

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// MetaData is a collection of tables, SQLAlchemy's MetaData: what CreateAll creates,
// in foreign-key order. It is safe for concurrent use; tables are declared once, at
// start-up, and read by any number of goroutines after.
type MetaData struct {
	mu     sync.Mutex
	tables []*Table
	byName map[string]*Table
}

// NewMetaData returns an empty MetaData.
func NewMetaData() *MetaData { return &MetaData{byName: map[string]*Table{}} }

// Tables returns the tables in the order they were declared.
func (m *MetaData) Tables() []*Table {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*Table(nil), m.tables...)
}

// Table returns the table of that name ("schema.name" for a table in a schema).
func (m *MetaData) Table(name string) (*Table, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.byName[name]
	return t, ok
}

// tableKind is what a Table stands for.
type tableKind uint8

const (
	realTable tableKind = iota
	aliasTable
	subqueryTable
	cteTable
)

// Table is a table of a MetaData, an alias of one, or a subquery or common table
// expression used as one. Its columns are Column[T] values, declared with
// NewColumn; C finds one by name. Build statements from it: users.Select(),
// users.Insert(), users.Update(), users.Delete().
//
// A table may be declared as a struct of typed columns that embeds *Table:
//
//	type Users struct {
//		*expr.Table
//		ID   expr.Column[int64]
//		Name expr.Column[string]
//	}
//
//	func NewUsers(md *expr.MetaData) Users {
//		t := md.NewTable("users")
//		return Users{Table: t,
//			ID:   expr.NewColumn(t, "id", expr.Integer, expr.PrimaryKey()),
//			Name: expr.NewColumn(t, "name", expr.String(50), expr.NotNull()),
//		}
//	}
type Table struct {
	md         *MetaData
	name       string
	schema     string
	kind       tableKind
	base       *Table      // of an alias
	query      *SelectStmt // of a subquery or CTE
	rec        bool        // a recursive CTE
	mu         sync.Mutex
	cols       []*columnDef
	defaults   []*columnDef // the columns with a client-side default
	byName     map[string]*columnDef
	cons       []constraint
	comment    string
	qname      *identCache // name, quoted; nil: not kept
	qschema    *identCache
	insert0    atomic.Pointer[InsertStmt] // Insert's empty statement, made once: statements are immutable
	insertCols atomic.Pointer[InsertStmt] // the last Columns of insert0, which the next may reuse
	err        error
}

// TableOption sets a property of a table: a constraint, an index, a schema.
type TableOption func(*Table)

// NewTable declares the table name in m. A name declared twice is an error that the
// statements and DDL using either table report.
func (m *MetaData) NewTable(name string, opts ...TableOption) *Table {
	t := &Table{md: m, name: name, byName: map[string]*columnDef{}, qname: new(identCache), qschema: new(identCache)}
	for _, o := range opts {
		o(t)
	}
	if name == "" {
		t.err = fmt.Errorf("alchemy: a table needs a name")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	key := t.fullName()
	if _, dup := m.byName[key]; dup {
		t.err = fmt.Errorf("alchemy: table %s is declared twice in one MetaData", key)
		m.byName[key].err = t.err
	}
	m.byName[key] = t
	m.tables = append(m.tables, t)
	return t
}

// Schema puts the table in a schema (a database, on MySQL).
func Schema(name string) TableOption { return func(t *Table) { t.schema = name } }

// TableComment sets the table's comment.
func TableComment(text string) TableOption { return func(t *Table) { t.comment = text } }

// Name returns the table's name (the alias's, for an alias).
func (t *Table) Name() string { return t.name }

// MetaData returns the MetaData the table is declared in (nil for an alias,
// subquery or CTE).
func (t *Table) MetaData() *MetaData {
	if t.kind != realTable {
		return nil
	}
	return t.md
}

func (t *Table) fullName() string {
	if t.schema != "" {
		return t.schema + "." + t.name
	}
	return t.name
}

// String names the table.
func (t *Table) String() string { return t.refName() }

func (t *Table) refName() string {
	if t.kind == realTable {
		return t.fullName()
	}
	return t.name
}

func (t *Table) addColumn(d *columnDef) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, dup := t.byName[d.name]; dup && d.err == nil {
		d.err = fmt.Errorf("alchemy: table %s has two columns named %s", t.name, d.name)
		t.err = d.err
	}
	t.byName[d.name] = d
	t.cols = append(t.cols, d)
	if d.def != nil {
		t.defaults = append(t.defaults[:len(t.defaults):len(t.defaults)], d)
	}
}

// defaultColumns returns the columns with a client-side default, in order. The
// slice is never modified.
func (t *Table) defaultColumns() []*columnDef {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.defaults
}

// column returns the column name, or one whose use is an error naming the table.
func (t *Table) column(name string) *columnDef {
	t.mu.Lock()
	d, ok := t.byName[name]
	t.mu.Unlock()
	if ok {
		return d
	}
	if t.kind == aliasTable && t.base != nil {
		if b := t.base.column(name); b.err == nil {
			return t.aliasColumn(b)
		}
	}
	return &columnDef{table: t, name: name, err: fmt.Errorf("alchemy: table %s has no column %s (it has %s)", t.name, name, t.columnNames())}
}

func (t *Table) columnNames() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = c.name
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// C returns the column called name, untyped: users.C("name").Eq("ed"). A name the
// table lacks gives a column whose use is an error naming the table and its columns.
func (t *Table) C(name string) Column[any] {
	return columnOf[any](t.column(name))
}

// Columns returns the table's columns, untyped, in order.
func (t *Table) Columns() []Column[any] {
	t.mu.Lock()
	cols := append([]*columnDef(nil), t.cols...)
	t.mu.Unlock()
	if t.kind == aliasTable && len(cols) == 0 && t.base != nil {
		for _, b := range t.base.allColumns() {
			cols = append(cols, t.aliasColumn(b))
		}
	}
	out := make([]Column[any], len(cols))
	for i, d := range cols {
		out[i] = columnOf[any](d)
	}
	return out
}

func (t *Table) allColumns() []*columnDef {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]*columnDef(nil), t.cols...)
}

// aliasColumn returns the alias's column for the base table's column b.
func (t *Table) aliasColumn(b *columnDef) *columnDef {
	t.mu.Lock()
	defer t.mu.Unlock()
	if d, ok := t.byName[b.name]; ok {
		return d
	}
	d := *b
	d.table = t
	t.byName[b.name] = &d
	t.cols = append(t.cols, &d)
	return &d
}

// Alias returns the table under another name, for a self-join: FROM users AS u.
// Its columns are found with C, or typed with ColumnOf.
func (t *Table) Alias(name string) *Table {
	base := t
	for base.kind == aliasTable {
		base = base.base
	}
	return &Table{md: t.md, name: name, kind: aliasTable, base: base, byName: map[string]*columnDef{}}
}

// writeQualifier writes how a column of t is qualified: the table's name, or its
// alias.
func (t *Table) writeQualifier(c *Compiler) {
	if t.kind == realTable && t.schema != "" {
		c.writeIdentCached(t.qschema, t.schema)
		c.WriteByte('.')
	}
	c.writeIdentCached(t.qname, t.name)
}

// appendRefKey keys a reference to t (by name: a table built per request must hit
// the cache of the one before).
func (t *Table) appendRefKey(k *keyWriter) {
	k.op(byte('0' + t.kind))
	k.str(t.schema)
	k.str(t.name)
}

func (t *Table) writeFrom(c *Compiler) error {
	if t.err != nil {
		return t.err
	}
	switch t.kind {
	case aliasTable:
		// SQL Server's lock hints follow the alias: FROM users AS m WITH (UPDLOCK).
		hint := c.lockHint
		c.lockHint = false
		err := t.base.writeFrom(c)
		c.lockHint = hint
		if err != nil {
			return err
		}
		c.WriteString(" AS ")
		c.WriteIdent(t.name)
		c.writeLockHint()
	case subqueryTable:
		c.WriteByte('(')
		if err := t.query.write(c); err != nil {
			return err
		}
		c.WriteString(") AS ")
		c.WriteIdent(t.name)
	case cteTable:
		c.WriteIdent(t.name)
	default:
		t.writeQualifier(c)
		c.writeLockHint()
	}
	return nil
}

// tables adds the tables whose columns a FROM of t makes visible.
func (t *Table) tables(add func(*Table)) { add(t) }

func (t *Table) appendKey(k *keyWriter) {
	t.appendRefKey(k)
	switch t.kind {
	case aliasTable:
		t.base.appendRefKey(k)
	case subqueryTable:
		t.query.appendKey(k)
	case cteTable:
		// The CTE's query decides the WITH clause the statement gets: two
		// statements using CTEs of one name but other queries differ.
		k.flag(t.rec)
		t.query.appendKey(k)
	}
}
