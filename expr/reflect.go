package expr

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ReflectOption restricts or widens what Reflect declares.
type ReflectOption func(*reflectConfig)

type reflectConfig struct {
	schema string
	only   []string
	views  bool
}

// ReflectSchema reflects the tables of schema (a database, on MySQL) instead of the
// connection's default one; the tables are declared in it (Schema), so that
// md.Table("schema.name") finds them.
func ReflectSchema(schema string) ReflectOption { return func(c *reflectConfig) { c.schema = schema } }

// ReflectOnly reflects the named tables only (views too, with ReflectViews); a name
// the database lacks is an error wrapping ErrNoSuchTable.
func ReflectOnly(tables ...string) ReflectOption {
	return func(c *reflectConfig) { c.only = append(c.only, tables...) }
}

// ReflectViews reflects views too, as tables of their columns (without keys or
// constraints), to select from.
func ReflectViews() ReflectOption { return func(c *reflectConfig) { c.views = true } }

// reflected is what the catalog says of one table, read before anything is declared.
type reflected struct {
	name    string
	view    bool
	cols    []ColumnInfo
	pk      PrimaryKeyInfo
	fks     []ForeignKeyInfo
	idx     []IndexInfo
	uniq    []UniqueConstraintInfo
	checks  []CheckConstraintInfo
	comment string
}

// Reflect declares in md a Table for each table of the database that e runs on (see
// the options to choose them), SQLAlchemy's MetaData.reflect: its columns with their
// types, nullability, server defaults and comments, its primary key, foreign keys,
// indexes, unique and check constraints, and its comment.
//
// A reflected column is a Column[any] of its normalised SQL type (Typed[any]; see
// ColumnInfo.Type): find it with t.C("name"), which compares with any value and
// scans whatever the driver gives, and use the table in statements as any other:
// t.Select().Where(t.C("id").Eq(5)), t.Insert().Values(expr.Params{"name": "ed"}).
// Declare a struct of typed columns instead where the Go types matter.
//
// A foreign key of one column is declared with References("table.column")
// ("schema.table.column" for a table of another schema, or of the reflected schema
// under ReflectSchema), a composite one with ForeignKeyConstraint. The primary key
// is declared by PrimaryKey on its columns, and by a PrimaryKeyConstraint too when
// its name is not the database's default or its order is not the columns' order. An
// index on an expression is left out (its columns are not columns). A table that
// ReflectOnly leaves out is not reflected because another refers to it: the
// reference stays a "table.column" name, which DDL reports if the table is missing.
//
// Everything is read before anything is declared: an error (a table md already
// holds, a catalog query that fails) leaves md as it was.
func Reflect[R Rows](ctx context.Context, e Executor[R], md *MetaData, opts ...ReflectOption) error {
	if md == nil {
		return errors.New("alchemy: Reflect needs a MetaData, got nil")
	}
	var cfg reflectConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	in := Inspect(e)
	names, err := in.TableNames(ctx, cfg.schema)
	if err != nil {
		return fmt.Errorf("alchemy: reflect: %w", err)
	}
	var views []string
	if cfg.views {
		if views, err = in.ViewNames(ctx, cfg.schema); err != nil {
			return fmt.Errorf("alchemy: reflect: %w", err)
		}
	}
	if len(cfg.only) > 0 {
		var missing []string
		var tables, vs []string
		for _, n := range cfg.only {
			switch {
			case slices.Contains(names, n):
				tables = append(tables, n)
			case slices.Contains(views, n):
				vs = append(vs, n)
			default:
				missing = append(missing, n)
			}
		}
		if len(missing) > 0 {
			where := "the default schema"
			if cfg.schema != "" {
				where = "schema " + cfg.schema
			}
			return fmt.Errorf("alchemy: reflect: %w: %s not in %s", ErrNoSuchTable, strings.Join(missing, ", "), where)
		}
		names, views = tables, vs
	}
	var all []reflected
	for _, n := range names {
		r, err := reflectTable(ctx, in, n, cfg.schema, false)
		if err != nil {
			return err
		}
		all = append(all, r)
	}
	for _, n := range views {
		r, err := reflectTable(ctx, in, n, cfg.schema, true)
		if err != nil {
			return err
		}
		all = append(all, r)
	}
	for _, r := range all {
		key := r.name
		if cfg.schema != "" {
			key = cfg.schema + "." + r.name
		}
		if _, dup := md.Table(key); dup {
			return fmt.Errorf("alchemy: reflect: the MetaData already holds a table %s", key)
		}
	}
	for _, r := range all {
		declare(md, r, cfg.schema, in.Dialect())
	}
	return nil
}

// reflectTable reads what the catalog says of one table (or view).
func reflectTable(ctx context.Context, in *Inspector, name, schema string, view bool) (r reflected, err error) {
	r = reflected{name: name, view: view}
	wrap := func(err error) error { return fmt.Errorf("alchemy: reflect table %s: %w", name, err) }
	if r.cols, err = in.Columns(ctx, name, schema); err != nil {
		return r, wrap(err)
	}
	if view {
		return r, nil
	}
	if r.pk, err = in.PrimaryKey(ctx, name, schema); err != nil {
		return r, wrap(err)
	}
	if r.fks, err = in.ForeignKeys(ctx, name, schema); err != nil {
		return r, wrap(err)
	}
	if r.idx, err = in.Indexes(ctx, name, schema); err != nil {
		return r, wrap(err)
	}
	if r.uniq, err = in.UniqueConstraints(ctx, name, schema); err != nil {
		return r, wrap(err)
	}
	if r.checks, err = in.CheckConstraints(ctx, name, schema); err != nil {
		return r, wrap(err)
	}
	if r.comment, err = in.TableComment(ctx, name, schema); err != nil {
		return r, wrap(err)
	}
	return r, nil
}

// declare declares the table r in md.
func declare(md *MetaData, r reflected, schema, dialect string) {
	var topts []TableOption
	if schema != "" {
		topts = append(topts, Schema(schema))
	}
	if r.comment != "" {
		topts = append(topts, TableComment(r.comment))
	}
	if pkNeedsConstraint(r, dialect) {
		topts = append(topts, PrimaryKeyConstraint(r.pk.Name, r.pk.Columns...))
	}
	fkByCol := map[string]ForeignKeyInfo{}
	for _, fk := range r.fks {
		target := fk.ReferredTable
		switch {
		case fk.ReferredSchema != "":
			target = fk.ReferredSchema + "." + target
		case schema != "":
			target = schema + "." + target
		}
		if len(fk.Columns) == 1 {
			fk.ReferredTable = target
			fkByCol[fk.Columns[0]] = fk
			continue
		}
		topts = append(topts, ForeignKeyConstraint(fk.Columns, target, fk.ReferredColumns, fkOptions(fk)...))
	}
	for _, u := range r.uniq {
		topts = append(topts, UniqueConstraint(u.Name, u.Columns...))
	}
	for _, ix := range r.idx {
		if slices.Contains(ix.Columns, "") {
			continue // an expression
		}
		if ix.Unique {
			topts = append(topts, UniqueIndex(ix.Name, ix.Columns...))
		} else {
			topts = append(topts, Index(ix.Name, ix.Columns...))
		}
	}
	for _, c := range r.checks {
		topts = append(topts, CheckConstraint(c.Name, c.SQLText))
	}
	t := md.NewTable(r.name, topts...)
	for _, ci := range r.cols {
		var copts []ColumnOption
		if slices.Contains(r.pk.Columns, ci.Name) {
			copts = append(copts, PrimaryKey())
		}
		if !ci.Nullable {
			copts = append(copts, NotNull())
		}
		if ci.Autoincrement {
			copts = append(copts, Autoincrement(true))
		}
		if ci.Default != nil {
			copts = append(copts, ServerDefault(*ci.Default))
		}
		if ci.Comment != "" {
			copts = append(copts, Comment(ci.Comment))
		}
		if fk, ok := fkByCol[ci.Name]; ok {
			copts = append(copts, References(fk.ReferredTable+"."+fk.ReferredColumns[0], fkOptions(fk)...))
		}
		NewColumn(t, ci.Name, Typed[any](ci.Type), copts...)
	}
}

// fkOptions are the options that declare fk's name and actions.
func fkOptions(fk ForeignKeyInfo) []ForeignKeyOption {
	var o []ForeignKeyOption
	if fk.Name != "" {
		o = append(o, ConstraintName(fk.Name))
	}
	if fk.OnDelete != "" {
		o = append(o, OnDelete(fk.OnDelete))
	}
	if fk.OnUpdate != "" {
		o = append(o, OnUpdate(fk.OnUpdate))
	}
	return o
}

// pkNeedsConstraint reports whether the primary key says more than PrimaryKey on
// its columns: a name that is not the database's default, or an order that is not
// the columns'.
func pkNeedsConstraint(r reflected, dialect string) bool {
	if len(r.pk.Columns) == 0 {
		return false
	}
	var order []string
	for _, c := range r.cols {
		if slices.Contains(r.pk.Columns, c.Name) {
			order = append(order, c.Name)
		}
	}
	if !slices.Equal(order, r.pk.Columns) {
		return true
	}
	switch {
	case r.pk.Name == "":
		return false
	case dialect == "postgresql" && r.pk.Name == r.name+"_pkey":
		return false
	case dialect == "mssql" && strings.HasPrefix(r.pk.Name, "PK__"):
		return false
	}
	return true
}
