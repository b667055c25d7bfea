package dialect

import (
	"strings"
	"testing"
)

var (
	pgQuoter    = Quoter{Open: '"', Close: '"', Reserved: Words("select FROM user order"), LowerCaseOnly: true}
	mysqlQuoter = Quoter{Open: '`', Close: '`', Reserved: Words("select from order key")}
	mssqlQuoter = Quoter{Open: '[', Close: ']', Reserved: Words("select from order user")}
)

// quoters are the three styles, by name, for the tests that run on each.
var quoters = []struct {
	name string
	q    Quoter
}{
	{"double quotes", pgQuoter},
	{"backticks", mysqlQuoter},
	{"brackets", mssqlQuoter},
}

func TestQuoteIdentifier(t *testing.T) {
	tests := []struct {
		name  string
		q     Quoter
		in    string
		want  string
		quote bool // want is the name quoted
	}{
		{name: "plain lower case", q: pgQuoter, in: "users", want: "users"},
		{name: "underscore and digits", q: pgQuoter, in: "_user_2", want: "_user_2"},
		{name: "dollar after the first character", q: pgQuoter, in: "a$1", want: "a$1"},
		{name: "leading digit", q: pgQuoter, in: "1abc", want: `"1abc"`},
		{name: "leading dollar", q: pgQuoter, in: "$1", want: `"$1"`},
		{name: "reserved word", q: pgQuoter, in: "select", want: `"select"`},
		{name: "reserved word listed in upper case", q: pgQuoter, in: "from", want: `"from"`},
		{name: "reserved word in upper case, LowerCaseOnly", q: pgQuoter, in: "ORDER", want: `"ORDER"`},
		{name: "mixed case, LowerCaseOnly", q: pgQuoter, in: "UserName", want: `"UserName"`},
		{name: "upper case, LowerCaseOnly", q: pgQuoter, in: "USERS", want: `"USERS"`},
		{name: "mixed case without LowerCaseOnly", q: mysqlQuoter, in: "UserName", want: "UserName"},
		{name: "reserved word in mixed case without LowerCaseOnly", q: mysqlQuoter, in: "Order", want: "`Order`"},
		{name: "reserved in one dialect only", q: mysqlQuoter, in: "user", want: "user"},
		{name: "reserved in the other", q: mssqlQuoter, in: "user", want: "[user]"},
		{name: "space", q: pgQuoter, in: "first name", want: `"first name"`},
		{name: "hyphen", q: mysqlQuoter, in: "order-items", want: "`order-items`"},
		{name: "dot", q: pgQuoter, in: "a.b", want: `"a.b"`},
		{name: "non-ASCII", q: pgQuoter, in: "naïve", want: `"naïve"`},
		{name: "empty name", q: pgQuoter, in: "", want: `""`},
		{name: "empty name in brackets", q: mssqlQuoter, in: "", want: "[]"},
		{name: "closing quote doubled", q: pgQuoter, in: `say "hi"`, want: `"say ""hi"""`},
		{name: "backtick doubled", q: mysqlQuoter, in: "a`b", want: "`a``b`"},
		{name: "closing bracket doubled, opening kept", q: mssqlQuoter, in: "a]b[c", want: "[a]]b[c]"},
		{name: "other quote characters kept", q: mysqlQuoter, in: `a"b]c`, want: "`a\"b]c`"},
		{name: "only quote characters", q: pgQuoter, in: `""`, want: `""""""`},
		{name: "injection attempt", q: pgQuoter, in: `x"; DROP TABLE users; --`, want: `"x""; DROP TABLE users; --"`},
		{name: "nil Reserved", q: Quoter{Open: '"', Close: '"'}, in: "select", want: "select"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.q.QuoteIdentifier(tt.in)
			if got != tt.want {
				t.Fatalf("QuoteIdentifier(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got != tt.in {
				checkQuoted(t, tt.q, tt.in, got)
			}
		})
	}
}

func TestQuoteAlways(t *testing.T) {
	for _, qs := range quoters {
		for _, name := range []string{"users", "", "x", `"`, "`", "]", "[", `a""b`, "a``b", "a]]b", "\x00"} {
			t.Run(qs.name+"/"+name, func(t *testing.T) {
				checkQuoted(t, qs.q, name, qs.q.Quote(name))
			})
		}
	}
}

// checkQuoted checks that quoted is name in q's quotes: it starts with Open, ends
// with Close, holds no Close that is not doubled, and unquotes to name.
func checkQuoted(t *testing.T, q Quoter, name, quoted string) {
	t.Helper()
	got, err := unquote(q, quoted)
	if err != "" {
		t.Fatalf("Quote(%q) = %q: %s", name, quoted, err)
	}
	if got != name {
		t.Fatalf("Quote(%q) = %q unquotes to %q", name, quoted, got)
	}
}

// unquote reads an identifier quoted by q as a database would, and says what is
// wrong with it.
func unquote(q Quoter, s string) (string, string) {
	if len(s) < 2 || s[0] != q.Open || s[len(s)-1] != q.Close {
		return "", "not wrapped in the quote characters"
	}
	inner := s[1 : len(s)-1]
	var b strings.Builder
	for i := 0; i < len(inner); i++ {
		c := inner[i]
		if c == q.Close {
			if i+1 >= len(inner) || inner[i+1] != q.Close {
				return "", "a closing quote character is not doubled: the name would end early"
			}
			i++
		}
		b.WriteByte(c)
	}
	return b.String(), ""
}

func TestWords(t *testing.T) {
	w := Words("  SELECT from\tOrder\nselect ")
	if len(w) != 3 {
		t.Errorf("Words = %v, want 3 words", w)
	}
	for _, k := range []string{"select", "from", "order"} {
		if !w[k] {
			t.Errorf("Words lacks %q: %v", k, w)
		}
	}
	if w["SELECT"] {
		t.Error("Words kept upper case; Reserved holds lower case")
	}
	if len(Words("")) != 0 {
		t.Error("Words(\"\") is not empty")
	}
}

// FuzzQuote checks that every name survives quoting in every style: the quoted text
// unquotes to the name, and QuoteIdentifier leaves a name bare only when it is safe.
func FuzzQuote(f *testing.F) {
	for _, s := range []string{"users", "select", "UserName", `a"b`, "a`b", "a]b[", "", "1x", "naïve"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		for _, qs := range quoters {
			checkQuoted(t, qs.q, name, qs.q.Quote(name))
			got := qs.q.QuoteIdentifier(name)
			if got != name {
				checkQuoted(t, qs.q, name, got)
				continue
			}
			// Left bare: a legal unquoted name that is no reserved word.
			if name == "" || qs.q.Reserved[strings.ToLower(name)] {
				t.Fatalf("%s: QuoteIdentifier(%q) left it bare", qs.name, name)
			}
			for i := 0; i < len(name); i++ {
				c := name[i]
				ok := c >= 'a' && c <= 'z' || c == '_' ||
					c >= 'A' && c <= 'Z' && !qs.q.LowerCaseOnly ||
					i > 0 && (c >= '0' && c <= '9' || c == '$')
				if !ok {
					t.Fatalf("%s: QuoteIdentifier(%q) left it bare, with %q at %d", qs.name, name, c, i)
				}
			}
		}
	})
}
