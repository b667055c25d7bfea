package alchemy

import (
	"context"
	"database/sql/driver"
	"reflect"

	"github.com/go-alchemy/alchemy/internal/dbfields"
)

// Executor runs statements: Engine and Conn (and the Session to come) satisfy it,
// for code that should not care where its statements run.
type Executor interface {
	Execute(ctx context.Context, stmt Executable, args ...any) (*Result, error)
}

var (
	_ Executor = (*Engine)(nil)
	_ Executor = (*Conn)(nil)
)

// paramSets recognises SQLAlchemy's executemany form of Execute's arguments: one
// argument that is a slice of parameter sets ([]Params, []map[string]any, a slice of
// structs or of pointers to structs, or [][]any of positional values), as against
// one value that happens to be a slice (a []int64 for a PostgreSQL array, a []byte).
// A []any counts when every element is itself a parameter set.
func paramSets(args []any) ([]any, bool) {
	if len(args) != 1 {
		return nil, false
	}
	switch a := args[0].(type) {
	case nil, []byte, driver.Valuer:
		return nil, false
	case []Params:
		return each(a), true
	case []map[string]any:
		return each(a), true
	case [][]any:
		return each(a), true
	case []any:
		if len(a) == 0 {
			return nil, false
		}
		for _, set := range a {
			if !isParamSet(set) {
				return nil, false
			}
		}
		return a, true
	}
	v := reflect.ValueOf(args[0])
	if v.Kind() != reflect.Slice {
		return nil, false
	}
	et := v.Type().Elem()
	if et.Kind() == reflect.Pointer {
		et = et.Elem()
	}
	if !isStructTarget(et) || !hasExportedField(et) { // netip.Addr is a value, not a set
		return nil, false
	}
	sets := make([]any, v.Len())
	for i := range sets {
		sets[i] = v.Index(i).Interface()
	}
	return sets, true
}

// setArgs turns one parameter set into Execute's arguments: a []any is positional
// values, anything else the one argument.
func setArgs(set any) []any {
	if pos, ok := set.([]any); ok {
		return pos
	}
	return []any{set}
}

// isParamSet reports whether a is one parameter set of an executemany.
func isParamSet(a any) bool {
	switch a.(type) {
	case Params, map[string]any, []any:
		return true
	}
	_, ok := dbfields.Arg(a)
	return ok
}

// hasExportedField reports whether the struct type t has a field to bind by name.
func hasExportedField(t reflect.Type) bool {
	for i := range t.NumField() {
		if t.Field(i).IsExported() {
			return true
		}
	}
	return false
}

func each[T any](s []T) []any {
	out := make([]any, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}
