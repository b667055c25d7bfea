package orm

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unsafe"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/expr"
)

// conn returns the session's connection for m's bind.
func (f *flushRun) conn(m *mapper) (*alchemy.Conn, error) {
	return f.s.begin(f.ctx, f.s.sm.bindForMapper(m))
}

// returning reports whether conn's database has INSERT ... RETURNING.
func (f *flushRun) returning(conn *alchemy.Conn) bool {
	v, err := conn.Engine().ServerVersion(f.ctx)
	if err != nil {
		return false
	}
	return expr.SupportsReturning(conn.Dialect(), v, "insert")
}

// maxParams is how many bound values one statement may carry on conn's database.
func maxParams(conn *alchemy.Conn) int {
	switch conn.Dialect().Name() {
	case "mssql":
		return 2000
	case "sqlite":
		return 30000
	}
	return 60000
}

// insert writes the new objects sts of m, in multi-row INSERTs, and takes back
// what the database filled in (generated keys, defaults).
func (f *flushRun) insert(m *mapper, sts []*state) error {
	conn, err := f.conn(m)
	if err != nil {
		return err
	}
	// Group the objects by the columns they leave to the database: a zero field
	// whose column has a default or autoincrements.
	var order []string
	groups := map[string][]*state{}
	var omit []byte
	for _, st := range sts {
		if m.ver != nil && m.ver.fieldOf(st.obj).IsZero() {
			setInt(m.ver.fieldOf(st.obj), 1)
		}
		omit = omit[:0]
		for _, c := range m.omittable {
			if c.fieldOf(st.obj).IsZero() {
				omit = append(omit, byte(c.pos>>8), byte(c.pos)) // two bytes per column position
			}
		}
		g, ok := groups[string(omit)]
		if !ok {
			order = append(order, string(omit))
		}
		groups[string(omit)] = append(g, st)
	}
	for _, k := range order {
		var cols, omitted []*colMap
		left := map[int]bool{}
		for i := 0; i+1 < len(k); i += 2 {
			left[int(k[i])<<8|int(k[i+1])] = true
		}
		for _, c := range m.cols {
			if left[c.pos] {
				omitted = append(omitted, c)
			} else {
				cols = append(cols, c)
			}
		}
		filled := omitted
		if m.ver != nil {
			filled = append(slices.Clip(filled), m.ver)
		}
		for _, st := range groups[k] {
			st.filled = filled
		}
		if err := f.insertGroup(conn, m, cols, omitted, groups[k]); err != nil {
			return err
		}
	}
	f.u.identity.grow(m, len(sts))
	snaps, size := m.ops.makeRun(len(sts))
	for i, st := range sts {
		if err := f.persisted(st, unsafe.Add(snaps, uintptr(i)*size)); err != nil {
			return err
		}
	}
	return nil
}

// omittable reports whether an INSERT may leave c to the database when its
// field is zero.
func omittable(c *colMap) bool {
	return c.spec.Autoincrement || c.spec.Default || c.spec.ServerDefault
}

func (f *flushRun) insertGroup(conn *alchemy.Conn, m *mapper, cols, omitted []*colMap, sts []*state) error {
	if done, err := f.bulkInsert(conn, m, cols, omitted, sts); done || err != nil {
		return err
	}
	autoOmitted := m.auto != nil && slices.Contains(omitted, m.auto)
	ret := len(omitted) > 0 && f.returning(conn)
	if autoOmitted && !ret { // one row at a time, for LastInsertID
		for _, st := range sts {
			res, err := conn.Execute(f.ctx, insertStmt(m, cols, []*state{st}, nil))
			if err != nil {
				return err
			}
			id, err := res.LastInsertID()
			if err != nil {
				return fmt.Errorf("the key of a new %s: %w", m, err)
			}
			setInt(m.auto.fieldOf(st.obj), id)
			if len(omitted) > 1 {
				st.expired = true // its defaults are the database's: read them again
			}
		}
		return nil
	}
	var retCols []*colMap
	if ret {
		retCols = append(retCols, m.pk...)
		for _, c := range omitted {
			if !c.spec.PrimaryKey {
				retCols = append(retCols, c)
			}
		}
	} else if len(omitted) > 0 {
		for _, st := range sts {
			st.expired = true
		}
	}
	per := max(1, min(insertChunk, maxParams(conn)/max(1, len(cols))))
	for lo := 0; lo < len(sts); lo += per {
		chunk := sts[lo:min(lo+per, len(sts))]
		res, err := conn.Execute(f.ctx, insertStmt(m, cols, chunk, retCols))
		if err != nil {
			return err
		}
		if len(retCols) == 0 {
			continue
		}
		if err := f.takeReturned(res, m, retCols, autoOmitted, chunk); err != nil {
			return err
		}
	}
	return nil
}

// insertStmt is the INSERT of sts's cols, returning retCols.
func insertStmt(m *mapper, cols []*colMap, sts []*state, retCols []*colMap) *expr.InsertStmt {
	refs := make([]expr.ColumnRef, len(cols))
	for i, c := range cols {
		refs[i] = c.col
	}
	stmt := m.table.Insert().Columns(refs...).Rows(len(sts), func(i int, vals []any) {
		p := sts[i].obj.UnsafePointer()
		for j, c := range cols {
			vals[j] = c.valueAt(unsafe.Add(p, c.offset))
		}
	})
	if len(retCols) > 0 {
		ret := make([]expr.Expression, len(retCols))
		for i, c := range retCols {
			ret[i] = c.col
		}
		stmt = stmt.Returning(ret...)
	}
	return stmt
}

// takeReturned reads the RETURNING rows of an INSERT of chunk into its objects.
// Generated keys are matched in ascending order (the database numbers the rows
// in the order of the VALUES); given keys, by key.
func (f *flushRun) takeReturned(res *alchemy.Result, m *mapper, retCols []*colMap, byOrder bool, chunk []*state) error {
	defer res.Close()
	if byOrder && len(retCols) == 1 { // the generated keys alone
		keys, err := alchemy.Scalars[int64](res)
		if err != nil {
			return err
		}
		if len(keys) != len(chunk) {
			return fmt.Errorf("INSERT into %s returned %d rows for %d objects", m.table.Name(), len(keys), len(chunk))
		}
		slices.Sort(keys)
		for i, st := range chunk {
			setInt(m.auto.fieldOf(st.obj), keys[i])
		}
		return nil
	}
	rows := make([]reflect.Value, 0, len(chunk))
	targets := make([]any, len(retCols))
	run := reflect.MakeSlice(reflect.SliceOf(m.typ), len(chunk), len(chunk))
	for res.Next() {
		if len(rows) == len(chunk) {
			return fmt.Errorf("INSERT into %s returned more rows than its %d objects", m.table.Name(), len(chunk))
		}
		tmp := run.Index(len(rows)).Addr()
		for i, c := range retCols {
			targets[i] = c.fieldOf(tmp).Addr().Interface()
		}
		if err := res.Scan(targets...); err != nil {
			return err
		}
		rows = append(rows, tmp)
	}
	if err := res.Err(); err != nil {
		return err
	}
	if len(rows) != len(chunk) {
		return fmt.Errorf("INSERT into %s returned %d rows for %d objects", m.table.Name(), len(rows), len(chunk))
	}
	if byOrder {
		slices.SortFunc(rows, func(a, b reflect.Value) int {
			x, y := intOf(m.auto.fieldOf(a)), intOf(m.auto.fieldOf(b))
			switch {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return 0
		})
		for i, st := range chunk {
			copyCols(st.obj, rows[i], retCols)
		}
		return nil
	}
	byKey := map[identityKey]reflect.Value{}
	for _, r := range rows {
		k, _ := m.keyOf(r)
		byKey[k] = r
	}
	for _, st := range chunk {
		k, _ := m.keyOf(st.obj)
		if r, ok := byKey[k]; ok {
			copyCols(st.obj, r, retCols)
		}
	}
	return nil
}

func copyCols(dst, src reflect.Value, cols []*colMap) {
	for _, c := range cols {
		c.fieldOf(dst).Set(c.fieldOf(src))
	}
}

func intOf(v reflect.Value) int64 {
	switch v.Kind() {
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int64(v.Uint())
	}
	return v.Int()
}

func setInt(v reflect.Value, n int64) {
	switch v.Kind() {
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(n))
	default:
		v.SetInt(n)
	}
}

// persisted makes an inserted object persistent: in the identity map, with a
// snapshot (at snap, a slot of a run) of what was written. It stays in
// newSet, which the flush's end clears.
func (f *flushRun) persisted(st *state, snap unsafe.Pointer) error {
	m := st.m
	k, _ := m.keyOf(st.obj)
	if other := f.u.identity.get(k); other != nil && other != st {
		return fmt.Errorf("%w: a new %s has the primary key %s of an object already in the session", ErrIdentityConflict, m, describeKey(m, st.obj))
	}
	st.key, st.status = k, persistent
	st.snap = m.snapshotAt(snap, st.obj.UnsafePointer(), nil)
	f.u.identity.put(k, st)
	f.u.inserted = append(f.u.inserted, st)
	return nil
}

// pkWhere is the condition on the primary key a snapshot holds.
func pkWhere(m *mapper, snap reflect.Value) expr.Expression {
	conds := make([]expr.Expression, len(m.pk))
	for i, c := range m.pk {
		conds[i] = c.col.Eq(c.bind(snap.FieldByIndex(c.index)))
	}
	if len(conds) == 1 {
		return conds[0]
	}
	return expr.And(conds...)
}

// update writes st's changed columns (exactly those), checking its version.
func (f *flushRun) update(st *state, changed []*colMap) error {
	if len(changed) == 0 {
		return nil
	}
	m := st.m
	conn, err := f.conn(m)
	if err != nil {
		return err
	}
	f.u.touch(st)
	stmt := m.table.Update()
	for _, c := range changed {
		if c != m.ver {
			stmt = stmt.Set(c.col, c.value(st.obj))
		}
	}
	stmt = stmt.Where(pkWhere(m, st.snap))
	var next reflect.Value // the version the UPDATE writes, set on the object once it has
	if m.ver != nil {
		old := st.snap.FieldByIndex(m.ver.index)
		next = reflect.New(m.ver.ftype).Elem()
		setInt(next, intOf(old)+1)
		stmt = stmt.Set(m.ver.col, m.ver.bind(next)).Where(m.ver.col.Eq(m.ver.bind(old)))
	}
	res, err := conn.Execute(f.ctx, stmt)
	if err != nil {
		return err
	}
	if m.ver != nil {
		if err := f.checkOne(res, "UPDATE", st); err != nil {
			return err
		}
		m.ver.fieldOf(st.obj).Set(next)
	}
	st.snap = m.takeSnapshot(st.obj)
	if k, _ := m.keyOf(st.obj); k != st.key { // its primary key changed
		f.u.identity.del(st.key)
		st.key = k
		f.u.identity.put(k, st)
	}
	return nil
}

// checkOne fails with ErrStaleData unless the statement matched one row.
func (f *flushRun) checkOne(res *alchemy.Result, verb string, st *state) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("%w: %s of %s %s matched %d rows, not 1: the row was changed or deleted since it was loaded",
			ErrStaleData, verb, st.m, describeKey(st.m, st.obj), n)
	}
	return nil
}

// deleteRows deletes m's deleted objects: many at a time, or one at a time
// (children first) for a table referring to itself or with a version column.
func (f *flushRun) deleteRows(m *mapper) error {
	var dels []*state
	for _, st := range f.byMapper[m] {
		if st.status == deleted && f.u.identity.get(st.key) == st {
			dels = append(dels, st)
		}
	}
	if len(dels) == 0 {
		return nil
	}
	conn, err := f.conn(m)
	if err != nil {
		return err
	}
	for _, st := range dels {
		f.u.touch(st)
	}
	if m.ver != nil || m.selfRef || len(m.pk) > 1 {
		for _, st := range childrenFirst(f.u, m, dels) {
			stmt := m.table.Delete().Where(pkWhere(m, st.snap))
			if m.ver != nil {
				stmt = stmt.Where(m.ver.col.Eq(m.ver.bind(st.snap.FieldByIndex(m.ver.index))))
			}
			res, err := conn.Execute(f.ctx, stmt)
			if err != nil {
				return err
			}
			if m.ver != nil {
				if err := f.checkOne(res, "DELETE", st); err != nil {
					return err
				}
			}
		}
	} else {
		pk := m.pk[0]
		for lo := 0; lo < len(dels); lo += 500 {
			chunk := dels[lo:min(lo+500, len(dels))]
			keys := make([]any, len(chunk))
			for i, st := range chunk {
				keys[i] = pk.bind(st.snap.FieldByIndex(pk.index))
			}
			if _, err := conn.Execute(f.ctx, m.table.Delete().Where(pk.col.In(keys...))); err != nil {
				return err
			}
		}
	}
	for _, st := range dels {
		f.u.identity.del(st.key)
		f.u.removed = append(f.u.removed, st)
	}
	return nil
}

// childrenFirst orders the deleted objects of a table referring to itself so
// that a row goes before the row it refers to.
func childrenFirst(u *unitOfWork, m *mapper, dels []*state) []*state {
	if !m.selfRef {
		return dels
	}
	in := map[*state]bool{}
	for _, st := range dels {
		in[st] = true
	}
	// A row's parent is found through the many-to-one relationships to m itself,
	// by its foreign key values.
	parentOf := func(st *state) *state {
		for _, r := range m.fkRels {
			if r.kind != manyToOne || r.target != m {
				continue
			}
			probe := reflect.New(m.typ)
			for i, c := range r.local {
				v := convertKey(c.fieldOf(st.obj), r.remote[i].ftype)
				if !v.IsValid() {
					return nil
				}
				r.remote[i].fieldOf(probe).Set(v)
			}
			k, ok := m.keyOf(probe)
			if p := u.identity.get(k); ok && p != nil && in[p] {
				return p
			}
		}
		return nil
	}
	depth := func(st *state) int {
		d := 0
		for p := parentOf(st); p != nil && d < len(dels); p = parentOf(p) {
			d++
		}
		return d
	}
	sorted := slices.Clone(dels)
	ds := map[*state]int{}
	for _, st := range sorted {
		ds[st] = depth(st)
	}
	slices.SortStableFunc(sorted, func(a, b *state) int { return ds[b] - ds[a] })
	return sorted
}

// associations writes the rows of many-to-many association tables: those of
// objects added to collections, and deletes those of objects taken out and of
// deleted owners.
func (f *flushRun) associations() error {
	type link struct {
		r    *relationship
		vals []any // secLocal values, then secRemote values
	}
	seen := map[string]bool{}
	var adds, removes []link
	key := func(r *relationship, vals []any) string {
		parts := make([]string, 0, len(vals))
		for i, c := range append(slices.Clone(r.secLocal), r.secRemote...) {
			parts = append(parts, c.Name()+"="+fmt.Sprint(vals[i]))
		}
		slices.Sort(parts)
		return fmt.Sprintf("%p|%s", r.cfg.secondary, strings.Join(parts, ","))
	}
	pair := func(r *relationship, owner, target *state) []any {
		var vals []any
		for _, c := range r.local {
			vals = append(vals, c.value(owner.obj))
		}
		for _, c := range r.remote {
			vals = append(vals, c.value(target.obj))
		}
		return vals
	}
	var ownerDeletes []link
	for _, m := range f.order {
		for _, r := range m.rels {
			if r.kind != manyToMany {
				continue
			}
			for _, st := range f.byMapper[m] {
				if st.status == deleted {
					var vals []any
					for _, c := range r.local {
						vals = append(vals, c.value(st.obj))
					}
					ownerDeletes = append(ownerDeletes, link{r, vals})
					continue
				}
				now := relAt(st.obj, r.index).relGet()
				prior := st.rels[r]
				for _, o := range now {
					if containsObj(prior, o) {
						continue
					}
					ost := f.u.stateOf(r.target, o)
					if ost == nil || ost.status == pending {
						return fmt.Errorf("relationship %s: a related %s is not in the session (add it, or keep the save-update cascade)", r, r.target)
					}
					vals := pair(r, st, ost)
					if k := key(r, vals); !seen[k] {
						seen[k] = true
						adds = append(adds, link{r, vals})
					}
				}
				for _, o := range prior {
					if containsObj(now, o) {
						continue
					}
					if ost := f.u.stateOf(r.target, o); ost != nil {
						vals := pair(r, st, ost)
						if k := "-" + key(r, vals); !seen[k] {
							seen[k] = true
							removes = append(removes, link{r, vals})
						}
					}
				}
			}
		}
	}
	run := func(r *relationship, stmt expr.Statement) error {
		conn, err := f.s.begin(f.ctx, f.s.sm.bindForTable(r.cfg.secondary))
		if err != nil {
			return err
		}
		_, err = conn.Execute(f.ctx, stmt)
		return err
	}
	where := func(cols []expr.Column[any], vals []any) []expr.Expression {
		conds := make([]expr.Expression, len(cols))
		for i, c := range cols {
			conds[i] = c.Eq(vals[i])
		}
		return conds
	}
	for _, l := range append(removes, ownerDeletes...) {
		cols := l.r.secLocal
		if len(l.vals) > len(cols) {
			cols = append(slices.Clone(cols), l.r.secRemote...)
		}
		if err := run(l.r, l.r.cfg.secondary.Delete().Where(where(cols, l.vals)...)); err != nil {
			return err
		}
	}
	for _, l := range adds {
		refs := make([]expr.ColumnRef, 0, len(l.vals))
		for _, c := range append(slices.Clone(l.r.secLocal), l.r.secRemote...) {
			refs = append(refs, c)
		}
		if err := run(l.r, l.r.cfg.secondary.Insert().Columns(refs...).Row(l.vals...)); err != nil {
			return err
		}
	}
	return nil
}

// finish records, after a flush that wrote everything, what the session now
// knows: no object is pending or marked for deletion, and the relationships'
// members are as flushed.
func (f *flushRun) finish() {
	f.u.news = f.u.news[:0]
	clear(f.u.newSet)
	f.u.deleted = f.u.deleted[:0]
	for _, st := range f.u.identity.all() {
		if len(st.m.rels) > 0 {
			st.relSnapshot()
		}
	}
}

// insertChunk is the most rows one INSERT carries.
var insertChunk = 1000
