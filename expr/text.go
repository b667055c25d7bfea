package expr

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/go-alchemy/alchemy/dialect"
)

// TextClause is textual SQL with :name binds, SQLAlchemy's text() construct. It is a
// Statement: run it, or write it into another statement as a fragment, where its
// binds are numbered with the statement's. It is parsed at most once, when it is first
// compiled (an engine's cache of compiled statements spares even that for a Text
// built afresh with the same SQL). A TextClause is immutable and safe for concurrent
// use; the zero value is the empty statement.
//
// A bind is a colon followed by a name of letters, digits and underscores that does
// not start with a digit ("where id = :id"). A colon followed by anything else is
// plain text, and so is a colon preceded by a letter, digit, underscore, colon or
// backslash, or by '$' or '@' (so that a placeholder never glues onto them: "$:x" would
// render as "$$1", PostgreSQL's dollar-quote opener). Thus PostgreSQL casts ("x::int";
// ":id::int" binds id, then casts), times ('10:30'), slices (a[1:2]) and "a : b" pass
// through. "\:" writes a literal colon that is never a bind.
//
// Unlike SQLAlchemy, which finds binds with a regular expression over the whole text,
// Text does not look for binds inside single-quoted strings (a quote inside is
// doubled; a backslash escapes in PostgreSQL's E'...' strings), double-quoted
// identifiers, backtick identifiers, -- line comments, /* */ block comments (nested,
// as PostgreSQL and SQL Server nest them) and PostgreSQL dollar-quoted strings
// ($$...$$, $tag$...$tag$): a ":x" there is text and is sent as written, and "\:" there
// is not unescaped. MySQL's backslash escapes inside ordinary quotes ('it\'s') are not
// understood: double the quote instead. A quote or comment left open is an error.
//
// A placeholder written in the driver's own syntax outside quotes and comments ("?" for
// the Question paramstyle, "$1" for Dollar, "@p1" for AtP) would take a value meant for
// a bind, so compiling refuses it.
//
// Whether the statement returns rows decides how it runs: as a query whose Result has
// rows, or as an exec whose Result has RowsAffected. Columns and NoRows state it; a
// TextClause that states neither is guessed from its SQL, for the dialect it runs on
// (see ReturnsRows).
type TextClause struct {
	sql     string
	parsed  atomic.Pointer[textParse] // set by the first compile; shared by Columns and NoRows copies
	rows    rowsMode                  // what Columns or NoRows stated
	columns []string                  // the names given to Columns
	colKey  string                    // columns joined, for CacheKey
	key     any                       // CacheKey's result, boxed once when t is made; nil in the zero value
}

// textParse is what parsing a TextClause's SQL finds.
type textParse struct {
	chunks []string       // text around the binds, escapes resolved: len(refs)+1 entries, or none
	refs   []int          // per bind occurrence, its index in names
	names  []string       // distinct bind names in order of first appearance
	index  map[string]int // name → index in names
	err    error          // why the text could not be parsed
	raw    [numStyles]int // 1 + byte offset of the first raw placeholder per paramstyle; 0 for none

	// rendered caches the text compiled alone per paramstyle, for Render.
	rendered [numStyles]atomic.Pointer[Compiled]
}

// numStyles is how many paramstyles have a cached rendering.
const numStyles = int(dialect.AtP) + 1

// Text returns the statement for sql, with :name binds. It does not parse sql yet:
// a problem with the text (an unterminated quote or comment) is an error when it is
// compiled.
func Text(sql string) *TextClause {
	t := &TextClause{sql: sql}
	t.key = textKey{sql: sql}
	return t
}

// parse returns the parse of t.sql, parsing it on first use.
func (t *TextClause) parse() *textParse {
	if p := t.parsed.Load(); p != nil {
		return p
	}
	p := &textParse{}
	p.parse(t.sql)
	if !t.parsed.CompareAndSwap(nil, p) {
		return t.parsed.Load()
	}
	return p
}

// SQL returns the text as given to Text.
func (t *TextClause) SQL() string { return t.sql }

// String returns the text as given to Text.
func (t *TextClause) String() string { return t.sql }

// BindNames returns the distinct bind names in order of first appearance.
func (t *TextClause) BindNames() []string { return slices.Clone(t.parse().names) }

// textKey is the cache key of a TextClause: its SQL and what it states about rows.
type textKey struct {
	sql     string
	rows    rowsMode
	columns string
}

// CacheKey returns the key under which an engine caches the compiled statement: its
// SQL and what it states about rows, so that a Text built afresh per request with
// the same SQL finds the compiled form of the one before.
//
// The key is made with t, so that a Text kept and run many times is not keyed afresh
// (and boxed into an interface, an allocation) on every run.
func (t *TextClause) CacheKey() any {
	if t.key != nil {
		return t.key
	}
	return textKey{t.sql, t.rows, t.colKey}
}

// appendKey keys a Text nested in a statement of the expression language: its SQL
// and what it states about rows.
func (t *TextClause) appendKey(k *keyWriter) {
	k.op('T')
	k.str(t.sql)
	k.op(byte(t.rows))
	k.str(t.colKey)
}

// WriteSQL writes the text, its binds as binds of the statement being compiled
// (Statement). A Text given to Columns or NoRows states whether it returns rows.
func (t *TextClause) WriteSQL(c *Compiler) error {
	p := t.parse()
	if p.err != nil {
		return p.err
	}
	if err := p.rawPlaceholder(t.sql, c.style); err != nil {
		return err
	}
	switch {
	case len(p.refs) > 0:
		for i, ref := range p.refs {
			c.WriteString(p.chunks[i])
			if err := c.Bind(p.names[ref]); err != nil {
				return err
			}
		}
		c.WriteString(p.chunks[len(p.refs)])
	case len(p.chunks) > 0:
		c.WriteString(p.chunks[0])
	default:
		c.WriteString(t.sql)
	}
	switch t.rows {
	case rowsReturned:
		c.SetReturnsRows(true, t.columns...)
	case rowsNone:
		c.SetReturnsRows(false)
	}
	return nil
}

// Render compiles the text alone for d and binds args (see Compiled.Bind): the SQL
// with its binds in d's paramstyle, and the values for the driver in placeholder
// order. The compiled SQL is kept on the TextClause per paramstyle. Values are never
// written into the SQL.
func (t *TextClause) Render(d dialect.Dialect, args []any) (query string, driverArgs []any, err error) {
	if d == nil {
		return "", nil, fmt.Errorf("%w: Render needs a dialect, got nil", ErrBindParameter)
	}
	c, err := t.compiled(d)
	if err != nil {
		return "", nil, err
	}
	driverArgs, err = c.Bind(args)
	if err != nil {
		return "", nil, err
	}
	return c.SQL, driverArgs, nil
}

// compiled returns the text compiled alone for d's paramstyle, cached per paramstyle.
func (t *TextClause) compiled(d dialect.Dialect) (*Compiled, error) {
	p := t.parse()
	style := d.Paramstyle()
	if style < 0 || int(style) >= numStyles {
		return compile(d, dialect.Version{}, t, false, nil, false)
	}
	if c := p.rendered[style].Load(); c != nil {
		return c, nil
	}
	c, err := compile(d, dialect.Version{}, t, false, nil, false)
	if err != nil {
		return nil, err
	}
	p.rendered[style].Store(c)
	return c, nil
}

// rawPlaceholder reports a placeholder written in style's own syntax in the text.
func (p *textParse) rawPlaceholder(sql string, style dialect.Paramstyle) error {
	if !style.Numbered() {
		style = dialect.Question // so does AppendPlaceholder
	}
	at := p.raw[style] - 1
	if at < 0 {
		return nil
	}
	end := at + 1 // "?"
	switch style {
	case dialect.Dollar:
		end = digitsEnd(sql, at+1)
	case dialect.AtP:
		end = digitsEnd(sql, at+2)
	}
	return fmt.Errorf("%w: the SQL has the driver's own placeholder %q at byte %d; write binds as :name",
		ErrBindParameter, sql[at:end], at)
}

// digitsEnd returns the end of the run of digits starting at s[i].
func digitsEnd(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// parse finds the binds of s.
func (t *textParse) parse(s string) {
	out := make([]byte, 0, len(s))
	var cuts []int // offset in out of each bind
	bindEnd := -1  // where the last bind name ended
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			end, ok := skipQuoted(s, i, c == '\'' && bindEnd != i && isEString(s, i)) // ":E'" is no E string
			out = append(out, s[i:end]...)
			if !ok {
				t.err = unterminated(quoteKind(c), i)
			}
			i = end
		case c == '-' && strings.HasPrefix(s[i:], "--"):
			end := lineCommentEnd(s, i)
			out = append(out, s[i:end]...)
			i = end
		case c == '/' && strings.HasPrefix(s[i:], "/*"):
			end, ok := skipBlockComment(s, i)
			out = append(out, s[i:end]...)
			if !ok {
				t.err = unterminated("block comment", i)
			}
			i = end
		case c == '$':
			end, isQuote, ok := skipDollarQuoted(s, i)
			if isQuote {
				out = append(out, s[i:end]...)
				if !ok {
					t.err = unterminated("dollar-quoted string", i)
				}
				i = end
				continue
			}
			if i+1 < len(s) && isDigit(s[i+1]) && !afterIdent(s, i) {
				t.noteRaw(dialect.Dollar, i)
			}
			out = append(out, c)
			i++
		case c == '\\' && i+1 < len(s) && s[i+1] == ':':
			out = append(out, ':')
			i += 2
		case c == ':':
			if n := bindNameLen(s, i); n > 0 {
				t.addBind(s[i+1 : i+1+n])
				cuts = append(cuts, len(out))
				i += 1 + n
				bindEnd = i
				continue
			}
			out = append(out, c)
			i++
		case c == '?':
			t.noteRaw(dialect.Question, i)
			out = append(out, c)
			i++
		case c == '@':
			if i+2 < len(s) && (s[i+1] == 'p' || s[i+1] == 'P') && isDigit(s[i+2]) && !afterIdent(s, i) {
				t.noteRaw(dialect.AtP, i)
			}
			out = append(out, c)
			i++
		default:
			out = append(out, c)
			i++
		}
		if t.err != nil {
			return // the rest is inside the unterminated quote or comment
		}
	}
	if len(cuts) == 0 {
		if len(out) != len(s) {
			t.chunks = []string{string(out)}
		}
		return
	}
	all := string(out)
	t.chunks = make([]string, 0, len(cuts)+1)
	prev := 0
	for _, c := range cuts {
		t.chunks = append(t.chunks, all[prev:c])
		prev = c
	}
	t.chunks = append(t.chunks, all[prev:])
}

// addBind records one occurrence of the bind name.
func (t *textParse) addBind(name string) {
	i, ok := t.index[name]
	if !ok {
		if t.index == nil {
			t.index = map[string]int{}
		}
		i = len(t.names)
		t.index[name] = i
		t.names = append(t.names, name)
	}
	t.refs = append(t.refs, i)
}

// noteRaw records the first raw placeholder of style at byte i.
func (t *textParse) noteRaw(style dialect.Paramstyle, i int) {
	if t.raw[style] == 0 {
		t.raw[style] = i + 1
	}
}

// unterminated is the parse error for a quote or comment opened at byte at.
func unterminated(what string, at int) error {
	return fmt.Errorf("%w: unterminated %s starting at byte %d of the SQL", ErrBindParameter, what, at)
}

// quoteKind names the quoted construct that q opens.
func quoteKind(q byte) string {
	switch q {
	case '\'':
		return "single-quoted string"
	case '"':
		return "double-quoted identifier"
	}
	return "backtick-quoted identifier"
}

// bindNameLen returns the length of the bind name after the colon at s[i], or 0 when
// that colon does not start a bind.
func bindNameLen(s string, i int) int {
	if i > 0 {
		prev, _ := utf8.DecodeLastRuneInString(s[:i])
		if prev == ':' || prev == '\\' || prev == '$' || prev == '@' || isIdentPart(prev) {
			return 0
		}
	}
	j := i + 1
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if j == i+1 && !isIdentStart(r) || !isIdentPart(r) {
			break
		}
		j += size
	}
	return j - (i + 1)
}

// lineCommentEnd returns the end of the line comment starting at s[i]: its newline,
// which is not part of it, or the end of s.
func lineCommentEnd(s string, i int) int {
	if end := strings.IndexByte(s[i:], '\n'); end >= 0 {
		return i + end
	}
	return len(s)
}

// skipQuoted returns the end of the quoted text opening at s[i] (a doubled quote
// character stands for itself; with backslash, a backslash escapes the next byte), and
// whether the closing quote was found.
func skipQuoted(s string, i int, backslash bool) (int, bool) {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if backslash {
				j++
			}
		case q:
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j + 1, true
		}
	}
	return len(s), false
}

// isEString reports whether the quote at s[i] opens a PostgreSQL E'...' string.
func isEString(s string, i int) bool {
	return i > 0 && (s[i-1] == 'E' || s[i-1] == 'e') && !afterIdent(s, i-1)
}

// skipBlockComment returns the end of the (possibly nested) block comment opening at
// s[i], and whether it is closed.
func skipBlockComment(s string, i int) (int, bool) {
	depth := 0
	for j := i; j+1 < len(s); {
		switch {
		case s[j] == '/' && s[j+1] == '*':
			depth++
			j += 2
		case s[j] == '*' && s[j+1] == '/':
			depth--
			j += 2
			if depth == 0 {
				return j, true
			}
		default:
			j++
		}
	}
	return len(s), false
}

// skipDollarQuoted reports whether the '$' at s[i] opens a dollar-quoted string
// ($$ or $tag$) and if so returns its end and whether it is closed.
func skipDollarQuoted(s string, i int) (end int, isQuote, closed bool) {
	if afterIdent(s, i) {
		return 0, false, false
	}
	j := i + 1
	for j < len(s) && s[j] != '$' {
		r, size := utf8.DecodeRuneInString(s[j:])
		if j == i+1 && !isIdentStart(r) || !isIdentPart(r) {
			return 0, false, false
		}
		j += size
	}
	if j >= len(s) {
		return 0, false, false
	}
	delim := s[i : j+1]
	k := strings.Index(s[j+1:], delim)
	if k < 0 {
		return len(s), true, false
	}
	return j + 1 + k + len(delim), true, true
}

// afterIdent reports whether s[i] follows a character of an identifier ($ included,
// as PostgreSQL allows it inside names).
func afterIdent(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r == '$' || isIdentPart(r)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isIdentStart reports whether r may start a bind name.
func isIdentStart(r rune) bool {
	return r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || r >= utf8.RuneSelf && unicode.IsLetter(r)
}

// isIdentPart reports whether r may continue a bind name.
func isIdentPart(r rune) bool {
	return isIdentStart(r) || '0' <= r && r <= '9' || r >= utf8.RuneSelf && unicode.IsDigit(r)
}
