package expr_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/expr"
)

// textMarkerPrefix starts every value bound by the fuzz target; no query may hold it.
const textMarkerPrefix = "\x00alchemy-marker-"

func textMarker(i int) string { return textMarkerPrefix + strconv.Itoa(i) + "\x00" }

// FuzzTextRender checks, for any SQL text and paramstyle, that Text and Render never
// panic, that every error wraps ErrBindParameter, and that a successful Render with a
// value for every name leaves no bind of those names outside literals, has exactly one
// driver argument per placeholder, and never writes a value into the SQL.
func FuzzTextRender(f *testing.F) {
	for _, s := range []string{
		"select name from users where id = :id",
		"select :a, :b, :a::int, '10:30', a : b, \\:c",
		"select ':x', \"y:z\", `w:v`, $$ :q $$, $t$ :r $t$ -- :s\n/* :u /* :v */ */ :end",
		"select E'\\' :x', :y",
	} {
		for style := range uint8(3) {
			f.Add(s, style)
		}
	}
	f.Fuzz(func(t *testing.T, sql string, style uint8) {
		d := textDialect{style: dialect.Paramstyle(style % 3)}
		tx := expr.Text(sql)
		names := tx.BindNames()
		seen := map[string]bool{}
		for _, n := range names {
			if !textIsName(n) || seen[n] {
				t.Fatalf("BindNames() = %q: %q is not a distinct bind name", names, n)
			}
			seen[n] = true
		}
		params := expr.Params{}
		positional := make([]any, len(names))
		for i, n := range names {
			params[n] = textMarker(i)
			positional[i] = textMarker(i)
		}
		query, args, err := tx.Render(d, []any{params})
		if err != nil {
			if !errors.Is(err, expr.ErrBindParameter) || !strings.HasPrefix(err.Error(), "alchemy: ") {
				t.Fatalf("Render error %q: want an alchemy: error wrapping ErrBindParameter", err)
			}
			if _, _, err2 := tx.Render(d, positional); err2 == nil || err2.Error() != err.Error() {
				t.Fatalf("Render with Params failed (%v) but positionally gave %v", err, err2)
			}
			return
		}
		if !strings.Contains(sql, textMarkerPrefix) && strings.Contains(query, textMarkerPrefix) {
			t.Fatalf("a value was written into the query %q", query)
		}
		// A "?" stands for a name, so it reads as a name character where it was put.
		code, ok := textStripLiterals(query, d.style == dialect.Question)
		if !ok {
			t.Fatalf("rendered query %q has an unterminated quote or comment", query)
		}
		textCheckPlaceholders(t, d.style, query, code, names, args)
		if !strings.Contains(sql, `\:`) {
			for _, n := range textBindsIn(code, d.style == dialect.Question) {
				if seen[n] {
					t.Fatalf("query %q still has the bind :%s", query, n)
				}
			}
		}
		q2, args2, err := tx.Render(d, positional)
		if err != nil || q2 != query || fmt.Sprint(args2) != fmt.Sprint(args) {
			t.Fatalf("positional Render = %q, %q, %v; by name it was %q, %q", q2, args2, err, query, args)
		}
		if len(names) > 0 {
			delete(params, names[len(names)-1])
			_, _, err := tx.Render(d, []any{params})
			if !errors.Is(err, expr.ErrBindParameter) || !strings.Contains(err.Error(), strconv.Quote(names[len(names)-1])) {
				t.Fatalf("Render without %q: err = %v", names[len(names)-1], err)
			}
		}
	})
}

// textCheckPlaceholders checks that the placeholders in code (the query with its
// literals blanked) match args, which must be the markers of names.
func textCheckPlaceholders(t *testing.T, style dialect.Paramstyle, query, code string, names []string, args []any) {
	t.Helper()
	if len(names) == 0 {
		if args != nil {
			t.Fatalf("no binds in %q but driverArgs = %q", query, args)
		}
		return
	}
	if style == dialect.Question {
		if n := strings.Count(code, "?"); n != len(args) {
			t.Fatalf("query %q has %d placeholders for %d driverArgs", query, n, len(args))
		}
		next := 0 // markers must first appear in the order of names
		for _, a := range args {
			i := textMarkerIndex(t, a, len(names))
			if i > next {
				t.Fatalf("driverArgs %q: marker %d before %d", args, i, next)
			}
			if i == next {
				next++
			}
		}
		if next != len(names) {
			t.Fatalf("driverArgs %q do not cover the %d names", args, len(names))
		}
		return
	}
	if len(args) != len(names) {
		t.Fatalf("%v: %d driverArgs for %d names", style, len(args), len(names))
	}
	for i, a := range args {
		if textMarkerIndex(t, a, len(names)) != i {
			t.Fatalf("driverArgs[%d] = %q, want the value of %q", i, a, names[i])
		}
	}
	prefix := "$"
	if style == dialect.AtP {
		prefix = "@p"
	}
	used := make([]bool, len(args))
	for at := 0; ; {
		i := strings.Index(code[at:], prefix)
		if i < 0 {
			break
		}
		i += at
		j := i + len(prefix)
		for j < len(code) && code[j] >= '0' && code[j] <= '9' {
			j++
		}
		if r, _ := utf8.DecodeLastRuneInString(code[:i]); j > i+len(prefix) &&
			!(r == '$' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			n, err := strconv.Atoi(code[i+len(prefix) : j])
			if err != nil || n < 1 || n > len(args) {
				t.Fatalf("query %q has placeholder %s for %d driverArgs", query, code[i:j], len(args))
			}
			used[n-1] = true
		}
		at = j
	}
	for i, u := range used {
		if !u {
			t.Fatalf("query %q never refers to driverArgs[%d]", query, i)
		}
	}
}

// textMarkerIndex returns i for the value textMarker(i).
func textMarkerIndex(t *testing.T, a any, n int) int {
	t.Helper()
	s, _ := a.(string)
	i, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(s, textMarkerPrefix), "\x00"))
	if err != nil || i < 0 || i >= n || s != textMarker(i) {
		t.Fatalf("driver argument %q is not a marker", a)
	}
	return i
}

// textIsName reports whether n is a valid bind name.
func textIsName(n string) bool {
	for i, r := range n {
		if !(r == '_' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
			return false
		}
	}
	return n != "" && utf8.ValidString(n)
}

// textBindsIn returns the names of what would be binds in code: a colon not after a
// name character, colon, backslash, '$' or '@' (or '?' with qWord), followed by a name.
func textBindsIn(code string, qWord bool) []string {
	var out []string
	prev := rune(0)
	for i, r := range code {
		if r == ':' && !(prev == ':' || prev == '\\' || prev == '$' || prev == '@' || prev == '_' || qWord && prev == '?' ||
			unicode.IsLetter(prev) || unicode.IsDigit(prev)) {
			end := i + 1
			for j, c := range code[i+1:] {
				if !(c == '_' || unicode.IsLetter(c) || j > 0 && unicode.IsDigit(c)) {
					break
				}
				end = i + 1 + j + utf8.RuneLen(c)
			}
			if end > i+1 {
				out = append(out, code[i+1:end])
			}
		}
		prev = r
	}
	return out
}

// textStripLiterals is the fuzz oracle's own reading of SQL: it returns s with the
// inside of every quote, comment and dollar quote replaced by spaces (the delimiters
// stay, as the characters that come before what follows), and whether they are all
// closed. It is written apart from text.go's scanner on purpose.
// With qWord, '?' counts as a name character.
func textStripLiterals(s string, qWord bool) (string, bool) {
	b := []byte(s)
	blank := func(from, to int) {
		for k := from; k < to && k < len(b); k++ {
			b[k] = ' '
		}
	}
	isWord := func(i int) bool { // s[:i] ends in a name character or '$'
		if i == 0 {
			return false
		}
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		return r == '$' || r == '_' || qWord && r == '?' || unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'' || c == '"' || c == '`':
			eString := c == '\'' && i > 0 && strings.ContainsRune("Ee", rune(s[i-1])) && !isWord(i-1)
			j := i + 1
			for ; j < len(s); j++ {
				if eString && s[j] == '\\' {
					j++
				} else if s[j] == c {
					if j+1 < len(s) && s[j+1] == c {
						j++
					} else {
						break
					}
				}
			}
			if j >= len(s) {
				return "", false
			}
			blank(i+1, j)
			i = j
		case strings.HasPrefix(s[i:], "--"):
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				j = len(s) - i
			}
			blank(i+2, i+j)
			i += j
		case strings.HasPrefix(s[i:], "/*"):
			depth, j := 1, i+2
			for ; j < len(s) && depth > 0; j++ {
				if strings.HasPrefix(s[j:], "/*") {
					depth++
					j++
				} else if strings.HasPrefix(s[j:], "*/") {
					depth--
					j++
				}
			}
			if depth > 0 {
				return "", false
			}
			blank(i+2, j-2)
			i = j - 1
		case c == '$' && !isWord(i):
			end := strings.IndexByte(s[i+1:], '$')
			if end < 0 {
				continue
			}
			tag := s[i+1 : i+1+end]
			if tag != "" && !textIsName(tag) {
				continue
			}
			delim := "$" + tag + "$"
			k := strings.Index(s[i+len(delim):], delim)
			if k < 0 {
				return "", false
			}
			blank(i+len(delim), i+len(delim)+k)
			i += len(delim) + k + len(delim) - 1
		}
	}
	return string(b), true
}
