package alchemy

import (
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/go-alchemy/alchemy/dialect"
)

// Params binds values by name: alchemy.Params{"id": 5}.
type Params map[string]any

// ErrBindParameter is wrapped by every error about bind parameters: a bind without a
// value, a value for no bind, a wrong number of positional values, and SQL text that
// cannot be searched for binds (an unterminated quote or comment, or a placeholder
// written in the driver's own syntax).
var ErrBindParameter = errors.New("alchemy: bind parameter")

// TextClause is textual SQL with :name binds, SQLAlchemy's text() construct. It is
// parsed once by Text and renders for any paramstyle; the rendered SQL is cached per
// paramstyle. A TextClause is immutable and safe for concurrent use; the zero value is
// the empty statement.
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
// a bind, so Render refuses it.
//
// Whether the statement returns rows decides how it runs: as a query whose Result has
// rows, or as an exec whose Result has RowsAffected. Columns and NoRows state it; a
// TextClause that states neither is guessed from its SQL, for the dialect it runs on
// (see ReturnsRows).
type TextClause struct {
	sql    string
	chunks []string       // text around the binds, escapes resolved: len(refs)+1 entries, or none
	refs   []int          // per bind occurrence, its index in names
	names  []string       // distinct bind names in order of first appearance
	index  map[string]int // name → index in names
	repeat bool           // some name occurs more than once
	err    error          // why the text could not be parsed, returned by Render
	raw    [numStyles]int // 1 + byte offset of the first raw placeholder per paramstyle; 0 for none

	// rendered caches the SQL per paramstyle. It is shared by the copies that Columns
	// and NoRows make, which render the same SQL; nil when there are no binds.
	rendered *renderCache

	rows    rowsMode // what Columns or NoRows stated
	columns []string // the names given to Columns
}

// renderCache holds the SQL rendered for each paramstyle, filled on first use.
type renderCache [numStyles]atomic.Pointer[string]

// numStyles is how many paramstyles have a cached rendering.
const numStyles = int(dialect.AtP) + 1

// Text parses sql for :name binds. A problem with the text (an unterminated quote or
// comment) is kept and returned by Render.
func Text(sql string) *TextClause {
	t := &TextClause{sql: sql}
	t.parse()
	if len(t.refs) > 0 {
		t.rendered = new(renderCache)
	}
	return t
}

// SQL returns the text as given to Text.
func (t *TextClause) SQL() string { return t.sql }

// String returns the text as given to Text.
func (t *TextClause) String() string { return t.sql }

// BindNames returns the distinct bind names in order of first appearance.
func (t *TextClause) BindNames() []string { return slices.Clone(t.names) }

// Render returns the SQL with its binds written in d's paramstyle, and the values for
// the driver in placeholder order. args is one of:
//
//   - nothing, for a statement without binds;
//   - one Params or map[string]any, by name (other map types are single positional values);
//   - one struct or pointer to struct, bound by field: a `db:"name"` tag names the field,
//     an untagged exported field binds as its name in lower snake_case (UserID → user_id),
//     `db:"-"` and unexported fields are skipped, embedded structs are flattened (Go's
//     rules pick between equal names: the shallowest, then the only tagged one). Fields
//     that no bind uses are ignored. A struct the driver takes as one value (time.Time,
//     a driver.Valuer or sql.Scanner such as sql.NullString) is a positional value
//     instead; to bind another struct as one value, name it with Params or sql.Named;
//   - sql.NamedArg values (sql.Named("id", 5)), by name;
//   - positional values, one per distinct bind name in order of first appearance.
//
// With the Question paramstyle a name that occurs twice has its value twice in
// driverArgs; with Dollar and AtP each name is bound once and every occurrence refers
// to its number. A bind without a value, a value for no bind (except struct fields) and
// a wrong number of positional values are errors wrapping ErrBindParameter. Values are
// never written into the SQL. A statement without binds returns nil driverArgs;
// positional driverArgs may share args' backing array.
func (t *TextClause) Render(d dialect.Dialect, args []any) (query string, driverArgs []any, err error) {
	if d == nil {
		return "", nil, fmt.Errorf("%w: Render needs a dialect, got nil", ErrBindParameter)
	}
	if t.err != nil {
		return "", nil, t.err
	}
	style := d.Paramstyle()
	if err := t.rawPlaceholder(style); err != nil {
		return "", nil, err
	}
	driverArgs, err = t.bind(style, args)
	if err != nil {
		return "", nil, err
	}
	return t.query(style), driverArgs, nil
}

// query returns the SQL for style, from the cache when it is there.
func (t *TextClause) query(style dialect.Paramstyle) string {
	if len(t.refs) == 0 {
		if len(t.chunks) == 0 {
			return t.sql
		}
		return t.chunks[0]
	}
	if style < 0 || int(style) >= numStyles || t.rendered == nil {
		return t.build(style)
	}
	if q := t.rendered[style].Load(); q != nil {
		return *q
	}
	q := t.build(style)
	t.rendered[style].Store(&q)
	return q
}

// build writes the SQL for style.
func (t *TextClause) build(style dialect.Paramstyle) string {
	n := len(t.sql) + 4*len(t.refs)
	buf := make([]byte, 0, n)
	numbered := style.Numbered()
	for i, ref := range t.refs {
		buf = append(buf, t.chunks[i]...)
		if numbered {
			buf = style.AppendPlaceholder(buf, ref+1)
		} else {
			buf = style.AppendPlaceholder(buf, i+1)
		}
	}
	buf = append(buf, t.chunks[len(t.refs)]...)
	return string(buf)
}

// rawPlaceholder reports a placeholder written in style's own syntax in the text.
func (t *TextClause) rawPlaceholder(style dialect.Paramstyle) error {
	if !style.Numbered() {
		style = dialect.Question // so does AppendPlaceholder
	}
	at := t.raw[style] - 1
	if at < 0 {
		return nil
	}
	end := at + 1 // "?"
	switch style {
	case dialect.Dollar:
		end = digitsEnd(t.sql, at+1)
	case dialect.AtP:
		end = digitsEnd(t.sql, at+2)
	}
	return fmt.Errorf("%w: the SQL has the driver's own placeholder %q at byte %d; write binds as :name",
		ErrBindParameter, t.sql[at:end], at)
}

// digitsEnd returns the end of the run of digits starting at s[i].
func digitsEnd(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// bind picks the form of args and returns the driver arguments.
func (t *TextClause) bind(style dialect.Paramstyle, args []any) ([]any, error) {
	if len(args) == 0 && len(t.names) > 0 {
		return nil, t.missingError(0, func(string) (any, bool) { return nil, false })
	}
	if len(args) == 1 {
		switch a := args[0].(type) {
		case Params:
			return t.fromMap(style, a)
		case map[string]any:
			return t.fromMap(style, a)
		case sql.NamedArg:
			return t.fromNamed(style, args)
		}
		if v, ok := structArg(args[0]); ok {
			return t.fromStruct(style, v)
		}
	}
	named := 0
	for _, a := range args {
		switch a.(type) {
		case sql.NamedArg:
			named++
		case Params, map[string]any:
			return nil, fmt.Errorf("%w: a %T must be the only argument, got %d arguments",
				ErrBindParameter, a, len(args))
		}
	}
	if named > 0 {
		if named < len(args) {
			return nil, fmt.Errorf("%w: %d sql.NamedArg values mixed with %d positional values",
				ErrBindParameter, named, len(args)-named)
		}
		return t.fromNamed(style, args)
	}
	return t.fromPositional(style, args)
}

// fromPositional binds one value per distinct name, in order of first appearance.
func (t *TextClause) fromPositional(style dialect.Paramstyle, args []any) ([]any, error) {
	if len(args) != len(t.names) {
		return nil, fmt.Errorf("%w count: got %d positional values, the SQL has %d distinct binds%s",
			ErrBindParameter, len(args), len(t.names), t.listNames())
	}
	if len(args) == 0 {
		return nil, nil
	}
	if style.Numbered() || !t.repeat {
		return args[:len(args):len(args)], nil
	}
	out := make([]any, len(t.refs))
	for i, ref := range t.refs {
		out[i] = args[ref]
	}
	return out, nil
}

// listNames returns " (a, b)" naming the binds, or "".
func (t *TextClause) listNames() string {
	if len(t.names) == 0 {
		return ""
	}
	return " (" + strings.Join(t.names, ", ") + ")"
}

// fromMap binds by name from m; a key that names no bind is an error.
func (t *TextClause) fromMap(style dialect.Paramstyle, m map[string]any) ([]any, error) {
	out, err := t.fill(style, func(name string) (any, bool) {
		v, ok := m[name]
		return v, ok
	})
	if err != nil {
		return nil, err
	}
	if len(m) > len(t.names) { // every name was found, so some key is extra
		var extra []string
		for k := range m {
			if _, ok := t.index[k]; !ok {
				extra = append(extra, k)
			}
		}
		return nil, extraError(extra)
	}
	return out, nil
}

// fromNamed binds by name from sql.NamedArg values.
func (t *TextClause) fromNamed(style dialect.Paramstyle, args []any) ([]any, error) {
	var extra []string
	for i, a := range args {
		name := a.(sql.NamedArg).Name
		if name == "" {
			return nil, fmt.Errorf("%w: sql.NamedArg number %d has no name", ErrBindParameter, i+1)
		}
		for _, b := range args[:i] {
			if b.(sql.NamedArg).Name == name {
				return nil, fmt.Errorf("%w %q is given twice", ErrBindParameter, name)
			}
		}
		if _, ok := t.index[name]; !ok {
			extra = append(extra, name)
		}
	}
	out, err := t.fill(style, func(name string) (any, bool) {
		for _, a := range args {
			if na := a.(sql.NamedArg); na.Name == name {
				return na.Value, true
			}
		}
		return nil, false
	})
	if err != nil {
		return nil, err
	}
	if len(extra) > 0 {
		return nil, extraError(extra)
	}
	return out, nil
}

// fill builds the driver arguments from get, in placeholder order.
func (t *TextClause) fill(style dialect.Paramstyle, get func(string) (any, bool)) ([]any, error) {
	if len(t.names) == 0 {
		return nil, nil
	}
	n := len(t.names)
	if !style.Numbered() {
		n = len(t.refs)
	}
	out := make([]any, n)
	if style.Numbered() || !t.repeat {
		for i, name := range t.names {
			v, ok := get(name)
			if !ok {
				return nil, t.missingError(i, get)
			}
			out[i] = v
		}
		return out, nil
	}
	for i, ref := range t.refs {
		v, ok := get(t.names[ref])
		if !ok {
			return nil, t.missingError(ref, get)
		}
		out[i] = v
	}
	return out, nil
}

// missingError names the bind names[first], which has no value, and any later ones.
func (t *TextClause) missingError(first int, get func(string) (any, bool)) error {
	var more []string
	for _, name := range t.names[first+1:] {
		if _, ok := get(name); !ok {
			more = append(more, strconv.Quote(name))
		}
	}
	if len(more) > 0 {
		return fmt.Errorf("%w %q has no value (nor have %s)", ErrBindParameter, t.names[first], strings.Join(more, ", "))
	}
	return fmt.Errorf("%w %q has no value", ErrBindParameter, t.names[first])
}

// extraError names values given for names that the SQL does not bind.
func extraError(names []string) error {
	slices.Sort(names)
	if len(names) == 1 {
		return fmt.Errorf("%w %q has a value but the SQL has no such bind", ErrBindParameter, names[0])
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return fmt.Errorf("%w %s have values but the SQL has no such binds", ErrBindParameter, strings.Join(q, ", "))
}

// fromStruct binds by the fields of the struct v; unused fields are ignored.
func (t *TextClause) fromStruct(style dialect.Paramstyle, v reflect.Value) ([]any, error) {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, fmt.Errorf("%w: cannot bind from a nil %s", ErrBindParameter, v.Type())
		}
		v = v.Elem()
	}
	fields := structFieldsOf(v.Type())
	for _, name := range t.names {
		if fields.ambiguous[name] {
			return nil, fmt.Errorf("%w %q is ambiguous: %s has several fields of that name at the same depth",
				ErrBindParameter, name, v.Type())
		}
	}
	return t.fill(style, func(name string) (any, bool) {
		index, ok := fields.byName[name]
		if !ok {
			return nil, false
		}
		f := v
		for _, i := range index {
			if f.Kind() == reflect.Pointer {
				if f.IsNil() {
					return nil, false // inside a nil embedded pointer
				}
				f = f.Elem()
			}
			f = f.Field(i)
		}
		return f.Interface(), true
	})
}

// parse finds the binds of t.sql, once.
func (t *TextClause) parse() {
	s := t.sql
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
func (t *TextClause) addBind(name string) {
	i, ok := t.index[name]
	if !ok {
		if t.index == nil {
			t.index = map[string]int{}
		}
		i = len(t.names)
		t.index[name] = i
		t.names = append(t.names, name)
	} else {
		t.repeat = true
	}
	t.refs = append(t.refs, i)
}

// noteRaw records the first raw placeholder of style at byte i.
func (t *TextClause) noteRaw(style dialect.Paramstyle, i int) {
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
