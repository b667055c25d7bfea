package expr_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/expr"
)

// FuzzCompileNested checks, for any SQL text and paramstyle, that a Text compiled
// inside another statement (subquery, which binds :z and :x of its own after it)
// fails exactly when the Text alone fails, with the same error and its fragment
// named, and otherwise keeps the Text's SQL as compiled alone (its placeholders come
// first, so their numbers do not move) and binds the Text's values first, then the
// statement's.
func FuzzCompileNested(f *testing.F) {
	for _, s := range []string{
		"select a from t where x = :x and y = :y",
		"select :z, :x, :z",
		"select ':x', \"y:z\", $$ :q $$ -- :s\n :end",
		"select 'open",
		"select ?",
	} {
		for style := range uint8(3) {
			f.Add(s, style)
		}
	}
	f.Fuzz(func(t *testing.T, sql string, style uint8) {
		d := stubDialect{name: "fuzz", style: dialect.Paramstyle(style % 3)}
		tx := expr.Text(sql)
		alone, errAlone := expr.Compile(d, dialect.Version{}, tx)
		nested, errNested := expr.Compile(d, dialect.Version{}, subquery{tx})
		if errAlone != nil {
			if errNested == nil || !strings.HasPrefix(errNested.Error(), errAlone.Error()) ||
				!strings.Contains(errNested.Error(), "(in fragment Text(") || !errors.Is(errNested, expr.ErrBindParameter) {
				t.Fatalf("alone: %v; nested: %v", errAlone, errNested)
			}
			return
		}
		if errNested != nil {
			t.Fatalf("alone compiles to %q; nested: %v", alone.SQL, errNested)
		}
		if !strings.HasPrefix(nested.SQL, "select * from ("+alone.SQL+") s where s.a = ") {
			t.Fatalf("nested SQL %q does not hold %q", nested.SQL, alone.SQL)
		}
		names := alone.BindNames()
		inner, all := expr.Params{}, expr.Params{"x": "outer-x", "z": "outer-z"}
		for _, n := range names {
			inner[n], all[n] = "inner-"+n, "inner-"+n // a shared name is one bind
		}
		want, err := alone.Bind([]any{inner})
		if err != nil {
			t.Fatalf("alone Bind: %v", err)
		}
		got, err := nested.Bind([]any{all})
		if err != nil {
			t.Fatalf("nested Bind: %v", err)
		}
		if len(got) < len(want) || fmt.Sprint(got[:len(want)]) != fmt.Sprint(want) {
			t.Fatalf("nested args %q do not start with the Text's %q", got, want)
		}
		if !d.style.Numbered() && len(got) != len(want)+2 {
			t.Fatalf("nested args %q: the Text's %q and one per placeholder of z, x", got, want)
		}
		if d.style.Numbered() && len(got) != len(names)+2-countOf(names, "x", "z") {
			t.Fatalf("nested args %q: one per distinct name of %q and x, z", got, names)
		}
	})
}

// countOf counts how many of want are in names.
func countOf(names []string, want ...string) int {
	n := 0
	for _, w := range want {
		if slices.Contains(names, w) {
			n++
		}
	}
	return n
}
