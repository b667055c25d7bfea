package expr

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-alchemy/alchemy/dialect"
)

// The SQL of the DDL statements.

// ddlTable checks that t is a table of a MetaData that DDL can be written for.
func ddlTable(t *Table, what string) error {
	if t == nil {
		return fmt.Errorf("alchemy: %s of a nil table", what)
	}
	if t.err != nil {
		return t.err
	}
	if t.kind != realTable {
		return fmt.Errorf("alchemy: %s of %s, which is an alias, subquery or CTE, not a table", what, t.name)
	}
	return nil
}

// ddlVersion makes the engine learn the server's version before compiling DDL for a
// mysql:// URL, which may reach MariaDB: types are named for the one it is.
func (c *Compiler) ddlVersion() {
	if c.d != nil && c.d.Name() == "mysql" {
		_ = c.Require("DDL", func(dialect.Version) bool { return true })
	}
}

// stringLit writes s as a string literal of the dialect (comments, enum values): MySQL
// and MariaDB take a backslash as an escape, SQL Server wants N'...' for Unicode.
func (c *Compiler) stringLit(s string) {
	if c.flavor().mysqlish() {
		s = strings.ReplaceAll(s, `\`, `\\`)
	}
	if c.flavor() == mssqlSQL {
		c.WriteByte('N')
	}
	c.WriteString(quoteString(s))
}

// writeIdents writes names, comma-separated.
func (c *Compiler) writeIdents(cols []*columnDef) {
	for i, d := range cols {
		if i > 0 {
			c.WriteString(", ")
		}
		c.WriteIdent(d.name)
	}
}

// WriteSQL writes CREATE TABLE for the compiler's dialect.
func (s *CreateTableStmt) WriteSQL(c *Compiler) error {
	t := s.table
	if err := ddlTable(t, "CREATE TABLE"); err != nil {
		return err
	}
	c.ddlVersion()
	c.SetReturnsRows(false)
	cols := t.allColumns()
	if len(cols) == 0 {
		return fmt.Errorf("alchemy: CREATE TABLE %s: the table has no columns", t.fullName())
	}
	pkName, pk, err := t.primaryKey()
	if err != nil {
		return err
	}
	inPK := map[*columnDef]bool{}
	for _, d := range pk {
		inPK[d] = true
	}
	c.WriteString("CREATE TABLE ")
	t.writeQualifier(c)
	c.WriteString(" (")
	sep := func() {
		c.WriteString(",\n\t")
	}
	c.WriteString("\n\t")
	for i, d := range cols {
		if i > 0 {
			sep()
		}
		if err := c.writeColumnSpec(d, inPK[d], len(pk) == 1); err != nil {
			return err
		}
	}
	if len(pk) > 0 {
		sep()
		c.writeConstraintName(pkName)
		c.WriteString("PRIMARY KEY (")
		c.writeIdents(pk)
		c.WriteByte(')')
	}
	for _, d := range cols {
		if d.unique {
			sep()
			c.WriteString("UNIQUE (")
			c.WriteIdent(d.name)
			c.WriteByte(')')
		}
	}
	for _, k := range t.cons {
		if k.kind != "unique" {
			continue
		}
		ucols, err := t.ownColumns(k.cols, "unique constraint "+k.name)
		if err != nil {
			return err
		}
		sep()
		c.writeConstraintName(k.name)
		c.WriteString("UNIQUE (")
		c.writeIdents(ucols)
		c.WriteByte(')')
	}
	if !c.flavor().mysqlish() {
		for _, d := range cols {
			e, ok := d.typ.(*enumType)
			if !ok {
				continue
			}
			if len(e.values) == 0 {
				return fmt.Errorf("alchemy: column %s: Enum %s has no values", d, e.name)
			}
			sep()
			c.writeConstraintName(e.name)
			c.WriteString("CHECK (")
			c.WriteIdent(d.name)
			c.WriteString(" IN (")
			for i, v := range e.values {
				if i > 0 {
					c.WriteString(", ")
				}
				c.stringLit(v)
			}
			c.WriteString("))")
		}
	}
	for _, k := range t.cons {
		if k.kind != "check" {
			continue
		}
		if strings.TrimSpace(k.check) == "" {
			return fmt.Errorf("alchemy: check constraint %q of table %s has no condition", k.name, t.fullName())
		}
		sep()
		c.writeConstraintName(k.name)
		c.WriteString("CHECK (")
		c.WriteString(k.check)
		c.WriteByte(')')
	}
	for _, f := range t.foreignKeys() {
		if f.err != nil {
			return f.err
		}
		if s.omit[f.name()] {
			continue
		}
		sep()
		c.writeConstraintName(f.declared)
		c.writeForeignKey(f)
	}
	c.WriteString("\n)")
	if t.comment != "" && c.flavor().mysqlish() {
		c.WriteString(" COMMENT=")
		c.stringLit(t.comment)
	}
	return nil
}

// writeConstraintName writes CONSTRAINT name, for a name.
func (c *Compiler) writeConstraintName(name string) {
	if name != "" {
		c.WriteString("CONSTRAINT ")
		c.WriteIdent(name)
		c.WriteByte(' ')
	}
}

// writeForeignKey writes FOREIGN KEY (...) REFERENCES ... [ON DELETE ...] [ON UPDATE ...].
func (c *Compiler) writeForeignKey(f *fkDef) {
	c.WriteString("FOREIGN KEY (")
	c.writeIdents(f.cols)
	c.WriteString(") REFERENCES ")
	f.ref.writeQualifier(c)
	c.WriteString(" (")
	c.writeIdents(f.refCols)
	c.WriteByte(')')
	if f.onDelete != "" {
		c.WriteString(" ON DELETE " + f.onDelete)
	}
	if f.onUpdate != "" {
		c.WriteString(" ON UPDATE " + f.onUpdate)
	}
}

// serialTypes are PostgreSQL's autoincrementing integer types.
var serialTypes = map[string]string{"INTEGER": "SERIAL", "BIGINT": "BIGSERIAL", "SMALLINT": "SMALLSERIAL"}

// writeColumnSpec writes a column's definition in CREATE TABLE.
func (c *Compiler) writeColumnSpec(d *columnDef, pk, singlePK bool) error {
	if d.err != nil {
		return d.err
	}
	dn := c.typeDialect()
	typ, err := d.typ.SQLFor(dn)
	if err != nil {
		return fmt.Errorf("alchemy: column %s: type %s cannot be written for %s: %w", d, d.typ.TypeName(), dn, err)
	}
	if typ == "" {
		return fmt.Errorf("alchemy: column %s: type %s has no SQL for %s", d, d.typ.TypeName(), dn)
	}
	auto := d.autoIncrements()
	var after string // what follows NOT NULL
	switch c.flavor() {
	case postgresSQL:
		if auto {
			if serial, ok := serialTypes[strings.ToUpper(typ)]; ok && !d.ident {
				typ = serial
			} else {
				typ += " GENERATED BY DEFAULT AS IDENTITY"
			}
		}
	case sqliteSQL:
		if auto && pk && singlePK {
			typ = "INTEGER"
		}
	case mysqlSQL, mariadbSQL:
		if auto {
			after = " AUTO_INCREMENT"
		}
	case mssqlSQL:
		if auto {
			after = " IDENTITY(1,1)"
		}
	}
	c.WriteIdent(d.name)
	c.WriteByte(' ')
	c.WriteString(typ)
	if d.server != nil {
		c.WriteString(" DEFAULT ")
		c.WriteString(d.server.sql)
	}
	if d.notNull || pk {
		c.WriteString(" NOT NULL")
	}
	c.WriteString(after)
	if d.comment != "" && c.flavor().mysqlish() {
		c.WriteString(" COMMENT ")
		c.stringLit(d.comment)
	}
	return nil
}

// WriteSQL writes DROP TABLE.
func (s *DropTableStmt) WriteSQL(c *Compiler) error {
	if err := ddlTable(s.table, "DROP TABLE"); err != nil {
		return err
	}
	c.SetReturnsRows(false)
	c.WriteString("DROP TABLE ")
	s.table.writeQualifier(c)
	return nil
}

// WriteSQL writes CREATE INDEX or DROP INDEX for the compiler's dialect.
func (s *IndexStmt) WriteSQL(c *Compiler) error {
	t := s.table
	verb := "CREATE INDEX"
	if s.drop {
		verb = "DROP INDEX"
	}
	if err := ddlTable(t, verb); err != nil {
		return err
	}
	ix, err := t.index(s.name)
	if err != nil {
		return err
	}
	c.SetReturnsRows(false)
	// The index's name: SQLite qualifies it with the schema, PostgreSQL's DROP too;
	// elsewhere the index is the table's, named after ON.
	writeName := func(qualified bool) {
		if qualified && t.schema != "" {
			c.WriteIdent(t.schema)
			c.WriteByte('.')
		}
		c.WriteIdent(ix.name)
	}
	if s.drop {
		c.WriteString("DROP INDEX ")
		switch f := c.flavor(); {
		case f.mysqlish() || f == mssqlSQL:
			writeName(false)
			c.WriteString(" ON ")
			t.writeQualifier(c)
		default:
			writeName(true)
		}
		return nil
	}
	c.WriteString("CREATE ")
	if ix.unique {
		c.WriteString("UNIQUE ")
	}
	c.WriteString("INDEX ")
	if c.flavor() == sqliteSQL {
		writeName(true)
		c.WriteString(" ON ")
		c.WriteIdent(t.name)
	} else {
		writeName(false)
		c.WriteString(" ON ")
		t.writeQualifier(c)
	}
	c.WriteString(" (")
	c.writeIdents(ix.cols)
	c.WriteByte(')')
	return nil
}

// WriteSQL writes ALTER TABLE ADD or DROP CONSTRAINT for the compiler's dialect.
func (s *ConstraintStmt) WriteSQL(c *Compiler) error {
	t := s.table
	verb := "ADD CONSTRAINT"
	if s.drop {
		verb = "DROP CONSTRAINT"
	}
	if err := ddlTable(t, "ALTER TABLE "+verb); err != nil {
		return err
	}
	f, err := t.foreignKey(s.name)
	if err != nil {
		return err
	}
	if c.flavor() == sqliteSQL {
		return fmt.Errorf("%w: SQLite has no ALTER TABLE %s (foreign key %s of table %s): CreateTable writes it inline",
			ErrUnsupported, verb, s.name, t.fullName())
	}
	c.SetReturnsRows(false)
	c.WriteString("ALTER TABLE ")
	t.writeQualifier(c)
	if s.drop {
		if c.flavor().mysqlish() {
			c.WriteString(" DROP FOREIGN KEY ")
		} else {
			c.WriteString(" DROP CONSTRAINT ")
		}
		c.WriteIdent(f.name())
		return nil
	}
	c.WriteString(" ADD ")
	c.writeConstraintName(f.name())
	c.writeForeignKey(f)
	return nil
}

// WriteSQL writes the comment statement for the compiler's dialect.
func (s *CommentStmt) WriteSQL(c *Compiler) error {
	if s.col == nil && s.table == nil {
		return errors.New("alchemy: SetColumnComment of a nil column")
	}
	if err := ddlTable(s.table, "a comment"); err != nil {
		return err
	}
	text, what := s.table.comment, "table "+s.table.fullName()
	var d *columnDef
	if s.col != nil {
		d = s.col.column()
		if d.err != nil {
			return d.err
		}
		text, what = d.comment, "column "+d.String()
	}
	c.SetReturnsRows(false)
	switch f := c.flavor(); {
	case f == postgresSQL:
		if d != nil {
			c.WriteString("COMMENT ON COLUMN ")
			s.table.writeQualifier(c)
			c.WriteByte('.')
			c.WriteIdent(d.name)
		} else {
			c.WriteString("COMMENT ON TABLE ")
			s.table.writeQualifier(c)
		}
		c.WriteString(" IS ")
		if text == "" {
			c.WriteString("NULL")
		} else {
			c.stringLit(text)
		}
		return nil
	case f.mysqlish() && d == nil:
		c.WriteString("ALTER TABLE ")
		s.table.writeQualifier(c)
		c.WriteString(" COMMENT = ")
		c.stringLit(text)
		return nil
	case f.mysqlish():
		return fmt.Errorf("%w: the comment of %s: MySQL keeps it in the column's definition, which CreateTable writes", ErrUnsupported, what)
	}
	return fmt.Errorf("%w: the comment of %s: %s keeps none that alchemy writes", ErrUnsupported, what, c.typeDialect())
}
