package alchemy

import (
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/go-alchemy/alchemy/internal/dbfields"
)

// ScanAll reads every remaining row of res into a T and closes res. T is a struct,
// or a pointer to one (allocated per row), whose fields take columns by their `db`
// tag (or their name in snake_case; `db:"-"` skips one; embedded structs are
// flattened), or a single-column type such as int64 or string. A column no field
// takes is an error, as is a field type the column cannot be scanned into.
func ScanAll[T any](res *Result) ([]T, error) {
	defer res.Close()
	var out []T
	var sc rowScanner
	for res.Next() {
		var zero T
		out = append(out, zero)
		if err := scanRow(res, &sc, &out[len(out)-1]); err != nil {
			return nil, err
		}
	}
	return out, res.Err()
}

// ScanOne reads the only row of res into a T and closes res: ErrNoRows when there is
// none, ErrMultipleRows when there are more.
func ScanOne[T any](res *Result) (T, error) {
	defer res.Close()
	var v, zero T
	if !res.Next() {
		return zero, res.noRow()
	}
	if err := scanRow(res, &rowScanner{}, &v); err != nil {
		return zero, err
	}
	if res.Next() {
		return zero, ErrMultipleRows
	}
	return v, res.Err()
}

// ScanFirst reads the first row of res into a T and closes res; ErrNoRows when
// there is none.
func ScanFirst[T any](res *Result) (T, error) {
	defer res.Close()
	var v T
	if !res.Next() {
		return v, res.noRow()
	}
	err := scanRow(res, &rowScanner{}, &v)
	return v, err
}

// Scalar reads the first column of the first row of res as a T and closes res;
// ErrNoRows when there is no row.
func Scalar[T any](res *Result) (T, error) {
	defer res.Close()
	var v T
	if !res.Next() {
		return v, res.noRow()
	}
	err := scanFirstColumn(res, &v)
	return v, err
}

// Scalars reads the first column of every remaining row of res as a T and closes res.
func Scalars[T any](res *Result) ([]T, error) {
	defer res.Close()
	var out []T
	for res.Next() {
		var zero T
		out = append(out, zero)
		if err := scanFirstColumn(res, &out[len(out)-1]); err != nil {
			return nil, err
		}
	}
	return out, res.Err()
}

func scanFirstColumn(res *Result, dest any) error {
	n := len(res.Columns())
	if n <= 1 { // 0: closed under us (its context ended); Scan says so
		return res.Scan(dest)
	}
	targets := make([]any, n)
	targets[0] = dest
	for i := 1; i < n; i++ {
		targets[i] = new(any)
	}
	return res.Scan(targets...)
}

// rowScanner holds what scanning rows of one result into one type needs, worked out
// at the first row and reused for the others.
type rowScanner struct {
	ready   bool
	fields  bool    // a struct mapped by fields, not a single value
	plan    [][]int // field index path per column
	targets []any   // Scan's destinations, refilled per row
}

// scanRow scans the current row into *dest.
func scanRow[T any](res *Result, sc *rowScanner, dest *T) error {
	rv := reflect.ValueOf(dest).Elem()
	if t := rv.Type(); t.Kind() == reflect.Pointer && isStructTarget(t.Elem()) {
		rv.Set(reflect.New(t.Elem())) // ScanAll[*User]: a new User per row
		rv = rv.Elem()
	}
	if !sc.ready {
		cols := res.Columns()
		sc.fields = isStructTarget(rv.Type())
		if !sc.fields && len(cols) != 1 {
			return fmt.Errorf("alchemy: cannot scan %d columns into %s: scan into a struct", len(cols), rv.Type())
		}
		if sc.fields {
			plan, err := planFor(rv.Type(), cols)
			if err != nil {
				return err
			}
			sc.plan, sc.targets = plan, make([]any, len(plan))
		}
		sc.ready = true
	}
	if !sc.fields {
		return res.Scan(dest)
	}
	for i, path := range sc.plan {
		sc.targets[i] = fieldByPath(rv, path).Addr().Interface()
	}
	return res.Scan(sc.targets...)
}

// isStructTarget reports whether t is a struct to map by fields, as opposed to a
// value a driver scans whole (time.Time, sql.NullString...).
func isStructTarget(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && !dbfields.IsValueType(t)
}

type planKey struct {
	t    reflect.Type
	cols string
}

var plans sync.Map // planKey -> [][]int

// planFor maps each column to the index path of its field, cached per type and
// column list. Fields are named as for binding a struct (dbfields.Of).
func planFor(t reflect.Type, cols []string) ([][]int, error) {
	key := planKey{t, strings.Join(cols, "\x00")}
	if p, ok := plans.Load(key); ok {
		return p.([][]int), nil
	}
	fields := dbfields.Of(t)
	plan := make([][]int, len(cols))
	for i, c := range cols {
		path, ok := fields.ByName[c]
		if !ok {
			path, ok = fields.ByName[strings.ToLower(c)]
		}
		if !ok {
			if fields.Ambiguous[c] {
				return nil, fmt.Errorf("alchemy: column %q matches several fields of %s", c, t)
			}
			return nil, fmt.Errorf("alchemy: column %q has no field in %s (tag a field `db:%q`)", c, t, c)
		}
		plan[i] = path
	}
	plans.Store(key, plan)
	return plan, nil
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
