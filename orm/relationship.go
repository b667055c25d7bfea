package orm

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/go-alchemy/alchemy/expr"
)

// RelOption configures a relationship (Relationship).
type RelOption func(*relConfig)

type relConfig struct {
	secondary  *expr.Table
	via        []string
	cascade    string
	postUpdate bool
}

// Secondary makes the relationship many-to-many through the association table
// t, which has a foreign key to each side.
func Secondary(t *expr.Table) RelOption { return func(c *relConfig) { c.secondary = t } }

// Via names the foreign key columns the relationship goes through, where the
// tables have several foreign keys between them: those of the table holding
// them (the association table's columns that refer to this side, for
// Secondary).
func Via(columns ...string) RelOption { return func(c *relConfig) { c.via = columns } }

// Cascade sets what the relationship's operations carry to the related objects,
// as SQLAlchemy's cascade does: a comma-separated list of "save-update",
// "delete", "delete-orphan", or "all" (save-update and delete). The default is
// "save-update": an object added to the session brings its related objects.
// "delete" deletes the related objects with their parent; "delete-orphan" also
// deletes an object taken out of its parent's collection, whose foreign key is
// otherwise set to NULL.
func Cascade(spec string) RelOption { return func(c *relConfig) { c.cascade = spec } }

// PostUpdate writes a many-to-one relationship's foreign key by an UPDATE after
// both rows are inserted, and clears it by one before either is deleted: what
// breaks a cycle of rows that refer to each other.
func PostUpdate() RelOption { return func(c *relConfig) { c.postUpdate = true } }

type relKind uint8

const (
	manyToOne  relKind = iota // this table's foreign key refers to the target
	oneToMany                 // the target's foreign key refers to this table
	oneToOne                  // oneToMany with a single object
	manyToMany                // through a secondary table
)

// relationship is one Many or One field of a mapped type.
type relationship struct {
	owner  *mapper
	field  string
	index  []int
	cfg    *relConfig
	many   bool
	target *mapper
	kind   relKind
	// For manyToOne, local are the owner's foreign key columns and remote the
	// target's columns they refer to; for oneToMany and oneToOne, local are the
	// owner's referred columns and remote the target's foreign key columns; for
	// manyToMany, local and remote are the columns the secondary table refers to.
	local, remote []*colMap
	// secLocal and secRemote are the secondary table's columns referring to local
	// and remote.
	secLocal, secRemote                     []expr.Column[any]
	saveUpdate, cascadeDelete, deleteOrphan bool
}

func (r *relationship) String() string { return r.owner.typ.Name() + "." + r.field }

// resolve finds the relationship's target and columns.
func (r *relationship) resolve(mappers map[reflect.Type]*mapper) error {
	if r.target != nil {
		return nil
	}
	cfg := r.cfg
	if cfg == nil {
		cfg = &relConfig{}
	}
	rel := relAt(reflect.New(r.owner.typ), r.index)
	r.many = rel.relMany()
	elem := rel.relElem()
	target := mappers[elem]
	if target == nil {
		return fmt.Errorf("relationship %s: %s is not mapped", r, elem)
	}
	r.saveUpdate = true
	if cfg.cascade != "" {
		r.saveUpdate = false
		for _, part := range strings.Split(cfg.cascade, ",") {
			switch p := strings.TrimSpace(part); p {
			case "all":
				r.saveUpdate, r.cascadeDelete = true, true
			case "save-update":
				r.saveUpdate = true
			case "delete":
				r.cascadeDelete = true
			case "delete-orphan":
				r.deleteOrphan = true
			case "merge", "refresh-expunge", "expunge":
			default:
				return fmt.Errorf("relationship %s: cascade %q is not one of save-update, delete, delete-orphan, all", r, p)
			}
		}
	}
	owner := r.owner
	if cfg.secondary != nil {
		return r.resolveSecondary(target, cfg)
	}
	ownFKs := fksTo(owner.spec, target.table, cfg.via)
	theirFKs := fksTo(target.spec, owner.table, cfg.via)
	var fk expr.ForeignKeySpec
	switch {
	case !r.many && len(ownFKs) == 1:
		r.kind, fk = manyToOne, ownFKs[0]
	case !r.many && len(ownFKs) == 0 && len(theirFKs) == 1:
		r.kind, fk = oneToOne, theirFKs[0]
	case r.many && len(theirFKs) == 1:
		r.kind, fk = oneToMany, theirFKs[0]
	case r.many && len(theirFKs) == 0:
		return fmt.Errorf("relationship %s: table %s has no foreign key to %s (a many-to-many needs orm.Secondary)", r, target.table.Name(), owner.table.Name())
	case len(ownFKs) == 0 && len(theirFKs) == 0:
		return fmt.Errorf("relationship %s: no foreign key joins tables %s and %s", r, owner.table.Name(), target.table.Name())
	default:
		return fmt.Errorf("relationship %s: several foreign keys join tables %s and %s; name the columns with orm.Via", r, owner.table.Name(), target.table.Name())
	}
	holder, referred := owner, target
	if r.kind != manyToOne {
		holder, referred = target, owner
	}
	fkCols, err := colsOf(holder, fk.Columns, r)
	if err != nil {
		return err
	}
	refCols, err := colsOf(referred, fk.ReferredColumns, r)
	if err != nil {
		return err
	}
	if r.kind == manyToOne {
		r.local, r.remote = fkCols, refCols
		if target == owner {
			owner.selfRef = true
		}
	} else {
		r.local, r.remote = refCols, fkCols
	}
	holder.fkRels = append(holder.fkRels, r)
	r.target = target
	return nil
}

func (r *relationship) resolveSecondary(target *mapper, cfg *relConfig) error {
	if !r.many {
		return fmt.Errorf("relationship %s: Secondary needs an orm.Many field", r)
	}
	sec, err := cfg.secondary.Describe()
	if err != nil {
		return fmt.Errorf("relationship %s: %w", r, err)
	}
	toOwner := fksTo(sec, r.owner.table, cfg.via)
	toTarget := fksTo(sec, target.table, nil)
	if r.owner == target { // self-referential: Via names this side, the other key is the far side
		toTarget = slices.DeleteFunc(toTarget, func(f expr.ForeignKeySpec) bool {
			return len(toOwner) == 1 && sameCols(f.Columns, toOwner[0].Columns)
		})
	}
	if len(toOwner) != 1 || len(toTarget) != 1 {
		return fmt.Errorf("relationship %s: association table %s needs one foreign key to %s and one to %s (has %d and %d; orm.Via names this side's columns)",
			r, cfg.secondary.Name(), r.owner.table.Name(), target.table.Name(), len(toOwner), len(toTarget))
	}
	if r.local, err = colsOf(r.owner, toOwner[0].ReferredColumns, r); err != nil {
		return err
	}
	if r.remote, err = colsOf(target, toTarget[0].ReferredColumns, r); err != nil {
		return err
	}
	r.secLocal, r.secRemote = toOwner[0].Columns, toTarget[0].Columns
	r.kind, r.target = manyToMany, target
	return nil
}

// fksTo returns spec's foreign keys referring to table (through the columns via,
// when given).
func fksTo(spec expr.TableSpec, table *expr.Table, via []string) []expr.ForeignKeySpec {
	var out []expr.ForeignKeySpec
	for _, f := range spec.ForeignKeys {
		if f.Referred != table {
			continue
		}
		if len(via) > 0 {
			names := make([]string, len(f.Columns))
			for i, c := range f.Columns {
				names[i] = c.Name()
			}
			if !slices.Equal(names, via) {
				continue
			}
		}
		out = append(out, f)
	}
	return out
}

func sameCols(a, b []expr.Column[any]) bool {
	return slices.EqualFunc(a, b, func(x, y expr.Column[any]) bool { return x.Name() == y.Name() })
}

func colsOf(m *mapper, cols []expr.Column[any], r *relationship) ([]*colMap, error) {
	out := make([]*colMap, len(cols))
	for i, c := range cols {
		out[i] = m.colNamed(c.Name())
		if out[i] == nil {
			return nil, fmt.Errorf("relationship %s: column %s.%s has no field in %s", r, m.table.Name(), c.Name(), m.typ)
		}
	}
	return out, nil
}
