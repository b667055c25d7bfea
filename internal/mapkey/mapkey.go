// Package mapkey tells whether a value can be a map key, for the caches keyed by
// values their callers give (a statement's CacheKey).
package mapkey

import "reflect"

// Usable reports whether v can be a map key (== on it does not panic): not nil,
// of a comparable type, and every interface in it nil or holding such a value.
// It is reflect.Value.Comparable without the allocations of walking a struct's
// fields as StructFields.
func Usable(v any) bool {
	return usable(reflect.ValueOf(v))
}

func usable(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Invalid:
		return false
	case reflect.Interface:
		return v.IsNil() || usable(v.Elem())
	case reflect.Struct:
		if !v.Type().Comparable() {
			return false
		}
		for i := range v.NumField() {
			if !usable(v.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Array:
		if !v.Type().Comparable() {
			return false
		}
		switch v.Type().Elem().Kind() {
		case reflect.Interface, reflect.Struct, reflect.Array:
		default:
			return true // no interface inside
		}
		for i := range v.Len() {
			if !usable(v.Index(i)) {
				return false
			}
		}
		return true
	}
	return v.Type().Comparable()
}
