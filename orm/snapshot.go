package orm

import (
	"bytes"
	"reflect"
	"time"
	"unsafe"
)

// A snapshot is a copy of an object's struct as the database last had it (at
// load or flush). A flush compares each mapped field with it: an UPDATE writes
// exactly the columns whose fields changed, a zero value included.

// fieldCompare compares and copies one field type for snapshots.
type fieldCompare struct {
	equal func(a, b reflect.Value) bool
	// clone, when set, replaces the snapshot's shallow copy of a field with one
	// that shares no memory the object could change in place (a byte slice, the
	// target of a pointer).
	clone func(v reflect.Value) reflect.Value
}

var timeType = reflect.TypeFor[time.Time]()

func compareFor(t reflect.Type) fieldCompare {
	switch {
	case t == timeType:
		return fieldCompare{equal: func(a, b reflect.Value) bool {
			return a.Interface().(time.Time).Equal(b.Interface().(time.Time))
		}}
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return fieldCompare{
			equal: func(a, b reflect.Value) bool {
				return a.IsNil() == b.IsNil() && bytes.Equal(a.Bytes(), b.Bytes())
			},
			clone: func(v reflect.Value) reflect.Value {
				if v.IsNil() {
					return v
				}
				c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
				reflect.Copy(c, v)
				return c
			},
		}
	case t.Kind() == reflect.Pointer:
		elem := compareFor(t.Elem())
		return fieldCompare{
			equal: func(a, b reflect.Value) bool {
				if a.IsNil() || b.IsNil() {
					return a.IsNil() == b.IsNil()
				}
				return elem.equal(a.Elem(), b.Elem())
			},
			clone: func(v reflect.Value) reflect.Value {
				if v.IsNil() {
					return v
				}
				c := reflect.New(t.Elem())
				e := v.Elem()
				if elem.clone != nil {
					e = elem.clone(e)
				}
				c.Elem().Set(e)
				return c
			},
		}
	case t.Comparable() && t.Kind() != reflect.Interface:
		return fieldCompare{equal: func(a, b reflect.Value) bool { return a.Equal(b) }}
	}
	return fieldCompare{
		equal: func(a, b reflect.Value) bool { return reflect.DeepEqual(a.Interface(), b.Interface()) },
		clone: deepCopy,
	}
}

// deepCopy copies slices, maps and pointers all the way down, so that the object
// changing one in place is seen.
func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			c.Index(i).Set(deepCopy(v.Index(i)))
		}
		return c
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		c := reflect.MakeMapWithSize(v.Type(), v.Len())
		it := v.MapRange()
		for it.Next() {
			c.SetMapIndex(it.Key(), deepCopy(it.Value()))
		}
		return c
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		c := reflect.New(v.Type().Elem())
		c.Elem().Set(deepCopy(v.Elem()))
		return c
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		c := reflect.New(v.Type()).Elem()
		c.Set(deepCopy(v.Elem()))
		return c
	case reflect.Struct:
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		for i := range v.NumField() {
			if c.Field(i).CanSet() {
				c.Field(i).Set(deepCopy(v.Field(i)))
			}
		}
		return c
	}
	return v
}

// takeSnapshot copies the mapped fields of obj into a new snapshot.
func (m *mapper) takeSnapshot(obj reflect.Value) reflect.Value {
	dst, _ := m.ops.makeRun(1)
	return m.snapshotAt(dst, obj.UnsafePointer(), nil)
}

// snapshotAt copies the object at src into dst (a zero object), gives the
// copy's pointer, byte-slice and map fields memory of their own (through
// clones, a loader's cloners in runs, or each column's cloneAt when nil), and
// returns it as a snapshot.
func (m *mapper) snapshotAt(dst, src unsafe.Pointer, clones []func(p unsafe.Pointer)) reflect.Value {
	m.ops.copy(dst, src)
	for i, c := range m.cloned {
		if clones != nil {
			clones[i](unsafe.Add(dst, c.offset))
		} else {
			c.cloneAt(unsafe.Add(dst, c.offset))
		}
	}
	return m.value(dst).Elem()
}

// changed returns the mapped columns whose fields differ from the snapshot.
func (m *mapper) changed(obj, snap reflect.Value) []*colMap {
	var out []*colMap
	v := obj.Elem()
	for _, c := range m.cols {
		if !c.cmp.equal(v.FieldByIndex(c.index), snap.FieldByIndex(c.index)) {
			out = append(out, c)
		}
	}
	return out
}

// restore copies the snapshot's mapped fields back into obj.
func (m *mapper) restore(obj, snap reflect.Value) {
	v := obj.Elem()
	for _, c := range m.cols {
		f := snap.FieldByIndex(c.index)
		if c.cmp.clone != nil {
			f = c.cmp.clone(f)
		}
		v.FieldByIndex(c.index).Set(f)
	}
}
