package alchemy

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-alchemy/alchemy/internal/dbfields"
)

// structPlan is how rows of one list of columns are scanned into one struct type:
// the index path of each column's field. Only its pool of scratch structs changes
// once it is made.
type structPlan struct {
	t     reflect.Type
	cols  []string // the columns it maps, in order (its own copy)
	paths [][]int  // per column, the index path of its field
	// inline: no path goes through a pointer (an embedded *Base), so every field
	// has a fixed place in the struct, and Scan's targets can be found once for a
	// scratch struct and reused for each row, and for the next Result.
	inline bool
	spare  sync.Pool // of *scanScratch given back, for an inline plan
}

// scanScratch is a struct of a plan's type that rows are scanned into, and
// Scan's targets: the addresses of the plan's fields in it.
type scanScratch struct {
	v       reflect.Value // the struct (addressable)
	ptr     any           // its address
	targets []any
}

// scratch returns a zero scratch struct of an inline plan, with its targets.
// Give it back with putScratch.
func (p *structPlan) scratch() *scanScratch {
	if s, ok := p.spare.Get().(*scanScratch); ok {
		return s
	}
	s := &scanScratch{v: reflect.New(p.t).Elem(), targets: make([]any, len(p.paths))}
	s.ptr = s.v.Addr().Interface()
	p.targets(s.v, s.targets)
	return s
}

// putScratch zeroes s, so that it keeps nothing of the rows alive, and keeps it
// for the plan's next Result.
func (p *structPlan) putScratch(s *scanScratch) {
	s.v.SetZero()
	p.spare.Put(s)
}

// typePlans are the struct plans of one struct type, by column list.
type typePlans struct {
	t      reflect.Type
	fields *dbfields.Fields
	// last is the plan found last: a type is mostly read from one query, so most
	// lookups end here, comparing the column names, without hashing them.
	last   atomic.Pointer[structPlan]
	mu     sync.Mutex
	byCols map[string]*structPlan // under mu, by the column names joined with NUL
}

// structPlans holds a *typePlans per struct type mapped by fields, and a nil
// *typePlans per struct type that is a value (isStructTarget), so that neither
// question is asked twice of one type.
var structPlans sync.Map

// plansOf returns the plans of t, or nil when t is not a struct mapped by fields
// (isStructTarget).
func plansOf(t reflect.Type) *typePlans {
	if t.Kind() != reflect.Struct {
		return nil
	}
	if tp, ok := structPlans.Load(t); ok {
		return tp.(*typePlans)
	}
	var tp *typePlans
	if isStructTarget(t) {
		tp = &typePlans{t: t, fields: dbfields.Of(t), byCols: map[string]*structPlan{}}
	}
	got, _ := structPlans.LoadOrStore(t, tp)
	return got.(*typePlans)
}

// plan returns the plan of cols. Fields are named as for binding a struct
// (dbfields.Of): a column takes the field of its name, else of its name in lower
// case; one that no field takes, or that several fields take, is an error.
func (tp *typePlans) plan(cols []string) (*structPlan, error) {
	if p := tp.last.Load(); p != nil && slices.Equal(p.cols, cols) {
		return p, nil
	}
	key := strings.Join(cols, "\x00")
	tp.mu.Lock()
	p, ok := tp.byCols[key]
	tp.mu.Unlock()
	if !ok {
		var err error
		if p, err = tp.newPlan(cols); err != nil {
			return nil, err
		}
		tp.mu.Lock()
		if q, ok := tp.byCols[key]; ok { // made meanwhile by another goroutine
			p = q
		} else {
			tp.byCols[key] = p
		}
		tp.mu.Unlock()
	}
	tp.last.Store(p)
	return p, nil
}

func (tp *typePlans) newPlan(cols []string) (*structPlan, error) {
	p := &structPlan{t: tp.t, cols: slices.Clone(cols), paths: make([][]int, len(cols)), inline: true}
	for i, c := range cols {
		path, ok := tp.fields.ByName[c]
		if !ok {
			path, ok = tp.fields.ByName[strings.ToLower(c)]
		}
		if !ok {
			if tp.fields.Ambiguous[c] {
				return nil, fmt.Errorf("alchemy: column %q matches several fields of %s", c, tp.t)
			}
			return nil, fmt.Errorf("alchemy: column %q has no field in %s (tag a field `db:%q`)", c, tp.t, c)
		}
		p.paths[i] = path
		if p.inline && throughPointer(tp.t, path) {
			p.inline = false
		}
	}
	return p, nil
}

// throughPointer reports whether the index path, from the struct type t, passes
// through a pointer to an embedded struct.
func throughPointer(t reflect.Type, path []int) bool {
	for _, i := range path[:len(path)-1] {
		t = t.Field(i).Type
		if t.Kind() == reflect.Pointer {
			return true
		}
	}
	return false
}

// targets fills targets with the addresses of the plan's fields in the struct v
// (addressable), allocating the embedded struct pointers on the way.
func (p *structPlan) targets(v reflect.Value, targets []any) {
	for i, path := range p.paths {
		targets[i] = fieldByPath(v, path).Addr().Interface()
	}
}

// fieldByPath walks an index path, allocating embedded struct pointers on the way.
func fieldByPath(v reflect.Value, path []int) reflect.Value {
	for _, i := range path {
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(i)
	}
	return v
}
