package inspect

import (
	"fmt"
	"io"
	"regexp"
	"strings"
)

// WriteMermaid writes the schema as a Mermaid entity-relationship diagram: an
// entity per table with its columns, their types and PK, FK and UK markers (UK: a
// column unique alone), and a relationship per foreign key, from the referred
// table to the referring one:
//
//	users ||--o{ posts : "user_id"
//
// The referred end is exactly one (||), or zero or one (|o) when a referring
// column takes NULL; the referring end is zero or more (o{), or zero or one (o|)
// when the referring columns are unique. The line is solid (--) when the key is
// part of the referring table's primary key (an identifying relationship, as in
// a table of pairs), dotted (..) otherwise.
func WriteMermaid(w io.Writer, s *Schema) error {
	var b strings.Builder
	b.WriteString("erDiagram\n")
	for _, t := range s.Tables {
		fmt.Fprintf(&b, "    %s {\n", mermaidEntity(t.Name))
		for _, c := range t.Columns {
			fmt.Fprintf(&b, "        %s %s", mermaidType(c.Type), mermaidAttr(c.Name))
			if k := strings.Join(keyMarkers(t, c, "UK"), ", "); k != "" {
				b.WriteString(" " + k)
			}
			if c.Comment != "" {
				b.WriteString(" " + mermaidString(c.Comment))
			}
			b.WriteString("\n")
		}
		b.WriteString("    }\n")
	}
	for _, t := range s.Tables {
		for _, f := range t.ForeignKeys {
			parent := "||"
			if t.Nullable(f.Columns) {
				parent = "|o"
			}
			child := "o{"
			if t.IsUnique(f.Columns) {
				child = "o|"
			}
			line := ".."
			if t.InPrimaryKey(f.Columns) {
				line = "--"
			}
			fmt.Fprintf(&b, "    %s %s%s%s %s : %s\n", mermaidEntity(referred(f)), parent, line, child,
				mermaidEntity(t.Name), mermaidString(strings.Join(f.Columns, ", ")))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// referred is the name of the table f refers to, with its schema when it is
// another.
func referred(f ForeignKey) string {
	if f.ReferredSchema != "" {
		return f.ReferredSchema + "." + f.ReferredTable
	}
	return f.ReferredTable
}

var (
	mermaidPlain = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	// the words Mermaid's lexer takes for its own outside an entity's block
	mermaidWords = map[string]bool{"erdiagram": true, "style": true, "classdef": true, "class": true, "subgraph": true,
		"end": true, "one": true, "many": true, "only": true, "zero": true, "to": true, "optionally": true, "u": true,
		"direction": true, "title": true, "acctitle": true, "accdescr": true}
	mermaidAttrBad = regexp.MustCompile(`[^A-Za-z0-9_\-\[\]()\x{00C0}-\x{FFFF}]`)
	mermaidTypeBad = regexp.MustCompile(`[^A-Za-z0-9_\-\[\]().,\x{00C0}-\x{FFFF}*]`)
)

// mermaidEntity is a table's name as a Mermaid entity: as it is when it is a plain
// word, else quoted (without the characters a quoted name may not hold).
func mermaidEntity(name string) string {
	if mermaidPlain.MatchString(name) && !mermaidWords[strings.ToLower(name)] {
		return name
	}
	return `"` + strings.NewReplacer(`"`, "_", `%`, "_", `\`, "_", "\n", " ", "\r", " ").Replace(name) + `"`
}

// mermaidAttr is a column's name as a Mermaid attribute name, which must be a
// word: other characters become _, and a column called PK, FK or UK (Mermaid's
// key markers) gets a _ after it.
func mermaidAttr(name string) string {
	s := mermaidAttrBad.ReplaceAllString(name, "_")
	if s == "" || !isLetterStart(s) {
		s = "_" + s
	}
	switch strings.ToUpper(s) {
	case "PK", "FK", "UK":
		s += "_"
	}
	return s
}

// mermaidType is a type as a Mermaid attribute type, one word: NUMERIC(10, 2) is
// NUMERIC(10,2), TIMESTAMP WITH TIME ZONE is TIMESTAMP_WITH_TIME_ZONE.
func mermaidType(typ string) string {
	if typ == "" {
		return "untyped"
	}
	typ = strings.ReplaceAll(typ, ", ", ",")
	typ = strings.ReplaceAll(typ, " ", "_")
	typ = mermaidTypeBad.ReplaceAllString(typ, "_")
	if !isLetterStart(typ) {
		typ = "_" + typ
	}
	return typ
}

func isLetterStart(s string) bool {
	c := s[0]
	return c == '_' || c == '*' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= 0x80
}

// mermaidString is s as a Mermaid quoted string, which cannot hold a double quote.
func mermaidString(s string) string {
	return `"` + strings.NewReplacer(`"`, "'", "\n", " ", "\r", " ").Replace(s) + `"`
}
