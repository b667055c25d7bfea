package expr

import (
	"fmt"
	"reflect"
)

// TableSpec is a table as it was declared: what a mapper, a code generator or a
// tool needs to know of it. Table.Describe returns it.
type TableSpec struct {
	// Table is the table described.
	Table *Table
	// Schema is the table's schema, "" for the default one.
	Schema string
	// Columns are the table's columns, in order.
	Columns []ColumnSpec
	// PrimaryKey are the primary key's columns, in key order (none: the table has
	// no primary key).
	PrimaryKey []Column[any]
	// ForeignKeys are the table's foreign keys: those of its columns, then its
	// ForeignKeyConstraints.
	ForeignKeys []ForeignKeySpec
}

// ColumnSpec is a column as its table declares it.
type ColumnSpec struct {
	// Column is the column, untyped.
	Column Column[any]
	// Name is its name.
	Name string
	// GoType is the Go type of its values (the T of its Column[T]).
	GoType reflect.Type
	// PrimaryKey reports whether it is part of the primary key.
	PrimaryKey bool
	// Nullable reports whether it takes NULL (not NotNull, not a primary key).
	Nullable bool
	// Autoincrement reports whether the database gives it its values when an INSERT
	// leaves it out: an integer primary key alone, Autoincrement(true), Identity().
	Autoincrement bool
	// Default reports whether it has a client-side default (Default), which an
	// INSERT leaving it out fills in.
	Default bool
	// ServerDefault reports whether it has a server default (ServerDefault).
	ServerDefault bool
	// Converts reports whether its type converts values before the driver sees
	// them (JSONOf marshals, for one): a value meant for a bulk path that bypasses
	// statements must go through a statement instead.
	Converts bool
}

// ForeignKeySpec is a foreign key of a table.
type ForeignKeySpec struct {
	// Name is the constraint's declared name ("" when the database names it).
	Name string
	// Columns are the referring columns, in key order.
	Columns []Column[any]
	// Referred is the referred table.
	Referred *Table
	// ReferredColumns are the referred columns, one per column of Columns.
	ReferredColumns []Column[any]
	// OnDelete and OnUpdate are the actions, upper-case, "" for none given.
	OnDelete, OnUpdate string
}

// Describe returns the table as declared. It fails on a table that is not a
// MetaData's own (an alias, a subquery), on an error of the table's declaration,
// and on a foreign key whose target cannot be found.
func (t *Table) Describe() (TableSpec, error) {
	if t == nil {
		return TableSpec{}, fmt.Errorf("alchemy: Describe of a nil table")
	}
	if t.kind != realTable {
		return TableSpec{}, fmt.Errorf("alchemy: Describe of %s, which is not a table of a MetaData (an alias, subquery or CTE)", t.name)
	}
	if t.err != nil {
		return TableSpec{}, t.err
	}
	spec := TableSpec{Table: t, Schema: t.schema}
	_, pk, err := t.primaryKey()
	if err != nil {
		return TableSpec{}, err
	}
	for _, d := range pk {
		spec.PrimaryKey = append(spec.PrimaryKey, columnOf[any](d))
	}
	inPK := func(d *columnDef) bool {
		for _, p := range pk {
			if p == d {
				return true
			}
		}
		return false
	}
	for _, d := range t.allColumns() {
		if d.err != nil {
			return TableSpec{}, d.err
		}
		k := inPK(d)
		spec.Columns = append(spec.Columns, ColumnSpec{
			Column:        columnOf[any](d),
			Name:          d.name,
			GoType:        d.goType,
			PrimaryKey:    k,
			Nullable:      !d.notNull && !k,
			Autoincrement: d.ident || d.autoIncrements(),
			Default:       d.def != nil,
			ServerDefault: d.server != nil,
			Converts:      d.bind != nil,
		})
	}
	for _, f := range t.foreignKeys() {
		if f.err != nil {
			return TableSpec{}, f.err
		}
		fs := ForeignKeySpec{Name: f.declared, Referred: f.ref, OnDelete: f.onDelete, OnUpdate: f.onUpdate}
		for _, c := range f.cols {
			fs.Columns = append(fs.Columns, columnOf[any](c))
		}
		for _, c := range f.refCols {
			fs.ReferredColumns = append(fs.ReferredColumns, columnOf[any](c))
		}
		spec.ForeignKeys = append(spec.ForeignKeys, fs)
	}
	return spec, nil
}
