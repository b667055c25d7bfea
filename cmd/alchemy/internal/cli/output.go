package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jedib0t/go-pretty/v6/table"
)

// Formats are the values of --format for rows and findings.
var Formats = []string{"table", "csv", "json"}

// CheckFormat refuses a --format that is not one of allowed (Formats when nil).
func (a *App) CheckFormat(allowed ...string) error {
	if len(allowed) == 0 {
		allowed = Formats
	}
	for _, f := range allowed {
		if a.Format == f {
			return nil
		}
	}
	return Usagef("--format %q: give one of %s", a.Format, strings.Join(allowed, ", "))
}

// PrintRows writes rows under their column names in the App's format: an
// aligned table, CSV, or a JSON array of objects (one per row, keys in column
// order).
func (a *App) PrintRows(cols []string, rows [][]any) error {
	return PrintRows(a.Out, a.Format, cols, rows)
}

// PrintRows writes rows to w in format (table, csv or json).
func PrintRows(w io.Writer, format string, cols []string, rows [][]any) error {
	switch format {
	case "json":
		return writeJSON(w, cols, rows)
	case "csv", "table":
		t := table.NewWriter()
		t.SetOutputMirror(w)
		header := make(table.Row, len(cols))
		for i, c := range cols {
			header[i] = c
		}
		t.AppendHeader(header)
		for _, r := range rows {
			row := make(table.Row, len(r))
			for i, v := range r {
				row[i] = Text(v)
			}
			t.AppendRow(row)
		}
		if format == "csv" {
			t.RenderCSV()
		} else {
			t.SetStyle(table.StyleLight)
			t.Render()
		}
		return nil
	}
	return Usagef("--format %q: give one of %s", format, strings.Join(Formats, ", "))
}

func writeJSON(w io.Writer, cols []string, rows [][]any) error {
	var b strings.Builder
	b.WriteString("[")
	for i, r := range rows {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  {")
		for j, c := range cols {
			if j > 0 {
				b.WriteString(", ")
			}
			k, _ := json.Marshal(c)
			b.Write(k)
			b.WriteString(": ")
			v, err := json.Marshal(JSONValue(r[j]))
			if err != nil {
				return err
			}
			b.Write(v)
		}
		b.WriteString("}")
	}
	if len(rows) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// Text is a database value as a table or CSV cell shows it: NULL for nil,
// text for bytes, RFC 3339 for times.
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		return string(x)
	case time.Time:
		return x.Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

// JSONValue is a database value as JSON takes it: bytes as text.
func JSONValue(v any) any {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v
}
