package orm

import (
	"encoding/json"
	"fmt"
	"reflect"
	"runtime"
)

// Many is a collection of related objects: the field type of a one-to-many or a
// many-to-many relationship (Posts orm.Many[Post]). It knows whether it was
// loaded: reading one that no loader filled (Items) is an error, ErrNotLoaded,
// never an empty list that looks like "no posts". That is SQLAlchemy's
// raise-on-lazy, the default here since Go has no attribute access to hook a
// lazy load on: load collections with a query's SelectIn or Joined option.
//
// A Many of an object the session adds becomes an empty, known collection when
// nothing set it. Set, Append and Remove change it; the session's flush writes
// the change (foreign keys, rows of an association table, orphans).
type Many[T any] struct {
	items  []*T
	loaded bool
}

// Items returns the related objects, or ErrNotLoaded when nothing loaded them
// (objects appended to a collection not loaded are not all of it).
func (m *Many[T]) Items() ([]*T, error) {
	if !m.loaded {
		return nil, ErrNotLoaded
	}
	return m.items, nil
}

// Loaded reports whether the collection was loaded or set.
func (m *Many[T]) Loaded() bool { return m.loaded }

// Set replaces the collection: the objects no longer in it are removed from it
// (orphans, with a delete-orphan cascade), the new ones added.
func (m *Many[T]) Set(items ...*T) {
	m.items = append([]*T(nil), items...)
	m.loaded = true
}

// Append adds objects to the collection. On a collection not loaded it records
// the additions alone, as SQLAlchemy's write-only collections do: the flush
// writes them, and Items still says ErrNotLoaded.
func (m *Many[T]) Append(items ...*T) { m.items = append(m.items, items...) }

// Remove takes obj out of the collection; it reports whether obj was in it.
func (m *Many[T]) Remove(obj *T) bool {
	for i, it := range m.items {
		if it == obj {
			m.items = append(m.items[:i:i], m.items[i+1:]...)
			return true
		}
	}
	return false
}

// MarshalJSON writes the items, or null for a collection not loaded. Objects
// whose relationships were loaded both ways (a user's posts, each post's
// author) form a cycle: marshalling one is an error, as for any cycle of
// pointers, once it is 100 levels deep.
func (m Many[T]) MarshalJSON() ([]byte, error) {
	if !m.loaded {
		return []byte("null"), nil
	}
	if m.items == nil {
		return []byte("[]"), nil
	}
	if err := tooDeep(); err != nil {
		return nil, err
	}
	return json.Marshal(m.items)
}

// IsZero reports whether the collection was never loaded, so that a field
// tagged `json:",omitzero"` leaves out what nothing loaded.
func (m Many[T]) IsZero() bool { return !m.loaded }

// One is a single related object: the field type of a many-to-one or one-to-one
// relationship (Author orm.One[User]). Like Many, reading one that was never
// loaded or set is ErrNotLoaded; a loaded one may hold nil (no related row).
type One[T any] struct {
	obj    *T
	loaded bool
}

// Get returns the related object (nil for none), or ErrNotLoaded.
func (o *One[T]) Get() (*T, error) {
	if !o.loaded {
		return nil, ErrNotLoaded
	}
	return o.obj, nil
}

// Loaded reports whether the object was loaded or set.
func (o *One[T]) Loaded() bool { return o.loaded }

// Set relates obj (nil: none); the flush writes the foreign key.
func (o *One[T]) Set(obj *T) { o.obj, o.loaded = obj, true }

// MarshalJSON writes the object, or null for none or not loaded (Many's
// MarshalJSON says what a cycle does).
func (o One[T]) MarshalJSON() ([]byte, error) {
	if o.obj == nil {
		return []byte("null"), nil
	}
	if err := tooDeep(); err != nil {
		return nil, err
	}
	return json.Marshal(o.obj)
}

// IsZero reports whether the object was never loaded or set (`json:",omitzero"`).
func (o One[T]) IsZero() bool { return !o.loaded }

// tooDeep fails once marshalling nests relationships about 100 levels deep:
// each Many and One starts a json.Marshal of its own, which encoding/json's own
// cycle check does not see across, so a cycle would otherwise overflow the
// stack. The stack is deep enough only if frames remain past the first 3000.
func tooDeep() error {
	var pc [1]uintptr
	if runtime.Callers(3000, pc[:]) > 0 {
		return errMarshalCycle
	}
	return nil
}

var errMarshalCycle = fmt.Errorf("orm: relationships nested too deep to marshal: a cycle of loaded relationships (a user's posts, each post's author); marshal one direction")

// related is what the mapper sees of a Many or One field, through reflection on
// its address.
type related interface {
	relMarkLoaded()
	relElem() reflect.Type
	relMany() bool
	relGet() []reflect.Value // the related objects' pointers; nil for none
	relLoaded() bool
	relSet(objs []reflect.Value)
}

func (m *Many[T]) relMarkLoaded()        { m.loaded = true }
func (m *Many[T]) relElem() reflect.Type { return reflect.TypeFor[T]() }
func (m *Many[T]) relMany() bool         { return true }
func (m *Many[T]) relLoaded() bool       { return m.loaded }
func (m *Many[T]) relGet() []reflect.Value {
	if len(m.items) == 0 {
		return nil
	}
	out := make([]reflect.Value, 0, len(m.items))
	for _, it := range m.items {
		if it != nil {
			out = append(out, reflect.ValueOf(it))
		}
	}
	return out
}
func (m *Many[T]) relSet(objs []reflect.Value) {
	items := make([]*T, len(objs))
	for i, o := range objs {
		items[i] = o.Interface().(*T)
	}
	m.items, m.loaded = items, true
}

func (o *One[T]) relMarkLoaded()        { o.loaded = true }
func (o *One[T]) relElem() reflect.Type { return reflect.TypeFor[T]() }
func (o *One[T]) relMany() bool         { return false }
func (o *One[T]) relLoaded() bool       { return o.loaded }
func (o *One[T]) relGet() []reflect.Value {
	if o.obj == nil {
		return nil
	}
	return []reflect.Value{reflect.ValueOf(o.obj)}
}
func (o *One[T]) relSet(objs []reflect.Value) {
	o.obj, o.loaded = nil, true
	if len(objs) > 0 {
		o.obj = objs[0].Interface().(*T)
	}
}

var relatedType = reflect.TypeFor[related]()

// relatedField reports whether a struct field of type t is a Many or One.
func relatedField(t reflect.Type) bool { return reflect.PointerTo(t).Implements(relatedType) }

// relAt returns the Many or One at field path of the object obj points to.
func relAt(obj reflect.Value, index []int) related {
	return obj.Elem().FieldByIndex(index).Addr().Interface().(related)
}

func (m *Many[T]) String() string {
	if !m.loaded {
		return "Many[not loaded]"
	}
	return fmt.Sprintf("Many%v", m.items)
}
