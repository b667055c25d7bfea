package expr

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-alchemy/alchemy/dialect"
)

// rowsMode is what a statement states about returning rows.
type rowsMode uint8

const (
	rowsUnstated rowsMode = iota // guessed from the SQL
	rowsReturned                 // Columns
	rowsNone                     // NoRows
)

// Columns returns a copy of the statement that is known to return rows, as
// SQLAlchemy's text().columns() does: it runs as a query and its Result has rows to
// read, whatever its SQL looks like. The names, if given, are recorded as the columns
// the statement selects, in order (see ColumnNames); they are not checked against the
// SQL or the rows. t itself is unchanged.
func (t *TextClause) Columns(names ...string) *TextClause {
	return t.stating(rowsReturned, slices.Clone(names))
}

// NoRows returns a copy of the statement that is known to return no rows: it runs as
// an exec, its Result has RowsAffected, and a connectionless Result gives its
// connection back at once. Use it for a statement that Execute would otherwise take for
// one returning rows. t itself is unchanged.
func (t *TextClause) NoRows() *TextClause {
	return t.stating(rowsNone, nil)
}

// stating returns a copy of t with what it states about rows. The copy shares the
// parse, if there is one yet, which is never written after it is stored, and with it
// Render's cache, whose entries are each stored once, atomically, and are the same SQL
// for every copy.
func (t *TextClause) stating(rows rowsMode, columns []string) *TextClause {
	c := &TextClause{sql: t.sql, rows: rows, columns: columns}
	for _, n := range columns {
		c.colKey += strconv.Itoa(len(n)) + ":" + n
	}
	c.key = textKey{c.sql, c.rows, c.colKey}
	c.parsed.Store(t.parsed.Load())
	return c
}

// ColumnNames returns the names given to Columns, or nil.
func (t *TextClause) ColumnNames() []string { return slices.Clone(t.columns) }

// ReturnsRows reports whether the statement returns rows: true after Columns, false
// after NoRows, and otherwise a guess from the SQL. The guess reads the SQL as the
// database does, skipping quoted names, strings and comments, and looks at the first
// word (SELECT, VALUES, SHOW, PRAGMA, EXPLAIN, CALL, EXEC... return rows; a WITH is
// followed to the statement its common table expressions belong to) and, in an
// INSERT, UPDATE, DELETE, MERGE or REPLACE, for a RETURNING clause or SQL Server's
// OUTPUT clause (OUTPUT INSERTED.x, DELETED.x or $action, unless it goes INTO a table)
// outside parentheses. A column, table or alias named returning or output does not
// count.
//
// Without a dialect ReturnsRows accepts either clause. Execute guesses for the dialect
// it runs on: RETURNING on PostgreSQL, SQLite, MySQL and MariaDB, OUTPUT on SQL Server
// (both on a dialect alchemy does not know), and quoting as that database reads it
// (MySQL's # comments and backslash escapes, [bracketed] names on SQL Server and SQLite).
func (t *TextClause) ReturnsRows() bool {
	switch t.rows {
	case rowsReturned:
		return true
	case rowsNone:
		return false
	}
	return guessReturnsRows(syntaxOf(nil), t.sql)
}

// sqlSyntax is what the guess needs to know of a dialect's SQL.
type sqlSyntax struct {
	returning   bool // INSERT/UPDATE/DELETE ... RETURNING
	output      bool // SQL Server's OUTPUT INSERTED.x
	brackets    bool // [quoted names]
	hashComment bool // # starts a line comment (MySQL)
	hashInName  bool // # is part of a name (SQL Server's #temp tables)
	backslash   bool // a backslash escapes in '...' and "..." (MySQL)
}

// syntaxOf returns the syntax of d, by its name; nil or a dialect alchemy does not
// know gets both clauses, since guessing no rows would lose them.
func syntaxOf(d dialect.Dialect) sqlSyntax {
	name := ""
	if d != nil {
		name = d.Name()
	}
	switch name {
	case "postgresql":
		return sqlSyntax{returning: true}
	case "sqlite":
		return sqlSyntax{returning: true, brackets: true}
	case "mysql", "mariadb": // MariaDB 10.5+ has INSERT/DELETE ... RETURNING
		return sqlSyntax{returning: true, hashComment: true, backslash: true}
	case "mssql":
		return sqlSyntax{output: true, brackets: true, hashInName: true}
	}
	return sqlSyntax{returning: true, output: true}
}

// rowWords are the first words of statements that return rows.
var rowWords = []string{"select", "values", "show", "pragma", "explain", "describe", "desc", "table", "call", "exec", "execute", "fetch"}

// dmlWords are the first words of statements that return rows only with a RETURNING
// or OUTPUT clause.
var dmlWords = []string{"insert", "update", "delete", "merge", "replace"}

// guessReturnsRows guesses from the SQL whether query returns rows (see
// TextClause.ReturnsRows). When a query holds several statements, the first decides.
func guessReturnsRows(syn sqlSyntax, query string) bool {
	sc := sqlScanner{s: query, syn: syn}
	tok := sc.statementStart()
	if tok.keyword("with") {
		tok = sc.afterWith()
		for tok.is('(') { // WITH x AS (...) (SELECT ...)
			tok = sc.next()
		}
	}
	if tok.kind != tokWord {
		return false
	}
	switch {
	case tok.keywordIn(rowWords):
		return true
	case tok.keywordIn(dmlWords):
		return sc.hasRowsClause(tok)
	}
	return false
}

// tokKind is the kind of a token of SQL.
type tokKind uint8

const (
	tokEnd    tokKind = iota // no more tokens
	tokWord                  // an unquoted name, keyword, number or placeholder
	tokQuoted                // a quoted name or a string
	tokPunct                 // one byte of anything else
)

// token is one token of SQL, with the parenthesis depth it is at (for a parenthesis,
// the depth outside it).
type token struct {
	kind  tokKind
	text  string
	depth int
}

// is reports whether the token is the punctuation c.
func (t token) is(c byte) bool { return t.kind == tokPunct && t.text[0] == c }

// keyword reports whether the token is the word w (lower case), in any case.
func (t token) keyword(w string) bool { return t.kind == tokWord && equalFoldASCII(t.text, w) }

// keywordIn reports whether the token is one of words.
func (t token) keywordIn(words []string) bool {
	if t.kind != tokWord {
		return false
	}
	for _, w := range words {
		if equalFoldASCII(t.text, w) {
			return true
		}
	}
	return false
}

// sqlScanner splits SQL into tokens, skipping spaces and comments. It uses Text's
// scanners for quotes and comments, so a statement that Text accepts is read the
// same way here; a quote or comment left open runs to the end.
type sqlScanner struct {
	s     string
	i     int
	depth int
	syn   sqlSyntax
}

// next returns the next token.
func (sc *sqlScanner) next() token {
	s := sc.s
	for sc.i < len(s) {
		i, c := sc.i, s[sc.i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			sc.i++
			continue
		case c == '-' && strings.HasPrefix(s[i:], "--"), c == '#' && sc.syn.hashComment:
			sc.i = lineCommentEnd(s, i)
			continue
		case c == '/' && strings.HasPrefix(s[i:], "/*"):
			sc.i, _ = skipBlockComment(s, i)
			continue
		case c == '\'' || c == '"' || c == '`':
			backslash := c != '`' && sc.syn.backslash || c == '\'' && isEString(s, i)
			end, _ := skipQuoted(s, i, backslash)
			return sc.token(tokQuoted, end)
		case c == '[' && sc.syn.brackets:
			return sc.token(tokQuoted, bracketEnd(s, i))
		case c == '$':
			if end, isQuote, _ := skipDollarQuoted(s, i); isQuote {
				return sc.token(tokQuoted, end)
			}
		}
		if end := sc.nameEnd(i); end > i {
			return sc.token(tokWord, end)
		}
		tok := token{kind: tokPunct, text: s[i : i+1], depth: sc.depth}
		sc.i++
		switch c {
		case '(':
			sc.depth++
		case ')':
			if sc.depth > 0 {
				sc.depth--
			}
			tok.depth = sc.depth
		}
		return tok
	}
	return token{kind: tokEnd, depth: sc.depth}
}

// token returns the token from sc.i to end and moves past it.
func (sc *sqlScanner) token(kind tokKind, end int) token {
	t := token{kind: kind, text: sc.s[sc.i:end], depth: sc.depth}
	sc.i = end
	return t
}

// nameEnd returns the end of the unquoted name, keyword, number or placeholder
// ($1, @p1, :x, @var, $action) starting at s[i], or i when none starts there.
func (sc *sqlScanner) nameEnd(i int) int {
	s := sc.s
	j := i
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if !(isIdentPart(r) || r == '$' || r == '@' || r == '#' && sc.syn.hashInName) {
			break
		}
		j += size
	}
	return j
}

// peek returns the next token without moving past it.
func (sc *sqlScanner) peek() token {
	ahead := *sc
	return ahead.next()
}

// bracketEnd returns the end of the [quoted name] opening at s[i] ("]]" stands for
// "]"), or len(s) when it is not closed.
func bracketEnd(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		if s[j] == ']' {
			if j+1 < len(s) && s[j+1] == ']' {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(s)
}

// statementStart returns the first token of the statement, past opening parentheses
// and empty statements.
func (sc *sqlScanner) statementStart() token {
	tok := sc.next()
	for tok.is('(') || tok.is(';') {
		tok = sc.next()
	}
	return tok
}

// afterWith reads the common table expressions of a WITH (the word already read) and
// returns the first token of the statement they belong to:
//
//	WITH [RECURSIVE] name [(columns)] AS [[NOT] MATERIALIZED] (query)
//	     [SEARCH ... SET column] [CYCLE ... USING column] [, ...] statement
//
// SQL Server's WITH XMLNAMESPACES (...) statement reads as a name with columns and no
// AS, so its statement is returned too.
func (sc *sqlScanner) afterWith() token {
	tok := sc.next()
	if tok.keyword("recursive") {
		tok = sc.next()
	}
	for {
		if tok.kind != tokWord && tok.kind != tokQuoted { // the name
			return tok
		}
		tok = sc.next()
		if tok.is('(') {
			tok = sc.skipGroup(tok)
		}
		if !tok.keyword("as") {
			return tok
		}
		tok = sc.next()
		if tok.keyword("not") {
			tok = sc.next()
		}
		if tok.keyword("materialized") {
			tok = sc.next()
		}
		if !tok.is('(') {
			return tok
		}
		tok = sc.skipGroup(tok)
		for tok.keyword("search") || tok.keyword("cycle") { // PostgreSQL's; each ends in one column
			last := "set"
			if tok.keyword("cycle") {
				last = "using"
			}
			for tok.kind != tokEnd && !tok.keyword(last) {
				tok = sc.next()
			}
			sc.next()
			tok = sc.next()
		}
		if !tok.is(',') {
			return tok
		}
		tok = sc.next()
	}
}

// skipGroup returns the token after the parenthesis that closes open.
func (sc *sqlScanner) skipGroup(open token) token {
	for {
		tok := sc.next()
		if tok.kind == tokEnd {
			return tok
		}
		if tok.is(')') && tok.depth == open.depth {
			return sc.next()
		}
	}
}

// hasRowsClause reports whether the statement, read up to its end, has a RETURNING or
// OUTPUT clause (as the syntax allows) outside parentheses. prev is the token read
// last.
func (sc *sqlScanner) hasRowsClause(prev token) bool {
	for {
		tok := sc.next()
		if tok.kind == tokEnd || tok.depth == 0 && tok.is(';') {
			return false
		}
		if tok.depth == 0 && tok.kind == tokWord && !prev.is('.') {
			switch {
			case sc.syn.returning && tok.keyword("returning"):
				if returningClause(prev, sc.peek()) {
					return true
				}
			case sc.syn.output && tok.keyword("output"):
				if sc.outputClause() {
					return true
				}
			}
		}
		prev = tok
	}
}

// beforeOperand are the words after which a word is a name or a value, never a clause.
var beforeOperand = []string{
	"select", "distinct", "all", "where", "having", "set", "and", "or", "not", "xor", "is",
	"in", "like", "ilike", "glob", "regexp", "rlike", "between", "escape", "by", "on",
	"using", "when", "then", "else", "case", "as", "into", "from", "join", "update", "table",
	"only", "limit", "offset", "exists", "div", "mod", "with", "over", "merge", "delete",
	"insert", "replace",
}

// afterOperand are the words that follow a name or a value, and never start the
// list of a RETURNING clause.
var afterOperand = []string{
	"from", "where", "is", "in", "like", "ilike", "glob", "regexp", "rlike", "and", "or",
	"xor", "not", "between", "collate", "isnull", "notnull", "asc", "desc", "nulls",
	"limit", "offset", "having", "group", "order", "as", "escape", "on", "using", "join",
	"inner", "left", "right", "full", "cross", "natural", "union", "except", "intersect",
	"window", "values", "into", "for", "then", "else", "end", "when", "div", "mod", "set",
	"select",
}

// returningClause reports whether a RETURNING between prev and next is the clause:
// it must follow the end of a value or a name (not an operator, a comma or a keyword
// that wants a name, as in "SET returning = 1" or "INTO returning") and be followed by
// the start of one, or *.
func returningClause(prev, next token) bool {
	switch prev.kind {
	case tokWord:
		if prev.keywordIn(beforeOperand) {
			return false
		}
	case tokPunct:
		if !prev.is(')') && !prev.is(']') && !prev.is('?') {
			return false
		}
	}
	switch next.kind {
	case tokWord:
		return !next.keywordIn(afterOperand)
	case tokQuoted:
		return true
	case tokPunct:
		return next.is('*') || next.is('(')
	}
	return false
}

// outputClause reports whether the OUTPUT just read opens SQL Server's OUTPUT clause
// (OUTPUT INSERTED.x, DELETED.x or $action) that sends rows to the client, rather than
// INTO a table.
func (sc *sqlScanner) outputClause() bool {
	ahead := *sc
	tok := ahead.next()
	switch {
	case tok.keyword("$action"):
	case tok.keyword("inserted") || tok.keyword("deleted"):
		if !ahead.next().is('.') {
			return false
		}
	default:
		return false
	}
	for { // the list ends at INTO, or at what follows the clause
		tok = ahead.next()
		switch {
		case tok.kind == tokEnd || tok.depth == 0 && tok.is(';'):
			return true
		case tok.depth > 0 || tok.kind != tokWord:
		case tok.keyword("into"):
			return false
		case tok.keywordIn(afterOutput):
			return true
		}
	}
}

// afterOutput are the words that end an OUTPUT clause's list when there is no INTO.
var afterOutput = []string{"values", "select", "default", "exec", "execute", "from", "where", "output", "option"}

// equalFoldASCII reports whether a equals b (lower case ASCII) in any case.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x := a[i]
		if x >= 'A' && x <= 'Z' {
			x += 'a' - 'A'
		}
		if x != b[i] {
			return false
		}
	}
	return true
}
