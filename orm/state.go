package orm

import (
	"fmt"
	"iter"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// identityKey names a row: its mapper and its primary key. A single integer key
// is kept in i, a single string key in s; other keys are encoded into s.
type identityKey struct {
	m *mapper
	i int64
	s string
}

// keyOf returns obj's identity, and whether it has one: an autoincrementing key
// that is still zero has none yet.
func (m *mapper) keyOf(obj reflect.Value) (identityKey, bool) {
	if m.intKeyAt != nil {
		return m.keyAt(obj.UnsafePointer())
	}
	v := obj.Elem()
	if len(m.pk) == 1 && v.FieldByIndex(m.pk[0].index).Kind() == reflect.String {
		return identityKey{m: m, s: v.FieldByIndex(m.pk[0].index).String()}, true
	}
	var b strings.Builder
	for _, c := range m.pk {
		writeKeyPart(&b, v.FieldByIndex(c.index))
	}
	return identityKey{m: m, s: b.String()}, true
}

// keyAt is keyOf of the object at p; a single integer key is read in place.
func (m *mapper) keyAt(p unsafe.Pointer) (identityKey, bool) {
	if m.intKeyAt == nil {
		return m.keyOf(m.value(p))
	}
	i := m.intKeyAt(p)
	return identityKey{m: m, i: i}, !(m.auto != nil && i == 0)
}

// keyFromValues returns the identity of the primary key values vals, converted to
// the fields' types (Get(ctx, &u, 5) finds the row an int64 field holds).
func (m *mapper) keyFromValues(vals []any) (identityKey, reflect.Value, error) {
	if len(vals) != len(m.pk) {
		return identityKey{}, reflect.Value{}, fmt.Errorf("orm: %s has a primary key of %d column(s); %d value(s) given", m, len(m.pk), len(vals))
	}
	probe := reflect.New(m.typ)
	for i, c := range m.pk {
		v := reflect.ValueOf(vals[i])
		if !v.IsValid() {
			return identityKey{}, reflect.Value{}, fmt.Errorf("orm: a nil primary key value for %s.%s", m, c.field)
		}
		if !v.Type().ConvertibleTo(c.ftype) || (v.Kind() == reflect.String) != (c.ftype.Kind() == reflect.String) {
			return identityKey{}, reflect.Value{}, fmt.Errorf("orm: primary key value %v (%T) does not fit %s.%s (%s)", vals[i], vals[i], m, c.field, c.ftype)
		}
		c.fieldOf(probe).Set(v.Convert(c.ftype))
	}
	k, _ := m.keyOf(probe)
	return k, probe, nil
}

func writeKeyPart(b *strings.Builder, f reflect.Value) {
	switch f.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(f.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		b.WriteString(strconv.FormatUint(f.Uint(), 10))
	case reflect.String:
		b.WriteString(strconv.Quote(f.String()))
	default:
		if t, ok := f.Interface().(time.Time); ok {
			b.WriteString(t.UTC().Format(time.RFC3339Nano))
		} else {
			fmt.Fprintf(b, "%#v", f.Interface())
		}
	}
	b.WriteByte(0)
}

// status is where an object stands in its session.
type status uint8

const (
	pending    status = iota // added, not inserted yet
	persistent               // has a row, in the identity map
	deleted                  // persistent, to be deleted at the next flush
)

// state is what a session knows of one object.
type state struct {
	m      *mapper
	obj    reflect.Value // the *T
	key    identityKey
	status status
	// snap is the struct as the database has it (invalid while pending).
	snap reflect.Value
	// expired: the next query returning the row overwrites the object, and Get
	// queries instead of trusting the identity map.
	expired bool
	// filled are the columns a flush's INSERT filled in (generated key, defaults,
	// version), zero before it: what a rollback sets back to zero.
	filled []*colMap
	// rels holds, per relationship that was loaded, the related objects as loaded
	// or last flushed: what orphans and association rows are found against.
	rels map[*relationship][]reflect.Value
}

// relSnapshot records the current related objects of each loaded relationship.
func (st *state) relSnapshot() {
	for _, r := range st.m.rels {
		rel := relAt(st.obj, r.index)
		if rel.relLoaded() {
			if st.rels == nil {
				st.rels = map[*relationship][]reflect.Value{}
			}
			st.rels[r] = rel.relGet()
		}
	}
}

// identityMap is a session's identity map: one state per row. Rows of a single
// integer key are kept per mapper by the integer, the map the runtime hashes
// fastest; others by their identityKey.
type identityMap struct {
	ints map[*mapper]map[int64]*state
	strs map[identityKey]*state
}

func newIdentityMap() identityMap {
	return identityMap{ints: map[*mapper]map[int64]*state{}, strs: map[identityKey]*state{}}
}

func (im identityMap) get(k identityKey) *state {
	if k.m.intKey {
		return im.ints[k.m][k.i]
	}
	return im.strs[k]
}

func (im identityMap) put(k identityKey, st *state) {
	if !k.m.intKey {
		im.strs[k] = st
		return
	}
	byKey := im.ints[k.m]
	if byKey == nil {
		byKey = map[int64]*state{}
		im.ints[k.m] = byKey
	}
	byKey[k.i] = st
}

func (im identityMap) del(k identityKey) {
	if k.m.intKey {
		delete(im.ints[k.m], k.i)
	} else {
		delete(im.strs, k)
	}
}

func (im identityMap) len() int {
	n := len(im.strs)
	for _, byKey := range im.ints {
		n += len(byKey)
	}
	return n
}

// grow makes room for n more states of m, when the session has none of them.
func (im identityMap) grow(m *mapper, n int) {
	if n >= 64 && m.intKey && len(im.ints[m]) == 0 {
		im.ints[m] = make(map[int64]*state, n)
	}
}

// all yields every state (in no order).
func (im identityMap) all() iter.Seq2[identityKey, *state] {
	return func(yield func(identityKey, *state) bool) {
		for _, byKey := range im.ints {
			for _, st := range byKey {
				if !yield(st.key, st) {
					return
				}
			}
		}
		for _, st := range im.strs {
			if !yield(st.key, st) {
				return
			}
		}
	}
}
