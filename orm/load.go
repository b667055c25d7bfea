package orm

import (
	"reflect"
	"unsafe"

	"github.com/go-alchemy/alchemy"
)

// loader reads rows of one mapper's columns into objects, through the
// session's identity map.
type loader struct {
	u        *unitOfWork
	m        *mapper
	targets  []any
	slab     reflect.Value // objects are allocated in runs, not one by one
	used     int
	snaps    reflect.Value // so are their snapshots
	nsnaps   int
	states   []state // and their states
	stateRun int     // the size of the last run of states
	// unique is set for a query whose rows cannot meet an object of the session:
	// the session had none, and no join repeats a row. Its new states wait
	// until commit puts them in the identity map all at once.
	unique  bool
	waiting []*state
	// last is the state of the object the last row gave.
	last *state
}

// commit puts the states a unique load made into the identity map, sized for
// them at once.
func (l *loader) commit() {
	if len(l.waiting) == 0 {
		return
	}
	l.u.identity.grow(len(l.waiting))
	for _, st := range l.waiting {
		l.u.identity.put(st.key, st)
	}
	l.waiting = l.waiting[:0]
}

func newLoader(u *unitOfWork, m *mapper) *loader {
	return &loader{u: u, m: m, targets: make([]any, len(m.cols))}
}

// fresh returns a pointer to a new zero object.
func (l *loader) fresh() reflect.Value {
	if !l.slab.IsValid() || l.used == l.slab.Len() {
		n := 8
		if l.slab.IsValid() {
			n = min(2*l.slab.Len(), 256)
		}
		l.slab = reflect.MakeSlice(reflect.SliceOf(l.m.typ), n, n)
		l.used = 0
	}
	v := l.slab.Index(l.used).Addr()
	l.used++
	return v
}

// scanInto points the scan targets at obj's mapped fields, the first n columns of
// the row being the mapper's.
func (l *loader) scanInto(obj reflect.Value) []any {
	base := obj.UnsafePointer()
	for i, c := range l.m.cols {
		l.targets[i] = reflect.NewAt(c.ftype, unsafe.Add(base, c.offset)).Interface()
	}
	return l.targets
}

// row reads the current row of res (its first len(m.cols) columns are the
// mapper's, extra holds the targets of the rest) and returns the session's
// object for it: the one already in the identity map, or a new one. An object
// already loaded keeps its values, unless it is expired (its fields take the
// row's, but for those changed since its snapshot) or overwrite is set (all its
// fields take the row's).
func (l *loader) row(res *alchemy.Result, overwrite bool, extra ...any) (reflect.Value, error) {
	obj := l.fresh()
	targets := l.scanInto(obj)
	if len(extra) > 0 {
		targets = append(targets[:len(targets):len(targets)], extra...)
	}
	if err := res.Scan(targets...); err != nil {
		l.used-- // reuse the slot
		return reflect.Value{}, err
	}
	return l.adopt(obj, overwrite), nil
}

// adopt returns the session's object for the row just read into obj (a slot of
// fresh): obj itself, now persistent, or the object the identity map has for
// its key, refreshed from obj when expired or overwrite is set.
func (l *loader) adopt(obj reflect.Value, overwrite bool) reflect.Value {
	m := l.m
	k, _ := m.keyOf(obj)
	if !l.unique {
		if st := l.u.identity.get(k); st != nil {
			if st.expired || overwrite {
				l.refresh(st, obj, overwrite)
			}
			// The slot's values go with the next row.
			obj.Elem().SetZero()
			l.used--
			l.last = st
			return st.obj
		}
	}
	if len(l.states) == 0 {
		l.stateRun = min(max(2*l.stateRun, 8), 256)
		l.states = make([]state, l.stateRun)
	}
	st := &l.states[0]
	l.states = l.states[1:]
	*st = state{m: m, obj: obj, key: k, status: persistent, snap: l.snapshot(obj)}
	if l.unique {
		l.waiting = append(l.waiting, st)
	} else {
		l.u.identity.put(k, st)
	}
	l.last = st
	return obj
}

// snapshot is mapper.takeSnapshot, its copies allocated in runs.
func (l *loader) snapshot(obj reflect.Value) reflect.Value {
	if !l.snaps.IsValid() || l.nsnaps == l.snaps.Len() {
		n := 8
		if l.snaps.IsValid() {
			n = min(2*l.snaps.Len(), 256)
		}
		l.snaps = reflect.MakeSlice(reflect.SliceOf(l.m.typ), n, n)
		l.nsnaps = 0
	}
	snap := l.snaps.Index(l.nsnaps)
	l.nsnaps++
	snap.Set(obj.Elem())
	for _, c := range l.m.cloned {
		f := snap.FieldByIndex(c.index)
		f.Set(c.cmp.clone(f))
	}
	return snap
}

// refresh takes the values of fresh (a row just read) into st's object: every
// mapped field (all, or those not changed since the snapshot), and the
// snapshot itself.
func (l *loader) refresh(st *state, fresh reflect.Value, all bool) {
	m := st.m
	obj, row := st.obj.Elem(), fresh.Elem()
	for _, c := range m.cols {
		f := obj.FieldByIndex(c.index)
		if all || !st.snap.IsValid() || c.cmp.equal(f, st.snap.FieldByIndex(c.index)) {
			f.Set(row.FieldByIndex(c.index))
		}
	}
	st.snap = m.takeSnapshot(fresh)
	st.expired = false
}
