package orm

import (
	"context"
	"fmt"
	"iter"
	"reflect"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/expr"
)

// Query selects objects of the mapped type T: SQLAlchemy's select(User) run
// by a session. Build it with Select[T]() and its methods, each of which
// returns a new Query; run it with All, First, One or Each. Its rows go through
// the session's identity map: a row the session has an object for gives that
// object. A session with autoflush flushes first.
type Query[T any] struct {
	where   []expr.Expression
	order   []expr.Ordering
	joins   []queryJoin
	limit   int64
	offset  int64
	lock    string
	hasLock bool
	loads   []LoadOption
}

type queryJoin struct {
	t    *expr.Table
	on   expr.Expression
	left bool
}

// Select returns a query of all the objects of type T.
func Select[T any]() *Query[T] { return &Query[T]{limit: -1} }

func (q *Query[T]) clone() *Query[T] {
	c := *q
	c.where = append([]expr.Expression(nil), q.where...)
	c.order = append([]expr.Ordering(nil), q.order...)
	c.joins = append([]queryJoin(nil), q.joins...)
	c.loads = append([]LoadOption(nil), q.loads...)
	return &c
}

// Where adds conditions, joined by AND.
func (q *Query[T]) Where(conds ...expr.Expression) *Query[T] {
	c := q.clone()
	c.where = append(c.where, conds...)
	return c
}

// OrderBy adds orderings.
func (q *Query[T]) OrderBy(o ...expr.Ordering) *Query[T] {
	c := q.clone()
	c.order = append(c.order, o...)
	return c
}

// Limit caps the number of objects.
func (q *Query[T]) Limit(n int64) *Query[T] { c := q.clone(); c.limit = n; return c }

// Offset skips the first n rows.
func (q *Query[T]) Offset(n int64) *Query[T] { c := q.clone(); c.offset = n; return c }

// Join joins table t on a condition, to filter or order by its columns (the
// objects are still T's; load related objects with Options).
func (q *Query[T]) Join(t *expr.Table, on expr.Expression) *Query[T] {
	c := q.clone()
	c.joins = append(c.joins, queryJoin{t: t, on: on})
	return c
}

// LeftJoin is Join as a LEFT OUTER JOIN.
func (q *Query[T]) LeftJoin(t *expr.Table, on expr.Expression) *Query[T] {
	c := q.clone()
	c.joins = append(c.joins, queryJoin{t: t, on: on, left: true})
	return c
}

// ForUpdate locks the rows (expr.SelectStmt.ForUpdate says what mode may be).
// Joined loads of a locking query run as SelectIn: PostgreSQL refuses FOR
// UPDATE on the nullable side of an outer join, and MySQL would lock the
// related rows too.
func (q *Query[T]) ForUpdate(mode string) *Query[T] {
	c := q.clone()
	c.lock, c.hasLock = mode, true
	return c
}

// Options adds loader options: SelectIn, Joined.
func (q *Query[T]) Options(opts ...LoadOption) *Query[T] {
	c := q.clone()
	c.loads = append(c.loads, opts...)
	return c
}

// statement builds the SELECT of m's columns, with the joined loads' columns
// after them.
func (q *Query[T]) statement(m *mapper, joined []*joinedLoad) *expr.SelectStmt {
	stmt := m.table.Select(m.selectCols...)
	for _, j := range q.joins {
		if j.left {
			stmt = stmt.LeftJoin(j.t, j.on)
		} else {
			stmt = stmt.Join(j.t, j.on)
		}
	}
	for _, j := range joined {
		stmt = stmt.LeftJoin(j.alias, j.on).AddColumns(j.cols...)
	}
	if len(q.where) > 0 {
		stmt = stmt.Where(q.where...)
	}
	if len(q.order) > 0 {
		stmt = stmt.OrderBy(q.order...)
	}
	if q.limit >= 0 {
		stmt = stmt.Limit(q.limit)
	}
	if q.offset > 0 {
		stmt = stmt.Offset(q.offset)
	}
	if q.hasLock {
		stmt = stmt.ForUpdate(q.lock)
	}
	return stmt
}

// All returns the query's objects.
func (q *Query[T]) All(ctx context.Context, s *Session) ([]*T, error) {
	var out []*T
	err := q.run(ctx, s, 0, func(objs []*T) bool {
		if out == nil {
			out = objs
		} else {
			out = append(out, objs...)
		}
		return true
	})
	return out, err
}

// First returns the query's first object; an error wrapping alchemy.ErrNoRows
// when there is none. It does not add a LIMIT: give one.
func (q *Query[T]) First(ctx context.Context, s *Session) (*T, error) {
	var first *T
	err := q.run(ctx, s, 1, func(objs []*T) bool {
		if len(objs) > 0 {
			first = objs[0]
		}
		return false
	})
	if err == nil && first == nil {
		err = fmt.Errorf("orm: First of %s: %w", reflect.TypeFor[T](), alchemy.ErrNoRows)
	}
	return first, err
}

// One returns the query's only object: an error wrapping alchemy.ErrNoRows
// when there is none, alchemy.ErrMultipleRows when there are several.
func (q *Query[T]) One(ctx context.Context, s *Session) (*T, error) {
	var got []*T
	err := q.run(ctx, s, 2, func(objs []*T) bool {
		got = append(got, objs...)
		return len(got) < 2
	})
	switch {
	case err != nil:
		return nil, err
	case len(got) == 0:
		return nil, fmt.Errorf("orm: One of %s: %w", reflect.TypeFor[T](), alchemy.ErrNoRows)
	case len(got) > 1:
		return nil, fmt.Errorf("orm: One of %s: %w", reflect.TypeFor[T](), alchemy.ErrMultipleRows)
	}
	return got[0], nil
}

// Each streams the query's objects, reading batch rows at a time (SQLAlchemy's
// yield_per: a server-side cursor on PostgreSQL) and running the loader
// options per batch, so that memory holds one batch however large the result.
// The session's other methods may be called inside the loop. Stopping early
// closes the cursor.
func (q *Query[T]) Each(ctx context.Context, s *Session, batch int) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		if batch <= 0 {
			yield(nil, fmt.Errorf("orm: Each with a batch of %d rows; give a positive size", batch))
			return
		}
		stopped := false
		err := q.run(ctx, s, -batch, func(objs []*T) bool {
			for _, o := range objs {
				if !yield(o, nil) {
					stopped = true
					return false
				}
			}
			return true
		})
		if err != nil && !stopped {
			yield(nil, err)
		}
	}
}

// run executes the query and hands its objects to emit, in batches: all at
// once (batch 0), at most n of them (n > 0: First, One), or streaming in
// batches of -n (Each), with the session unlocked while emit runs. emit
// returns false to stop.
func (q *Query[T]) run(ctx context.Context, s *Session, n int, emit func([]*T) bool) error {
	s.mu.Lock()
	locked := true
	defer func() {
		if locked {
			s.mu.Unlock()
		}
	}()
	m, err := s.sm.reg.mapperOf(reflect.TypeFor[T]())
	if err != nil {
		return err
	}
	if err := s.autoflush(ctx); err != nil {
		return err
	}
	joined, selectins, err := planLoads(m, q.loads, q.hasLock)
	if err != nil {
		return err
	}
	conn, err := s.begin(ctx, s.sm.bindForMapper(m))
	if err != nil {
		return err
	}
	stmt := q.statement(m, joined)
	var res *alchemy.Result
	if n < 0 {
		old := conn.ExecutionOptions()
		o := old
		o.YieldPer = -n
		if err := conn.SetExecutionOptions(o); err != nil {
			return err
		}
		res, err = conn.Execute(ctx, stmt)
		if serr := conn.SetExecutionOptions(old); err == nil {
			err = serr
		}
	} else {
		res, err = conn.Execute(ctx, stmt)
	}
	if err != nil {
		return err
	}
	defer res.Close()
	l := newLoader(&s.uow, m)
	l.unique = len(q.joins) == 0 && len(joined) == 0 && s.uow.identity.len() == 0
	for _, j := range joined {
		j.prepare(&s.uow)
	}
	var objs []*T
	var sts []*state
	flushBatch := func() (bool, error) {
		l.commit()
		if err := s.applySelectIns(ctx, sts, selectins); err != nil {
			return false, err
		}
		if n < 0 { // stream: the caller may use the session while it reads
			s.mu.Unlock()
			locked = false
			goOn := emit(objs)
			s.mu.Lock()
			locked = true
			return goOn, s.usable()
		}
		return emit(objs), nil
	}
	for res.Next() {
		p, err := readJoinedRow(res, l, joined)
		if err != nil {
			return err
		}
		objs = append(objs, (*T)(p))
		if len(selectins) > 0 {
			sts = append(sts, l.last)
		}
		if n > 0 && len(objs) >= n || n < 0 && len(objs) >= -n {
			goOn, err := flushBatch()
			if err != nil || !goOn {
				return err
			}
			if n > 0 {
				return nil
			}
			objs, sts = nil, sts[:0] // the batch's slice is the caller's now
		}
	}
	if err := res.Err(); err != nil {
		l.commit()
		return err
	}
	if len(objs) > 0 || n == 0 {
		_, err := flushBatch()
		return err
	}
	return nil
}

// Statement returns the query's SELECT, for Engine.Render or a Core use.
func (q *Query[T]) Statement(reg *Registry) (*expr.SelectStmt, error) {
	m, err := reg.mapperOf(reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	joined, _, err := planLoads(m, q.loads, q.hasLock)
	if err != nil {
		return nil, err
	}
	return q.statement(m, joined), nil
}
