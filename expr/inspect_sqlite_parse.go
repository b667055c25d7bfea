package expr

import (
	"strings"
)

// sqliteTable is what reflection reads from a CREATE TABLE text that SQLite's
// pragmas do not give: the check constraints, and the names of constraints.
type sqliteTable struct {
	checks []CheckConstraintInfo
	named  []sqliteNamed
}

// sqliteNamed is a constraint of kind ("primary key", "unique", "foreign key") over
// cols, named by a CONSTRAINT clause ("" for none).
type sqliteNamed struct {
	kind string
	cols []string
	name string
}

// name returns the name of the constraint of kind over cols, "" when it has none.
func (t sqliteTable) name(kind string, cols []string) string {
	for _, n := range t.named {
		if n.kind != kind || len(n.cols) != len(cols) {
			continue
		}
		same := true
		for i := range cols {
			same = same && strings.EqualFold(n.cols[i], cols[i])
		}
		if same {
			return n.name
		}
	}
	return ""
}

// sqlToken is a token of a CREATE TABLE text: a word, a quoted identifier (unquoted
// in text), a string literal, a parenthesised group (inner holds what is between
// the parentheses), or a punctuation character.
type sqlToken struct {
	kind  byte // 'w' word, 'q' quoted identifier, 's' string, '(' group, 'p' punctuation
	text  string
	inner string
}

// upper is the token as a keyword.
func (k sqlToken) upper() string {
	if k.kind == 'w' {
		return strings.ToUpper(k.text)
	}
	return ""
}

// tokenizeSQL splits s into tokens; a quote or parenthesis left open ends it.
func tokenizeSQL(s string) []sqlToken {
	var out []sqlToken
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '-' && strings.HasPrefix(s[i:], "--"):
			i = lineCommentEnd(s, i)
		case c == '/' && strings.HasPrefix(s[i:], "/*"):
			i, _ = skipBlockComment(s, i)
		case c == '"' || c == '`' || c == '[':
			closeBy := c
			if c == '[' {
				closeBy = ']'
			}
			j := i + 1
			var b strings.Builder
			for ; j < len(s); j++ {
				if s[j] == closeBy {
					if closeBy != ']' && j+1 < len(s) && s[j+1] == closeBy {
						b.WriteByte(closeBy)
						j++
						continue
					}
					break
				}
				b.WriteByte(s[j])
			}
			if j >= len(s) {
				return out
			}
			out = append(out, sqlToken{kind: 'q', text: b.String()})
			i = j + 1
		case c == '\'':
			end, ok := skipQuoted(s, i, false)
			if !ok {
				return out
			}
			out = append(out, sqlToken{kind: 's', text: s[i:end]})
			i = end
		case c == '(':
			end := closingParen(s, i)
			if end < 0 {
				return out
			}
			out = append(out, sqlToken{kind: '(', text: s[i : end+1], inner: s[i+1 : end]})
			i = end + 1
		case isIdentPart(rune(c)) || c >= 0x80 || c == '$':
			j := i
			for j < len(s) && (isIdentPart(rune(s[j])) || s[j] >= 0x80 || s[j] == '$' || s[j] == '.') {
				j++
			}
			out = append(out, sqlToken{kind: 'w', text: s[i:j]})
			i = j
		default:
			out = append(out, sqlToken{kind: 'p', text: string(c)})
			i++
		}
	}
	return out
}

// splitTop splits tokens at the top-level commas.
func splitTop(toks []sqlToken) [][]sqlToken {
	var out [][]sqlToken
	start := 0
	for i, t := range toks {
		if t.kind == 'p' && t.text == "," {
			out = append(out, toks[start:i])
			start = i + 1
		}
	}
	return append(out, toks[start:])
}

// identList reads a parenthesised list of column names ("a", b DESC, c COLLATE x).
func identList(inner string) []string {
	var cols []string
	for _, item := range splitTop(tokenizeSQL(inner)) {
		if len(item) > 0 && (item[0].kind == 'w' || item[0].kind == 'q') {
			cols = append(cols, item[0].text)
		}
	}
	return cols
}

// parseSQLiteTable reads the checks and the constraint names from CREATE TABLE sql.
// What it cannot read (a CREATE TABLE ... AS SELECT) gives nothing.
func parseSQLiteTable(sql string) sqliteTable {
	var t sqliteTable
	toks := tokenizeSQL(sql)
	body := -1
	for i, k := range toks {
		if k.kind == '(' {
			body = i
			break
		}
	}
	if body < 0 {
		return t
	}
	for _, item := range splitTop(tokenizeSQL(toks[body].inner)) {
		if len(item) == 0 {
			continue
		}
		column := ""
		switch item[0].upper() {
		case "CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN":
		default:
			column = item[0].text
			item = item[1:]
		}
		t.parseConstraints(column, item)
	}
	return t
}

// parseConstraints reads the constraints of one column definition (column is its
// name) or one table constraint (column is "").
func (t *sqliteTable) parseConstraints(column string, item []sqlToken) {
	name, nameEnd := "", -2 // a CONSTRAINT name, and where it ends: it names what follows it at once
	group := func(i int) (string, bool) {
		if i < len(item) && item[i].kind == '(' {
			return item[i].inner, true
		}
		return "", false
	}
	colsAt := func(i int) []string {
		if g, ok := group(i); ok && column == "" {
			return identList(g)
		}
		return []string{column}
	}
	for i := 0; i < len(item); i++ {
		if i != nameEnd+1 {
			name = ""
		}
		switch item[i].upper() {
		case "CONSTRAINT":
			if i+1 < len(item) {
				name, nameEnd = item[i+1].text, i+1
				i++
			}
			continue
		case "CHECK":
			if g, ok := group(i + 1); ok {
				t.checks = append(t.checks, CheckConstraintInfo{Name: name, SQLText: stripCheck(g)})
				i++
			}
		case "PRIMARY":
			if i+1 < len(item) && item[i+1].upper() == "KEY" {
				t.named = append(t.named, sqliteNamed{kind: "primary key", cols: colsAt(i + 2), name: name})
				i++
			}
		case "UNIQUE":
			t.named = append(t.named, sqliteNamed{kind: "unique", cols: colsAt(i + 1), name: name})
		case "FOREIGN":
			if i+1 < len(item) && item[i+1].upper() == "KEY" {
				t.named = append(t.named, sqliteNamed{kind: "foreign key", cols: colsAt(i + 2), name: name})
				// skip to REFERENCES, so that it is not read again as a column's
				for i < len(item) && item[i].upper() != "REFERENCES" {
					i++
				}
			}
		case "REFERENCES":
			if column != "" {
				t.named = append(t.named, sqliteNamed{kind: "foreign key", cols: []string{column}, name: name})
			}
		}
	}
}
