package expr

import (
	"errors"
	"fmt"
	"slices"

	"github.com/go-alchemy/alchemy/dialect"
)

// The SQL of INSERT, UPDATE and DELETE, and their keys.

func (s *InsertStmt) WriteSQL(c *Compiler) error {
	if s.err != nil {
		return s.err
	}
	if s.table == nil || s.insertExtra == nil {
		return errZeroInsert
	}
	if err := c.requireReturning("INSERT", s.returning); err != nil {
		return err
	}
	c.pushScope(s.table)
	defer c.popScope()
	if s.conflict != nil && c.flavor() == mssqlSQL {
		return s.writeMerge(c)
	}
	c.WriteString("INSERT INTO ")
	if err := s.table.writeFrom(c); err != nil {
		return err
	}
	switch {
	case len(s.cols) == 0 && s.from == nil:
		if err := c.writeOutput("inserted", s.returning); err != nil {
			return err
		}
		if c.flavor().mysqlish() {
			c.WriteString(" () VALUES ()")
		} else {
			c.WriteString(" DEFAULT VALUES")
		}
	default:
		c.WriteString(" (")
		writeColumnList(c, s.cols)
		c.WriteByte(')')
		if err := c.writeOutput("inserted", s.returning); err != nil {
			return err
		}
		if s.from != nil {
			c.WriteByte(' ')
			if err := s.from.write(c); err != nil {
				return err
			}
		} else if len(s.rows) == 0 { // Columns without Row: the caller's values, by column name
			c.WriteString(" VALUES (")
			for i, d := range s.cols {
				if i > 0 {
					c.WriteString(", ")
				}
				var err error
				if i < int(s.nnamed) {
					err = c.Bind(d.name)
				} else {
					err = c.bindLit(s, i-int(s.nnamed)) // a default, evaluated once per Execute
				}
				if err != nil {
					return err
				}
			}
			c.WriteByte(')')
		} else {
			c.WriteString(" VALUES ")
			if err := s.writeRows(c); err != nil {
				return err
			}
		}
	}
	if s.conflict != nil {
		if err := s.writeConflict(c); err != nil {
			return err
		}
	}
	return c.writeReturning(s.returning)
}

func writeColumnList(c *Compiler, cols []*columnDef) {
	for i, d := range cols {
		if i > 0 {
			c.WriteString(", ")
		}
		c.WriteIdent(d.name)
	}
}

// writeRows writes (v, ...), (v, ...): each value bound, each Expression written.
func (s *InsertStmt) writeRows(c *Compiler) error {
	n := 0
	for r, row := range s.rows {
		if r > 0 {
			c.WriteString(", ")
		}
		c.WriteByte('(')
		for i, v := range row {
			if i > 0 {
				c.WriteString(", ")
			}
			if e, ok := v.(Expression); ok {
				if err := c.sub(e); err != nil {
					return err
				}
				continue
			}
			if err := c.bindLit(s, n); err != nil {
				return err
			}
			n++
		}
		c.WriteByte(')')
	}
	return nil
}

func (s *InsertStmt) writeConflict(c *Compiler) error {
	cf := s.conflict
	switch {
	case c.flavor().mysqlish():
		c.WriteString(" ON DUPLICATE KEY UPDATE ")
		if cf.nothing {
			k := s.cols[0]
			if len(cf.keys) > 0 {
				k = cf.keys[0]
			}
			c.WriteIdent(k.name)
			c.WriteString(" = ")
			c.WriteIdent(k.name)
			return nil
		}
		for i, d := range cf.update {
			if i > 0 {
				c.WriteString(", ")
			}
			c.WriteIdent(d.name)
			c.WriteString(" = VALUES(")
			c.WriteIdent(d.name)
			c.WriteByte(')')
		}
		return nil
	default:
		c.WriteString(" ON CONFLICT")
		if len(cf.keys) > 0 {
			c.WriteString(" (")
			writeColumnList(c, cf.keys)
			c.WriteByte(')')
		} else if !cf.nothing {
			return fmt.Errorf("alchemy: an upsert's DO UPDATE needs the conflicting keys (OnConflict(keys...))")
		}
		if cf.nothing || len(cf.update) == 0 {
			c.WriteString(" DO NOTHING")
			return nil
		}
		c.WriteString(" DO UPDATE SET ")
		for i, d := range cf.update {
			if i > 0 {
				c.WriteString(", ")
			}
			c.WriteIdent(d.name)
			c.WriteString(" = excluded.")
			c.WriteIdent(d.name)
		}
		return nil
	}
}

// writeMerge writes SQL Server's upsert: MERGE INTO t USING (VALUES ...).
func (s *InsertStmt) writeMerge(c *Compiler) error {
	cf := s.conflict
	if s.from != nil || len(s.rows) == 0 {
		return fmt.Errorf("%w: an upsert on SQL Server needs VALUES rows", ErrUnsupported)
	}
	if len(cf.keys) == 0 {
		return fmt.Errorf("alchemy: an upsert on SQL Server (MERGE) needs the conflicting keys (OnConflict(keys...))")
	}
	c.WriteString("MERGE INTO ")
	if err := s.table.writeFrom(c); err != nil {
		return err
	}
	c.WriteString(" USING (VALUES ")
	if err := s.writeRows(c); err != nil {
		return err
	}
	c.WriteString(") AS excluded (")
	writeColumnList(c, s.cols)
	c.WriteString(") ON ")
	for i, k := range cf.keys {
		if i > 0 {
			c.WriteString(" AND ")
		}
		s.table.writeQualifier(c)
		c.WriteByte('.')
		c.WriteIdent(k.name)
		c.WriteString(" = excluded.")
		c.WriteIdent(k.name)
	}
	if !cf.nothing && len(cf.update) > 0 {
		c.WriteString(" WHEN MATCHED THEN UPDATE SET ")
		for i, d := range cf.update {
			if i > 0 {
				c.WriteString(", ")
			}
			c.WriteIdent(d.name)
			c.WriteString(" = excluded.")
			c.WriteIdent(d.name)
		}
	}
	c.WriteString(" WHEN NOT MATCHED THEN INSERT (")
	writeColumnList(c, s.cols)
	c.WriteString(") VALUES (")
	for i, d := range s.cols {
		if i > 0 {
			c.WriteString(", ")
		}
		c.WriteString("excluded.")
		c.WriteIdent(d.name)
	}
	c.WriteByte(')')
	if err := c.writeOutput("inserted", s.returning); err != nil {
		return err
	}
	c.WriteByte(';')
	if len(s.returning) == 0 {
		c.SetReturnsRows(false)
	}
	return nil
}

func (s *InsertStmt) appendKey(k *keyWriter) {
	k.op('i')
	if s.err != nil {
		k.fail(s.err)
		return
	}
	if s.table == nil || s.insertExtra == nil {
		k.fail(errZeroInsert)
		return
	}
	s.table.appendRefKey(k)
	k.num(len(s.cols))
	for _, d := range s.cols {
		k.str(d.name)
	}
	k.num(int(s.nnamed))
	k.num(len(s.rows))
	if s.hasExpr { // the shape says which cells are expressions
		for _, row := range s.rows {
			for _, v := range row {
				if x, ok := v.(Expression); ok {
					k.op('e')
					k.expr(x)
				} else {
					k.op('v')
				}
			}
		}
	}
	// The values, after the shape: a default is evaluated each time the statement is
	// made ready to run, as SQLAlchemy calls it per execution.
	if k.begin(s) {
		if n := len(s.rows) * len(s.cols); n > cap(k.vals)-len(k.vals) {
			k.vals = slices.Grow(k.vals, n)
		}
		if len(s.rows) == 0 && s.from == nil {
			for _, d := range s.cols[s.nnamed:] {
				k.vals = append(k.vals, d.defaultValue(k))
			}
		}
		for _, row := range s.rows {
			for i, v := range row {
				switch v.(type) {
				case Expression:
					continue
				case defaultMarker:
					v = s.cols[i].defaultValue(k)
				}
				k.vals = append(k.vals, v)
			}
		}
	}
	if s.from != nil {
		k.op('f')
		s.from.appendKey(k)
	}
	appendListKey(k, 'r', s.returning)
	if s.conflict != nil {
		k.op('u')
		k.flag(s.conflict.nothing)
		for _, d := range s.conflict.keys {
			k.str(d.name)
		}
		k.op('|')
		for _, d := range s.conflict.update {
			k.str(d.name)
		}
	}
}

// requireReturning refuses RETURNING where the server lacks it for verb.
func (c *Compiler) requireReturning(verb string, returning []Expression) error {
	if len(returning) == 0 || c.flavor() == mssqlSQL {
		return nil
	}
	return c.Require(verb+" ... RETURNING", func(v dialect.Version) bool { return SupportsReturning(c.d, v, verb) })
}

// writeOutput writes SQL Server's OUTPUT clause (of the inserted or deleted row).
func (c *Compiler) writeOutput(pseudo string, returning []Expression) error {
	if len(returning) == 0 || c.flavor() != mssqlSQL {
		return nil
	}
	c.WriteString(" OUTPUT ")
	for i, e := range returning {
		if i > 0 {
			c.WriteString(", ")
		}
		d, ok := nodeOfExpr(e).(*columnDef)
		if !ok {
			return fmt.Errorf("%w: SQL Server's OUTPUT takes columns, got %T", ErrUnsupported, e)
		}
		c.WriteString(pseudo)
		c.WriteByte('.')
		c.WriteIdent(d.name)
	}
	c.SetReturnsRows(true, names(returning)...)
	return nil
}

// writeReturning writes RETURNING (not on SQL Server, which has OUTPUT), and states
// whether the statement returns rows.
func (c *Compiler) writeReturning(returning []Expression) error {
	if len(returning) == 0 {
		c.SetReturnsRows(false)
		return nil
	}
	if c.flavor() == mssqlSQL {
		return nil
	}
	c.WriteString(" RETURNING ")
	c.bareColumns = true
	defer func() { c.bareColumns = false }()
	for i, e := range returning {
		if i > 0 {
			c.WriteString(", ")
		}
		if err := c.selectColumn(e); err != nil {
			return err
		}
	}
	c.SetReturnsRows(true, names(returning)...)
	return nil
}

func names(es []Expression) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = exprName(e)
	}
	return out
}

func (s *UpdateStmt) WriteSQL(c *Compiler) error {
	if s.err != nil {
		return s.err
	}
	if len(s.sets) == 0 {
		return fmt.Errorf("alchemy: an UPDATE of %s that sets nothing (Set)", s.table)
	}
	if len(s.where) == 0 && !s.all {
		return errors.New("alchemy: an UPDATE of " + s.table.String() + " without WHERE: add Where, or All to update every row")
	}
	if err := c.requireReturning("UPDATE", s.returning); err != nil {
		return err
	}
	c.pushScope(s.table)
	defer c.popScope()
	c.WriteString("UPDATE ")
	if err := s.table.writeFrom(c); err != nil {
		return err
	}
	c.WriteString(" SET ")
	for i, a := range s.sets {
		if i > 0 {
			c.WriteString(", ")
		}
		c.WriteIdent(a.col.name)
		c.WriteString(" = ")
		if a.e != nil {
			if err := c.sub(a.e); err != nil {
				return err
			}
		} else if err := c.bindLit(s, i); err != nil {
			return err
		}
	}
	if err := c.writeOutput("inserted", s.returning); err != nil {
		return err
	}
	if err := c.writeWhere(" WHERE ", s.where); err != nil {
		return err
	}
	return c.writeReturning(s.returning)
}

func (s *UpdateStmt) appendKey(k *keyWriter) {
	k.op('U')
	if s.err != nil {
		k.fail(s.err)
		return
	}
	s.table.appendRefKey(k)
	k.flag(s.all)
	k.num(len(s.sets))
	vals := make([]any, len(s.sets))
	for i, a := range s.sets {
		k.str(a.col.name)
		if a.e != nil {
			k.op('e')
			k.expr(a.e)
		} else {
			k.op('v')
			vals[i] = a.v
		}
	}
	k.values(s, vals...)
	appendListKey(k, 'w', s.where)
	appendListKey(k, 'r', s.returning)
}

func (s *DeleteStmt) WriteSQL(c *Compiler) error {
	if s.err != nil {
		return s.err
	}
	if len(s.where) == 0 && !s.all {
		return errors.New("alchemy: a DELETE from " + s.table.String() + " without WHERE: add Where, or All to delete every row")
	}
	if err := c.requireReturning("DELETE", s.returning); err != nil {
		return err
	}
	c.pushScope(s.table)
	defer c.popScope()
	c.WriteString("DELETE FROM ")
	if err := s.table.writeFrom(c); err != nil {
		return err
	}
	if err := c.writeOutput("deleted", s.returning); err != nil {
		return err
	}
	if err := c.writeWhere(" WHERE ", s.where); err != nil {
		return err
	}
	return c.writeReturning(s.returning)
}

func (s *DeleteStmt) appendKey(k *keyWriter) {
	k.op('D')
	if s.err != nil {
		k.fail(s.err)
		return
	}
	s.table.appendRefKey(k)
	k.flag(s.all)
	appendListKey(k, 'w', s.where)
	appendListKey(k, 'r', s.returning)
}

// defaultValue returns the column's client-side default for one execution: its
// value, or what its function returns now.
func (d *columnDef) defaultValue(k *keyWriter) any {
	dv := d.def
	if fn, ok := dv.(func() any); ok {
		dv = fn()
	}
	cv, err := d.convert(dv)
	if err != nil {
		k.fail(fmt.Errorf("alchemy: the default of %s: %w", d, err))
	}
	return cv
}

// errZeroInsert is the error of the zero InsertStmt.
var errZeroInsert = errors.New("alchemy: an InsertStmt without a table (build it with Table.Insert)")

// describe names the statements in errors: "INSERT INTO users".
func (s *InsertStmt) describe() string { return "INSERT INTO " + tableName(s.table) }
func (s *UpdateStmt) describe() string { return "UPDATE " + tableName(s.table) }
func (s *DeleteStmt) describe() string { return "DELETE FROM " + tableName(s.table) }

func tableName(t *Table) string {
	if t == nil {
		return "(no table)"
	}
	return t.refName()
}
