package alchemy

import (
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/go-alchemy/alchemy/internal/dbfields"
)

// All reads the remaining rows of res into Ts and closes res. T says how a row is
// read (package doc, Reading results).
func All[T any](res *Result) ([]T, error) {
	defer res.Close()
	if !res.ReturnsRows() {
		return nil, errNoRowsToRead("All")
	}
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

// One reads the only row of res and closes res; ErrNoRows or ErrMultipleRows if
// there is not exactly one.
func One[T any](res *Result) (T, error) {
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

// First reads the first row of res and closes res; ErrNoRows if there is none.
func First[T any](res *Result) (T, error) {
	defer res.Close()
	var v T
	if !res.Next() {
		return v, res.noRow()
	}
	err := scanRow(res, &rowScanner{}, &v)
	return v, err
}

// Scalar reads the first row's first column and closes res; ErrNoRows if none.
func Scalar[T any](res *Result) (T, error) {
	defer res.Close()
	var v T
	if !res.Next() {
		return v, res.noRow()
	}
	err := scanFirstColumn(res, &v)
	return v, err
}

// Scalars reads the first column of the remaining rows and closes res.
func Scalars[T any](res *Result) ([]T, error) {
	defer res.Close()
	if !res.ReturnsRows() {
		return nil, errNoRowsToRead("Scalars")
	}
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

// scanAny reads the first column of the current row as Row reads it: text that the
// driver gives as bytes becomes a string.
func scanAny(res *Result, dest *any) error {
	row, err := res.Row()
	if err != nil {
		return err
	}
	if len(row.vals) == 0 {
		return fmt.Errorf("alchemy: a row without columns")
	}
	*dest = row.vals[0]
	return nil
}

func scanFirstColumn(res *Result, dest any) error {
	if d, ok := dest.(*any); ok {
		return scanAny(res, d)
	}
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
	switch d := any(dest).(type) {
	case *Row:
		row, err := res.Row()
		*d = row
		return err
	case *map[string]any:
		row, err := res.Row()
		if err == nil {
			*d = row.asMap()
		}
		return err
	case *any:
		if n := len(res.Columns()); n != 1 {
			return fmt.Errorf("alchemy: cannot scan %d columns into any: read them into a struct, a Row or a map[string]any", n)
		}
		return scanAny(res, d)
	}
	rv := reflect.ValueOf(dest).Elem()
	if t := rv.Type(); t.Kind() == reflect.Pointer && isStructTarget(t.Elem()) {
		rv.Set(reflect.New(t.Elem())) // All[*User]: a new User per row
		rv = rv.Elem()
	}
	if !sc.ready {
		cols := res.Columns()
		sc.fields = isStructTarget(rv.Type())
		if !sc.fields && len(cols) != 1 {
			return fmt.Errorf("alchemy: cannot scan %d columns into %s: read them into a struct, a Row or a map[string]any", len(cols), rv.Type())
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

// errNoRowsToRead is the error of a reader of all rows given a Result of a statement
// that returns none (an UPDATE, an executemany): an empty slice would hide it.
func errNoRowsToRead(reader string) error {
	return fmt.Errorf("%w: %s of a statement that returns no rows", ErrNotAvailable, reader)
}
