package orm

import (
	"reflect"
	"unsafe"

	"github.com/go-alchemy/alchemy"
)

// loader reads rows of one mapper's columns into objects, through the
// session's identity map. Objects, snapshots and states are allocated in runs,
// and fields are reached by offset (access.go): per row, nothing goes through
// reflection.
type loader struct {
	u       *unitOfWork
	m       *mapper
	targets []any
	objs    run // the objects
	snaps   run // their snapshots
	states  []state
	// stateRun is the size of the last run of states.
	stateRun int
	// unique is set for a query whose rows cannot meet an object of the session:
	// the session had none, and no join repeats a row. Its new states wait
	// until commit puts them in the identity map all at once.
	unique  bool
	waiting []*state
	// last is the state of the object the last row gave.
	last *state
	// scratch, when the mapper allows it (scratchScan), is the object every row
	// is scanned into, through targets made once, then copied out of.
	scratch unsafe.Pointer
	// clones are the loader's own cloneAt of the mapper's cloned columns.
	clones []func(p unsafe.Pointer)
}

// run is a run of zero objects handed out one at a time. base points into the
// run's array, which keeps it alive; so does each object handed out.
type run struct {
	base       unsafe.Pointer
	size       uintptr
	len, used  int
	lastLength int
}

// next returns the address of the next zero object of the run, making a new run
// (twice as long as the last, up to 256) when this one is used up.
func (r *run) next(ops typeOps) unsafe.Pointer {
	if r.used == r.len {
		n := min(max(2*r.lastLength, 8), 256)
		r.base, r.size = ops.makeRun(n)
		r.len, r.used, r.lastLength = n, 0, n
	}
	p := unsafe.Add(r.base, uintptr(r.used)*r.size)
	r.used++
	return p
}

// commit puts the states a unique load made into the identity map, sized for
// them at once.
func (l *loader) commit() {
	if len(l.waiting) == 0 {
		return
	}
	l.u.identity.grow(l.m, len(l.waiting))
	for _, st := range l.waiting {
		l.u.identity.put(st.key, st)
	}
	l.waiting = l.waiting[:0]
}

func newLoader(u *unitOfWork, m *mapper) *loader {
	l := &loader{u: u, m: m, targets: make([]any, len(m.cols))}
	for _, c := range m.cloned {
		l.clones = append(l.clones, c.cloner())
	}
	if m.scratchScan {
		l.scratch, _ = m.ops.makeRun(1)
		l.scanInto(l.scratch)
	}
	return l
}

// fresh returns the address of a new zero object.
func (l *loader) fresh() unsafe.Pointer { return l.objs.next(l.m.ops) }

// value is the object at p as a reflect.Value of its pointer type.
func (m *mapper) value(p unsafe.Pointer) reflect.Value { return reflect.ValueOf(m.ops.ptr(p)) }

// scanInto points the scan targets at the mapped fields of the object at p.
func (l *loader) scanInto(p unsafe.Pointer) []any {
	for i, c := range l.m.cols {
		l.targets[i] = c.target(unsafe.Add(p, c.offset))
	}
	return l.targets
}

// row reads the current row of res (its first len(m.cols) columns are the
// mapper's, extra holds the targets of the rest) and returns the session's
// object for it: the one already in the identity map, or a new one. An object
// already loaded keeps its values, unless it is expired (its fields take the
// row's, but for those changed since its snapshot) or overwrite is set (all its
// fields take the row's).
func (l *loader) row(res *alchemy.Result, overwrite bool, extra ...any) (unsafe.Pointer, error) {
	m := l.m
	if l.scratch != nil { // scan into the scratch object, copy out only a new row
		targets := l.targets
		if len(extra) > 0 {
			targets = append(targets[:len(targets):len(targets)], extra...)
		}
		if err := res.Scan(targets...); err != nil {
			return nil, err
		}
		if !l.unique {
			if st := l.u.identity.get(l.key(l.scratch)); st != nil {
				return l.known(st, l.scratch, overwrite), nil
			}
		}
		p := l.fresh()
		m.ops.copy(p, l.scratch)
		return l.adopt(p, overwrite), nil
	}
	p := l.fresh()
	targets := l.scanInto(p)
	if len(extra) > 0 {
		targets = append(targets[:len(targets):len(targets)], extra...)
	}
	if err := res.Scan(targets...); err != nil {
		m.ops.zero(p)
		l.objs.used-- // reuse the slot
		return nil, err
	}
	return l.adopt(p, overwrite), nil
}

// key is the identity of a row read into the object at p (a loaded row always
// has one).
func (l *loader) key(p unsafe.Pointer) identityKey {
	k, _ := l.m.keyAt(p)
	return k
}

// known returns the address of st's object for a row read into the object at p,
// refreshing it from p when it is expired or overwrite is set.
func (l *loader) known(st *state, p unsafe.Pointer, overwrite bool) unsafe.Pointer {
	if st.expired || overwrite {
		l.refresh(st, l.m.value(p), overwrite)
	}
	l.last = st
	return st.obj.UnsafePointer()
}

// adopt returns the address of the session's object for the row just read into
// the object at p (a slot of fresh): that object, now persistent, or the object
// the identity map has for its key, refreshed from it when expired or
// overwrite is set.
func (l *loader) adopt(p unsafe.Pointer, overwrite bool) unsafe.Pointer {
	m := l.m
	k := l.key(p)
	if !l.unique {
		if st := l.u.identity.get(k); st != nil {
			// The slot's values go with the next row.
			q := l.known(st, p, overwrite)
			m.ops.zero(p)
			l.objs.used--
			return q
		}
	}
	if len(l.states) == 0 {
		l.stateRun = min(max(2*l.stateRun, 8), 256)
		l.states = make([]state, l.stateRun)
	}
	st := &l.states[0] // zero, as made: only the fields that are not are set
	l.states = l.states[1:]
	st.m, st.obj, st.key, st.status, st.snap = m, m.value(p), k, persistent, l.snapshot(p)
	if l.unique {
		l.waiting = append(l.waiting, st)
	} else {
		l.u.identity.put(k, st)
	}
	l.last = st
	return p
}

// snapshot is mapper.takeSnapshot of the object at p, its copies allocated in
// runs.
func (l *loader) snapshot(p unsafe.Pointer) reflect.Value {
	return l.m.snapshotAt(l.snaps.next(l.m.ops), p, l.clones)
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
