package orm

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unsafe"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/expr"
)

// LoadOption says how a query loads a relationship: SelectIn or Joined. A
// relationship no option names is not loaded, and reading it is ErrNotLoaded
// (raise-on-lazy).
type LoadOption struct {
	path   []string
	joined bool
}

// SelectIn loads the relationship at path (a field, or fields joined by dots
// down the relationships: "Posts.Comments") with one more SELECT per level,
// whose WHERE takes the keys of all the objects loaded: WHERE author_id IN
// (...), split into chunks of 500 keys. Children are matched to their parents
// through a map on the key. SQLAlchemy's selectinload; the loader for
// collections.
func SelectIn(path string) LoadOption { return LoadOption{path: strings.Split(path, ".")} }

// Joined loads the many-to-one or one-to-one relationship field in the query
// itself, with a LEFT OUTER JOIN: SQLAlchemy's joinedload. For collections use
// SelectIn, which a LIMIT does not cut short.
func Joined(field string) LoadOption { return LoadOption{path: []string{field}, joined: true} }

// planLoads resolves a query's load options on m; a locking query loads its
// Joined relationships as SelectIn.
func planLoads(m *mapper, opts []LoadOption, locking bool) ([]*joinedLoad, []LoadOption, error) {
	var joined []*joinedLoad
	var selectins []LoadOption
	for _, o := range opts {
		if len(o.path) == 0 || o.path[0] == "" {
			return nil, nil, fmt.Errorf("orm: a load option without a relationship")
		}
		if !o.joined {
			if _, err := relPath(m, o.path); err != nil {
				return nil, nil, err
			}
			selectins = append(selectins, o)
			continue
		}
		r, err := m.rel(o.path[0])
		if err != nil {
			return nil, nil, err
		}
		if r.many {
			return nil, nil, fmt.Errorf("orm: Joined(%q): %s is a collection; load it with SelectIn", o.path[0], r)
		}
		if locking {
			selectins = append(selectins, LoadOption{path: o.path})
			continue
		}
		joined = append(joined, newJoinedLoad(r, len(joined)))
	}
	return joined, selectins, nil
}

func (m *mapper) rel(field string) (*relationship, error) {
	for _, r := range m.rels {
		if r.field == field {
			return r, nil
		}
	}
	names := make([]string, len(m.rels))
	for i, r := range m.rels {
		names[i] = r.field
	}
	return nil, fmt.Errorf("orm: %s has no relationship %s (it has %s)", m, field, strings.Join(names, ", "))
}

func relPath(m *mapper, path []string) ([]*relationship, error) {
	var out []*relationship
	for _, f := range path {
		r, err := m.rel(f)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
		m = r.target
	}
	return out, nil
}

// joinedLoad is a Joined option at work: the aliased target table, the ON
// condition, and its columns in the select list.
type joinedLoad struct {
	r     *relationship
	alias *expr.Table
	on    expr.Expression
	cols  []expr.Expression
	vals  []any // scan targets of its columns
	l     *loader
}

func newJoinedLoad(r *relationship, i int) *joinedLoad {
	t := r.target
	j := &joinedLoad{r: r, alias: t.table.Alias(fmt.Sprintf("%s_%d", t.table.Name(), i+1))}
	var conds []expr.Expression
	for k := range r.local {
		// manyToOne: owner.local (fk) = target.remote; oneToOne: owner.local = target.remote (fk)
		conds = append(conds, expr.ColumnOf(j.alias, r.remote[k].col).EqExpr(r.local[k].col))
	}
	j.on = conds[0]
	if len(conds) > 1 {
		j.on = expr.And(conds...)
	}
	for _, c := range t.cols {
		j.cols = append(j.cols, expr.ColumnOf(j.alias, c.col))
	}
	return j
}

func (j *joinedLoad) prepare(u *unitOfWork) {
	j.l = newLoader(u, j.r.target)
	j.vals = make([]any, len(j.cols))
	for i := range j.vals {
		j.vals[i] = new(any)
	}
}

// readJoinedRow reads a row of the owner's columns and the joined loads', and
// returns the address of the owner's object.
func readJoinedRow(res *alchemy.Result, l *loader, joined []*joinedLoad) (unsafe.Pointer, error) {
	if len(joined) == 0 {
		return l.row(res, false)
	}
	var extra []any
	for _, j := range joined {
		extra = append(extra, j.vals...)
	}
	p, err := l.row(res, false, extra...)
	if err != nil {
		return nil, err
	}
	obj := l.m.value(p)
	st := l.last
	for _, j := range joined {
		t := j.r.target
		var related []reflect.Value
		if *(j.vals[t.pk[0].pos].(*any)) != nil {
			tp := j.l.fresh()
			tmp := t.value(tp)
			for i, c := range t.cols {
				if err := assignValue(c.fieldOf(tmp), *(j.vals[i].(*any))); err != nil {
					return nil, fmt.Errorf("orm: loading %s: column %s: %w", j.r, c.name, err)
				}
			}
			related = []reflect.Value{t.value(j.l.adopt(tp, false))}
		}
		relAt(obj, j.r.index).relSet(related)
		if st != nil {
			st.relSnapshot()
		}
	}
	return p, nil
}

// applySelectIns runs the SelectIn options over the objects sts, each
// relationship once however many paths go through it.
func (s *Session) applySelectIns(ctx context.Context, sts []*state, opts []LoadOption) error {
	if len(sts) == 0 || len(opts) == 0 {
		return nil
	}
	root := &loadNode{}
	for _, o := range opts {
		n := root
		for _, f := range o.path {
			n = n.child(f)
		}
	}
	return s.loadTree(ctx, sts[0].m, sts, root)
}

// loadNode is one relationship of the SelectIn paths, with those below it.
type loadNode struct {
	field string
	kids  []*loadNode
}

func (n *loadNode) child(field string) *loadNode {
	for _, k := range n.kids {
		if k.field == field {
			return k
		}
	}
	k := &loadNode{field: field}
	n.kids = append(n.kids, k)
	return k
}

func (s *Session) loadTree(ctx context.Context, m *mapper, level []*state, n *loadNode) error {
	for _, k := range n.kids {
		r, err := m.rel(k.field)
		if err != nil {
			return err
		}
		if err := s.loadRelated(ctx, r, level); err != nil {
			return err
		}
		if len(k.kids) == 0 {
			continue
		}
		var next []*state
		seen := map[*state]bool{}
		for _, st := range level {
			for _, o := range relAt(st.obj, r.index).relGet() {
				if cst := s.uow.stateOf(r.target, o); cst != nil && !seen[cst] {
					seen[cst] = true
					next = append(next, cst)
				}
			}
		}
		if len(next) > 0 {
			if err := s.loadTree(ctx, r.target, next, k); err != nil {
				return err
			}
		}
	}
	return nil
}

// loadRelated loads relationship r of the objects sts with SELECT ... WHERE key
// IN (...), matching the related rows to their owners by key. s.mu must be
// held.
func (s *Session) loadRelated(ctx context.Context, r *relationship, sts []*state) error {
	t := r.target
	// The owners' key values, and the owners per key.
	owners := map[string][]*state{}
	var keys [][]any
	ownerCols := r.local // manyToOne: the fk; oneToMany and manyToMany: the referred columns
	for _, st := range sts {
		vals, k, ok := keyValues(st.obj, ownerCols, r.remoteTypes())
		if !ok {
			relAt(st.obj, r.index).relSet(nil)
			st.recordRel(r)
			continue
		}
		if _, seen := owners[k]; !seen {
			keys = append(keys, vals)
		}
		owners[k] = append(owners[k], st)
	}
	found := map[string][]reflect.Value{}
	if r.kind == manyToOne && slices.Equal(r.remote, t.pk) { // targets the session has, not expired, need no query
		keys = slices.DeleteFunc(keys, func(vals []any) bool {
			probe := reflect.New(t.typ)
			for i, c := range r.remote {
				c.fieldOf(probe).Set(reflect.ValueOf(vals[i]))
			}
			ik, _ := t.keyOf(probe)
			st := s.uow.identity.get(ik)
			if st == nil || st.expired || st.status == deleted {
				return false
			}
			_, k, _ := keyValues(probe, r.remote, r.remoteTypes())
			found[k] = []reflect.Value{st.obj}
			return true
		})
	}
	conn, err := s.begin(ctx, s.sm.bindForMapper(t))
	if err != nil {
		return err
	}
	l := newLoader(&s.uow, t)
	for lo := 0; lo < len(keys); lo += 500 {
		chunk := keys[lo:min(lo+500, len(keys))]
		var stmt *expr.SelectStmt
		var matchCols []expr.Column[any]
		switch r.kind {
		case manyToOne:
			matchCols = colsOfMaps(r.remote)
			stmt = t.table.Select(t.selectCols...)
		case oneToMany, oneToOne:
			matchCols = colsOfMaps(r.remote)
			stmt = t.table.Select(t.selectCols...)
		case manyToMany:
			matchCols = r.secLocal
			on := make([]expr.Expression, len(r.remote))
			for i, c := range r.remote {
				on[i] = r.secRemote[i].EqExpr(c.col)
			}
			sel := append(slices.Clone(t.selectCols), exprsOf(r.secLocal)...)
			stmt = expr.Select(sel...).From(t.table).Join(r.cfg.secondary, expr.And(on...))
		}
		stmt = stmt.Where(inKeys(matchCols, chunk))
		if r.kind != manyToOne {
			stmt = stmt.OrderBy(orderOf(t)...)
		}
		res, err := conn.Execute(ctx, stmt)
		if err != nil {
			return err
		}
		extra := make([]any, 0, len(r.secLocal))
		for range r.secLocal {
			extra = append(extra, new(any))
		}
		for res.Next() {
			p, err := l.row(res, false, extra...)
			if err != nil {
				res.Close()
				return err
			}
			obj := t.value(p)
			var k string
			switch r.kind {
			case manyToMany:
				k = keyOfAny(extra, r.local)
			default:
				_, k, _ = keyValues(obj, r.remote, r.remoteTypes()) // the related object's columns that hold its owner's key
			}
			found[k] = append(found[k], obj)
		}
		if err := res.Err(); err != nil {
			res.Close()
			return err
		}
		res.Close()
	}
	for k, list := range owners {
		for _, st := range list {
			relAt(st.obj, r.index).relSet(found[k])
			st.recordRel(r)
		}
	}
	return nil
}

// recordRel records r's related objects as loaded.
func (st *state) recordRel(r *relationship) {
	if st.rels == nil {
		st.rels = map[*relationship][]reflect.Value{}
	}
	st.rels[r] = relAt(st.obj, r.index).relGet()
}

// remoteTypes are the types the key of r is compared in: the referred
// columns' field types.
func (r *relationship) remoteTypes() []reflect.Type {
	cols := r.remote
	if r.kind != manyToOne {
		cols = r.local
	}
	out := make([]reflect.Type, len(cols))
	for i, c := range cols {
		out[i] = c.ftype
	}
	return out
}

// keyValues reads the fields cols of obj as key values converted to types, and
// their encoding; false when one is NULL or an autoincrement key not set.
func keyValues(obj reflect.Value, cols []*colMap, types []reflect.Type) ([]any, string, bool) {
	vals := make([]any, len(cols))
	var b strings.Builder
	for i, c := range cols {
		v := c.fieldOf(obj)
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return nil, "", false
			}
			v = v.Elem()
		}
		if v.Type() != types[i] {
			if cv := convertKey(v, types[i]); cv.IsValid() {
				v = cv
			}
		}
		vals[i] = v.Interface()
		writeKeyPart(&b, v)
	}
	return vals, b.String(), true
}

// keyOfAny encodes the driver values vals as the key of cols' types.
func keyOfAny(vals []any, cols []*colMap) string {
	var b strings.Builder
	for i, c := range cols {
		v := reflect.New(c.ftype).Elem()
		_ = assignValue(v, *(vals[i].(*any)))
		writeKeyPart(&b, v)
	}
	return b.String()
}

func colsOfMaps(cs []*colMap) []expr.Column[any] {
	out := make([]expr.Column[any], len(cs))
	for i, c := range cs {
		out[i] = c.col
	}
	return out
}

func exprsOf(cs []expr.Column[any]) []expr.Expression {
	out := make([]expr.Expression, len(cs))
	for i, c := range cs {
		out[i] = c
	}
	return out
}

func orderOf(m *mapper) []expr.Ordering {
	out := make([]expr.Ordering, len(m.pk))
	for i, c := range m.pk {
		out[i] = c.col.Asc()
	}
	return out
}

// inKeys is cols IN (keys): col IN (...) for one column, an OR of ANDs for
// several.
func inKeys(cols []expr.Column[any], keys [][]any) expr.Expression {
	if len(cols) == 1 {
		vals := make([]any, len(keys))
		for i, k := range keys {
			vals[i] = k[0]
		}
		return cols[0].In(vals...)
	}
	ors := make([]expr.Expression, len(keys))
	for i, k := range keys {
		ands := make([]expr.Expression, len(cols))
		for j, c := range cols {
			ands[j] = c.Eq(k[j])
		}
		ors[i] = expr.And(ands...)
	}
	return expr.Or(ors...)
}
