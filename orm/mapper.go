package orm

import (
	"database/sql/driver"
	"fmt"
	"reflect"
	"strings"
	"unsafe"

	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/internal/dbfields"
)

// mapper is one struct type mapped onto one table.
type mapper struct {
	typ   reflect.Type
	table *expr.Table
	spec  expr.TableSpec
	cols  []*colMap // mapped columns, in the table's order
	// cloned are the columns whose snapshot needs a deep copy.
	cloned []*colMap
	// omittable are the columns an INSERT leaves to the database when their
	// fields are zero: an autoincrementing key, those with defaults.
	omittable []*colMap
	pk        []*colMap
	auto      *colMap // the primary key column the database fills in, if any
	ver       *colMap // the version counter, if any
	rels      []*relationship
	// intKey reports whether the key is a single integer column; intKeyAt reads
	// it from an object's address.
	intKey   bool
	intKeyAt func(p unsafe.Pointer) int64
	ops      typeOps
	// scratchScan reports whether every mapped field takes a typed scan target
	// (targetFor): a load may then scan each row into one scratch object and
	// copy it out.
	scratchScan bool
	// selfRef reports whether a many-to-one relationship points back at this mapper.
	selfRef bool
	// fkRels are the relationships whose foreign key columns live in this table.
	fkRels []*relationship
	// selectCols are the mapped columns, the select list of a query.
	selectCols []expr.Expression
}

// colMap is a column mapped to a field.
type colMap struct {
	pos    int     // in mapper.cols
	offset uintptr // of the field in the struct (embedded structs are values)
	name   string
	col    expr.Column[any]
	spec   expr.ColumnSpec
	field  string
	index  []int
	ftype  reflect.Type
	cmp    fieldCompare
	bind   func(reflect.Value) any
	// target and cloneAt are the loader's ways to the field at the object's
	// address plus offset (access.go); cloneAt is nil when the field needs none.
	target  func(p unsafe.Pointer) any
	cloneAt func(p unsafe.Pointer)
	valueAt func(p unsafe.Pointer) any // value, by offset
	// cloner makes a cloneAt of the loader's own, allocating in runs.
	cloner func() func(p unsafe.Pointer)
}

func newMapper(t reflect.Type, table *expr.Table, cfg *mapConfig) (*mapper, error) {
	if table == nil {
		return nil, fmt.Errorf("orm: Map[%s] onto a nil table", t)
	}
	spec, err := table.Describe()
	if err != nil {
		return nil, fmt.Errorf("orm: Map[%s]: %w", t, err)
	}
	if len(spec.PrimaryKey) == 0 {
		return nil, fmt.Errorf("orm: Map[%s]: table %s has no primary key; a mapped table needs one to tell its rows apart", t, table.Name())
	}
	m := &mapper{typ: t, table: table, spec: spec, scratchScan: true}
	byName := map[string]expr.ColumnSpec{}
	var names []string
	for _, c := range spec.Columns {
		byName[c.Name] = c
		names = append(names, c.Name)
	}
	have := strings.Join(names, ", ")
	taken := map[string]string{} // column → field
	seen := map[string]bool{}    // fields of FieldColumn found
	var walk func(st reflect.Type, index []int) error
	walk = func(st reflect.Type, index []int) error {
		for i := range st.NumField() {
			sf := st.Field(i)
			path := append(index[:len(index):len(index)], i)
			tag := sf.Tag.Get("db")
			if tag == "-" {
				continue
			}
			tagName, _, _ := strings.Cut(tag, ",")
			if sf.Anonymous && tagName == "" {
				ft := sf.Type
				if ft.Kind() == reflect.Struct && !dbfields.IsValueType(ft) {
					if err := walk(ft, path); err != nil {
						return err
					}
					continue
				}
				if ft.Kind() == reflect.Pointer {
					return fmt.Errorf("orm: Map[%s]: embedded pointer field %s: embed the struct itself", t, sf.Name)
				}
			}
			if !sf.IsExported() {
				continue
			}
			if relatedField(sf.Type) {
				m.rels = append(m.rels, &relationship{owner: m, field: sf.Name, index: path, cfg: cfg.rels[sf.Name]})
				continue
			}
			colName, how := tagName, fmt.Sprintf("its tag db:%q names", tagName)
			if c, ok := cfg.fieldCols[sf.Name]; ok {
				colName, how = c, "FieldColumn maps it to"
				seen[sf.Name] = true
			} else if colName == "" {
				colName, how = dbfields.SnakeCase(sf.Name), "it takes (by its name)"
			}
			cs, ok := byName[colName]
			if !ok {
				return fmt.Errorf("orm: Map[%s]: field %s: %s column %q, which table %s does not have (it has %s); tag the field db:\"column\", or db:\"-\" to leave it out",
					t, sf.Name, how, colName, table.Name(), have)
			}
			if other, dup := taken[colName]; dup {
				return fmt.Errorf("orm: Map[%s]: fields %s and %s both map column %q", t, other, sf.Name, colName)
			}
			taken[colName] = sf.Name
			m.cols = append(m.cols, &colMap{name: colName, col: cs.Column, spec: cs, field: sf.Name, index: path, ftype: sf.Type, cmp: compareFor(sf.Type), bind: bindFor(sf.Type, cs.GoType)})
		}
		return nil
	}
	if err := walk(t, nil); err != nil {
		return nil, err
	}
	for f := range cfg.fieldCols {
		if !seen[f] {
			return nil, fmt.Errorf("orm: Map[%s]: FieldColumn names field %s, which %s does not have", t, f, t)
		}
	}
	for r := range cfg.rels {
		if !m.hasRel(r) {
			return nil, fmt.Errorf("orm: Map[%s]: Relationship names field %s, which is not an orm.Many or orm.One field of %s", t, r, t)
		}
	}
	// Keep the table's column order, so that statements are the same whatever the
	// field order.
	pos := map[string]int{}
	for i, n := range names {
		pos[n] = i
	}
	sortCols(m.cols, pos)
	for i, c := range m.cols {
		c.pos = i
		m.selectCols = append(m.selectCols, c.col)
		if c.cmp.clone != nil {
			m.cloned = append(m.cloned, c)
		}
		if omittable(c) {
			m.omittable = append(m.omittable, c)
		}
		st := t
		for _, j := range c.index {
			c.offset += st.Field(j).Offset
			st = st.Field(j).Type
		}
		var typed bool
		c.target, typed = targetFor(c.ftype)
		c.cloneAt = cloneAtFor(c.ftype, c.cmp.clone)
		c.valueAt = valueAtFor(c.ftype, c.spec.GoType, c.bind)
		if c.cloneAt != nil {
			c.cloner = clonerFor(c.ftype, c.cloneAt)
		}
		m.scratchScan = m.scratchScan && typed
	}
	for _, k := range spec.PrimaryKey {
		c := m.colNamed(k.Name())
		if c == nil {
			return nil, fmt.Errorf("orm: Map[%s]: primary key column %s of table %s has no field", t, k.Name(), table.Name())
		}
		m.pk = append(m.pk, c)
	}
	if len(m.pk) == 1 && m.pk[0].spec.Autoincrement && isInteger(m.pk[0].ftype) {
		m.auto = m.pk[0]
	}
	m.intKey = len(m.pk) == 1 && isInteger(m.pk[0].ftype)
	if m.intKey {
		read, off := intKeyFor(m.pk[0].ftype), m.pk[0].offset
		m.intKeyAt = func(p unsafe.Pointer) int64 { return read(unsafe.Add(p, off)) }
	}
	if cfg.version != "" {
		for _, c := range m.cols {
			if c.field == cfg.version {
				m.ver = c
			}
		}
		if m.ver == nil {
			return nil, fmt.Errorf("orm: Map[%s]: VersionField names %s, which is not a mapped field of %s", t, cfg.version, t)
		}
		if !isInteger(m.ver.ftype) {
			return nil, fmt.Errorf("orm: Map[%s]: version field %s is a %s; it must be an integer", t, cfg.version, m.ver.ftype)
		}
	}
	return m, nil
}

func (m *mapper) hasRel(field string) bool {
	for _, r := range m.rels {
		if r.field == field {
			return true
		}
	}
	return false
}

func (m *mapper) colNamed(name string) *colMap {
	for _, c := range m.cols {
		if c.name == name {
			return c
		}
	}
	return nil
}

func sortCols(cols []*colMap, pos map[string]int) {
	for i := 1; i < len(cols); i++ {
		for j := i; j > 0 && pos[cols[j].name] < pos[cols[j-1].name]; j-- {
			cols[j], cols[j-1] = cols[j-1], cols[j]
		}
	}
}

func isInteger(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// field returns the field of column c in the struct obj points to.
func (c *colMap) fieldOf(obj reflect.Value) reflect.Value {
	v := obj.Elem()
	if len(c.index) == 1 {
		return v.Field(c.index[0])
	}
	return v.FieldByIndex(c.index)
}

// String names the mapper for errors.
func (m *mapper) String() string { return m.typ.String() }

var valuerType = reflect.TypeFor[driver.Valuer]()

// bindFor returns how a field of type ft gives its value to a column of Go type
// col: as it is, dereferenced (a pointer: nil is NULL), through its
// driver.Valuer (sql.NullString, sql.Null[T]), or converted (a named string
// type, an int32 for a BIGINT).
func bindFor(ft, col reflect.Type) func(reflect.Value) any {
	switch {
	case col == nil || ft == col || col.Kind() == reflect.Interface:
		return reflect.Value.Interface
	case ft.Kind() == reflect.Pointer && (ft.Elem() == col || ft.Elem().ConvertibleTo(col)):
		inner := bindFor(ft.Elem(), col)
		return func(v reflect.Value) any {
			if v.IsNil() {
				return nil
			}
			return inner(v.Elem())
		}
	case ft.Implements(valuerType):
		return func(v reflect.Value) any {
			dv, err := v.Interface().(driver.Valuer).Value()
			if err != nil {
				return err // the statement reports a value of the wrong type
			}
			return dv
		}
	case ft.ConvertibleTo(col) && (ft.Kind() == reflect.String) == (col.Kind() == reflect.String):
		return func(v reflect.Value) any { return v.Convert(col).Interface() }
	}
	return reflect.Value.Interface
}

// value is the field's value of obj as the column's statements take it.
func (c *colMap) value(obj reflect.Value) any {
	return c.valueAt(unsafe.Add(obj.UnsafePointer(), c.offset))
}
