package expr

import (
	"context"
	"fmt"

	"github.com/go-alchemy/alchemy/dialect"
)

// DDLOption sets how CreateAll and DropAll work.
type DDLOption func(*ddlConfig)

type ddlConfig struct {
	checkFirst bool
	tables     []*Table
	only       bool
}

// CheckFirst says whether CreateAll asks the database first which tables exist, and
// creates only the missing ones (DropAll: drops only those there), as SQLAlchemy's
// checkfirst. It is on unless turned off.
func CheckFirst(on bool) DDLOption { return func(c *ddlConfig) { c.checkFirst = on } }

// Tables restricts CreateAll and DropAll to the tables given, which must be of the
// MetaData; they are still ordered by their foreign keys.
func Tables(ts ...*Table) DDLOption {
	return func(c *ddlConfig) { c.tables, c.only = append(c.tables, ts...), true }
}

// ddlPlan is what CreateAll or DropAll run, prepared before anything runs.
type ddlPlan struct {
	d     dialect.Dialect
	cfg   ddlConfig
	order ddlOrder
	// inline: the dialect cannot ALTER TABLE ADD CONSTRAINT (SQLite), so the keys
	// that close a cycle are written in CREATE TABLE, which SQLite allows since it
	// does not check a key's target when the table is created.
	inline bool
}

// newPlan checks the arguments and orders the tables.
func newPlan(what string, d dialect.Dialect, md *MetaData, opts []DDLOption) (*ddlPlan, error) {
	if d == nil {
		return nil, fmt.Errorf("alchemy: %s: the executor has no dialect", what)
	}
	if md == nil {
		return nil, fmt.Errorf("alchemy: %s of a nil MetaData", what)
	}
	p := &ddlPlan{d: d, cfg: ddlConfig{checkFirst: true}, inline: d.Name() == "sqlite"}
	for _, o := range opts {
		if o != nil {
			o(&p.cfg)
		}
	}
	tables := md.Tables()
	if p.cfg.only {
		seen := map[*Table]bool{}
		picked := p.cfg.tables[:0:0]
		for _, t := range p.cfg.tables {
			if t == nil {
				return nil, fmt.Errorf("alchemy: %s: Tables was given a nil table", what)
			}
			if own, ok := md.Table(t.fullName()); !ok || own != t {
				return nil, fmt.Errorf("alchemy: %s: table %s given to Tables is not of this MetaData", what, t.fullName())
			}
			if !seen[t] {
				seen[t] = true
				picked = append(picked, t)
			}
		}
		// keep the MetaData's order of declaration, which the sort keeps for ties
		tables = tables[:0:0]
		for _, t := range md.Tables() {
			if seen[t] {
				tables = append(tables, t)
			}
		}
	}
	for _, t := range tables {
		if t.err != nil {
			return nil, fmt.Errorf("alchemy: %s: %w", what, t.err)
		}
	}
	p.order = sortTables(tables)
	if p.inline {
		p.order.deferred = nil
	}
	return p, nil
}

// omitted returns the names of t's keys that are added after all tables.
func (p *ddlPlan) omitted(t *Table) map[string]bool {
	var m map[string]bool
	for _, f := range p.order.deferred {
		if f.table == t {
			if m == nil {
				m = map[string]bool{}
			}
			m[f.name()] = true
		}
	}
	return m
}

// createStatements returns what creates t: CREATE TABLE, PostgreSQL's comments, the
// indexes.
func (p *ddlPlan) createStatements(t *Table) ([]Statement, error) {
	out := []Statement{&CreateTableStmt{table: t, omit: p.omitted(t)}}
	if p.d.Name() == "postgresql" {
		if t.comment != "" {
			out = append(out, SetTableComment(t))
		}
		for _, d := range t.allColumns() {
			if d.comment != "" {
				out = append(out, &CommentStmt{table: t, col: t.C(d.name)})
			}
		}
	}
	ixs, err := t.indexes()
	if err != nil {
		return nil, err
	}
	for _, ix := range ixs {
		out = append(out, CreateIndex(t, ix.name))
	}
	return out, nil
}

// check compiles every statement for the dialect, so that an error of any is found
// before the first runs.
func (p *ddlPlan) check(what string, stmts []Statement) error {
	for _, s := range stmts {
		if _, err := Compile(p.d, dialect.Version{}, s); err != nil {
			return fmt.Errorf("alchemy: %s: %w", what, err)
		}
	}
	return nil
}

// run executes s and closes its result.
func run[R Rows](ctx context.Context, e Executor[R], s Statement) error {
	r, err := e.Execute(ctx, s)
	if err != nil {
		return err
	}
	return r.Close()
}

// CreateAll creates the tables of md that do not exist yet, with their constraints
// and indexes, in foreign-key order: SQLAlchemy's MetaData.create_all. Tables that
// reference each other in a cycle are created without the keys that close it, which
// are added after all the tables with ALTER TABLE ADD CONSTRAINT (an unnamed one is
// named fk_<table>_<column>_<referred table>); SQLite, which has no such ALTER,
// gets them inline, since it does not check a key's target when a table is created.
//
// Every statement is compiled before the first runs, so that an error in the
// declarations (a type the dialect lacks, a reference to no table) creates nothing.
// DDL is not transactional on MySQL and MariaDB: a statement that fails there leaves
// the tables created before it.
func CreateAll[R Rows](ctx context.Context, e Executor[R], md *MetaData, opts ...DDLOption) error {
	if any(e) == nil {
		return fmt.Errorf("alchemy: CreateAll: a nil executor")
	}
	p, err := newPlan("CreateAll", e.Dialect(), md, opts)
	if err != nil {
		return err
	}
	plans := make([][]Statement, len(p.order.tables))
	for i, t := range p.order.tables {
		stmts, err := p.createStatements(t)
		if err != nil {
			return fmt.Errorf("alchemy: CreateAll: %w", err)
		}
		if err := p.check("CreateAll", stmts); err != nil {
			return err
		}
		plans[i] = stmts
	}
	adds := make([]Statement, len(p.order.deferred))
	for i, f := range p.order.deferred {
		adds[i] = AddConstraint(f.table, f.name())
	}
	if err := p.check("CreateAll", adds); err != nil {
		return err
	}
	created := map[*Table]bool{}
	for i, t := range p.order.tables {
		if p.cfg.checkFirst {
			there, err := hasTable(ctx, e, t)
			if err != nil {
				return fmt.Errorf("alchemy: CreateAll: %w", err)
			}
			if there {
				continue
			}
		}
		for _, s := range plans[i] {
			if err := run(ctx, e, s); err != nil {
				return fmt.Errorf("alchemy: CreateAll: table %s: %w", t.fullName(), err)
			}
		}
		created[t] = true
	}
	for i, f := range p.order.deferred {
		if !created[f.table] {
			continue // it was there: so is its key
		}
		if err := run(ctx, e, adds[i]); err != nil {
			return fmt.Errorf("alchemy: CreateAll: foreign key %s of table %s: %w", f.name(), f.table.fullName(), err)
		}
	}
	return nil
}

// DropAll drops the tables of md that exist, in reverse foreign-key order:
// SQLAlchemy's MetaData.drop_all. The keys that close a cycle are dropped first, with
// ALTER TABLE DROP CONSTRAINT (DROP FOREIGN KEY on MySQL and MariaDB), under the
// names CreateAll gave them. On SQLite, whose keys in a cycle are inline, dropping a
// table of a cycle whose rows are still referenced fails when foreign keys are
// enforced, unless the key is ON DELETE CASCADE or SET NULL: delete those rows first.
func DropAll[R Rows](ctx context.Context, e Executor[R], md *MetaData, opts ...DDLOption) error {
	if any(e) == nil {
		return fmt.Errorf("alchemy: DropAll: a nil executor")
	}
	p, err := newPlan("DropAll", e.Dialect(), md, opts)
	if err != nil {
		return err
	}
	drops := make([]Statement, 0, len(p.order.tables))
	for i := len(p.order.tables) - 1; i >= 0; i-- {
		drops = append(drops, DropTable(p.order.tables[i]))
	}
	if err := p.check("DropAll", drops); err != nil {
		return err
	}
	cuts := make([]Statement, len(p.order.deferred))
	for i, f := range p.order.deferred {
		cuts[i] = DropConstraint(f.table, f.name())
	}
	if err := p.check("DropAll", cuts); err != nil {
		return err
	}
	exists := map[*Table]bool{}
	for _, t := range p.order.tables {
		there := true
		if p.cfg.checkFirst {
			if there, err = hasTable(ctx, e, t); err != nil {
				return fmt.Errorf("alchemy: DropAll: %w", err)
			}
		}
		exists[t] = there
	}
	for i, f := range p.order.deferred {
		if !exists[f.table] || !exists[f.ref] {
			continue
		}
		if err := run(ctx, e, cuts[i]); err != nil {
			return fmt.Errorf("alchemy: DropAll: foreign key %s of table %s: %w", f.name(), f.table.fullName(), err)
		}
	}
	for i := len(p.order.tables) - 1; i >= 0; i-- {
		t := p.order.tables[i]
		if !exists[t] {
			continue
		}
		if err := run(ctx, e, DropTable(t)); err != nil {
			return fmt.Errorf("alchemy: DropAll: table %s: %w", t.fullName(), err)
		}
	}
	return nil
}
