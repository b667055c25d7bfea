package sqlcmd

import (
	"slices"
	"strings"
	"testing"
)

// splitAll feeds script line by line and returns the statements, the last
// one flushed.
func splitAll(dialect, script string) []string {
	s := newSplitter(dialect)
	var out []string
	for i, l := range strings.Split(script, "\n") {
		for _, st := range s.feed(l, i+1) {
			out = append(out, st.text)
		}
	}
	if st, ok := s.flush(); ok {
		out = append(out, st.text)
	}
	return out
}

func TestSplit(t *testing.T) {
	for _, c := range []struct {
		dialect, script string
		want            []string
	}{
		{"sqlite", "select 1; select 2;", []string{"select 1", "select 2"}},
		{"sqlite", "select 1;\nselect\n  2", []string{"select 1", "select\n  2"}},
		{"sqlite", "select 'a;b', \"c;d\", [e;f], `g;h`;", []string{"select 'a;b', \"c;d\", [e;f], `g;h`"}},
		{"sqlite", "select 'it''s; ok';", []string{"select 'it''s; ok'"}},
		{"sqlite", "select 1 -- a; comment\n;", []string{"select 1 -- a; comment"}},
		{"sqlite", "/* a; */ select 1; /* only a comment; */ ;;", []string{"/* a; */ select 1"}},
		{"sqlite", "select 'multi\nline; string';", []string{"select 'multi\nline; string'"}},
		{"sqlite", "create trigger tr after insert on t begin\n  insert into u values (1);\n  update u set x = case when x > 1 then 0 else 1 end;\nend;\nselect 1;",
			[]string{"create trigger tr after insert on t begin\n  insert into u values (1);\n  update u set x = case when x > 1 then 0 else 1 end;\nend", "select 1"}},
		{"postgresql", "create function f() returns int as $$ begin return 1; end; $$ language plpgsql; select 1",
			[]string{"create function f() returns int as $$ begin return 1; end; $$ language plpgsql", "select 1"}},
		{"postgresql", "select $tag$ a; $$ b; $tag$, $1;", []string{"select $tag$ a; $$ b; $tag$, $1"}},
		{"postgresql", "select E'a\\'; b', 'c\\';", []string{"select E'a\\'; b', 'c\\'"}},
		{"postgresql", "select /* outer /* inner; */ still; */ 1;", []string{"select /* outer /* inner; */ still; */ 1"}},
		{"postgresql", "create function f() returns int language sql begin atomic select 1; end; select 2;",
			[]string{"create function f() returns int language sql begin atomic select 1; end", "select 2"}},
		{"mysql", "select 'a\\'; b'; select 2 # x; y\n;", []string{"select 'a\\'; b'", "select 2 # x; y"}},
		{"mysql", "select 1--1; select 2;", []string{"select 1--1", "select 2"}},
		{"mysql", "create procedure p() begin\n if 1 then select 1; end if;\n while 0 do select 2; end while;\n select 3;\nend;\ncall p();",
			[]string{"create procedure p() begin\n if 1 then select 1; end if;\n while 0 do select 2; end while;\n select 3;\nend", "call p()"}},
		{"mysql", "create trigger tr before insert on t for each row set new.x = 1; select 1;",
			[]string{"create trigger tr before insert on t for each row set new.x = 1", "select 1"}},
		{"sqlite", "create table functions (id int); insert into functions values (1);",
			[]string{"create table functions (id int)", "insert into functions values (1)"}},
	} {
		if got := splitAll(c.dialect, c.script); !slices.Equal(got, c.want) {
			t.Errorf("%s %q:\n got %q\nwant %q", c.dialect, c.script, got, c.want)
		}
	}
}

func TestSplitState(t *testing.T) {
	s := newSplitter("postgresql")
	if st := s.feed("select 'a", 1); len(st) != 0 || !s.inside() || !s.pending() {
		t.Fatalf("an open quote: %v inside=%v pending=%v", st, s.inside(), s.pending())
	}
	st := s.feed("b'; select 2", 2)
	if len(st) != 1 || st[0].line != 1 || st[0].text != "select 'a\nb'" || s.inside() || !s.pending() {
		t.Fatalf("closing: %+v inside=%v pending=%v", st, s.inside(), s.pending())
	}
	if st, ok := s.flush(); !ok || st.text != "select 2" || st.line != 2 {
		t.Fatalf("flush: %+v %v", st, ok)
	}
	s.feed("-- only a comment", 3)
	if s.pending() || !s.lineComment {
		t.Errorf("a comment line: pending=%v lineComment=%v", s.pending(), s.lineComment)
	}
}

func TestTxCommand(t *testing.T) {
	for text, want := range map[string]string{
		"begin": `\begin`, "START  TRANSACTION": `\begin`, "commit work": `\commit`, "END": `\commit`,
		"rollback": `\rollback`, "rollback to savepoint a": "", "begin isolation level serializable": "",
		"select 1": "",
	} {
		if got := txCommand(text); got != want {
			t.Errorf("txCommand(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestParseParams(t *testing.T) {
	p, err := parseParams([]string{"s=a=b", "n:int=5", "x:float=2.5", "b:bool=true", "z:null=", "e="})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"s": "a=b", "n": int64(5), "x": 2.5, "b": true, "z": nil, "e": ""}
	for k, v := range want {
		if got, ok := p[k]; !ok || got != v {
			t.Errorf("%s = %#v, want %#v", k, got, v)
		}
	}
	for _, bad := range [][]string{{"noequals"}, {"1x=2"}, {"n:int=five"}, {"n:date=x"}, {"a=1", "a=2"}, {"z:null=x"}, {"a-b=1"}} {
		if _, err := parseParams(bad); err == nil {
			t.Errorf("parseParams(%q) succeeded", bad)
		}
	}
}

func TestHistoryEntries(t *testing.T) {
	h := &history{dialect: "postgresql"}
	for _, c := range []struct {
		typed, want []string
	}{
		{[]string{"select 1", "  as x;"}, []string{"select 1 as x;"}},
		{[]string{"select 1 -- note", "as x;"}, []string{"select 1 -- note", "as x;"}},
		{[]string{"select 'a", "b';"}, []string{"select 'a", "b';"}},
		{[]string{"", "select 2;"}, []string{"select 2;"}},
	} {
		if got := h.entriesOf(c.typed); !slices.Equal(got, c.want) {
			t.Errorf("entriesOf(%q) = %q, want %q", c.typed, got, c.want)
		}
	}
	for line, want := range map[string]bool{
		"alter user bob password 'x';":                true,
		"create user bob identified by 'x';":          true,
		"select * from t where url = 'pg://u:pw@h/d'": true,
		`\set token abc`:                              true,
		"select password_hash from users;":            false,
		`\commit`:                                     false,
		"select 1;":                                   false,
	} {
		if got := secret([]string{line}); got != want {
			t.Errorf("secret(%q) = %v, want %v", line, got, want)
		}
	}
}
