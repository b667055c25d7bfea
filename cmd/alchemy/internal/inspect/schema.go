package inspect

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-alchemy/alchemy/expr"
)

// Schema is what the catalog says of the tables of one schema: the document that
// --format json writes, and what the diagrams and alchemy gen are drawn from.
type Schema struct {
	// Dialect is the catalog's flavour (sqlite, postgresql, mysql, mariadb, mssql).
	Dialect string `json:"dialect"`
	// Schema is the schema read, as --schema named it ("" for the default one).
	Schema string `json:"schema"`
	// Tables are the tables, sorted by name, then the views (with --views).
	Tables []*Table `json:"tables"`
}

// Table is one table (or view) of a Schema.
type Table struct {
	Name        string             `json:"name"`
	View        bool               `json:"view,omitempty"`
	Comment     string             `json:"comment,omitempty"`
	Columns     []*Column          `json:"columns"`
	PrimaryKey  *PrimaryKey        `json:"primary_key"`
	ForeignKeys []ForeignKey       `json:"foreign_keys"`
	Indexes     []Index            `json:"indexes"`
	Unique      []UniqueConstraint `json:"unique_constraints"`
	Checks      []CheckConstraint  `json:"check_constraints"`
}

// Column is a column of a Table.
type Column struct {
	Name string `json:"name"`
	// Type is the normalised type's name (expr's TypeName: VARCHAR(50), INTEGER).
	Type          string  `json:"type"`
	Nullable      bool    `json:"nullable"`
	Default       *string `json:"default"`
	Autoincrement bool    `json:"autoincrement"`
	Comment       string  `json:"comment,omitempty"`
	// PrimaryKey reports that the column is part of the primary key.
	PrimaryKey bool `json:"primary_key"`
	// SQLType is the normalised type itself, which alchemy gen maps onto expr's
	// constructors.
	SQLType expr.SQLType `json:"-"`
}

// PrimaryKey is a table's primary key.
type PrimaryKey struct {
	Name    string   `json:"name,omitempty"`
	Columns []string `json:"columns"`
}

// ForeignKey is a foreign key constraint.
type ForeignKey struct {
	Name            string   `json:"name,omitempty"`
	Columns         []string `json:"columns"`
	ReferredSchema  string   `json:"referred_schema,omitempty"`
	ReferredTable   string   `json:"referred_table"`
	ReferredColumns []string `json:"referred_columns"`
	OnDelete        string   `json:"on_delete,omitempty"`
	OnUpdate        string   `json:"on_update,omitempty"`
}

// Index is an index that no constraint owns; an expression's column is "".
type Index struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
	Unique  bool     `json:"unique"`
}

// UniqueConstraint is a UNIQUE constraint.
type UniqueConstraint struct {
	Name    string   `json:"name,omitempty"`
	Columns []string `json:"columns"`
}

// CheckConstraint is a CHECK constraint: its condition as the database spells it.
type CheckConstraint struct {
	Name string `json:"name,omitempty"`
	SQL  string `json:"sql"`
}

// Options choose what Read reads.
type Options struct {
	// Schema is the schema to read ("" for the connection's default one).
	Schema string
	// Tables restricts the reading to these tables (or views), in this order;
	// nil reads them all.
	Tables []string
	// Views reads the views too, as tables of columns.
	Views bool
}

// ErrNoTable is wrapped by Read's error for a table that Options.Tables names and
// the database lacks.
var ErrNoTable = errors.New("no such table")

// Read reads the tables of a database through the Inspector.
func Read(ctx context.Context, in *expr.Inspector, o Options) (*Schema, error) {
	tables, err := in.TableNames(ctx, o.Schema)
	if err != nil {
		return nil, fmt.Errorf("listing the tables: %w", err)
	}
	var views []string
	if o.Views || len(o.Tables) > 0 {
		if views, err = in.ViewNames(ctx, o.Schema); err != nil {
			return nil, fmt.Errorf("listing the views: %w", err)
		}
	}
	type name struct {
		name string
		view bool
	}
	var names []name
	if len(o.Tables) == 0 {
		for _, t := range tables {
			names = append(names, name{t, false})
		}
		if o.Views {
			for _, v := range views {
				names = append(names, name{v, true})
			}
		}
	} else {
		var missing []string
		for _, t := range o.Tables {
			switch {
			case slices.ContainsFunc(names, func(n name) bool { return n.name == t }):
			case slices.Contains(tables, t):
				names = append(names, name{t, false})
			case slices.Contains(views, t):
				names = append(names, name{t, true})
			default:
				missing = append(missing, t)
			}
		}
		if len(missing) > 0 {
			where := "the default schema"
			if o.Schema != "" {
				where = "schema " + o.Schema
			}
			have := "it has no tables"
			if len(tables) > 0 {
				have = "its tables: " + strings.Join(tables, ", ")
			}
			return nil, fmt.Errorf("%w %s in %s (%s)", ErrNoTable, strings.Join(missing, ", "), where, have)
		}
	}
	s := &Schema{Dialect: in.Dialect(), Schema: o.Schema, Tables: []*Table{}}
	for _, n := range names {
		t, err := readTable(ctx, in, n.name, o.Schema, n.view)
		if err != nil {
			return nil, fmt.Errorf("table %s: %w", n.name, err)
		}
		s.Tables = append(s.Tables, t)
	}
	s.Dialect = in.Dialect() // known for sure once a query ran (MariaDB behind mysql://)
	return s, nil
}

// readTable reads one table's columns, keys, indexes and constraints.
func readTable(ctx context.Context, in *expr.Inspector, name, schema string, view bool) (*Table, error) {
	t := &Table{Name: name, View: view, ForeignKeys: []ForeignKey{}, Indexes: []Index{}, Unique: []UniqueConstraint{}, Checks: []CheckConstraint{}}
	cols, err := in.Columns(ctx, name, schema)
	if err != nil {
		return nil, err
	}
	for _, c := range cols {
		typ := ""
		if c.Type != nil {
			typ = c.Type.TypeName()
		}
		t.Columns = append(t.Columns, &Column{Name: c.Name, Type: typ, Nullable: c.Nullable, Default: c.Default,
			Autoincrement: c.Autoincrement, Comment: c.Comment, SQLType: c.Type})
	}
	if view {
		return t, nil
	}
	pk, err := in.PrimaryKey(ctx, name, schema)
	if err != nil {
		return nil, err
	}
	if len(pk.Columns) > 0 {
		t.PrimaryKey = &PrimaryKey{Name: pk.Name, Columns: pk.Columns}
		for _, c := range t.Columns {
			c.PrimaryKey = slices.Contains(pk.Columns, c.Name)
		}
	}
	fks, err := in.ForeignKeys(ctx, name, schema)
	if err != nil {
		return nil, err
	}
	for _, f := range fks {
		t.ForeignKeys = append(t.ForeignKeys, ForeignKey{Name: f.Name, Columns: f.Columns, ReferredSchema: f.ReferredSchema,
			ReferredTable: f.ReferredTable, ReferredColumns: f.ReferredColumns, OnDelete: f.OnDelete, OnUpdate: f.OnUpdate})
	}
	ixs, err := in.Indexes(ctx, name, schema)
	if err != nil {
		return nil, err
	}
	for _, ix := range ixs {
		t.Indexes = append(t.Indexes, Index{Name: ix.Name, Columns: ix.Columns, Unique: ix.Unique})
	}
	uqs, err := in.UniqueConstraints(ctx, name, schema)
	if err != nil {
		return nil, err
	}
	for _, u := range uqs {
		t.Unique = append(t.Unique, UniqueConstraint{Name: u.Name, Columns: u.Columns})
	}
	cks, err := in.CheckConstraints(ctx, name, schema)
	if err != nil {
		return nil, err
	}
	for _, c := range cks {
		t.Checks = append(t.Checks, CheckConstraint{Name: c.Name, SQL: c.SQLText})
	}
	if t.Comment, err = in.TableComment(ctx, name, schema); err != nil {
		return nil, err
	}
	return t, nil
}

// Column returns the table's column called name, or nil.
func (t *Table) Column(name string) *Column {
	for _, c := range t.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Table returns the schema's table called name, or nil.
func (s *Schema) Table(name string) *Table {
	for _, t := range s.Tables {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// IsUnique reports whether cols (in any order) are unique in the table: they are
// its primary key, a unique constraint's or a unique index's columns.
func (t *Table) IsUnique(cols []string) bool {
	same := func(other []string) bool {
		if len(other) != len(cols) {
			return false
		}
		for _, c := range other {
			if !slices.Contains(cols, c) {
				return false
			}
		}
		return true
	}
	if t.PrimaryKey != nil && same(t.PrimaryKey.Columns) {
		return true
	}
	for _, u := range t.Unique {
		if same(u.Columns) {
			return true
		}
	}
	for _, ix := range t.Indexes {
		if ix.Unique && same(ix.Columns) {
			return true
		}
	}
	return false
}

// Nullable reports whether any of cols takes NULL.
func (t *Table) Nullable(cols []string) bool {
	for _, n := range cols {
		if c := t.Column(n); c != nil && c.Nullable {
			return true
		}
	}
	return false
}

// InPrimaryKey reports whether all of cols are part of the primary key (an
// identifying relationship, for the diagrams).
func (t *Table) InPrimaryKey(cols []string) bool {
	if t.PrimaryKey == nil {
		return false
	}
	for _, c := range cols {
		if !slices.Contains(t.PrimaryKey.Columns, c) {
			return false
		}
	}
	return true
}

// InForeignKey reports whether the column col is part of a foreign key.
func (t *Table) InForeignKey(col string) bool {
	for _, f := range t.ForeignKeys {
		if slices.Contains(f.Columns, col) {
			return true
		}
	}
	return false
}

// keyMarkers are a column's key markers in a diagram: PK, FK, and unique (the
// diagram's own word for it) when the column is unique alone.
func keyMarkers(t *Table, c *Column, unique string) []string {
	var k []string
	if c.PrimaryKey {
		k = append(k, "PK")
	}
	if t.InForeignKey(c.Name) {
		k = append(k, "FK")
	}
	if !c.PrimaryKey && t.IsUnique([]string{c.Name}) {
		k = append(k, unique)
	}
	return k
}
