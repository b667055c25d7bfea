package expr

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// What DDL needs of a table, resolved from its declarations: the primary key, the
// foreign keys with their targets found, the indexes by name.

// fkDef is a foreign key of a table, its target resolved.
type fkDef struct {
	table    *Table
	declared string // the name it was given; "" for none
	cols     []*columnDef
	ref      *Table
	refCols  []*columnDef
	onDelete string
	onUpdate string
	err      error // of its declaration or resolution; ref is nil then
}

// name is the constraint's name: the one given, or SQLAlchemy's conventional
// fk_<table>_<column>_<referred table>, for an unnamed key that DDL must name (one
// added by ALTER TABLE, to close a cycle).
func (f *fkDef) name() string {
	if f.declared != "" {
		return f.declared
	}
	col, ref := "", ""
	if len(f.cols) > 0 {
		col = f.cols[0].name
	}
	if f.ref != nil {
		ref = f.ref.name
	}
	return limitName("fk_" + f.table.name + "_" + col + "_" + ref)
}

// limitName shortens a generated name to 60 bytes, which every dialect takes (MySQL
// and PostgreSQL stop at 64 and 63), keeping it unique by a hash of the whole.
func limitName(s string) string {
	const most = 60
	if len(s) <= most {
		return s
	}
	h := fnv.New32a()
	h.Write([]byte(s))
	sum := strconv.FormatUint(uint64(h.Sum32()), 16)
	return strings.ToValidUTF8(s[:most-len(sum)-1], "") + "_" + sum
}

// fkActions are the referential actions ON DELETE and ON UPDATE take; they are written
// into the SQL, so nothing else is.
var fkActions = map[string]bool{"CASCADE": true, "SET NULL": true, "SET DEFAULT": true, "RESTRICT": true, "NO ACTION": true}

// fkAction returns action normalised ("set  null" is SET NULL), or an error naming it.
func fkAction(f *fkDef, clause, action string) (string, error) {
	if action == "" {
		return "", nil
	}
	a := strings.ToUpper(strings.Join(strings.Fields(action), " "))
	if !fkActions[a] {
		return "", fmt.Errorf("alchemy: foreign key %s of table %s: %s %q is not an action (give CASCADE, SET NULL, SET DEFAULT, RESTRICT or NO ACTION)",
			f.name(), f.table.fullName(), clause, action)
	}
	return a, nil
}

// foreignKeys returns t's foreign keys: those of its columns (References), in column
// order, then its ForeignKeyConstraints. One that cannot be resolved carries its error.
func (t *Table) foreignKeys() []*fkDef {
	var out []*fkDef
	for _, d := range t.allColumns() {
		if d.fk == nil {
			continue
		}
		f := &fkDef{table: t, declared: d.fk.name, cols: []*columnDef{d}}
		f.ref, f.refCols, f.err = t.resolveTarget(d, d.fk.target)
		f.finish(d.fk.onDelete, d.fk.onUpdate)
		out = append(out, f)
	}
	for _, c := range t.cons {
		if c.kind != "foreign key" {
			continue
		}
		f := &fkDef{table: t, declared: c.name}
		f.err = t.resolveConstraintFK(f, c)
		f.finish(c.fk.onDelete, c.fk.onUpdate)
		out = append(out, f)
	}
	return out
}

// finish checks the key's actions, once its target is known (the error names it).
func (f *fkDef) finish(onDelete, onUpdate string) {
	if f.err != nil {
		f.ref = nil
		return
	}
	var err error
	if f.onDelete, err = fkAction(f, "ON DELETE", onDelete); err != nil {
		f.err, f.ref = err, nil
		return
	}
	if f.onUpdate, err = fkAction(f, "ON UPDATE", onUpdate); err != nil {
		f.err, f.ref = err, nil
	}
}

// resolveTarget finds the column that d references: a column, or "table.column"
// ("schema.table.column") looked up in t's MetaData.
func (t *Table) resolveTarget(d *columnDef, target any) (*Table, []*columnDef, error) {
	if d.err != nil {
		return nil, nil, d.err
	}
	switch x := target.(type) {
	case interface{ column() *columnDef }:
		rc := x.column()
		if rc.err != nil {
			return nil, nil, fmt.Errorf("alchemy: column %s references a column that is not there: %w", d, rc.err)
		}
		if rc.table.kind != realTable {
			return nil, nil, fmt.Errorf("alchemy: column %s references %s, a column of an alias or subquery; give the table's own column", d, rc)
		}
		return rc.table, []*columnDef{rc}, nil
	case string:
		i := strings.LastIndexByte(x, '.')
		if i <= 0 || i == len(x)-1 {
			return nil, nil, fmt.Errorf("alchemy: column %s references %q; give \"table.column\"", d, x)
		}
		rt, err := t.lookupTable(x[:i], "column "+d.String()+" references "+x)
		if err != nil {
			return nil, nil, err
		}
		rc, err := rt.ownColumn(x[i+1:], "column "+d.String()+" references "+x)
		if err != nil {
			return nil, nil, err
		}
		return rt, []*columnDef{rc}, nil
	}
	return nil, nil, fmt.Errorf("alchemy: column %s references a %T; give a column or \"table.column\"", d, target)
}

// resolveConstraintFK resolves a ForeignKeyConstraint into f.
func (t *Table) resolveConstraintFK(f *fkDef, c constraint) error {
	what := fmt.Sprintf("foreign key (%s) of table %s", strings.Join(c.cols, ", "), t.fullName())
	if len(c.cols) == 0 || len(c.cols) != len(c.refCols) {
		return fmt.Errorf("alchemy: %s: %d columns reference %d columns of %s; give as many of each, at least one", what, len(c.cols), len(c.refCols), c.refTable)
	}
	for _, n := range c.cols {
		d, err := t.ownColumn(n, what)
		if err != nil {
			return err
		}
		f.cols = append(f.cols, d)
	}
	rt, err := t.lookupTable(c.refTable, what+" references "+c.refTable)
	if err != nil {
		return err
	}
	for _, n := range c.refCols {
		d, err := rt.ownColumn(n, what+" references "+c.refTable)
		if err != nil {
			return err
		}
		f.refCols = append(f.refCols, d)
	}
	f.ref = rt
	return nil
}

// lookupTable finds the table name ("schema.table") in t's MetaData.
func (t *Table) lookupTable(name, what string) (*Table, error) {
	if t.md == nil {
		return nil, fmt.Errorf("alchemy: %s: table %s is in no MetaData to find it in", what, t.fullName())
	}
	if rt, ok := t.md.Table(name); ok {
		if rt.err != nil {
			return nil, rt.err
		}
		return rt, nil
	}
	return nil, fmt.Errorf("alchemy: %s: the MetaData has no table %s", what, name)
}

// ownColumn returns t's column name, or an error naming what wanted it.
func (t *Table) ownColumn(name, what string) (*columnDef, error) {
	t.mu.Lock()
	d, ok := t.byName[name]
	t.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("alchemy: %s: table %s has no column %s (it has %s)", what, t.fullName(), name, t.columnNames())
	}
	if d.err != nil {
		return nil, d.err
	}
	return d, nil
}

// ownColumns returns t's columns of names.
func (t *Table) ownColumns(names []string, what string) ([]*columnDef, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("alchemy: %s of table %s names no columns", what, t.fullName())
	}
	out := make([]*columnDef, len(names))
	for i, n := range names {
		d, err := t.ownColumn(n, what)
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, nil
}

// primaryKey returns t's primary key: its PrimaryKeyConstraint, or the columns
// declared PrimaryKey, in column order; none is nil.
func (t *Table) primaryKey() (name string, cols []*columnDef, err error) {
	found := false
	for _, c := range t.cons {
		if c.kind != "primary key" {
			continue
		}
		if found {
			return "", nil, fmt.Errorf("alchemy: table %s declares two primary key constraints", t.fullName())
		}
		found = true
		name = c.name
		if cols, err = t.ownColumns(c.cols, "primary key"); err != nil {
			return "", nil, err
		}
	}
	if found {
		return name, cols, nil
	}
	for _, d := range t.allColumns() {
		if d.pk {
			cols = append(cols, d)
		}
	}
	return "", cols, nil
}

// indexDef is an index of a table.
type indexDef struct {
	name   string
	unique bool
	cols   []*columnDef
}

// indexes returns t's indexes: those of its Indexed columns, named ix_<table>_<column>
// as SQLAlchemy names them, then its Index and UniqueIndex declarations.
func (t *Table) indexes() ([]indexDef, error) {
	var out []indexDef
	seen := map[string]bool{}
	add := func(ix indexDef) error {
		if ix.name == "" {
			return fmt.Errorf("alchemy: an index of table %s has no name", t.fullName())
		}
		if seen[ix.name] {
			return fmt.Errorf("alchemy: table %s declares two indexes named %s", t.fullName(), ix.name)
		}
		seen[ix.name] = true
		out = append(out, ix)
		return nil
	}
	for _, d := range t.allColumns() {
		if d.index {
			if err := add(indexDef{name: limitName("ix_" + t.name + "_" + d.name), cols: []*columnDef{d}}); err != nil {
				return nil, err
			}
		}
	}
	for _, c := range t.cons {
		if c.kind != "index" {
			continue
		}
		cols, err := t.ownColumns(c.cols, "index "+c.name)
		if err != nil {
			return nil, err
		}
		if err := add(indexDef{name: c.name, unique: c.unique, cols: cols}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// index returns t's index name.
func (t *Table) index(name string) (indexDef, error) {
	ixs, err := t.indexes()
	if err != nil {
		return indexDef{}, err
	}
	names := make([]string, len(ixs))
	for i, ix := range ixs {
		if ix.name == name {
			return ix, nil
		}
		names[i] = ix.name
	}
	has := strings.Join(names, ", ")
	if has == "" {
		has = "none"
	}
	return indexDef{}, fmt.Errorf("alchemy: table %s has no index %s (it has %s)", t.fullName(), name, has)
}

// foreignKey returns t's foreign key name (its own name, or for an unnamed one the
// conventional name fkDef.name gives it).
func (t *Table) foreignKey(name string) (*fkDef, error) {
	var names []string
	for _, f := range t.foreignKeys() {
		if f.name() == name {
			if f.err != nil {
				return nil, f.err
			}
			return f, nil
		}
		names = append(names, f.name())
	}
	has := strings.Join(names, ", ")
	if has == "" {
		has = "none"
	}
	return nil, fmt.Errorf("alchemy: table %s has no foreign key %s (it has %s)", t.fullName(), name, has)
}
