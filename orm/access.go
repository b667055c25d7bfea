package orm

import (
	"database/sql"
	"reflect"
	"time"
	"unsafe"
)

// The loader's hot path reads rows into objects without reflection on each
// row: typeOps, made by Map[T] where T is known, allocate, copy and point at
// whole objects; a column's target and clone reach its field by offset.

// typeOps are the operations on a mapped struct type T.
type typeOps struct {
	makeRun func(n int) (unsafe.Pointer, uintptr) // n zero Ts in a row, and the size of one
	ptr     func(p unsafe.Pointer) any            // p as a *T
	copy    func(dst, src unsafe.Pointer)         // *dst = *src
	zero    func(p unsafe.Pointer)                // *p = T{}
}

func typeOpsFor[T any]() typeOps {
	return typeOps{
		makeRun: func(n int) (unsafe.Pointer, uintptr) {
			s := make([]T, n)
			return unsafe.Pointer(&s[0]), unsafe.Sizeof(s[0])
		},
		ptr:  func(p unsafe.Pointer) any { return (*T)(p) },
		copy: func(dst, src unsafe.Pointer) { *(*T)(dst) = *(*T)(src) },
		zero: func(p unsafe.Pointer) { var z T; *(*T)(p) = z },
	}
}

// targetFor returns how to make a scan target of a field of type t at p: a
// typed pointer for the common types, reflect for the rest. typed reports the
// former: a type whose Scan (database/sql's own) writes fresh values and keeps
// no buffer, so that a row may be scanned into one scratch object and copied
// out.
func targetFor(t reflect.Type) (target func(p unsafe.Pointer) any, typed bool) {
	if f := typedTargetFor(t); f != nil {
		return f, true
	}
	return func(p unsafe.Pointer) any { return reflect.NewAt(t, p).Interface() }, false
}

// typedTargetFor is targetFor's typed pointers; nil for another type.
func typedTargetFor(t reflect.Type) func(p unsafe.Pointer) any {
	switch t {
	case reflect.TypeFor[int64]():
		return func(p unsafe.Pointer) any { return (*int64)(p) }
	case reflect.TypeFor[int32]():
		return func(p unsafe.Pointer) any { return (*int32)(p) }
	case reflect.TypeFor[int]():
		return func(p unsafe.Pointer) any { return (*int)(p) }
	case reflect.TypeFor[int16]():
		return func(p unsafe.Pointer) any { return (*int16)(p) }
	case reflect.TypeFor[uint64]():
		return func(p unsafe.Pointer) any { return (*uint64)(p) }
	case reflect.TypeFor[float64]():
		return func(p unsafe.Pointer) any { return (*float64)(p) }
	case reflect.TypeFor[float32]():
		return func(p unsafe.Pointer) any { return (*float32)(p) }
	case reflect.TypeFor[bool]():
		return func(p unsafe.Pointer) any { return (*bool)(p) }
	case reflect.TypeFor[string]():
		return func(p unsafe.Pointer) any { return (*string)(p) }
	case reflect.TypeFor[[]byte]():
		return func(p unsafe.Pointer) any { return (*[]byte)(p) }
	case reflect.TypeFor[time.Time]():
		return func(p unsafe.Pointer) any { return (*time.Time)(p) }
	case reflect.TypeFor[*int64]():
		return func(p unsafe.Pointer) any { return (**int64)(p) }
	case reflect.TypeFor[*int32]():
		return func(p unsafe.Pointer) any { return (**int32)(p) }
	case reflect.TypeFor[*int]():
		return func(p unsafe.Pointer) any { return (**int)(p) }
	case reflect.TypeFor[*float64]():
		return func(p unsafe.Pointer) any { return (**float64)(p) }
	case reflect.TypeFor[*bool]():
		return func(p unsafe.Pointer) any { return (**bool)(p) }
	case reflect.TypeFor[*string]():
		return func(p unsafe.Pointer) any { return (**string)(p) }
	case reflect.TypeFor[*time.Time]():
		return func(p unsafe.Pointer) any { return (**time.Time)(p) }
	case reflect.TypeFor[sql.NullString]():
		return func(p unsafe.Pointer) any { return (*sql.NullString)(p) }
	case reflect.TypeFor[sql.NullInt64]():
		return func(p unsafe.Pointer) any { return (*sql.NullInt64)(p) }
	case reflect.TypeFor[sql.NullFloat64]():
		return func(p unsafe.Pointer) any { return (*sql.NullFloat64)(p) }
	case reflect.TypeFor[sql.NullBool]():
		return func(p unsafe.Pointer) any { return (*sql.NullBool)(p) }
	case reflect.TypeFor[sql.NullTime]():
		return func(p unsafe.Pointer) any { return (*sql.NullTime)(p) }
	}
	return nil
}

// clonerFor returns a maker of cloneAt functions for t that allocate the
// copies of pointer targets in runs (one allocation per 256 rows of a load):
// each loader makes its own. For other types it hands out cloneAt itself.
func clonerFor(t reflect.Type, cloneAt func(p unsafe.Pointer)) func() func(p unsafe.Pointer) {
	switch t {
	case reflect.TypeFor[*string]():
		return runCloner[string]
	case reflect.TypeFor[*int64]():
		return runCloner[int64]
	case reflect.TypeFor[*time.Time]():
		return runCloner[time.Time]
	case reflect.TypeFor[*float64]():
		return runCloner[float64]
	}
	return func() func(p unsafe.Pointer) { return cloneAt }
}

func runCloner[E any]() func(p unsafe.Pointer) {
	var run []E
	return func(p unsafe.Pointer) {
		v := *(**E)(p)
		if v == nil {
			return
		}
		if len(run) == 0 {
			run = make([]E, 256)
		}
		c := &run[0]
		run = run[1:]
		*c = *v
		*(**E)(p) = c
	}
}

// cloneAtFor returns how to make the field of type t at p (in a snapshot) share
// no memory with the object it was copied from, for the types whose compare
// has a clone; nil for the rest.
func cloneAtFor(t reflect.Type, clone func(reflect.Value) reflect.Value) func(p unsafe.Pointer) {
	if clone == nil {
		return nil
	}
	switch t {
	case reflect.TypeFor[*string]():
		return clonePtr[string]
	case reflect.TypeFor[*int64]():
		return clonePtr[int64]
	case reflect.TypeFor[*int32]():
		return clonePtr[int32]
	case reflect.TypeFor[*int]():
		return clonePtr[int]
	case reflect.TypeFor[*float64]():
		return clonePtr[float64]
	case reflect.TypeFor[*bool]():
		return clonePtr[bool]
	case reflect.TypeFor[*time.Time]():
		return clonePtr[time.Time]
	case reflect.TypeFor[[]byte]():
		return func(p unsafe.Pointer) {
			if b := *(*[]byte)(p); b != nil {
				*(*[]byte)(p) = append([]byte{}, b...)
			}
		}
	}
	return func(p unsafe.Pointer) {
		f := reflect.NewAt(t, p).Elem()
		f.Set(clone(f))
	}
}

func clonePtr[E any](p unsafe.Pointer) {
	if v := *(**E)(p); v != nil {
		c := *v
		*(**E)(p) = &c
	}
}

// intKeyFor returns how to read an integer primary key field of type t at p.
func intKeyFor(t reflect.Type) func(p unsafe.Pointer) int64 {
	switch t.Kind() {
	case reflect.Int64:
		return func(p unsafe.Pointer) int64 { return *(*int64)(p) }
	case reflect.Int32:
		return func(p unsafe.Pointer) int64 { return int64(*(*int32)(p)) }
	case reflect.Int:
		return func(p unsafe.Pointer) int64 { return int64(*(*int)(p)) }
	case reflect.Int16:
		return func(p unsafe.Pointer) int64 { return int64(*(*int16)(p)) }
	case reflect.Int8:
		return func(p unsafe.Pointer) int64 { return int64(*(*int8)(p)) }
	case reflect.Uint64:
		return func(p unsafe.Pointer) int64 { return int64(*(*uint64)(p)) }
	case reflect.Uint32:
		return func(p unsafe.Pointer) int64 { return int64(*(*uint32)(p)) }
	case reflect.Uint:
		return func(p unsafe.Pointer) int64 { return int64(*(*uint)(p)) }
	case reflect.Uint16:
		return func(p unsafe.Pointer) int64 { return int64(*(*uint16)(p)) }
	case reflect.Uint8:
		return func(p unsafe.Pointer) int64 { return int64(*(*uint8)(p)) }
	}
	return nil
}

// valueAtFor returns how to read the field of type ft at p as the statement
// value of a column whose Go type is col: the common cases without reflection,
// the rest through bind.
func valueAtFor(ft, col reflect.Type, bind func(reflect.Value) any) func(p unsafe.Pointer) any {
	if ft == col {
		switch ft {
		case reflect.TypeFor[int64]():
			return func(p unsafe.Pointer) any { return *(*int64)(p) }
		case reflect.TypeFor[string]():
			return func(p unsafe.Pointer) any { return *(*string)(p) }
		case reflect.TypeFor[float64]():
			return func(p unsafe.Pointer) any { return *(*float64)(p) }
		case reflect.TypeFor[bool]():
			return func(p unsafe.Pointer) any { return *(*bool)(p) }
		case reflect.TypeFor[time.Time]():
			return func(p unsafe.Pointer) any { return *(*time.Time)(p) }
		}
	}
	if ft.Kind() == reflect.Pointer && ft.Elem() == col {
		switch ft {
		case reflect.TypeFor[*string]():
			return derefAt[string]
		case reflect.TypeFor[*int64]():
			return derefAt[int64]
		case reflect.TypeFor[*float64]():
			return derefAt[float64]
		case reflect.TypeFor[*bool]():
			return derefAt[bool]
		case reflect.TypeFor[*time.Time]():
			return derefAt[time.Time]
		}
	}
	return func(p unsafe.Pointer) any { return bind(reflect.NewAt(ft, p).Elem()) }
}

func derefAt[E any](p unsafe.Pointer) any {
	if v := *(**E)(p); v != nil {
		return *v
	}
	return nil
}
