package expr

import (
	"context"
	"fmt"
)

// hasTableStmt asks the database whether a table exists: a row if it does, none if
// not. The names are bound, never written into the SQL.
type hasTableStmt struct{ schema, name string }

func (s hasTableStmt) WriteSQL(c *Compiler) error {
	c.SetReturnsRows(true, "name")
	bindSchema := func() error { return c.BindValue("schema", s.schema) }
	bindName := func() error { return c.BindValue("name", s.name) }
	switch c.flavor() {
	case sqliteSQL:
		c.WriteString("SELECT name FROM ")
		if s.schema != "" {
			c.WriteIdent(s.schema)
			c.WriteByte('.')
		}
		c.WriteString("sqlite_master WHERE type = 'table' AND name = ")
		return bindName()
	case postgresSQL:
		c.WriteString("SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace" +
			" WHERE c.relname = ")
		if err := bindName(); err != nil {
			return err
		}
		c.WriteString(" AND c.relkind IN ('r', 'p', 'f', 'v', 'm') AND ")
		if s.schema == "" {
			c.WriteString("pg_catalog.pg_table_is_visible(c.oid)")
			return nil
		}
		c.WriteString("n.nspname = ")
		return bindSchema()
	case mysqlSQL, mariadbSQL:
		c.WriteString("SELECT table_name FROM information_schema.tables WHERE table_schema = ")
		if s.schema == "" {
			c.WriteString("DATABASE()")
		} else if err := bindSchema(); err != nil {
			return err
		}
		c.WriteString(" AND table_name = ")
		return bindName()
	case mssqlSQL:
		c.WriteString("SELECT name FROM sys.tables WHERE name = ")
		if err := bindName(); err != nil {
			return err
		}
		c.WriteString(" AND schema_id = ")
		if s.schema == "" {
			c.WriteString("SCHEMA_ID()")
			return nil
		}
		c.WriteString("SCHEMA_ID(")
		if err := bindSchema(); err != nil {
			return err
		}
		c.WriteByte(')')
		return nil
	}
	c.WriteString("SELECT table_name FROM information_schema.tables WHERE table_name = ")
	if err := bindName(); err != nil {
		return err
	}
	if s.schema != "" {
		c.WriteString(" AND table_schema = ")
		return bindSchema()
	}
	return nil
}

// hasTable reports whether t exists in the database e runs on (in its schema, or
// the connection's current one).
func hasTable[R Rows](ctx context.Context, e Executor[R], t *Table) (bool, error) {
	r, err := e.Execute(ctx, hasTableStmt{schema: t.schema, name: t.name})
	if err != nil {
		return false, fmt.Errorf("alchemy: does table %s exist: %w", t.fullName(), err)
	}
	there := r.Next()
	cerr := r.Close()
	if err := r.Err(); err != nil {
		return false, fmt.Errorf("alchemy: does table %s exist: %w", t.fullName(), err)
	}
	if cerr != nil {
		return false, fmt.Errorf("alchemy: does table %s exist: %w", t.fullName(), cerr)
	}
	return there, nil
}
