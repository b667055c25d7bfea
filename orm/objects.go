package orm

import (
	"context"
	"fmt"
	"reflect"

	"github.com/go-alchemy/alchemy"
)

// Add puts new objects (pointers to mapped structs) in the session: the next
// flush inserts them, with the objects their relationships bring (the
// save-update cascade). Adding an object the session has does nothing; one
// whose primary key another object of the session holds is an error
// (ErrIdentityConflict).
func (s *Session) Add(objs ...any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return err
	}
	s.uow.expect(len(objs))
	for _, obj := range objs {
		m, v, err := s.sm.reg.objectMapper(obj)
		if err != nil {
			return err
		}
		if _, err := s.uow.add(m, v); err != nil {
			return err
		}
	}
	return nil
}

// Delete marks a persistent object (one the session loaded or flushed) for
// deletion at the next flush, with the objects its delete cascades reach.
func (s *Session) Delete(obj any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return err
	}
	m, v, err := s.sm.reg.objectMapper(obj)
	if err != nil {
		return err
	}
	st := s.uow.stateOf(m, v)
	switch {
	case st == nil:
		return fmt.Errorf("orm: Delete of a %s the session does not have (Get or Merge it first)", m)
	case st.status == pending:
		return fmt.Errorf("orm: Delete of a %s that was added and never flushed (Expunge it instead)", m)
	case st.status == persistent:
		st.status = deleted
		s.uow.deleted = append(s.uow.deleted, st)
	}
	return nil
}

// Expunge takes obj out of the session: it is no longer tracked, flushed or
// returned by queries (which return a new object for its row).
func (s *Session) Expunge(obj any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, v, err := s.sm.reg.objectMapper(obj)
	if err != nil {
		return err
	}
	st := s.uow.stateOf(m, v)
	if st == nil {
		return nil
	}
	delete(s.uow.newSet, v.UnsafePointer())
	s.uow.news = removeState(s.uow.news, st)
	s.uow.deleted = removeState(s.uow.deleted, st)
	if s.uow.identity.get(st.key) == st {
		s.uow.identity.del(st.key)
	}
	return nil
}

func removeState(list []*state, st *state) []*state {
	for i, x := range list {
		if x == st {
			return append(list[:i:i], list[i+1:]...)
		}
	}
	return list
}

// Expire marks obj to be read again: the next query returning its row, or Get
// of its key, refreshes its fields from the database (all but those changed
// since it was loaded, which the next flush writes).
func (s *Session) Expire(obj any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, v, err := s.sm.reg.objectMapper(obj)
	if err != nil {
		return err
	}
	if st := s.uow.stateOf(m, v); st != nil && st.status != pending {
		st.expired = true
	}
	return nil
}

// ExpireAll expires every object of the session (Expire).
func (s *Session) ExpireAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.uow.identity.all() {
		st.expired = true
	}
}

// Refresh reads obj's row again now, overwriting its mapped fields: changes not
// flushed are lost (it does not autoflush). A row that is gone is an error
// wrapping alchemy.ErrNoRows.
func (s *Session) Refresh(ctx context.Context, obj any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return err
	}
	m, v, err := s.sm.reg.objectMapper(obj)
	if err != nil {
		return err
	}
	st := s.uow.stateOf(m, v)
	if st == nil || st.status == pending {
		return fmt.Errorf("orm: Refresh of a %s that is not persistent in the session", m)
	}
	got, err := s.loadByKey(ctx, m, st.snap.Addr(), true)
	if err != nil {
		return err
	}
	if !got.IsValid() {
		return fmt.Errorf("orm: Refresh of %s %s: %w", m, describeKey(m, v), alchemy.ErrNoRows)
	}
	return nil
}

// Get sets *dest (dest is a **T) to the object of type T whose primary key is
// pk (one value per key column). An object the session already has, not
// expired, comes from the identity map without a query; one marked deleted is
// not found. Not found is an error wrapping alchemy.ErrNoRows.
func (s *Session) Get(ctx context.Context, dest any, pk ...any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return err
	}
	dv := reflect.ValueOf(dest)
	if !dv.IsValid() || dv.Kind() != reflect.Pointer || dv.IsNil() || dv.Elem().Kind() != reflect.Pointer {
		return fmt.Errorf("orm: Get into a %T; give the address of a pointer to a mapped struct (var u *User; s.Get(ctx, &u, id))", dest)
	}
	m, err := s.sm.reg.mapperOf(dv.Type().Elem().Elem())
	if err != nil {
		return err
	}
	k, probe, err := m.keyFromValues(pk)
	if err != nil {
		return err
	}
	if st := s.uow.identity.get(k); st != nil && !st.expired {
		if st.status == deleted {
			return fmt.Errorf("orm: %s %s is deleted in this session: %w", m, describeKey(m, probe), alchemy.ErrNoRows)
		}
		dv.Elem().Set(st.obj)
		return nil
	}
	if err := s.autoflush(ctx); err != nil {
		return err
	}
	got, err := s.loadByKey(ctx, m, probe, false)
	if err != nil {
		return err
	}
	if !got.IsValid() {
		return fmt.Errorf("orm: no %s with %s: %w", m, describeKey(m, probe), alchemy.ErrNoRows)
	}
	dv.Elem().Set(got)
	return nil
}

// loadByKey selects the row whose key the struct at probe holds; invalid when
// there is none. s.mu must be held.
func (s *Session) loadByKey(ctx context.Context, m *mapper, probe reflect.Value, overwrite bool) (reflect.Value, error) {
	conn, err := s.begin(ctx, s.sm.bindForMapper(m))
	if err != nil {
		return reflect.Value{}, err
	}
	res, err := conn.Execute(ctx, m.table.Select(m.selectCols...).Where(pkWhere(m, probe.Elem())))
	if err != nil {
		return reflect.Value{}, err
	}
	defer res.Close()
	l := newLoader(&s.uow, m)
	if !res.Next() {
		if err := res.Err(); err != nil {
			return reflect.Value{}, err
		}
		// Gone: an object the session had for it goes too.
		if k, ok := m.keyOf(probe); ok {
			if st := s.uow.identity.get(k); st != nil {
				s.uow.identity.del(k)
			}
		}
		return reflect.Value{}, nil
	}
	p, err := l.row(res, overwrite)
	if err != nil {
		return reflect.Value{}, err
	}
	return m.value(p), res.Err()
}

// Merge copies the state of obj onto the session's object for its primary key
// (loading it, when the session does not have it) and returns that object,
// SQLAlchemy's merge: obj itself is not added. An object whose row does not
// exist, or without a key yet, is copied into a new pending object.
// Relationships are not merged.
func Merge[T any](ctx context.Context, s *Session, obj *T) (*T, error) {
	if obj == nil {
		return nil, fmt.Errorf("orm: Merge of a nil %T", obj)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return nil, err
	}
	m, v, err := s.sm.reg.objectMapper(obj)
	if err != nil {
		return nil, err
	}
	if st := s.uow.stateOf(m, v); st != nil {
		return obj, nil
	}
	var target reflect.Value
	if k, ok := m.keyOf(v); ok {
		if st := s.uow.identity.get(k); st != nil {
			target = st.obj
		} else {
			if err := s.autoflush(ctx); err != nil {
				return nil, err
			}
			if target, err = s.loadByKey(ctx, m, v, false); err != nil {
				return nil, err
			}
		}
	}
	if !target.IsValid() {
		target = reflect.New(m.typ)
		if _, err := s.uow.add(m, target); err != nil {
			return nil, err
		}
	}
	for _, c := range m.cols {
		c.fieldOf(target).Set(c.fieldOf(v))
	}
	return target.Interface().(*T), nil
}
