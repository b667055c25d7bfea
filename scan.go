package alchemy

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// ScanAll reads every remaining row of res into a T and closes res. T is a struct,
// or a pointer to one (allocated per row), whose fields take columns by their `db`
// tag (or their name in snake_case; `db:"-"` skips one; embedded structs are
// flattened), or a single-column type such as int64 or string. A column no field takes is an error, as is a field type the column cannot
// be scanned into.
func ScanAll[T any](res *Result) ([]T, error) {
	defer res.Close()
	var out []T
	for res.Next() {
		var v T
		if err := scanInto(res, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, res.Err()
}

// ScanOne reads the only row of res into a T and closes res: ErrNoRows when there is
// none, ErrMultipleRows when there are more.
func ScanOne[T any](res *Result) (T, error) {
	defer res.Close()
	var v T
	if !res.Next() {
		return v, res.noRow()
	}
	if err := scanInto(res, &v); err != nil {
		return v, err
	}
	if res.Next() {
		var zero T
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
	err := scanInto(res, &v)
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
		var v T
		if err := scanFirstColumn(res, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, res.Err()
}

func scanFirstColumn(res *Result, dest any) error {
	n := len(res.Columns())
	if n == 1 {
		return res.Scan(dest)
	}
	targets := make([]any, n)
	targets[0] = dest
	for i := 1; i < n; i++ {
		targets[i] = new(any)
	}
	return res.Scan(targets...)
}

// scanInto scans the current row into *dest.
func scanInto[T any](res *Result, dest *T) error {
	rv := reflect.ValueOf(dest).Elem()
	if t := rv.Type(); t.Kind() == reflect.Pointer && isStructTarget(t.Elem()) {
		rv.Set(reflect.New(t.Elem())) // ScanAll[*User]: a new User per row
		rv = rv.Elem()
	}
	if !isStructTarget(rv.Type()) {
		if len(res.Columns()) != 1 {
			return fmt.Errorf("alchemy: cannot scan %d columns into %s: scan into a struct", len(res.Columns()), rv.Type())
		}
		return res.Scan(dest)
	}
	plan, err := planFor(rv.Type(), res.Columns())
	if err != nil {
		return err
	}
	targets := make([]any, len(plan))
	for i, path := range plan {
		targets[i] = fieldByPath(rv, path).Addr().Interface()
	}
	return res.Scan(targets...)
}

// isStructTarget reports whether t is a struct to map by fields, as opposed to a
// value a driver scans whole (time.Time, sql.NullString...).
func isStructTarget(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && !isValueType(t)
}

type planKey struct {
	t    reflect.Type
	cols string
}

var plans sync.Map // planKey -> [][]int

// planFor maps each column to the index path of its field, cached per type and
// column list. Fields are named as for binding a struct (structFieldsOf).
func planFor(t reflect.Type, cols []string) ([][]int, error) {
	key := planKey{t, strings.Join(cols, "\x00")}
	if p, ok := plans.Load(key); ok {
		return p.([][]int), nil
	}
	fields := structFieldsOf(t)
	plan := make([][]int, len(cols))
	for i, c := range cols {
		path, ok := fields.byName[c]
		if !ok {
			path, ok = fields.byName[strings.ToLower(c)]
		}
		if !ok {
			if fields.ambiguous[c] {
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
