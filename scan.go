package alchemy

import (
	"fmt"
	"reflect"

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
	sc := rowScanner[T]{reuse: true}
	defer sc.release()
	for res.Next() {
		var zero T
		out = append(out, zero)
		if err := scanRow(res, &sc, &out[len(out)-1]); err != nil {
			return nil, err
		}
		if sc.buf != nil {
			return sc.readRest(res, out)
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
	if err := scanRow(res, &rowScanner[T]{}, &v); err != nil {
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
	err := scanRow(res, &rowScanner[T]{}, &v)
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

// rowScanner holds what scanning the rows of one Result into T needs, worked out
// at the first row and reused for the others.
type rowScanner[T any] struct {
	ready bool
	// reuse: the rows are many (All), so the fields of a struct that has a fixed
	// place for each (structPlan.inline) are scanned into a scratch struct
	// through targets found once, and copied out of it. release gives the
	// scratch back.
	reuse   bool
	newPtr  bool        // T is a pointer to the struct: a new struct per row
	plan    *structPlan // nil when T is read from one column
	targets []any       // Scan's destinations, found per row (no scratch)
	scratch *scanScratch
	buf     *T // the scratch struct, when T is that struct
}

// scanRow scans the current row into *dest.
func scanRow[T any](res *Result, sc *rowScanner[T], dest *T) error {
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
	if !sc.ready {
		if err := sc.setup(res); err != nil {
			return err
		}
	}
	if sc.plan == nil {
		return res.Scan(dest)
	}
	if sc.buf != nil {
		var zero T
		*sc.buf = zero
		if err := res.Scan(sc.scratch.targets...); err != nil {
			return err
		}
		*dest = *sc.buf
		return nil
	}
	rv := reflect.ValueOf(dest).Elem()
	if sc.newPtr { // All[*User]: a new User per row
		rv.Set(reflect.New(rv.Type().Elem()))
		rv = rv.Elem()
	}
	if sc.scratch != nil {
		sc.scratch.v.SetZero()
		if err := res.Scan(sc.scratch.targets...); err != nil {
			return err
		}
		rv.Set(sc.scratch.v)
		return nil
	}
	sc.plan.targets(rv, sc.targets)
	return res.Scan(sc.targets...)
}

// setup works out how rows are read into T: by the struct plan of the Result's
// columns when T is a struct mapped by fields (or a pointer to one), else from
// its one column.
func (sc *rowScanner[T]) setup(res *Result) error {
	t := reflect.TypeFor[T]()
	tp := plansOf(t)
	if tp == nil && t.Kind() == reflect.Pointer {
		tp = plansOf(t.Elem())
		sc.newPtr = tp != nil
	}
	cols := res.Columns()
	if tp == nil {
		if len(cols) != 1 {
			return fmt.Errorf("alchemy: cannot scan %d columns into %s: read them into a struct, a Row or a map[string]any", len(cols), t)
		}
		sc.ready = true
		return nil
	}
	plan, err := tp.plan(cols)
	if err != nil {
		return err
	}
	sc.plan = plan
	if sc.reuse && plan.inline {
		sc.scratch = plan.scratch()
		if !sc.newPtr {
			sc.buf = sc.scratch.ptr.(*T)
		}
	} else {
		sc.targets = make([]any, len(plan.paths))
	}
	sc.ready = true
	return nil
}

// readRest appends the remaining rows of res to out, read through the scratch
// struct (set up by the first row's scanRow), each taking the Result's turn once
// for Next and Scan.
func (sc *rowScanner[T]) readRest(res *Result, out []T) ([]T, error) {
	for {
		var zero T
		*sc.buf = zero
		ok, err := res.nextScan(sc.scratch.targets)
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, res.Err()
		}
		out = append(out, *sc.buf)
	}
}

// nextScan is Next and, when it finds a row, Scan into dest, under one turn.
func (r *Result) nextScan(dest []any) (bool, error) {
	if r.res != nil { // a statement without rows
		return false, nil
	}
	r.conn.lockWait()
	defer r.conn.unlock()
	if !r.next() {
		return false, nil
	}
	return true, r.scan(dest)
}

// release gives back the scratch struct, if any.
func (sc *rowScanner[T]) release() {
	if sc.scratch != nil {
		sc.plan.putScratch(sc.scratch)
		sc.scratch, sc.buf = nil, nil
	}
}

// isStructTarget reports whether t is a struct to map by fields, as opposed to a
// value a driver scans whole (time.Time, sql.NullString...).
func isStructTarget(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && !dbfields.IsValueType(t)
}

// errNoRowsToRead is the error of a reader of all rows given a Result of a statement
// that returns none (an UPDATE, an executemany): an empty slice would hide it.
func errNoRowsToRead(reader string) error {
	return fmt.Errorf("%w: %s of a statement that returns no rows", ErrNotAvailable, reader)
}
