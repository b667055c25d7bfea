package alchemy

import (
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

type planBase struct {
	CreatedBy string `db:"created_by"`
}

type planRow struct {
	ID   int64  `db:"id"`
	Name string `db:"name"`
	When time.Time
	planBase
}

type planRowPtr struct {
	ID int64 `db:"id"`
	*planBase
}

// TestStructPlanReused: a type's plan for a column list is made once and found
// again, a different column list gets a plan of its own (and the first is still
// found after it), and each maps its columns in their order.
func TestStructPlanReused(t *testing.T) {
	tp := plansOf(reflect.TypeFor[planRow]())
	if tp == nil || plansOf(reflect.TypeFor[planRow]()) != tp {
		t.Fatal("plansOf does not keep one typePlans per struct type")
	}
	a, err := tp.plan([]string{"id", "name", "created_by"})
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := tp.plan([]string{"id", "name", "created_by"}); again != a {
		t.Error("the same columns got a new plan")
	}
	b, err := tp.plan([]string{"name", "id"})
	if err != nil {
		t.Fatal(err)
	}
	if b == a {
		t.Fatal("other columns got the plan of the first list")
	}
	// Not the last one found: comes from the map, not made again.
	if again, _ := tp.plan([]string{"id", "name", "created_by"}); again != a {
		t.Error("the first list's plan was not kept when another was made")
	}
	if want := [][]int{{0}, {1}, {3, 0}}; !reflect.DeepEqual(a.paths, want) {
		t.Errorf("paths of id, name, created_by = %v, want %v", a.paths, want)
	}
	if want := [][]int{{1}, {0}}; !reflect.DeepEqual(b.paths, want) {
		t.Errorf("paths of name, id = %v, want %v", b.paths, want)
	}
	// Upper case columns fall back on the lower case field names.
	c, err := tp.plan([]string{"ID", "WHEN"})
	if err != nil || !reflect.DeepEqual(c.paths, [][]int{{0}, {2}}) {
		t.Errorf("plan of ID, WHEN: %v, %v", c, err)
	}
	// A prefix of a known list is a list of its own.
	d, err := tp.plan([]string{"id", "name"})
	if err != nil || d == a || len(d.paths) != 2 {
		t.Errorf("plan of id, name: %+v, %v (the plan of id, name, created_by is %p)", d, err, a)
	}
}

// TestStructPlanCopiesColumns: a plan keeps its own copy of the column names, so a
// caller's slice changed afterwards does not change what it matches.
func TestStructPlanCopiesColumns(t *testing.T) {
	tp := plansOf(reflect.TypeFor[planRow]())
	cols := []string{"name", "created_by"}
	p, err := tp.plan(cols)
	if err != nil {
		t.Fatal(err)
	}
	cols[0] = "id"
	q, err := tp.plan([]string{"id", "created_by"})
	if err != nil {
		t.Fatal(err)
	}
	if q == p || !reflect.DeepEqual(q.paths, [][]int{{0}, {3, 0}}) {
		t.Errorf("plan of id, created_by after the caller's slice changed: %+v (first plan %+v)", q, p)
	}
}

// TestStructPlanErrors: a column that no field takes is an error, every time (a
// failed plan is not kept), and so is a type that is not a struct of fields.
func TestStructPlanErrors(t *testing.T) {
	tp := plansOf(reflect.TypeFor[planRow]())
	for range 2 {
		_, err := tp.plan([]string{"id", "nickname"})
		if err == nil || !strings.Contains(err.Error(), `"nickname"`) || !strings.Contains(err.Error(), "planRow") {
			t.Errorf("plan of an unknown column: %v", err)
		}
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[time.Time](), reflect.TypeFor[string](), reflect.TypeFor[*planRow]()} {
		if plansOf(typ) != nil {
			t.Errorf("plansOf(%s) is not nil", typ)
		}
	}
}

// TestStructPlanInline: a plan is inline when no field it maps is reached through
// an embedded pointer, and only then.
func TestStructPlanInline(t *testing.T) {
	p, err := plansOf(reflect.TypeFor[planRow]()).plan([]string{"id", "created_by"})
	if err != nil || !p.inline {
		t.Errorf("plan of planRow: %+v, %v; want inline", p, err)
	}
	tp := plansOf(reflect.TypeFor[planRowPtr]())
	if p, err := tp.plan([]string{"id"}); err != nil || !p.inline {
		t.Errorf("plan of planRowPtr's id: %+v, %v; want inline", p, err)
	}
	if p, err := tp.plan([]string{"id", "created_by"}); err != nil || p.inline {
		t.Errorf("plan of planRowPtr's id, created_by: %+v, %v; want not inline (through *planBase)", p, err)
	}
}

// TestStructPlanScratch: a scratch struct's targets are its fields', and one given
// back is zeroed, whether it is handed out again or not.
func TestStructPlanScratch(t *testing.T) {
	p, err := plansOf(reflect.TypeFor[planRow]()).plan([]string{"name", "created_by", "id"})
	if err != nil {
		t.Fatal(err)
	}
	s := p.scratch()
	row := s.ptr.(*planRow)
	*s.targets[0].(*string) = "ann"
	*s.targets[1].(*string) = "root"
	*s.targets[2].(*int64) = 7
	if *row != (planRow{ID: 7, Name: "ann", planBase: planBase{CreatedBy: "root"}}) {
		t.Errorf("targets wrote %+v", *row)
	}
	p.putScratch(s)
	if *row != (planRow{}) {
		t.Errorf("a scratch given back holds %+v", *row)
	}
}

// TestStructPlanConcurrent: goroutines asking for the plans of several column
// lists at once all get the one plan of each list (run with -race).
func TestStructPlanConcurrent(t *testing.T) {
	type row struct {
		A, B, C, D int64
	}
	lists := [][]string{{"a", "b"}, {"b", "a"}, {"c"}, {"a", "b", "c", "d"}}
	const workers = 8
	got := make([][]*structPlan, workers) // per worker, the plan of each list
	var wg sync.WaitGroup
	for w := range workers {
		got[w] = make([]*structPlan, len(lists))
		wg.Go(func() {
			tp := plansOf(reflect.TypeFor[row]())
			for i := range 400 {
				k := (i + w) % len(lists)
				p, err := tp.plan(lists[k])
				if err != nil {
					t.Error(err)
					return
				}
				if !slices.Equal(p.cols, lists[k]) || len(p.paths) != len(lists[k]) {
					t.Errorf("plan of %v is for %v", lists[k], p.cols)
					return
				}
				if got[w][k] == nil {
					got[w][k] = p
				} else if got[w][k] != p {
					t.Errorf("list %v: a second plan", lists[k])
					return
				}
			}
		})
	}
	wg.Wait()
	for w := 1; w < workers; w++ {
		for k := range lists {
			if got[w][k] != got[0][k] {
				t.Errorf("list %v: workers 0 and %d got different plans", lists[k], w)
			}
		}
	}
}
