package expr

import (
	"strings"
	"testing"
)

// literalKinds are the quotes and comments the fuzz target wraps text in, with the
// characters removed from that text so that it cannot close them early, and which
// syntaxes read them as a literal or comment (nil: all).
var literalKinds = []struct {
	open, close, drop string
	only              func(sqlSyntax) bool
}{
	{"'", "'", `'\`, nil},
	{`"`, `"`, `"\`, nil},
	{"`", "`", "`", nil},
	{"--", "\n", "\n", nil},
	{"/*", "*/", "*/", nil},
	{"$$", "$$", "$", nil},
	{"$q$", "$q$", "$", nil},
	{"[", "]", "]", func(s sqlSyntax) bool { return s.brackets }},
	{"#", "\n", "\n", func(s sqlSyntax) bool { return s.hashComment }},
}

// FuzzReturnsRows checks, for every dialect's syntax, that the guess never panics and
// that text inside a string, a quoted name or a comment never changes it: prefix +
// literal + suffix is guessed the same whatever the literal holds.
func FuzzReturnsRows(f *testing.F) {
	for _, s := range []struct{ prefix, inner, suffix string }{
		{"update jobs set output =", "returning id", ""},
		{"update jobs set output = 1 where a =", "x", "returning id"},
		{"insert into t (a) values (1)", "output inserted.id", "returning *"},
		{"with x as (select 1)", ") select (", "insert into t select * from x"},
		{"update t set a = 1", "*/ returning id /*", "output inserted.a"},
		{"delete from t where b =", "x' returning '", "output deleted.* into @t"},
		{"insert into t (a) output inserted.id", "into", "values (1)"},
		{"update t set a = 1 returning", "", ""},
	} {
		for kind := range uint8(len(literalKinds)) {
			f.Add(s.prefix, s.inner, s.suffix, kind)
		}
	}
	syntaxes := []sqlSyntax{
		syntaxOf(namedDialect{name: "postgresql"}), syntaxOf(namedDialect{name: "sqlite"}),
		syntaxOf(namedDialect{name: "mysql"}), syntaxOf(namedDialect{name: "mssql"}), syntaxOf(nil),
	}
	f.Fuzz(func(t *testing.T, prefix, inner, suffix string, kind uint8) {
		raw := prefix + inner + suffix
		for _, syn := range syntaxes {
			guessReturnsRows(syn, raw)
		}
		tx := Text(raw)
		tx.ReturnsRows()
		if !tx.Columns().ReturnsRows() || tx.NoRows().ReturnsRows() {
			t.Fatalf("Columns/NoRows of %q do not state rows", raw)
		}

		lit := literalKinds[int(kind)%len(literalKinds)]
		for _, syn := range syntaxes {
			if lit.only != nil && !lit.only(syn) || !endsInCode(syn, prefix) {
				continue
			}
			clean := inner
			for _, c := range lit.drop {
				clean = strings.ReplaceAll(clean, string(c), "")
			}
			if lit.open == "/*" {
				clean = strings.ReplaceAll(clean, "/", "") // nor open a nested comment
			}
			with := prefix + " " + lit.open + clean + lit.close + " " + suffix
			plain := prefix + " " + lit.open + "x" + lit.close + " " + suffix
			if got, want := guessReturnsRows(syn, with), guessReturnsRows(syn, plain); got != want {
				t.Fatalf("%+v: guess(%q) = %v but guess(%q) = %v", syn, with, got, plain, want)
			}
		}
	})
}

// endsInCode reports whether what follows prefix and a space is read as SQL, not as
// the inside of a quote or comment that prefix left open.
func endsInCode(syn sqlSyntax, prefix string) bool {
	const sentinel = "sentinel_0c4f"
	sc := sqlScanner{s: prefix + " " + sentinel, syn: syn}
	last := sc.next()
	for tok := last; tok.kind != tokEnd; tok = sc.next() {
		last = tok
	}
	return last.kind == tokWord && last.text == sentinel && sc.i == len(sc.s)
}
