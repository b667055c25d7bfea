package orm

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/go-alchemy/alchemy/expr"
)

// Registry holds the mappings of Go struct types to tables, SQLAlchemy's
// registry. Map types into it at start-up, then give it to NewSessionmaker.
// It is safe for concurrent use.
type Registry struct {
	mu         sync.RWMutex
	byType     map[reflect.Type]*mapper
	configured bool
	err        error // of the last Configure
	rank       map[*mapper]int
}

// NewRegistry returns an empty Registry.
func NewRegistry() *Registry { return &Registry{byType: map[reflect.Type]*mapper{}} }

// MapOption configures one mapping (Map).
type MapOption func(*mapConfig)

type mapConfig struct {
	fieldCols map[string]string // field name → column name, explicit
	version   string            // field name of the version counter
	rels      map[string]*relConfig
}

// FieldColumn maps the struct field called field to the table's column called
// column, whatever the field's db tag or name says: explicit registration.
func FieldColumn(field, column string) MapOption {
	return func(c *mapConfig) { c.fieldCols[field] = column }
}

// VersionField names the integer field whose column counts the row's versions:
// SQLAlchemy's version_id_col. An INSERT writes 1, each UPDATE adds one and
// requires the version the session loaded, so that an update based on stale
// data fails with ErrStaleData and writes nothing.
func VersionField(field string) MapOption {
	return func(c *mapConfig) { c.version = field }
}

// Relationship configures the relationship held by the Many or One field called
// field. A Many or One field needs no Relationship when its defaults fit: the
// direction and the columns come from the tables' foreign keys.
func Relationship(field string, opts ...RelOption) MapOption {
	return func(c *mapConfig) {
		rc := c.rels[field]
		if rc == nil {
			rc = &relConfig{}
			c.rels[field] = rc
		}
		for _, o := range opts {
			o(rc)
		}
	}
}

// Map maps the struct type T onto table. Each exported field takes the column
// its db tag names, or its name in snake_case (CreatedAt → created_at);
// `db:"-"` leaves a field out; Many and One fields hold relationships. A field
// naming no column of the table, a table without a primary key and a type
// mapped twice are errors.
func Map[T any](reg *Registry, table *expr.Table, opts ...MapOption) error {
	t := reflect.TypeFor[T]()
	if reg == nil {
		return fmt.Errorf("orm: Map[%s] into a nil Registry", t)
	}
	if t.Kind() != reflect.Struct {
		return fmt.Errorf("orm: Map[%s]: a mapped type must be a struct type (map User, not *User)", t)
	}
	cfg := &mapConfig{fieldCols: map[string]string{}, rels: map[string]*relConfig{}}
	for _, o := range opts {
		o(cfg)
	}
	m, err := newMapper(t, table, cfg)
	if err != nil {
		return err
	}
	m.ops = typeOpsFor[T]()
	reg.mu.Lock()
	defer reg.mu.Unlock()
	if old, dup := reg.byType[t]; dup {
		return fmt.Errorf("orm: %s is mapped twice (onto %s and %s)", t, old.table.Name(), table.Name())
	}
	reg.byType[t] = m
	reg.configured, reg.rank = false, nil
	return nil
}

// Configure resolves every mapping's relationships (their target types must be
// mapped, their foreign keys found). Sessions do it at first use; call it at
// start-up to see a mistake there.
func (reg *Registry) Configure() error {
	reg.mu.RLock()
	done, err := reg.configured, reg.err
	reg.mu.RUnlock()
	if done {
		return err
	}
	reg.mu.Lock()
	defer reg.mu.Unlock()
	if reg.configured {
		return reg.err
	}
	var errs []string
	for _, m := range reg.byType {
		for _, r := range m.rels {
			if err := r.resolve(reg.byType); err != nil {
				errs = append(errs, err.Error())
			}
		}
	}
	reg.err = nil
	if len(errs) > 0 {
		reg.err = fmt.Errorf("orm: %s", strings.Join(errs, "; "))
	}
	reg.configured = true
	return reg.err
}

// mapperOf returns the mapper of the struct type t (t may be a pointer to it).
func (reg *Registry) mapperOf(t reflect.Type) (*mapper, error) {
	if err := reg.Configure(); err != nil {
		return nil, err
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	reg.mu.RLock()
	m := reg.byType[t]
	reg.mu.RUnlock()
	if m == nil {
		return nil, fmt.Errorf("%w: %s (orm.Map it into the sessionmaker's Registry)", ErrUnmapped, t)
	}
	return m, nil
}

// objectMapper returns the mapper of obj, which must be a non-nil pointer to a
// mapped struct.
func (reg *Registry) objectMapper(obj any) (*mapper, reflect.Value, error) {
	v := reflect.ValueOf(obj)
	if !v.IsValid() || v.Kind() != reflect.Pointer || v.Type().Elem().Kind() != reflect.Struct {
		return nil, reflect.Value{}, fmt.Errorf("orm: %T is not a pointer to a mapped struct", obj)
	}
	if v.IsNil() {
		return nil, reflect.Value{}, fmt.Errorf("orm: a nil %T", obj)
	}
	m, err := reg.mapperOf(v.Type())
	return m, v, err
}

// ranks orders the mappers so that a table comes after the tables its foreign
// keys refer to (but for PostUpdate relationships and references to itself):
// parents are inserted first and deleted last. Mappers in a cycle keep an
// arbitrary order among themselves.
func (reg *Registry) ranks() map[*mapper]int {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	if reg.rank != nil {
		return reg.rank
	}
	byTable := map[*expr.Table]*mapper{}
	var all []*mapper
	for _, m := range reg.byType {
		byTable[m.table] = m
		all = append(all, m)
	}
	slices.SortFunc(all, func(a, b *mapper) int { return strings.Compare(a.typ.String(), b.typ.String()) })
	deps := map[*mapper][]*mapper{}
	for _, m := range all {
		skip := map[*expr.Table]bool{}
		for _, r := range m.fkRels {
			if r.kind == manyToOne && r.cfg != nil && r.cfg.postUpdate {
				skip[r.target.table] = true
			}
		}
		for _, fk := range m.spec.ForeignKeys {
			if p := byTable[fk.Referred]; p != nil && p != m && !skip[fk.Referred] {
				deps[m] = append(deps[m], p)
			}
		}
	}
	rank := map[*mapper]int{}
	state := map[*mapper]int{} // 1 visiting, 2 done
	n := 0
	var visit func(m *mapper)
	visit = func(m *mapper) {
		if state[m] != 0 {
			return // done, or a cycle: left where it is
		}
		state[m] = 1
		for _, p := range deps[m] {
			visit(p)
		}
		state[m] = 2
		rank[m] = n
		n++
	}
	for _, m := range all {
		visit(m)
	}
	reg.rank = rank
	return rank
}
