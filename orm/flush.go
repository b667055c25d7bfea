package orm

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/go-alchemy/alchemy"
)

// Flush writes the session's changes to the database in its transaction: the
// INSERTs of added objects, the UPDATEs of changed ones (exactly the columns
// whose fields changed), the DELETEs of deleted ones, in foreign key order
// (package doc, Unit of work). A failed flush rolls the transaction back and
// leaves the session refusing work (ErrPendingRollback) until Rollback.
func (s *Session) Flush(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.flush(ctx)
}

// autoflush flushes when the session autoflushes. s.mu must be held.
func (s *Session) autoflush(ctx context.Context) error {
	if !s.sm.autoflush {
		return s.usable()
	}
	return s.flush(ctx)
}

// flush runs a flush. s.mu must be held.
func (s *Session) flush(ctx context.Context) error {
	if err := s.usable(); err != nil {
		return err
	}
	u := &s.uow
	if u.identity.len() == 0 && len(u.news) == 0 {
		return nil
	}
	f := &flushRun{s: s, u: u, ctx: ctx}
	err := f.run()
	if err == nil {
		return nil
	}
	// Nothing half-written stays: the transaction goes, and the session waits
	// for Rollback to put its objects back.
	rerr := s.rollbackTx(context.WithoutCancel(ctx))
	s.failed = fmt.Errorf("%w (the flush failed: %w)", ErrPendingRollback, err)
	return errors.Join(fmt.Errorf("orm: flush: %w", err), rerr)
}

// rollbackTx rolls back the database transactions alone, leaving the objects
// for Rollback. s.mu must be held.
func (s *Session) rollbackTx(ctx context.Context) error {
	var errs []error
	for _, b := range s.binds {
		if err := b.tx.Rollback(ctx); err != nil && !errors.Is(err, alchemy.ErrTxDone) {
			errs = append(errs, err)
		}
	}
	return errors.Join(append(errs, s.release())...)
}

// flushRun is one flush.
type flushRun struct {
	s   *Session
	u   *unitOfWork
	ctx context.Context
	// byMapper are the flush's objects per mapper (pending, persistent, deleted).
	byMapper map[*mapper][]*state
	order    []*mapper // parents before children
}

func (f *flushRun) run() error {
	if err := f.cascadeSaves(); err != nil {
		return err
	}
	if err := f.cascadeDeletes(); err != nil {
		return err
	}
	f.collect()
	if len(f.byMapper) == 0 {
		return nil
	}
	for _, m := range f.order {
		if err := f.insertAndUpdate(m); err != nil {
			return err
		}
	}
	if err := f.postUpdates(); err != nil {
		return err
	}
	if err := f.associations(); err != nil {
		return err
	}
	if err := f.clearPostUpdates(); err != nil {
		return err
	}
	for i := len(f.order) - 1; i >= 0; i-- {
		if err := f.deleteRows(f.order[i]); err != nil {
			return err
		}
	}
	f.finish()
	return nil
}

// cascadeSaves adds to the session the objects its objects relate to through
// save-update relationships.
func (f *flushRun) cascadeSaves() error {
	work := slices.Clone(f.u.news)
	for _, st := range f.u.identity.all() {
		if len(st.m.rels) > 0 && st.status != deleted {
			work = append(work, st)
		}
	}
	for len(work) > 0 {
		st := work[len(work)-1]
		work = work[:len(work)-1]
		for _, r := range st.m.rels {
			if !r.saveUpdate {
				continue
			}
			for _, o := range relAt(st.obj, r.index).relGet() {
				if f.u.stateOf(r.target, o) != nil {
					continue
				}
				nst, err := f.u.add(r.target, o)
				if err != nil {
					return fmt.Errorf("relationship %s: %w", r, err)
				}
				work = append(work, nst)
			}
		}
	}
	return nil
}

// cascadeDeletes marks for deletion the objects related to deleted ones
// through delete cascades (loading collections not loaded), and the orphans of
// delete-orphan collections.
func (f *flushRun) cascadeDeletes() error {
	work := slices.Clone(f.u.deleted)
	for _, st := range f.u.identity.all() {
		if st.status == deleted || st.rels == nil {
			continue
		}
		for _, r := range st.m.rels {
			if !r.deleteOrphan || r.kind == manyToOne || r.kind == manyToMany {
				continue
			}
			prior, ok := st.rels[r]
			if !ok {
				continue
			}
			now := relAt(st.obj, r.index).relGet()
			for _, o := range prior {
				if !containsObj(now, o) {
					if ost := f.u.stateOf(r.target, o); ost != nil && ost.status == persistent {
						f.markDeleted(ost)
						work = append(work, ost)
					}
				}
			}
		}
	}
	for len(work) > 0 {
		st := work[len(work)-1]
		work = work[:len(work)-1]
		for _, r := range st.m.rels {
			if !r.cascadeDelete || r.kind == manyToMany {
				continue
			}
			objs, err := f.related(st, r)
			if err != nil {
				return err
			}
			for _, o := range objs {
				ost := f.u.stateOf(r.target, o)
				if ost == nil || ost.status != persistent {
					continue
				}
				f.markDeleted(ost)
				work = append(work, ost)
			}
		}
	}
	return nil
}

// related returns st's related objects through r, loading them when r was not.
func (f *flushRun) related(st *state, r *relationship) ([]reflect.Value, error) {
	rel := relAt(st.obj, r.index)
	if rel.relLoaded() {
		return rel.relGet(), nil
	}
	if err := f.s.loadRelated(f.ctx, r, []*state{st}); err != nil {
		return nil, fmt.Errorf("loading %s to cascade a delete: %w", r, err)
	}
	return rel.relGet(), nil
}

func (f *flushRun) markDeleted(st *state) {
	if st.status == persistent {
		st.status = deleted
		f.u.deleted = append(f.u.deleted, st)
	}
}

func containsObj(list []reflect.Value, o reflect.Value) bool {
	for _, x := range list {
		if x.Pointer() == o.Pointer() {
			return true
		}
	}
	return false
}

// collect groups the session's objects per mapper, in dependency order.
func (f *flushRun) collect() {
	f.byMapper = map[*mapper][]*state{}
	for _, st := range f.u.news {
		f.byMapper[st.m] = append(f.byMapper[st.m], st)
	}
	for _, st := range f.u.identity.all() {
		f.byMapper[st.m] = append(f.byMapper[st.m], st)
	}
	for m := range f.byMapper {
		f.order = append(f.order, m)
	}
	rank := f.s.sm.reg.ranks()
	slices.SortFunc(f.order, func(a, b *mapper) int { return rank[a] - rank[b] })
}

// insertAndUpdate writes m's new and changed rows, after filling their foreign
// keys from the objects they relate to.
func (f *flushRun) insertAndUpdate(m *mapper) error {
	var todo, existing []*state
	for _, st := range f.byMapper[m] {
		switch st.status {
		case pending:
			todo = append(todo, st)
		case persistent:
			existing = append(existing, st)
		}
	}
	for len(todo) > 0 {
		blocked, err := f.syncForeignKeys(m, false)
		if err != nil {
			return err
		}
		var ready, later []*state
		for _, st := range todo {
			if blocked[st] {
				later = append(later, st)
			} else {
				ready = append(ready, st)
			}
		}
		if len(ready) == 0 {
			return fmt.Errorf("the new %s objects refer to each other in a cycle; mark one relationship orm.PostUpdate()", m)
		}
		if err := f.insert(m, ready); err != nil {
			return err
		}
		todo = later
	}
	if _, err := f.syncForeignKeys(m, false); err != nil {
		return err
	}
	for _, st := range existing { // those just inserted are as written
		if st.status != persistent || !st.snap.IsValid() {
			continue
		}
		if err := f.update(st, m.changed(st.obj, st.snap)); err != nil {
			return err
		}
	}
	return nil
}

// syncForeignKeys sets the foreign key fields of m's objects from the objects
// they relate to: a many-to-one's target, a one-to-many's parent. It returns
// the objects whose related object has no key yet (not inserted). postUpdate
// selects the relationships written after the inserts.
func (f *flushRun) syncForeignKeys(m *mapper, postUpdate bool) (map[*state]bool, error) {
	var blocked map[*state]bool
	block := func(st *state) {
		if blocked == nil {
			blocked = map[*state]bool{}
		}
		blocked[st] = true
	}
	for _, r := range m.fkRels {
		if (r.cfg != nil && r.cfg.postUpdate) != postUpdate {
			continue
		}
		switch r.kind {
		case manyToOne:
			for _, st := range f.byMapper[m] {
				if st.status == deleted {
					continue
				}
				rel := relAt(st.obj, r.index)
				if !rel.relLoaded() {
					continue
				}
				objs := rel.relGet()
				if len(objs) == 0 {
					if len(st.rels[r]) > 0 { // was related, now set to nil
						f.setCols(st, r.local, nil, nil)
					}
					continue
				}
				pst := f.u.stateOf(r.target, objs[0])
				if pst == nil || pst.status == pending {
					block(st)
					continue
				}
				f.setCols(st, r.local, pst, r.remote)
			}
		case oneToMany, oneToOne:
			for _, pst := range f.byMapper[r.owner] {
				rel := relAt(pst.obj, r.index)
				objs := rel.relGet()
				if pst.status == deleted { // its children, not deleted with it, have no parent now
					for _, o := range objs {
						if cst := f.u.stateOf(m, o); cst != nil && cst.status != deleted {
							f.setCols(cst, r.remote, nil, nil)
						}
					}
					continue
				}
				for _, o := range objs {
					cst := f.u.stateOf(m, o)
					if cst == nil || cst.status == deleted {
						continue
					}
					if pst.status == pending {
						block(cst)
						continue
					}
					f.setCols(cst, r.remote, pst, r.local)
				}
				for _, o := range pst.rels[r] { // taken out of the collection: no parent now
					if containsObj(objs, o) {
						continue
					}
					if cst := f.u.stateOf(m, o); cst != nil && cst.status != deleted {
						f.setCols(cst, r.remote, nil, nil)
					}
				}
			}
		}
	}
	return blocked, nil
}

// setCols sets st's fields of cols to src's fields of srcCols (zero values when
// src is nil), recording st's pre-image first.
func (f *flushRun) setCols(st *state, cols []*colMap, src *state, srcCols []*colMap) {
	for i, c := range cols {
		dst := c.fieldOf(st.obj)
		var v reflect.Value
		if src == nil {
			v = reflect.Zero(c.ftype)
		} else {
			v = srcCols[i].fieldOf(src.obj)
			if v.Type() != c.ftype {
				v = convertKey(v, c.ftype)
			}
		}
		if !v.IsValid() || c.cmp.equal(dst, v) {
			continue
		}
		f.u.touch(st)
		dst.Set(v)
	}
}

// convertKey converts a referred key value to the referring field's type: an
// int64 to *int64, sql.Null[int64] is left to the caller (invalid).
func convertKey(v reflect.Value, t reflect.Type) reflect.Value {
	switch {
	case v.Type().ConvertibleTo(t):
		return v.Convert(t)
	case t.Kind() == reflect.Pointer && v.Type().ConvertibleTo(t.Elem()):
		p := reflect.New(t.Elem())
		p.Elem().Set(v.Convert(t.Elem()))
		return p
	case v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Type().ConvertibleTo(t):
		return v.Elem().Convert(t)
	}
	return reflect.Value{}
}

// postUpdates writes the foreign keys of PostUpdate relationships, now that the
// rows on both sides exist.
func (f *flushRun) postUpdates() error {
	for _, m := range f.order {
		if !m.hasPostUpdate() {
			continue
		}
		if _, err := f.syncForeignKeys(m, true); err != nil {
			return err
		}
		for _, st := range f.byMapper[m] {
			if st.status == persistent {
				if err := f.update(st, m.changed(st.obj, st.snap)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (m *mapper) hasPostUpdate() bool {
	for _, r := range m.fkRels {
		if r.kind == manyToOne && r.cfg != nil && r.cfg.postUpdate {
			return true
		}
	}
	return false
}

// clearPostUpdates sets to NULL the PostUpdate foreign keys of the rows about
// to be deleted, so that the rows of a cycle can go in any order.
func (f *flushRun) clearPostUpdates() error {
	for _, m := range f.order {
		if !m.hasPostUpdate() {
			continue
		}
		for _, st := range f.byMapper[m] {
			if st.status != deleted {
				continue
			}
			stmt := m.table.Update()
			set := false
			for _, r := range m.fkRels {
				if r.kind != manyToOne || r.cfg == nil || !r.cfg.postUpdate {
					continue
				}
				for _, c := range r.local {
					if !st.snap.FieldByIndex(c.index).IsZero() {
						stmt, set = stmt.Set(c.col, nil), true
					}
				}
			}
			if !set {
				continue
			}
			conn, err := f.conn(m)
			if err != nil {
				return err
			}
			f.u.touch(st)
			if _, err := conn.Execute(f.ctx, stmt.Where(pkWhere(m, st.snap))); err != nil {
				return err
			}
		}
	}
	return nil
}
