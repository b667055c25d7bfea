package expr

// constraint is a table-level constraint or index, by column names (resolved when
// the DDL is written, so that the table's columns may be declared after it).
type constraint struct {
	kind     string // "primary key", "unique", "check", "index", "foreign key"
	name     string
	cols     []string
	check    string     // CHECK's condition, SQL text
	unique   bool       // a unique index
	fk       ForeignKey // with its target "table(col, ...)" or "table.col"
	refTable string
	refCols  []string
}

// PrimaryKeyConstraint declares the table's primary key over cols (by name), for a
// key that PrimaryKey on the columns does not name, or to name the constraint.
func PrimaryKeyConstraint(name string, cols ...string) TableOption {
	return func(t *Table) { t.cons = append(t.cons, constraint{kind: "primary key", name: name, cols: cols}) }
}

// UniqueConstraint declares UNIQUE (cols...), named name ("" to let the database
// name it).
func UniqueConstraint(name string, cols ...string) TableOption {
	return func(t *Table) { t.cons = append(t.cons, constraint{kind: "unique", name: name, cols: cols}) }
}

// CheckConstraint declares CHECK (sql), named name; sql is SQL text written as given.
func CheckConstraint(name, sql string) TableOption {
	return func(t *Table) { t.cons = append(t.cons, constraint{kind: "check", name: name, check: sql}) }
}

// Index declares an index named name on cols.
func Index(name string, cols ...string) TableOption {
	return func(t *Table) { t.cons = append(t.cons, constraint{kind: "index", name: name, cols: cols}) }
}

// UniqueIndex declares a unique index named name on cols.
func UniqueIndex(name string, cols ...string) TableOption {
	return func(t *Table) {
		t.cons = append(t.cons, constraint{kind: "index", name: name, cols: cols, unique: true})
	}
}

// ForeignKeyConstraint declares FOREIGN KEY (cols) REFERENCES refTable (refCols), for
// a composite key or to name it (ConstraintName).
func ForeignKeyConstraint(cols []string, refTable string, refCols []string, opts ...ForeignKeyOption) TableOption {
	return func(t *Table) {
		c := constraint{kind: "foreign key", cols: cols, refTable: refTable, refCols: refCols}
		for _, o := range opts {
			o(&c.fk)
		}
		c.name = c.fk.name
		t.cons = append(t.cons, c)
	}
}
