package alchemyotel

import "strings"

// summary is what a statement's SQL says about it, for db.query.summary and the
// span name: its operations and their targets, in the order written, as the
// conventions' "Generating a summary of the query" asks.
type summary struct {
	text    string // "SELECT users", "INSERT orders SELECT carts"; "" when nothing was found
	ops     int    // operations found
	op      string // the first operation ("SELECT", "CREATE TABLE")
	targets int    // targets found
	target  string // the first target
}

// maxSummary is the longest summary kept: longer ones are cut at a word.
const maxSummary = 255

// tokKind is the kind of a SQL token.
type tokKind uint8

const (
	tokWord   tokKind = iota // a keyword or a name, dotted parts joined ("public.users")
	tokQuoted                // a quoted name ("song list", `t`, [t]), quotes kept
	tokString                // a string literal, quotes kept
	tokOpen                  // (
	tokClose                 // )
	tokComma                 // ,
	tokSemi                  // ;
	tokOther                 // a number, an operator, a placeholder
)

type token struct {
	kind tokKind
	text string // as written
	up   string // for tokWord: upper-cased
}

// summarize reads sql for its operations and targets. It never fails: SQL it
// does not understand yields fewer of them, or none.
func summarize(sql string) summary {
	toks := tokenize(sql)
	var s summary
	var parts []string
	add := func(p string, op bool) {
		if op {
			if s.ops == 0 {
				s.op = p
			}
			s.ops++
		} else {
			if s.targets == 0 {
				s.target = p
			}
			s.targets++
		}
		parts = append(parts, p)
	}
	// hasOp[d]: an operation whose FROM names targets (SELECT, DELETE, UPDATE) is
	// open at parenthesis depth d; a FROM elsewhere (EXTRACT(x FROM y)) is not one.
	hasOp := []bool{false}
	depth := 0
	prev := "" // the previous word, upper-cased
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.kind {
		case tokOpen:
			depth++
			hasOp = append(hasOp, false)
			prev = ""
			continue
		case tokClose:
			if depth > 0 {
				depth--
				hasOp = hasOp[:len(hasOp)-1]
			}
			prev = ""
			continue
		case tokSemi:
			hasOp[depth] = false
			prev = ""
			continue
		case tokWord:
		default:
			prev = ""
			continue
		}
		w := t.up
		switch w {
		case "SELECT":
			add(t.text, true)
			hasOp[depth] = true
		case "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT":
			// Not a clause of another statement: ON CONFLICT DO UPDATE, ON DUPLICATE
			// KEY UPDATE, FOR UPDATE, ON DELETE CASCADE, WHEN MATCHED THEN UPDATE.
			if prev == "DO" || prev == "KEY" || prev == "FOR" || prev == "ON" || prev == "THEN" || prev == "OR" {
				break
			}
			add(t.text, true)
			hasOp[depth] = w != "INSERT" && w != "MERGE" && w != "UPSERT"
			if n, j := targetAfter(toks, i+1, dmlSkip); n != "" {
				add(n, false)
				i = j
			}
		case "REPLACE":
			if i+1 < len(toks) && toks[i+1].up == "INTO" && prev != "OR" { // MySQL's REPLACE INTO, not the function
				add(t.text, true)
				if n, j := targetAfter(toks, i+1, dmlSkip); n != "" {
					add(n, false)
					i = j
				}
			}
		case "FROM", "JOIN":
			if !hasOp[depth] {
				break
			}
			i = targetList(toks, i+1, w == "FROM", add) - 1
		case "USING":
			if s.op != "" && strings.EqualFold(s.op, "MERGE") {
				i = targetList(toks, i+1, false, add) - 1
			}
		case "CREATE", "DROP", "ALTER":
			if i > 0 && prev != "" { // only as a statement
				break
			}
			i = ddl(toks, i, add)
		case "TRUNCATE", "CALL", "EXEC", "EXECUTE":
			if prev != "" {
				break
			}
			add(t.text, true)
			if w != "TRUNCATE" && i+1 < len(toks) && toks[i+1].kind == tokWord {
				add(toks[i+1].text, false) // the procedure, called with parentheses or not
				i++
			} else if n, j := targetAfter(toks, i+1, map[string]bool{"TABLE": true, "ONLY": true}); n != "" {
				add(n, false)
				i = j
			}
		default:
			if s.ops == 0 && len(parts) == 0 && prev == "" && i == firstWord(toks) && !isPrefixWord(w) {
				add(t.text, true) // BEGIN, SET, SHOW, VACUUM...: the first keyword
			}
		}
		if i < len(toks) && toks[i].kind == tokWord {
			prev = toks[i].up
		}
	}
	s.text = joinCut(parts, maxSummary)
	return s
}

// isPrefixWord reports words that start a statement without being its operation.
func isPrefixWord(w string) bool { return w == "WITH" || w == "EXPLAIN" || w == "RECURSIVE" }

// firstWord is the index of the first word token.
func firstWord(toks []token) int {
	for i, t := range toks {
		if t.kind == tokWord {
			return i
		}
	}
	return -1
}

// dmlSkip are the words between INSERT, UPDATE, DELETE or MERGE and its table.
var dmlSkip = map[string]bool{
	"INTO": true, "FROM": true, "ONLY": true, "IGNORE": true, "OR": true, "REPLACE": true,
	"ROLLBACK": true, "ABORT": true, "FAIL": true, "LOW_PRIORITY": true, "HIGH_PRIORITY": true,
	"DELAYED": true, "QUICK": true,
}

// targetAfter returns the name after toks[i:], skipping the words in skip, and the
// index of its token; "" when the next thing is no name (a parenthesis, a
// keyword).
func targetAfter(toks []token, i int, skip map[string]bool) (string, int) {
	for ; i < len(toks); i++ {
		t := toks[i]
		if t.kind == tokWord && skip[t.up] {
			continue
		}
		if (t.kind == tokWord && !reserved[t.up]) || t.kind == tokQuoted {
			if i+1 < len(toks) && toks[i+1].kind == tokOpen && t.kind == tokWord && !nameBeforeParen(toks, i) {
				return "", i - 1 // a function call
			}
			return t.text, i
		}
		return "", i - 1
	}
	return "", i - 1
}

// nameBeforeParen: INSERT INTO t (a, b) has a column list, not a call, after t.
func nameBeforeParen(toks []token, i int) bool {
	if i == 0 {
		return false
	}
	p := toks[i-1].up
	return p == "INTO" || p == "TABLE" || p == "ON" || p == "EXISTS"
}

// targetList reads the names of a FROM (list: comma-separated) or JOIN clause
// from toks[i:], each with its alias, and returns the index after them.
func targetList(toks []token, i int, list bool, add func(string, bool)) int {
	for i < len(toks) {
		// FROM ONLY t, JOIN LATERAL (...)
		for i < len(toks) && toks[i].kind == tokWord && (toks[i].up == "ONLY" || toks[i].up == "LATERAL") {
			i++
		}
		if i >= len(toks) {
			return i
		}
		t := toks[i]
		isName := (t.kind == tokWord && !reserved[t.up]) || t.kind == tokQuoted || t.kind == tokString
		if !isName {
			return i // a subquery's parenthesis, a keyword
		}
		i++
		if i < len(toks) && toks[i].kind == tokOpen {
			return i // a table function: generate_series(1, 3)
		}
		add(t.text, false)
		// its alias: AS a, or a bare name
		if i < len(toks) && toks[i].kind == tokWord && toks[i].up == "AS" {
			i++
		}
		if i < len(toks) && (toks[i].kind == tokQuoted || (toks[i].kind == tokWord && !reserved[toks[i].up])) {
			i++
		}
		if !list || i >= len(toks) || toks[i].kind != tokComma {
			return i
		}
		i++
	}
	return i
}

// ddlKinds are the objects CREATE, DROP and ALTER name.
var ddlKinds = map[string]bool{
	"TABLE": true, "INDEX": true, "VIEW": true, "SCHEMA": true, "DATABASE": true,
	"SEQUENCE": true, "TYPE": true, "FUNCTION": true, "PROCEDURE": true, "TRIGGER": true,
	"EXTENSION": true, "CONSTRAINT": true, "DOMAIN": true,
}

// ddl reads CREATE/DROP/ALTER [modifiers] KIND [IF [NOT] EXISTS] name starting at
// toks[i]: the operation is "CREATE TABLE", the target the name (for an index,
// the table after ON). It returns the index of the last token read.
func ddl(toks []token, i int, add func(string, bool)) int {
	verb := toks[i].text
	j := i + 1
	for k := 0; j < len(toks) && k < 4; j, k = j+1, k+1 {
		if toks[j].kind != tokWord {
			break
		}
		if ddlKinds[toks[j].up] {
			kind := toks[j]
			add(verb+" "+kind.text, true)
			j++
			for j < len(toks) && toks[j].kind == tokWord && (toks[j].up == "IF" || toks[j].up == "NOT" || toks[j].up == "EXISTS" || toks[j].up == "CONCURRENTLY") {
				j++
			}
			if kind.up == "INDEX" {
				for j < len(toks) && !(toks[j].kind == tokWord && toks[j].up == "ON") && toks[j].kind != tokOpen {
					j++
				}
				if j < len(toks) && toks[j].kind == tokWord {
					if n, k := targetAfter(toks, j+1, map[string]bool{"ONLY": true}); n != "" {
						add(n, false)
						return k
					}
				}
				return j
			}
			if n, k := targetAfter(toks, j, nil); n != "" {
				add(n, false)
				return k
			}
			return j - 1
		}
	}
	add(verb, true)
	return i
}

// joinCut joins parts with spaces, stopping before the part that would take the
// text past limit bytes.
func joinCut(parts []string, limit int) string {
	n := 0
	k := 0
	for ; k < len(parts); k++ {
		m := len(parts[k])
		if k > 0 {
			m++
		}
		if n+m > limit {
			break
		}
		n += m
	}
	return strings.Join(parts[:k], " ")
}

// reserved are the keywords that end a FROM list or cannot be an alias.
var reserved = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`ALL AND ANY AS ASC BETWEEN BY CASE CROSS CURRENT DEFAULT DELETE DESC
		DISTINCT DO ELSE END EXCEPT EXISTS FETCH FOR FROM FULL GROUP HAVING IN INNER
		INSERT INTERSECT INTO IS JOIN LATERAL LEFT LIMIT LOCK NATURAL NOT NULL OFFSET ON
		OR ORDER OUTER OUTPUT OVER RETURNING RIGHT SELECT SET SHARE STRAIGHT_JOIN TABLE
		THEN UNION UPDATE USING VALUES WHEN WHERE WINDOW WITH TABLESAMPLE QUALIFY`) {
		reserved[w] = true
	}
}

// tokenize splits sql into tokens, dropping comments and blanks.
func tokenize(sql string) []token {
	var toks []token
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
		case c == '-' && i+1 < len(sql) && sql[i+1] == '-':
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case c == '#' && (i+1 >= len(sql) || sql[i+1] != '>'): // MySQL's comment (not PostgreSQL's #> operator)
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(sql) && sql[i+1] == '*':
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				return toks
			}
			i += end + 4
		case c == '\'':
			j := quoted(sql, i, '\'')
			toks = append(toks, token{kind: tokString, text: sql[i:j]})
			i = j
		case c == '"' || c == '`':
			j := quoted(sql, i, c)
			toks = appendName(toks, token{kind: tokQuoted, text: sql[i:j]})
			i = j
		case c == '[' && (len(toks) == 0 || toks[len(toks)-1].kind == tokWord || toks[len(toks)-1].kind == tokComma || toks[len(toks)-1].kind == tokOther):
			j := strings.IndexByte(sql[i:], ']')
			if j < 0 {
				return toks
			}
			toks = appendName(toks, token{kind: tokQuoted, text: sql[i : i+j+1]})
			i += j + 1
		case c == '$' && i+1 < len(sql) && (sql[i+1] == '$' || isWordStart(sql[i+1])):
			// a dollar-quoted string ($$...$$, $tag$...$tag$), or a word ($x)
			j := i + 1
			for j < len(sql) && isWordByte(sql[j]) && sql[j] != '$' {
				j++
			}
			if j < len(sql) && sql[j] == '$' {
				tag := sql[i : j+1]
				end := strings.Index(sql[j+1:], tag)
				if end < 0 {
					return toks
				}
				k := j + 1 + end + len(tag)
				toks = append(toks, token{kind: tokString, text: sql[i:k]})
				i = k
			} else {
				toks = append(toks, token{kind: tokOther, text: sql[i:j]})
				i = j
			}
		case isWordStart(c):
			j := i + 1
			for j < len(sql) && isWordByte(sql[j]) {
				j++
			}
			if (c == 'E' || c == 'e' || c == 'N' || c == 'n' || c == 'X' || c == 'x' || c == 'B' || c == 'b') && j == i+1 && j < len(sql) && sql[j] == '\'' {
				k := quoted(sql, j, '\'') // E'...', N'...', X'...'
				toks = append(toks, token{kind: tokString, text: sql[i:k]})
				i = k
				continue
			}
			toks = appendName(toks, token{kind: tokWord, text: sql[i:j], up: strings.ToUpper(sql[i:j])})
			i = j
		case c == '(':
			toks = append(toks, token{kind: tokOpen, text: "("})
			i++
		case c == ')':
			toks = append(toks, token{kind: tokClose, text: ")"})
			i++
		case c == ',':
			toks = append(toks, token{kind: tokComma, text: ","})
			i++
		case c == ';':
			toks = append(toks, token{kind: tokSemi, text: ";"})
			i++
		case c == '.':
			toks = append(toks, token{kind: tokOther, text: "."})
			i++
		default:
			j := i + 1
			for j < len(sql) && (sql[j] >= '0' && sql[j] <= '9' || sql[j] == '.') {
				j++
			}
			toks = append(toks, token{kind: tokOther, text: sql[i:j]})
			i = j
		}
	}
	return toks
}

// appendName appends t, joining it to a name before it across a dot
// (schema.table, "schema"."table").
func appendName(toks []token, t token) []token {
	n := len(toks)
	if n >= 2 && toks[n-1].kind == tokOther && toks[n-1].text == "." &&
		(toks[n-2].kind == tokWord || toks[n-2].kind == tokQuoted) {
		prev := toks[n-2]
		joined := prev.text + "." + t.text
		kind := tokQuoted
		if prev.kind == tokWord && t.kind == tokWord {
			kind = tokWord
		}
		return append(toks[:n-2], token{kind: kind, text: joined, up: strings.ToUpper(joined)})
	}
	return append(toks, t)
}

// quoted returns the index after the quoted text starting at sql[i], a doubled
// quote standing for one (and, in '...', a backslash escaping the next byte).
func quoted(sql string, i int, q byte) int {
	for j := i + 1; j < len(sql); j++ {
		switch sql[j] {
		case '\\':
			if q == '\'' {
				j++
			}
		case q:
			if j+1 < len(sql) && sql[j+1] == q {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(sql)
}

func isWordStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isWordByte(c byte) bool { return isWordStart(c) || c >= '0' && c <= '9' || c == '$' }
