package gen

import (
	"fmt"
	"go/format"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/inspect"
)

// Options are what Generate writes besides the schema.
type Options struct {
	// Package is the generated file's package name.
	Package string
	// Schema is the schema the tables were read from ("" for the default one):
	// the tables are declared in it (expr.Schema).
	Schema string
	// Command is the command line that regenerates the file, for its header.
	Command string
	// Strict makes a type gen cannot map an error instead of a string column.
	Strict bool
}

// Unmapped is a column whose type gen knows no Go type for.
type Unmapped struct{ Table, Column, Type string }

// String names the column and its type: users.tags (type "TEXT[]").
func (u Unmapped) String() string { return fmt.Sprintf("%s.%s (type %q)", u.Table, u.Column, u.Type) }

// UnmappedError is Generate's error under Options.Strict for the columns whose
// types gen cannot map.
type UnmappedError struct{ Columns []Unmapped }

// Error names the columns.
func (e *UnmappedError) Error() string {
	var s []string
	for _, c := range e.Columns {
		s = append(s, c.String())
	}
	return "no Go type for the database type of " + strings.Join(s, ", ") +
		" (without --strict such a column is generated as text, a string)"
}

// table is one table of the generated code.
type table struct {
	src   *inspect.Table
	name  string // Users: the type; NewUsers and UsersRow
	cols  []column
	topts []string
	notes []string
}

// column is one column of the generated code.
type column struct {
	src   *inspect.Column
	field string // of the table struct
	row   string // of the row struct
	typ   goType
	opts  []string
}

// Generate writes the Go code of typed tables and row structs for the tables of s,
// gofmt-formatted, and lists the columns of types gen does not know (generated as
// strings, or an *UnmappedError under Options.Strict).
func Generate(s *inspect.Schema, o Options) ([]byte, []Unmapped, error) {
	top := names{"Tables": true, "NewTables": true}
	var tables []table
	var unmapped []Unmapped
	for _, t := range s.Tables {
		base := top.takeAll(goName(t.Name, "T"), [2]string{"", ""}, [2]string{"New", ""}, [2]string{"", "Row"})
		tb := table{src: t, name: base}
		fields, rowFields := names{"Table": true}, names{}
		for _, c := range t.Columns {
			typ := mapType(c.SQLType, s.Dialect)
			if typ.Fallback {
				unmapped = append(unmapped, Unmapped{t.Name, c.Name, c.Type})
			}
			n := goName(c.Name, "C")
			field := n
			if slices.Contains(tableFields, n) {
				field += "Col" // Select must stay *expr.Table's method
			}
			field = fields.take(field)
			tb.cols = append(tb.cols, column{src: c, field: field, row: rowFields.take(n), typ: typ})
		}
		tb.declare(s.Dialect, o.Schema)
		tables = append(tables, tb)
	}
	if o.Strict && len(unmapped) > 0 {
		return nil, unmapped, &UnmappedError{unmapped}
	}
	src := write(tables, o)
	out, err := format.Source(src)
	if err != nil {
		return nil, unmapped, fmt.Errorf("the generated code does not parse (a bug of alchemy gen): %w", err)
	}
	return out, unmapped, nil
}

// declare works out the options of the table and of its columns.
func (tb *table) declare(dialect, schema string) {
	t := tb.src
	q := strconv.Quote
	if schema != "" {
		tb.topts = append(tb.topts, "expr.Schema("+q(schema)+")")
	}
	if t.Comment != "" {
		tb.topts = append(tb.topts, "expr.TableComment("+q(t.Comment)+")")
	}
	var pk []string
	if t.PrimaryKey != nil {
		pk = t.PrimaryKey.Columns
		if pkNeedsConstraint(t, dialect) {
			tb.topts = append(tb.topts, "expr.PrimaryKeyConstraint("+q(t.PrimaryKey.Name)+", "+quoteAll(pk)+")")
		}
	}
	target := func(f inspect.ForeignKey) string {
		switch {
		case f.ReferredSchema != "":
			return f.ReferredSchema + "." + f.ReferredTable
		case schema != "":
			return schema + "." + f.ReferredTable
		}
		return f.ReferredTable
	}
	single := map[string]inspect.ForeignKey{}
	for _, f := range t.ForeignKeys {
		if len(f.Columns) == 1 {
			single[f.Columns[0]] = f
			continue
		}
		args := []string{"[]string{" + quoteAll(f.Columns) + "}", q(target(f)), "[]string{" + quoteAll(f.ReferredColumns) + "}"}
		tb.topts = append(tb.topts, "expr.ForeignKeyConstraint("+strings.Join(append(args, fkOptions(f, dialect, t.Name)...), ", ")+")")
	}
	unique := map[string]bool{}
	for _, u := range t.Unique {
		if len(u.Columns) == 1 && defaultUniqueName(dialect, t.Name, u) {
			unique[u.Columns[0]] = true
			continue
		}
		tb.topts = append(tb.topts, "expr.UniqueConstraint("+q(u.Name)+", "+quoteAll(u.Columns)+")")
	}
	indexed := map[string]bool{}
	for _, ix := range t.Indexes {
		switch {
		case slices.Contains(ix.Columns, ""):
			tb.notes = append(tb.notes, "the index "+ix.Name+" on an expression is left out")
		case len(ix.Columns) == 1 && !ix.Unique && ix.Name == "ix_"+t.Name+"_"+ix.Columns[0]:
			indexed[ix.Columns[0]] = true
		case ix.Unique:
			tb.topts = append(tb.topts, "expr.UniqueIndex("+q(ix.Name)+", "+quoteAll(ix.Columns)+")")
		default:
			tb.topts = append(tb.topts, "expr.Index("+q(ix.Name)+", "+quoteAll(ix.Columns)+")")
		}
	}
	for _, c := range t.Checks {
		tb.topts = append(tb.topts, "expr.CheckConstraint("+q(c.Name)+", "+q(c.SQL)+")")
	}
	for i := range tb.cols {
		c := &tb.cols[i]
		ci := c.src
		inPK := slices.Contains(pk, ci.Name)
		if inPK {
			c.opts = append(c.opts, "expr.PrimaryKey()")
		} else if !ci.Nullable {
			c.opts = append(c.opts, "expr.NotNull()")
		}
		// expr makes a table's only primary key column of an integer type
		// autoincrement unless told otherwise
		implied := inPK && len(pk) == 1 && slices.Contains([]string{"int64", "int16", "uint64"}, c.typ.Go)
		switch {
		case ci.Autoincrement:
			c.opts = append(c.opts, "expr.Autoincrement(true)")
		case implied:
			c.opts = append(c.opts, "expr.Autoincrement(false)")
		}
		if ci.Default != nil {
			c.opts = append(c.opts, "expr.ServerDefault("+q(*ci.Default)+")")
		}
		if unique[ci.Name] {
			c.opts = append(c.opts, "expr.Unique()")
		}
		if indexed[ci.Name] {
			c.opts = append(c.opts, "expr.Indexed()")
		}
		if f, ok := single[ci.Name]; ok {
			args := append([]string{q(target(f) + "." + f.ReferredColumns[0])}, fkOptions(f, dialect, t.Name)...)
			c.opts = append(c.opts, "expr.References("+strings.Join(args, ", ")+")")
		}
		if ci.Comment != "" {
			c.opts = append(c.opts, "expr.Comment("+q(ci.Comment)+")")
		}
	}
}

// fkOptions are a foreign key's options: its name unless the database made it up,
// its actions.
func fkOptions(f inspect.ForeignKey, dialect, table string) []string {
	var o []string
	if f.Name != "" && !defaultFKName(dialect, table, f) {
		o = append(o, "expr.ConstraintName("+strconv.Quote(f.Name)+")")
	}
	if f.OnDelete != "" {
		o = append(o, "expr.OnDelete("+strconv.Quote(f.OnDelete)+")")
	}
	if f.OnUpdate != "" {
		o = append(o, "expr.OnUpdate("+strconv.Quote(f.OnUpdate)+")")
	}
	return o
}

var mysqlFKName = regexp.MustCompile(`_ibfk_\d+$`)

// defaultFKName reports whether the foreign key's name is the one the database
// gives an unnamed key.
func defaultFKName(dialect, table string, f inspect.ForeignKey) bool {
	switch dialect {
	case "postgresql":
		return f.Name == table+"_"+strings.Join(f.Columns, "_")+"_fkey"
	case "mysql", "mariadb":
		return strings.HasPrefix(f.Name, table) && mysqlFKName.MatchString(f.Name) && len(mysqlFKName.FindString(f.Name)) == len(f.Name)-len(table)
	case "mssql":
		return strings.HasPrefix(f.Name, "FK__")
	}
	return false
}

// defaultUniqueName reports whether the unique constraint's name is the one the
// database gives an unnamed one.
func defaultUniqueName(dialect, table string, u inspect.UniqueConstraint) bool {
	switch {
	case u.Name == "":
		return true
	case dialect == "postgresql":
		return u.Name == table+"_"+strings.Join(u.Columns, "_")+"_key"
	case dialect == "mysql" || dialect == "mariadb":
		return u.Name == u.Columns[0]
	case dialect == "mssql":
		return strings.HasPrefix(u.Name, "UQ__")
	}
	return false
}

// pkNeedsConstraint reports whether the primary key says more than PrimaryKey on
// its columns: a name that is not the database's default, or an order that is not
// the columns'.
func pkNeedsConstraint(t *inspect.Table, dialect string) bool {
	var order []string
	for _, c := range t.Columns {
		if slices.Contains(t.PrimaryKey.Columns, c.Name) {
			order = append(order, c.Name)
		}
	}
	pk := t.PrimaryKey
	switch {
	case !slices.Equal(order, pk.Columns):
		return true
	case pk.Name == "":
		return false
	case dialect == "postgresql" && pk.Name == t.Name+"_pkey":
		return false
	case dialect == "mssql" && strings.HasPrefix(pk.Name, "PK__"):
		return false
	}
	return true
}

func quoteAll(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

// write writes the unformatted source.
func write(tables []table, o Options) []byte {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("// Code generated by alchemy gen; DO NOT EDIT.\n//\n// To regenerate it, run:\n//\n//\t%s\n\n", o.Command)
	p("package %s\n\n", o.Package)
	var usesTime, usesJSON, usesRaw bool
	for _, t := range tables {
		for _, c := range t.cols {
			usesTime = usesTime || strings.Contains(c.typ.Go, "time.Time")
			usesJSON = usesJSON || strings.Contains(c.typ.Go, "json.RawMessage")
			usesRaw = usesRaw || c.typ.Raw
		}
	}
	p("import (\n")
	if usesJSON {
		p("%q\n", "encoding/json")
	}
	if usesTime {
		p("%q\n", "time")
	}
	p("\n%q\n)\n\n", "github.com/go-alchemy/alchemy/expr")

	p("// Tables are the tables of the database, declared in one MetaData.\ntype Tables struct {\n")
	for _, t := range tables {
		p("%s %s\n", t.name, t.name)
	}
	p("}\n\n// NewTables declares every table in md.\nfunc NewTables(md *expr.MetaData) Tables {\n\treturn Tables{\n")
	for _, t := range tables {
		p("%s: New%s(md),\n", t.name, t.name)
	}
	p("}\n}\n")

	for _, t := range tables {
		what := "table"
		if t.src.View {
			what = "view"
		}
		p("\n// %s is the %s %s", t.name, what, t.src.Name)
		if t.src.Comment != "" {
			p(": %s", oneLine(t.src.Comment))
		}
		p(".\ntype %s struct {\n*expr.Table\n", t.name)
		for _, c := range t.cols {
			p("%s expr.Column[%s]", c.field, c.typ.Go)
			if c.typ.Fallback {
				p(" // type %s, which alchemy gen does not know: read as its text", oneLine(c.src.Type))
			} else if c.src.Comment != "" {
				p(" // %s", oneLine(c.src.Comment))
			}
			p("\n")
		}
		p("}\n\n// New%s declares the %s %s in md.\nfunc New%s(md *expr.MetaData) %s {\n", t.name, what, t.src.Name, t.name, t.name)
		for _, n := range t.notes {
			p("// %s\n", oneLine(n))
		}
		p("t := md.NewTable(%q", t.src.Name)
		for _, o := range t.topts {
			p(",\n%s", o)
		}
		if len(t.topts) > 0 {
			p(",\n")
		}
		p(")\nreturn %s{Table: t,\n", t.name)
		for _, c := range t.cols {
			p("%s: expr.NewColumn(t, %q, %s", c.field, c.src.Name, c.typ.Expr)
			for _, o := range c.opts {
				p(", %s", o)
			}
			p("),\n")
		}
		p("}\n}\n\n// %sRow is a row of the %s %s, for alchemy.All and orm.Map.\ntype %sRow struct {\n", t.name, what, t.src.Name, t.name)
		for _, c := range t.cols {
			g := c.typ.Go
			if c.src.Nullable && g != "any" {
				g = "*" + g
			}
			p("%s %s %s\n", c.row, g, tag(c.src.Name))
		}
		p("}\n")
	}
	if usesRaw {
		p(`
// sqlType is a type of the database that package expr has no constructor for,
// written into DDL as the catalog names it.
type sqlType string

// TypeName returns the type's name.
func (t sqlType) TypeName() string { return string(t) }

// SQLFor returns the type's name, for every dialect.
func (t sqlType) SQLFor(string) (string, error) { return string(t), nil }
`)
	}
	return []byte(b.String())
}

// tag is the struct tag db:"name".
func tag(name string) string {
	t := "db:" + strconv.Quote(name)
	if strings.Contains(t, "`") {
		return strconv.Quote(t)
	}
	return "`" + t + "`"
}

// oneLine makes s fit a line comment.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
