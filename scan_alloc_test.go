//go:build !race

package alchemy_test

import (
	"context"
	"testing"

	"github.com/go-alchemy/alchemy"
)

// TestAllAllocations: All into a struct allocates nothing per row or per Result
// beyond what reading the rows does and the slice it returns: its struct plan is
// kept per type and column list, and its scratch struct per plan. (Not under
// -race, which allocates on its own.)
func TestAllAllocations(t *testing.T) {
	eng := newEngine(t, "sqlite://")
	table := makeTable(t, eng, "a integer, b integer, c integer")
	for i := range 10 {
		mustExec(t, eng, "insert into "+table+" (a, b, c) values (:a, :b, :c)", i, 2*i, 3*i)
	}
	type abc struct{ A, B, C int64 }
	ctx := context.Background()
	stmt := alchemy.Text("select a, b, c from " + table)
	var got []abc
	run := func(read func(res *alchemy.Result)) float64 {
		return testing.AllocsPerRun(200, func() {
			res, err := eng.Execute(ctx, stmt)
			if err != nil {
				t.Fatal(err)
			}
			read(res)
		})
	}
	var a, b, c int64
	dest := []any{&a, &b, &c} // made once: the baseline allocates only for the rows
	drain := run(func(res *alchemy.Result) {
		for res.Next() {
			if err := res.Scan(dest...); err != nil {
				t.Fatal(err)
			}
		}
		if err := res.Close(); err != nil {
			t.Fatal(err)
		}
	})
	all := run(func(res *alchemy.Result) {
		var err error
		if got, err = alchemy.All[abc](res); err != nil {
			t.Fatal(err)
		}
	})
	if len(got) != 10 || got[9] != (abc{9, 18, 27}) {
		t.Fatalf("All read %v", got)
	}
	// append's growth to 10 elements: capacities 1, 2, 4, 8, 16.
	const slice = 5
	if all > drain+slice {
		t.Errorf("Execute and All of 10 rows allocate %v times, Execute and Scan %v: want at most %d more (the slice)", all, drain, slice)
	}
}
