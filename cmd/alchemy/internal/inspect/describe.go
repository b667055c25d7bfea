package inspect

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// WriteJSON writes the schema as one indented JSON document.
func WriteJSON(w io.Writer, s *Schema) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // a check's "score >= 0" stays legible
	return enc.Encode(s)
}

// csvColumns are the columns of --format csv: one row per column, key, index or
// constraint of each table.
var csvColumns = []string{"table", "kind", "name", "type", "nullable", "default", "autoincrement", "comment", "columns", "definition"}

// WriteDescription writes the schema as aligned tables, two per table (its columns,
// then its keys, indexes and constraints), or as CSV (format "csv"), one row per
// column, key, index and constraint.
func WriteDescription(w io.Writer, format string, s *Schema) error {
	if format == "csv" {
		var rows [][]any
		for _, t := range s.Tables {
			kind := "column"
			if t.View {
				kind = "view column"
			}
			if t.Comment != "" {
				rows = append(rows, []any{t.Name, "table", t.Name, "", "", "", "", t.Comment, "", ""})
			}
			for _, c := range t.Columns {
				rows = append(rows, []any{t.Name, kind, c.Name, c.Type, c.Nullable, deref(c.Default), c.Autoincrement, c.Comment, "", ""})
			}
			for _, k := range constraints(t) {
				rows = append(rows, []any{t.Name, k.kind, k.name, "", "", "", "", "", k.columns, k.definition})
			}
		}
		return cli.PrintRows(w, "csv", csvColumns, rows)
	}
	if len(s.Tables) == 0 {
		_, err := fmt.Fprintln(w, "no tables")
		return err
	}
	for i, t := range s.Tables {
		if i > 0 {
			fmt.Fprintln(w)
		}
		tw := table.NewWriter()
		tw.SetOutputMirror(w)
		tw.SetStyle(table.StyleLight)
		title := t.Name
		if t.View {
			title += " (view)"
		}
		if t.Comment != "" {
			title += " — " + t.Comment
		}
		tw.SetTitle(title)
		tw.AppendHeader(table.Row{"column", "type", "null", "default", "auto", "key", "comment"})
		for _, c := range t.Columns {
			tw.AppendRow(table.Row{c.Name, c.Type, yes(c.Nullable), deref(c.Default), yes(c.Autoincrement), keys(t, c), c.Comment})
		}
		tw.Render()
		ks := constraints(t)
		if len(ks) == 0 {
			continue
		}
		kw := table.NewWriter()
		kw.SetOutputMirror(w)
		kw.SetStyle(table.StyleLight)
		kw.AppendHeader(table.Row{"kind", "name", "columns", "definition"})
		for _, k := range ks {
			kw.AppendRow(table.Row{k.kind, k.name, k.columns, k.definition})
		}
		kw.Render()
	}
	return nil
}

// constraint is a key, index or constraint as a row of the description.
type constraint struct{ kind, name, columns, definition string }

// constraints lists t's primary key, foreign keys, unique constraints, indexes and
// check constraints.
func constraints(t *Table) []constraint {
	var ks []constraint
	if t.PrimaryKey != nil {
		ks = append(ks, constraint{"primary key", t.PrimaryKey.Name, strings.Join(t.PrimaryKey.Columns, ", "), ""})
	}
	for _, f := range t.ForeignKeys {
		ks = append(ks, constraint{"foreign key", f.Name, strings.Join(f.Columns, ", "), references(f)})
	}
	for _, u := range t.Unique {
		ks = append(ks, constraint{"unique", u.Name, strings.Join(u.Columns, ", "), ""})
	}
	for _, ix := range t.Indexes {
		kind := "index"
		if ix.Unique {
			kind = "unique index"
		}
		cols := make([]string, len(ix.Columns))
		for i, c := range ix.Columns {
			cols[i] = c
			if c == "" {
				cols[i] = "(expression)"
			}
		}
		ks = append(ks, constraint{kind, ix.Name, strings.Join(cols, ", "), ""})
	}
	for _, c := range t.Checks {
		ks = append(ks, constraint{"check", c.Name, "", c.SQL})
	}
	return ks
}

// references is "REFERENCES users (id) ON DELETE CASCADE".
func references(f ForeignKey) string {
	target := f.ReferredTable
	if f.ReferredSchema != "" {
		target = f.ReferredSchema + "." + target
	}
	s := "REFERENCES " + target + " (" + strings.Join(f.ReferredColumns, ", ") + ")"
	if f.OnDelete != "" {
		s += " ON DELETE " + f.OnDelete
	}
	if f.OnUpdate != "" {
		s += " ON UPDATE " + f.OnUpdate
	}
	return s
}

// keys is the key column of the description: PK, FK → users.id, UQ.
func keys(t *Table, c *Column) string {
	var k []string
	if c.PrimaryKey {
		k = append(k, "PK")
	}
	for _, f := range t.ForeignKeys {
		for i, fc := range f.Columns {
			if fc == c.Name {
				target := f.ReferredTable
				if f.ReferredSchema != "" {
					target = f.ReferredSchema + "." + target
				}
				k = append(k, "FK → "+target+"."+f.ReferredColumns[i])
			}
		}
	}
	if t.IsUnique([]string{c.Name}) && !(c.PrimaryKey && len(t.PrimaryKey.Columns) == 1) {
		k = append(k, "UQ")
	}
	return strings.Join(k, ", ")
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
