package inspect

import (
	"fmt"
	"io"
	"strings"
)

// WriteDOT writes the schema as a Graphviz digraph: a node per table, drawn as an
// HTML-like table of its columns (name, type, and PK, FK, UQ markers; a nullable
// column's type ends in ?), and an edge per foreign key from the referring column
// (leaving its row on the right) to the referred one (entering on the left), so
// that referring tables stand left of the tables they refer to, in crow's-foot
// notation: the referring end is a crow's foot
// (many) or a bar (unique), the referred end one bar (exactly one) or a circle
// (zero or one, when a referring column takes NULL). The edge is dashed unless
// the key is part of the referring table's primary key. A referred table that is
// not drawn (another schema's, or one left out) is a dashed box of its name.
func WriteDOT(w io.Writer, s *Schema) error {
	var b strings.Builder
	b.WriteString("digraph schema {\n")
	b.WriteString("    graph [rankdir=LR, fontname=\"Helvetica\", nodesep=0.4, ranksep=1.0];\n")
	b.WriteString("    node [shape=plaintext, fontname=\"Helvetica\", fontsize=10];\n")
	b.WriteString("    edge [dir=both, color=\"#4a5a6a\", fontname=\"Helvetica\", fontsize=9];\n")
	drawn := map[string]bool{}
	for _, t := range s.Tables {
		drawn[t.Name] = true
	}
	for _, t := range s.Tables {
		head := "#dbe7f3"
		if t.View {
			head = "#e8e8e8"
		}
		fmt.Fprintf(&b, "    %s [label=<\n", dotID(t.Name))
		b.WriteString("        <TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"4\">\n")
		title := "<B>" + html(t.Name) + "</B>"
		if t.View {
			title += " <I>(view)</I>"
		}
		fmt.Fprintf(&b, "        <TR><TD COLSPAN=\"3\" BGCOLOR=\"%s\">%s</TD></TR>\n", head, title)
		for i, c := range t.Columns {
			typ := c.Type
			if c.Nullable {
				typ += "?"
			}
			fmt.Fprintf(&b, "        <TR><TD PORT=\"c%d\" ALIGN=\"LEFT\">%s</TD><TD ALIGN=\"LEFT\">%s</TD><TD PORT=\"c%de\">%s</TD></TR>\n",
				i, html(c.Name), html(typ), i, html(strings.Join(keyMarkers(t, c, "UQ"), " ")))
		}
		b.WriteString("        </TABLE>\n    >];\n")
	}
	for _, t := range s.Tables {
		for _, f := range t.ForeignKeys {
			if name := referred(f); !drawn[name] {
				drawn[name] = true
				fmt.Fprintf(&b, "    %s [shape=box, style=dashed, label=%s];\n", dotID(name), dotID(name))
			}
		}
	}
	for _, t := range s.Tables {
		for _, f := range t.ForeignKeys {
			from := dotID(t.Name)
			if i := columnIndex(t, f.Columns[0]); i >= 0 {
				from += fmt.Sprintf(":c%de:e", i)
			}
			to := dotID(referred(f))
			if r := s.Table(f.ReferredTable); f.ReferredSchema == "" && r != nil {
				if i := columnIndex(r, f.ReferredColumns[0]); i >= 0 {
					to += fmt.Sprintf(":c%d:w", i)
				}
			}
			tail := "crowodot"
			if t.IsUnique(f.Columns) {
				tail = "teeodot"
			}
			headArrow := "teetee"
			if t.Nullable(f.Columns) {
				headArrow = "teeodot"
			}
			style := "dashed"
			if t.InPrimaryKey(f.Columns) {
				style = "solid"
			}
			tip := strings.Join(f.Columns, ", ") + " → " + referred(f) + " (" + strings.Join(f.ReferredColumns, ", ") + ")"
			if f.Name != "" {
				tip = f.Name + ": " + tip
			}
			fmt.Fprintf(&b, "    %s -> %s [arrowtail=%s, arrowhead=%s, style=%s, tooltip=%s];\n",
				from, to, tail, headArrow, style, dotID(tip))
		}
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// columnIndex is the position of the column name in t, or -1.
func columnIndex(t *Table, name string) int {
	for i, c := range t.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// dotID is s as a DOT quoted string.
func dotID(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", "").Replace(s) + `"`
}

// html escapes s for an HTML-like label.
func html(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\n", " ").Replace(s)
}
