package expr_test

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/expr"
)

// textDialect is a stand-in dialect of which Text uses only the paramstyle; any other
// method panics through the nil embedded interface.
type textDialect struct {
	dialect.Dialect
	style dialect.Paramstyle
}

func (d textDialect) Paramstyle() dialect.Paramstyle { return d.style }

var (
	textQuestion = textDialect{style: dialect.Question}
	textDollar   = textDialect{style: dialect.Dollar}
	textAtP      = textDialect{style: dialect.AtP}
)

// textDialects lists the three paramstyles in the order of textWant's fields.
var textDialects = []textDialect{textQuestion, textDollar, textAtP}

// textWant is the SQL rendered for Question, Dollar and AtP.
type textWant struct{ q, dollar, atp string }

func (w textWant) of(style dialect.Paramstyle) string {
	return [...]string{w.q, w.dollar, w.atp}[style]
}

// textSame is a textWant for text that renders the same in every paramstyle.
func textSame(s string) textWant { return textWant{s, s, s} }

func TestTextParse(t *testing.T) {
	tests := []struct {
		name  string
		sql   string
		names []string
		want  textWant
	}{
		{"empty", "", nil, textSame("")},
		{"no binds", "select 1", nil, textSame("select 1")},
		{"one bind", "select name from users where id = :id", []string{"id"}, textWant{
			"select name from users where id = ?",
			"select name from users where id = $1",
			"select name from users where id = @p1"}},
		{"bind at start and end", ":a+:b", []string{"a", "b"}, textWant{"?+?", "$1+$2", "@p1+@p2"}},
		{"repeated name", "select :a, :b, :a", []string{"a", "b"}, textWant{
			"select ?, ?, ?", "select $1, $2, $1", "select @p1, @p2, @p1"}},
		{"underscore and digits", "select :_a1, :b_2", []string{"_a1", "b_2"}, textWant{
			"select ?, ?", "select $1, $2", "select @p1, @p2"}},
		{"unicode name", "select :naïve, :名前", []string{"naïve", "名前"}, textWant{
			"select ?, ?", "select $1, $2", "select @p1, @p2"}},
		{"name ends at punctuation", "f(:a,:b)", []string{"a", "b"}, textWant{"f(?,?)", "f($1,$2)", "f(@p1,@p2)"}},
		{"escaped colon", `select \:id, :id`, []string{"id"}, textWant{
			"select :id, ?", "select :id, $1", "select :id, @p1"}},
		{"escaped colon alone", `select 1 as "x" where a \:= 1`, nil, textSame(`select 1 as "x" where a := 1`)},
		{"cast after bind", "select :id::int", []string{"id"}, textWant{
			"select ?::int", "select $1::int", "select @p1::int"}},
		{"cast on column", "select x::text, y :: int", nil, textSame("select x::text, y :: int")},
		{"escaped cast", `select :x\:\:int`, []string{"x"}, textWant{"select ?::int", "select $1::int", "select @p1::int"}},
		{"colon then digit", "select 1:2, :1", nil, textSame("select 1:2, :1")},
		{"colon then space", "select a : b", nil, textSame("select a : b")},
		{"colon after letter", "select a:b", nil, textSame("select a:b")},
		{"colon after digit", "select arr[1:n]", nil, textSame("select arr[1:n]")},
		{"colon after underscore", "select a_:b", nil, textSame("select a_:b")},
		{"colon after dollar or at", "select $:a, @:b", nil, textSame("select $:a, @:b")},
		{"slice with bind", "select arr[:lo]", []string{"lo"}, textWant{"select arr[?]", "select arr[$1]", "select arr[@p1]"}},
		{"assignment", "x := 1", nil, textSame("x := 1")},
		{"second colon of a pair", ":a:b", []string{"a"}, textWant{"?:b", "$1:b", "@p1:b"}},
		{"after a literal", "select 'x':a", []string{"a"}, textWant{"select 'x'?", "select 'x'$1", "select 'x'@p1"}},
		{"time literal", "select '10:30', :t", []string{"t"}, textWant{
			"select '10:30', ?", "select '10:30', $1", "select '10:30', @p1"}},
		{"single quotes", "select ':x', 'it''s :y', :z", []string{"z"}, textWant{
			"select ':x', 'it''s :y', ?", "select ':x', 'it''s :y', $1", "select ':x', 'it''s :y', @p1"}},
		{"escape is literal inside quotes", `select '\:x'`, nil, textSame(`select '\:x'`)},
		{"E string backslash", `select E'\' :x', :y, e'\\', :z`, []string{"y", "z"}, textWant{
			`select E'\' :x', ?, e'\\', ?`, `select E'\' :x', $1, e'\\', $2`, `select E'\' :x', @p1, e'\\', @p2`}},
		{"bind named E before a quote", `:E'\', :x`, []string{"E", "x"}, textWant{`?'\', ?`, `$1'\', $2`, `@p1'\', @p2`}},
		{"identifier ending in e", `select some'\', :y`, []string{"y"}, textWant{
			`select some'\', ?`, `select some'\', $1`, `select some'\', @p1`}},
		{"double quotes", `select "a:b", "x"":y", :z`, []string{"z"}, textWant{
			`select "a:b", "x"":y", ?`, `select "a:b", "x"":y", $1`, `select "a:b", "x"":y", @p1`}},
		{"backticks", "select `a:b`, `x``:y`, :z", []string{"z"}, textWant{
			"select `a:b`, `x``:y`, ?", "select `a:b`, `x``:y`, $1", "select `a:b`, `x``:y`, @p1"}},
		{"line comment", "select 1 -- :x\n, :y -- :z", []string{"y"}, textWant{
			"select 1 -- :x\n, ? -- :z", "select 1 -- :x\n, $1 -- :z", "select 1 -- :x\n, @p1 -- :z"}},
		{"single dash", "select 2-:x", []string{"x"}, textWant{"select 2-?", "select 2-$1", "select 2-@p1"}},
		{"block comment", "select /* :x ? $1 */ :y", []string{"y"}, textWant{
			"select /* :x ? $1 */ ?", "select /* :x ? $1 */ $1", "select /* :x ? $1 */ @p1"}},
		{"nested block comment", "/* /* :x */ :y */ :z", []string{"z"}, textWant{
			"/* /* :x */ :y */ ?", "/* /* :x */ :y */ $1", "/* /* :x */ :y */ @p1"}},
		{"division is not a comment", "select :a/:b", []string{"a", "b"}, textWant{"select ?/?", "select $1/$2", "select @p1/@p2"}},
		{"dollar quote", "select $$ :x ' $$, :y", []string{"y"}, textWant{
			"select $$ :x ' $$, ?", "select $$ :x ' $$, $1", "select $$ :x ' $$, @p1"}},
		{"tagged dollar quote", "do $fn$ :x $$ :y $fn$; select :z", []string{"z"}, textWant{
			"do $fn$ :x $$ :y $fn$; select ?", "do $fn$ :x $$ :y $fn$; select $1", "do $fn$ :x $$ :y $fn$; select @p1"}},
		{"dollar inside identifier", "select a$b$ :x", []string{"x"}, textWant{"select a$b$ ?", "select a$b$ $1", "select a$b$ @p1"}},
		{"lone dollar", "select $ :x", []string{"x"}, textWant{"select $ ?", "select $ $1", "select $ @p1"}},
		{"quote chars inside comments", "select -- it's\n:a /* \" */", []string{"a"}, textWant{
			"select -- it's\n? /* \" */", "select -- it's\n$1 /* \" */", "select -- it's\n@p1 /* \" */"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx := expr.Text(tc.sql)
			if got := tx.BindNames(); !slices.Equal(got, tc.names) {
				t.Errorf("BindNames() = %q, want %q", got, tc.names)
			}
			if tx.SQL() != tc.sql || tx.String() != tc.sql {
				t.Errorf("SQL() = %q, String() = %q, want %q", tx.SQL(), tx.String(), tc.sql)
			}
			args := make([]any, len(tc.names))
			for i := range args {
				args[i] = i
			}
			for _, d := range textDialects {
				q, _, err := tx.Render(d, args)
				if err != nil {
					t.Fatalf("%v: Render: %v", d.style, err)
				}
				if want := tc.want.of(d.style); q != want {
					t.Errorf("%v: query = %q, want %q", d.style, q, want)
				}
			}
		})
	}
}

type textAccount struct {
	ID         int64
	UserID     string
	HTTPServer string
	Addr2      string
	Name       string `db:"full_name"`
	Secret     string `db:"-"`
	Tagged     string `db:"tagged,omitempty"`
	hidden     string // must never bind
	Created    time.Time
	Note       sql.NullString
	Maybe      *int
}

type textBase struct {
	ID      int64
	Created string
}

type textMeta struct {
	Owner string
}

type textEmbedding struct {
	textBase           // flattened, unexported type
	*textMeta          // flattened through a pointer
	Created   string   // shadows textBase.Created
	Other     textMeta `db:"other"` // tagged: one value
}

type textAmbiguousA struct{ Dup int }
type textAmbiguousB struct{ Dup int }
type textAmbiguous struct {
	textAmbiguousA
	textAmbiguousB
}

type textTagWins struct {
	textAmbiguousA
	B struct {
		Dup int `db:"dup"`
	}
	textTagged
}
type textTagged struct {
	X int `db:"dup"`
}

// textValuer is a struct the driver takes as one value.
type textValuer struct{ A, B int }

func (v textValuer) Value() (driver.Value, error) { return int64(v.A*10 + v.B), nil }

// textScannable is a struct type that scans from a column, so it is one value too.
type textScannable struct{ V string }

func (s *textScannable) Scan(src any) error { s.V = fmt.Sprint(src); return nil }

func TestTextRenderArgs(t *testing.T) {
	now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	five := 5
	account := textAccount{ID: 7, UserID: "u", HTTPServer: "h", Addr2: "a2", Name: "n", Secret: "s",
		Tagged: "t", hidden: "x", Created: now, Note: sql.NullString{String: "no", Valid: true}, Maybe: &five}
	_ = account.hidden
	tests := []struct {
		name string
		sql  string
		args []any
		// want per Question, Dollar and AtP
		q, numbered []any
	}{
		{"no binds no args", "select 1", nil, nil, nil},
		{"no binds empty Params", "select 1", []any{expr.Params{}}, nil, nil},
		{"no binds nil map", "select 1", []any{map[string]any(nil)}, nil, nil},
		{"Params", "select :a, :b", []any{expr.Params{"b": 2, "a": 1}}, []any{1, 2}, []any{1, 2}},
		{"map", "select :a, :b", []any{map[string]any{"b": 2, "a": 1}}, []any{1, 2}, []any{1, 2}},
		{"Params repeated", "select :a, :b, :a", []any{expr.Params{"a": "A", "b": "B"}},
			[]any{"A", "B", "A"}, []any{"A", "B"}},
		{"Params nil value", "select :a", []any{expr.Params{"a": nil}}, []any{nil}, []any{nil}},
		{"positional", "select :a, :b", []any{1, 2}, []any{1, 2}, []any{1, 2}},
		{"positional repeated", "select :a, :b, :b, :a", []any{1, 2}, []any{1, 2, 2, 1}, []any{1, 2}},
		{"single positional", "select :a", []any{"x"}, []any{"x"}, []any{"x"}},
		{"single nil", "select :a", []any{nil}, []any{nil}, []any{nil}},
		{"single time is positional", "select :t", []any{now}, []any{now}, []any{now}},
		{"single *time is positional", "select :t", []any{&now}, []any{&now}, []any{&now}},
		{"single NullString is positional", "select :n", []any{sql.NullString{String: "s", Valid: true}},
			[]any{sql.NullString{String: "s", Valid: true}}, []any{sql.NullString{String: "s", Valid: true}}},
		{"single Valuer struct is positional", "select :v", []any{textValuer{1, 2}},
			[]any{textValuer{1, 2}}, []any{textValuer{1, 2}}},
		{"single Scanner struct is positional", "select :s", []any{textScannable{"v"}},
			[]any{textScannable{"v"}}, []any{textScannable{"v"}}},
		{"single other map is positional", "select :m", []any{map[string]string{"k": "v"}},
			[]any{map[string]string{"k": "v"}}, []any{map[string]string{"k": "v"}}},
		{"single []byte is positional", "select :b", []any{[]byte("b")}, []any{[]byte("b")}, []any{[]byte("b")}},
		{"sql.Named", "select :a, :b, :a", []any{sql.Named("b", 2), sql.Named("a", 1)},
			[]any{1, 2, 1}, []any{1, 2}},
		{"one sql.Named", "select :a", []any{sql.Named("a", 1)}, []any{1}, []any{1}},
		{"struct by snake case and tags",
			"select :id, :user_id, :http_server, :addr2, :full_name, :tagged, :created, :note, :maybe",
			[]any{account},
			[]any{int64(7), "u", "h", "a2", "n", "t", now, sql.NullString{String: "no", Valid: true}, &five},
			[]any{int64(7), "u", "h", "a2", "n", "t", now, sql.NullString{String: "no", Valid: true}, &five}},
		{"pointer to struct, unused fields ignored, repeats", "select :id, :id", []any{&account},
			[]any{int64(7), int64(7)}, []any{int64(7)}},
		{"embedded flattened and shadowed", "select :id, :created, :owner, :other",
			[]any{textEmbedding{textBase: textBase{ID: 1, Created: "deep"}, textMeta: &textMeta{Owner: "o"},
				Created: "top", Other: textMeta{Owner: "x"}}},
			[]any{int64(1), "top", "o", textMeta{Owner: "x"}}, []any{int64(1), "top", "o", textMeta{Owner: "x"}}},
		{"tagged field wins a tie", "select :dup", []any{textTagWins{textAmbiguousA: textAmbiguousA{Dup: 1}, textTagged: textTagged{X: 3}}},
			[]any{3}, []any{3}},
		{"struct with no binds", "select 1", []any{account}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx := expr.Text(tc.sql)
			for _, d := range textDialects {
				q, got, err := tx.Render(d, tc.args)
				if err != nil {
					t.Fatalf("%v: Render: %v", d.style, err)
				}
				want := tc.numbered
				if d.style == dialect.Question {
					want = tc.q
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%v: driverArgs = %#v, want %#v", d.style, got, want)
				}
				if strings.Count(q, "?")+strings.Count(q, "$")+strings.Count(q, "@p") == 0 && len(want) > 0 {
					t.Errorf("%v: query %q has no placeholders", d.style, q)
				}
			}
		})
	}
}

func TestTextValuesNeverSpliced(t *testing.T) {
	const marker = "MARKER-'; drop table users; --"
	tx := expr.Text("select :a, ':a', :b")
	for _, d := range textDialects {
		for _, args := range [][]any{
			{expr.Params{"a": marker, "b": marker}},
			{marker, marker},
			{sql.Named("a", marker), sql.Named("b", marker)},
			{struct{ A, B string }{marker, marker}},
		} {
			q, got, err := tx.Render(d, args)
			if err != nil {
				t.Fatalf("%v %T: %v", d.style, args[0], err)
			}
			if strings.Contains(q, "MARKER") {
				t.Errorf("%v %T: value spliced into %q", d.style, args[0], q)
			}
			if len(got) == 0 || got[0] != marker {
				t.Errorf("%v %T: driverArgs = %q, want the marker", d.style, args[0], got)
			}
		}
	}
}

func TestTextRenderErrors(t *testing.T) {
	var nilAccount *textAccount
	tests := []struct {
		name       string
		sql        string
		d          dialect.Dialect // textQuestion when nil
		nilDialect bool
		args       []any
		exact      string // the whole message, when given
		has        []string
	}{
		{name: "missing with no args", sql: "select :id", exact: `alchemy: bind parameter "id" has no value`},
		{name: "missing in Params", sql: "select :a, :id", args: []any{expr.Params{"a": 1}},
			exact: `alchemy: bind parameter "id" has no value`},
		{name: "several missing", sql: "select :a, :b, :c", args: []any{expr.Params{"b": 1}},
			exact: `alchemy: bind parameter "a" has no value (nor have "c")`},
		{name: "missing repeated with Question", sql: "select :a, :a, :b", args: []any{expr.Params{"a": 1}},
			has: []string{`"b" has no value`}},
		{name: "missing in struct", sql: "select :id, :nope", args: []any{textAccount{}}, has: []string{`"nope" has no value`}},
		{name: "missing behind nil embedded pointer", sql: "select :owner", args: []any{textEmbedding{}},
			has: []string{`"owner" has no value`}},
		{name: "secret field skipped", sql: "select :secret", args: []any{textAccount{Secret: "s"}},
			has: []string{`"secret" has no value`}},
		{name: "unexported field skipped", sql: "select :hidden", args: []any{textAccount{}},
			has: []string{`"hidden" has no value`}},
		{name: "Go name is not a bind name", sql: "select :UserID", args: []any{textAccount{}},
			has: []string{`"UserID" has no value`}},
		{name: "missing sql.Named", sql: "select :a, :b", args: []any{sql.Named("a", 1)}, has: []string{`"b" has no value`}},
		{name: "extra Params key", sql: "select :a", args: []any{expr.Params{"a": 1, "zz": 2}},
			exact: `alchemy: bind parameter "zz" has a value but the SQL has no such bind`},
		{name: "extra keys with no binds", sql: "select 1", args: []any{expr.Params{"y": 1, "x": 2}},
			exact: `alchemy: bind parameter "x", "y" have values but the SQL has no such binds`},
		{name: "extra sql.Named", sql: "select :a", args: []any{sql.Named("a", 1), sql.Named("b", 2)},
			has: []string{`"b" has a value but the SQL has no such bind`}},
		{name: "too many positional", sql: "select :a, :b, :a", args: []any{1, 2, 3},
			exact: "alchemy: bind parameter count: got 3 positional values, the SQL has 2 distinct binds (a, b)"},
		{name: "too few positional", sql: "select :a, :b", args: []any{1}, has: []string{"got 1 positional", "has 2 distinct"}},
		{name: "positional without binds", sql: "select 1", args: []any{1}, has: []string{"got 1 positional", "has 0 distinct"}},
		{name: "duplicate sql.Named", sql: "select :a", args: []any{sql.Named("a", 1), sql.Named("a", 2)},
			has: []string{`"a" is given twice`}},
		{name: "unnamed sql.Named", sql: "select :a", args: []any{sql.Named("", 1)}, has: []string{"has no name"}},
		{name: "sql.Named mixed with positional", sql: "select :a, :b", args: []any{sql.Named("a", 1), 2},
			has: []string{"1 sql.NamedArg values mixed with 1 positional"}},
		{name: "Params not alone", sql: "select :a, :b", args: []any{expr.Params{"a": 1}, 2},
			has: []string{"expr.Params must be the only argument"}},
		{name: "nil struct pointer", sql: "select :id", args: []any{nilAccount}, has: []string{"nil *expr_test.textAccount"}},
		{name: "ambiguous field", sql: "select :dup", args: []any{textAmbiguous{}}, has: []string{`"dup" is ambiguous`}},
		{name: "unterminated single quote", sql: "select :a, 'abc", has: []string{"unterminated single-quoted string starting at byte 11 of the SQL"}},
		{name: "unterminated E string", sql: `select E'abc\'`, has: []string{"unterminated single-quoted string starting at byte 8"}},
		{name: "unterminated double quote", sql: `select "abc`, has: []string{"unterminated double-quoted identifier"}},
		{name: "unterminated backtick", sql: "select `abc", has: []string{"unterminated backtick-quoted identifier"}},
		{name: "unterminated block comment", sql: "select /* x", has: []string{"unterminated block comment starting at byte 7"}},
		{name: "unterminated nested comment", sql: "select /* /* */ x", has: []string{"unterminated block comment"}},
		{name: "unterminated dollar quote", sql: "select $a$ x $b$", has: []string{"unterminated dollar-quoted string starting at byte 7"}},
		{name: "raw question mark", sql: "select :a where b = ?", args: []any{1},
			has: []string{`driver's own placeholder "?" at byte 20`}},
		{name: "raw dollar", sql: "select :a, $12", d: textDollar, args: []any{1},
			has: []string{`driver's own placeholder "$12" at byte 11`}},
		{name: "raw at-p", sql: "select @P3", d: textAtP, has: []string{`driver's own placeholder "@P3" at byte 7`}},
		{name: "nil dialect", sql: "select 1", nilDialect: true, has: []string{"needs a dialect"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d dialect.Dialect = textQuestion
			if tc.d != nil {
				d = tc.d
			}
			if tc.nilDialect {
				d = nil
			}
			q, args, err := expr.Text(tc.sql).Render(d, tc.args)
			if err == nil {
				t.Fatalf("Render = %q, %v; want an error", q, args)
			}
			if !errors.Is(err, expr.ErrBindParameter) {
				t.Errorf("error %q does not wrap ErrBindParameter", err)
			}
			if !strings.HasPrefix(err.Error(), "alchemy: ") {
				t.Errorf("error %q does not start with alchemy:", err)
			}
			if q != "" || args != nil {
				t.Errorf("Render returned %q, %v with its error", q, args)
			}
			if tc.exact != "" && err.Error() != tc.exact {
				t.Errorf("error = %q, want %q", err, tc.exact)
			}
			for _, h := range tc.has {
				if !strings.Contains(err.Error(), h) {
					t.Errorf("error %q does not contain %q", err, h)
				}
			}
		})
	}
}

func TestTextRawPlaceholderOnlyForItsStyle(t *testing.T) {
	tests := []struct {
		name string
		sql  string
		bad  dialect.Paramstyle
	}{
		{"question", "select x ? 'k'", dialect.Question},
		{"dollar", "select $1", dialect.Dollar},
		{"at-p", "select @p1", dialect.AtP},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx := expr.Text(tc.sql)
			for _, d := range textDialects {
				_, _, err := tx.Render(d, nil)
				if (err != nil) != (d.style == tc.bad) {
					t.Errorf("%v: err = %v, want an error only for %v", d.style, err, tc.bad)
				}
			}
		})
	}
	for _, sql := range []string{"select '?', \"$1\", `@p1`, $$ ? $$ -- ?", "select a$1, b@p1, @x, $x", "/* ? $1 @p1 */"} {
		for _, d := range textDialects {
			if _, _, err := expr.Text(sql).Render(d, nil); err != nil {
				t.Errorf("%v: Render(%q): %v", d.style, sql, err)
			}
		}
	}
}

func TestTextBindNamesIsACopy(t *testing.T) {
	tx := expr.Text("select :a, :b")
	names := tx.BindNames()
	names[0] = "changed"
	if got := tx.BindNames(); got[0] != "a" {
		t.Errorf("BindNames()[0] = %q after the caller changed its copy, want a", got[0])
	}
	if q, _, _ := tx.Render(textDollar, []any{1, 2}); q != "select $1, $2" {
		t.Errorf("query = %q", q)
	}
}

func TestTextZeroValue(t *testing.T) {
	var tx expr.TextClause
	q, args, err := tx.Render(textDollar, nil)
	if q != "" || args != nil || err != nil {
		t.Errorf("zero TextClause Render = %q, %v, %v; want empty", q, args, err)
	}
	if _, _, err := tx.Render(textDollar, []any{1}); !errors.Is(err, expr.ErrBindParameter) {
		t.Errorf("zero TextClause with a value: err = %v, want ErrBindParameter", err)
	}
}

func TestTextUnknownParamstyleRendersQuestionMarks(t *testing.T) {
	q, args, err := expr.Text("select :a, :a").Render(textDialect{style: 9}, []any{1})
	if err != nil || q != "select ?, ?" || !reflect.DeepEqual(args, []any{1, 1}) {
		t.Errorf("Render = %q, %v, %v", q, args, err)
	}
}

func TestTextConcurrentRender(t *testing.T) {
	tx := expr.Text("select :a, :b, :a")
	want := textWant{"select ?, ?, ?", "select $1, $2, $1", "select @p1, @p2, @p1"}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 16 {
		wg.Go(func() {
			for i := range 200 {
				d := textDialects[(g+i)%3]
				q, args, err := tx.Render(d, []any{expr.Params{"a": g, "b": i}})
				if err != nil || q != want.of(d.style) || args[0] != g || args[1] != i {
					errs <- fmt.Sprintf("%v: %q %v %v", d.style, q, args, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestTextRenderAllocations(t *testing.T) {
	tests := []struct {
		name string
		sql  string
		d    textDialect
		args []any
		max  float64
	}{
		{"no binds", "select 1", textDollar, nil, 0},
		{"escaped, no binds", `select \:x`, textQuestion, nil, 0},
		{"Params Dollar", "select :a, :b, :a", textDollar, []any{expr.Params{"a": 1, "b": 2}}, 1},
		{"Params Question repeated", "select :a, :b, :a", textQuestion, []any{expr.Params{"a": 1, "b": 2}}, 1},
		{"map AtP", "select :a", textAtP, []any{map[string]any{"a": 1}}, 1},
		{"positional Dollar", "select :a, :b, :a", textDollar, []any{1, 2}, 0},
		{"positional Question", "select :a, :b", textQuestion, []any{1, 2}, 0},
		{"positional Question repeated", "select :a, :b, :a", textQuestion, []any{1, 2}, 1},
		{"sql.Named", "select :a, :b", textDollar, []any{sql.Named("a", 1), sql.Named("b", 2)}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx := expr.Text(tc.sql)
			var d dialect.Dialect = tc.d                        // boxed once, as an engine holds it
			if _, _, err := tx.Render(d, tc.args); err != nil { // fills the cache
				t.Fatal(err)
			}
			got := testing.AllocsPerRun(100, func() {
				if _, _, err := tx.Render(d, tc.args); err != nil {
					t.Fatal(err)
				}
			})
			if got > tc.max {
				t.Errorf("Render allocates %v times per call, want at most %v", got, tc.max)
			}
		})
	}
}

func BenchmarkTextRender(b *testing.B) {
	type user struct {
		ID   int64
		Name string `db:"name"`
	}
	cases := []struct {
		name string
		sql  string
		d    textDialect
		args []any
	}{
		{"NoBinds", "select 1", textDollar, nil},
		{"Params/Dollar", "select name from users where id = :id and name = :name", textDollar,
			[]any{expr.Params{"id": 5, "name": "ed"}}},
		{"Params/Question", "select name from users where id = :id and name = :name", textQuestion,
			[]any{expr.Params{"id": 5, "name": "ed"}}},
		{"Positional/Dollar", "select name from users where id = :id and name = :name", textDollar,
			[]any{5, "ed"}},
		{"Named/AtP", "select name from users where id = :id and name = :name", textAtP,
			[]any{sql.Named("id", 5), sql.Named("name", "ed")}},
		{"Struct/Dollar", "select name from users where id = :id and name = :name", textDollar,
			[]any{&user{ID: 5, Name: "ed"}}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			tx := expr.Text(c.sql)
			var d dialect.Dialect = c.d
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := tx.Render(d, c.args); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("Parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			expr.Text("select name from users where id = :id and name = :name and x::int > 0")
		}
	})
}

func ExampleText() {
	stmt := expr.Text("select name from users where id = :id and kind = :kind or parent = :id")

	// PostgreSQL's paramstyle: each name is bound once.
	query, args, _ := stmt.Render(textDollar, []any{expr.Params{"id": 5, "kind": "admin"}})
	fmt.Println(query, args)

	// SQLite's and MySQL's: a repeated name repeats its value.
	query, args, _ = stmt.Render(textQuestion, []any{5, "admin"})
	fmt.Println(query, args)

	_, _, err := stmt.Render(textDollar, []any{expr.Params{"id": 5}})
	fmt.Println(err)
	// Output:
	// select name from users where id = $1 and kind = $2 or parent = $1 [5 admin]
	// select name from users where id = ? and kind = ? or parent = ? [5 admin 5]
	// alchemy: bind parameter "kind" has no value
}
