package orm

import (
	"fmt"
	"reflect"
	"slices"
	"unsafe"
)

// unitOfWork is a session's objects: its identity map, the objects added and
// deleted since the last flush, and what the current transaction changed (so
// that a rollback can undo it in memory too).
type unitOfWork struct {
	s        *Session
	identity identityMap
	news     []*state                  // pending, in the order added
	newSet   map[unsafe.Pointer]*state // pending, by object address (stateOf checks the mapper)
	deleted  []*state                  // marked for deletion
	// touched holds, per object this transaction's flushes wrote, its struct as
	// the database had it before (for an inserted object, before its INSERT).
	touched  map[*state]reflect.Value
	inserted []*state // inserted by this transaction's flushes
	removed  []*state // deleted by this transaction's flushes
	stateRun []state  // states allocated ahead for a large Add
}

func (u *unitOfWork) init(s *Session) {
	u.s = s
	u.identity = newIdentityMap()
	u.newSet = map[unsafe.Pointer]*state{}
	u.touched = map[*state]reflect.Value{}
}

// stateOf returns the session's state of the object v points to, if it has one.
func (u *unitOfWork) stateOf(m *mapper, v reflect.Value) *state {
	if st := u.newSet[v.UnsafePointer()]; st != nil && st.m == m {
		return st
	}
	k, ok := m.keyOf(v)
	if !ok {
		return nil
	}
	if st := u.identity.get(k); st != nil && st.obj.Pointer() == v.Pointer() {
		return st
	}
	return nil
}

// add makes v pending, unless the session has it already.
func (u *unitOfWork) add(m *mapper, v reflect.Value) (*state, error) {
	if st := u.newSet[v.UnsafePointer()]; st != nil && st.m == m {
		return st, nil
	}
	if k, ok := m.keyOf(v); ok {
		if other := u.identity.get(k); other != nil {
			if other.obj.Pointer() == v.Pointer() {
				return other, nil
			}
			return nil, fmt.Errorf("%w: a %s with primary key %s is already in the session as another object (Merge copies one onto the other)", ErrIdentityConflict, m, describeKey(m, v))
		}
	}
	var st *state
	if len(u.stateRun) > 0 {
		st, u.stateRun = &u.stateRun[0], u.stateRun[1:]
	} else {
		st = new(state)
	}
	*st = state{m: m, obj: v, status: pending}
	for _, r := range m.rels { // a new row has no related rows but those given: its collections are known
		if r.many {
			relAt(v, r.index).relMarkLoaded()
		}
	}
	u.news = append(u.news, st)
	u.newSet[v.UnsafePointer()] = st
	return st, nil
}

// expect makes room for n more new objects.
func (u *unitOfWork) expect(n int) {
	if n < 64 {
		return
	}
	if len(u.newSet) == 0 {
		u.newSet = make(map[unsafe.Pointer]*state, n)
	}
	u.news = slices.Grow(u.news, n)
	u.stateRun = make([]state, n)
}

// touch records st's pre-image before this transaction's first write of it.
func (u *unitOfWork) touch(st *state) {
	if _, ok := u.touched[st]; ok {
		return
	}
	if st.status == pending {
		u.touched[st] = st.m.takeSnapshot(st.obj)
	} else {
		u.touched[st] = st.snap
	}
}

// afterCommit forgets the transaction's pre-images and expires the objects.
func (u *unitOfWork) afterCommit(expire bool) {
	clear(u.touched)
	u.inserted, u.removed = u.inserted[:0], u.removed[:0]
	if expire {
		for _, st := range u.identity.all() {
			st.expired = true
		}
	}
}

// afterRollback puts the objects back as the database has them after the
// rollback: pending and inserted objects leave the session (their fields as
// before the INSERT), deleted ones come back, every persistent object has its
// mapped fields set back from its snapshot, is expired, and has its
// relationships unloaded.
func (u *unitOfWork) afterRollback() {
	if u.s == nil {
		return
	}
	for _, st := range u.inserted {
		if pre, ok := u.touched[st]; ok {
			st.m.restore(st.obj, pre)
		} else {
			for _, c := range st.filled { // what the INSERT filled in was zero before it
				c.fieldOf(st.obj).SetZero()
			}
		}
		if cur := u.identity.get(st.key); cur == st {
			u.identity.del(st.key)
		}
		delete(u.touched, st)
	}
	for _, st := range u.news {
		if pre, ok := u.touched[st]; ok {
			st.m.restore(st.obj, pre)
			delete(u.touched, st)
		}
	}
	clear(u.newSet)
	u.news = nil
	for _, st := range u.removed {
		st.status = persistent
		u.identity.put(st.key, st)
	}
	for _, st := range u.deleted {
		st.status = persistent
	}
	u.deleted = nil
	for st, pre := range u.touched {
		if st.status == persistent {
			st.snap = pre
			if k, ok := st.m.keyOf(reflect.ValueOf(pre.Addr().Interface())); ok && k != st.key {
				u.identity.del(st.key)
				st.key = k
				u.identity.put(k, st)
			}
		}
	}
	for _, st := range u.identity.all() {
		if st.snap.IsValid() {
			st.m.restore(st.obj, st.snap)
		}
		st.expired = true
		st.rels = nil
		for _, r := range st.m.rels {
			rv := st.obj.Elem().FieldByIndex(r.index)
			rv.Set(reflect.Zero(rv.Type()))
		}
	}
	clear(u.touched)
	u.inserted, u.removed = nil, nil
}

// describeKey writes v's primary key for an error: id=5, or (a=1, b=2).
func describeKey(m *mapper, v reflect.Value) string {
	out := ""
	for i, c := range m.pk {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%s=%v", c.name, c.fieldOf(v).Interface())
	}
	if len(m.pk) > 1 {
		out = "(" + out + ")"
	}
	return out
}
