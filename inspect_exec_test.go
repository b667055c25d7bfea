package alchemy_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// reflectSchema is a schema made for one test: a parent table, a child with every
// column type, a composite primary key, a foreign key with actions, unique and check
// constraints, indexes and comments, and a view over the child. On PostgreSQL it
// lives in a schema of its own; elsewhere its names carry a unique prefix.
type reflectSchema struct {
	tg                   testdb.Target
	schema               string // "" for the connection's default
	parent, child, view  string
	pk, fk, uq, ck       string // constraint names
	ixPair, uxUID, ixDoc string // index names
}

// colWant is what the Inspector must say of one column of the child table, per
// target; "" in ddl leaves the column out on that target.
type colWant struct {
	name     string
	ddl      map[string]string
	typ      map[string]string // TypeName per target; "*" for every target
	nullable bool
	def      map[string]string // normalised default per target; missing: nil
	comment  bool              // the column has the comment "the name" (not on SQLite)
}

const (
	pg, my, lite = testdb.PostgreSQL, testdb.MySQL, testdb.SQLite
)

// childColumns are the child table's columns, in order.
var childColumns = []colWant{
	{name: "a", ddl: map[string]string{pg: "int4 not null", my: "int not null", lite: "integer not null"}, typ: map[string]string{"*": "INTEGER"}},
	{name: "b", ddl: map[string]string{pg: "character varying(10) not null", my: "varchar(10) not null", lite: "varchar(10) not null"}, typ: map[string]string{"*": "VARCHAR(10)"}},
	{name: "parent_id", ddl: map[string]string{pg: "integer", my: "integer", lite: "integer"}, typ: map[string]string{"*": "INTEGER"}, nullable: true},
	{name: "big", ddl: map[string]string{pg: "int8 not null default 7", my: "bigint not null default 7", lite: "bigint not null default 7"},
		typ: map[string]string{"*": "BIGINT"}, def: map[string]string{"*": "7"}},
	{name: "neg", ddl: map[string]string{pg: "integer default -1", my: "integer default -1", lite: "integer default -1"},
		typ: map[string]string{"*": "INTEGER"}, nullable: true, def: map[string]string{"*": "-1"}},
	{name: "small", ddl: map[string]string{pg: "int2", my: "smallint", lite: "smallint"}, typ: map[string]string{"*": "SMALLINT"}, nullable: true},
	{name: "flag", ddl: map[string]string{pg: "bool default true", my: "boolean default 1", lite: "boolean default 1"},
		typ: map[string]string{"*": "BOOLEAN"}, nullable: true, def: map[string]string{pg: "true", my: "1", lite: "1"}},
	{name: "price", ddl: map[string]string{pg: "numeric(10,2) default 1.50", my: "decimal(10,2) default 1.50", lite: "numeric(10, 2) default 1.50"},
		typ: map[string]string{"*": "NUMERIC(10, 2)"}, nullable: true, def: map[string]string{"*": "1.50"}},
	{name: "ratio", ddl: map[string]string{pg: "double precision", my: "double", lite: "float"}, typ: map[string]string{"*": "FLOAT"}, nullable: true},
	{name: "single", ddl: map[string]string{pg: "real", my: "float", lite: "real"},
		typ: map[string]string{pg: "REAL", my: "FLOAT", lite: "FLOAT"}, nullable: true},
	{name: "note", ddl: map[string]string{pg: "text", my: "text", lite: "text"}, typ: map[string]string{"*": "TEXT"}, nullable: true},
	{name: "name", ddl: map[string]string{pg: "varchar(50) default 'it''s'", my: "varchar(50) default 'it''s' comment 'the name'", lite: "varchar(50) default 'it''s'"},
		typ: map[string]string{"*": "VARCHAR(50)"}, nullable: true, def: map[string]string{"*": "'it''s'"}, comment: true},
	{name: "born", ddl: map[string]string{pg: "date", my: "date", lite: "date"}, typ: map[string]string{"*": "DATE"}, nullable: true},
	{name: "at_time", ddl: map[string]string{pg: "time", my: "time", lite: "time"}, typ: map[string]string{"*": "TIME"}, nullable: true},
	{name: "created", ddl: map[string]string{pg: "timestamp default now()", my: "datetime default current_timestamp", lite: "timestamp default current_timestamp"},
		typ: map[string]string{pg: "TIMESTAMP", my: "DATETIME", lite: "TIMESTAMP"}, nullable: true, def: map[string]string{"*": "CURRENT_TIMESTAMP"}},
	{name: "precise", ddl: map[string]string{pg: "timestamptz", my: "datetime(6)", lite: "datetime"},
		typ: map[string]string{pg: "TIMESTAMP WITH TIME ZONE", my: "TIMESTAMP", lite: "TIMESTAMP"}, nullable: true},
	{name: "data", ddl: map[string]string{pg: "bytea", my: "longblob", lite: "blob"}, typ: map[string]string{"*": "BLOB"}, nullable: true},
	{name: "doc", ddl: map[string]string{pg: "jsonb", my: "json", lite: "json"}, typ: map[string]string{"*": "JSON"}, nullable: true},
	{name: "uid", ddl: map[string]string{pg: "uuid", my: "char(36)", lite: "char(36)"}, typ: map[string]string{pg: "UUID", my: "CHAR(36)", lite: "CHAR(36)"}, nullable: true},
	{name: "span", ddl: map[string]string{pg: "interval"}, typ: map[string]string{pg: "INTERVAL"}, nullable: true},
	{name: "kind", ddl: map[string]string{pg: "varchar(1) default 'a'", my: "enum('a','b') default 'a'", lite: "varchar(1) default 'a'"},
		typ: map[string]string{pg: "VARCHAR(1)", my: "ENUM", lite: "VARCHAR(1)"}, nullable: true, def: map[string]string{"*": "'a'"}},
}

func (w colWant) get(m map[string]string, target string) (string, bool) {
	if v, ok := m[target]; ok {
		return v, true
	}
	v, ok := m["*"]
	return v, ok
}

// q quotes a name as the target's tables are written in DDL (with the schema on
// PostgreSQL).
func (s *reflectSchema) q(name string) string {
	if s.schema != "" {
		return s.schema + "." + name
	}
	return name
}

// newReflectSchema creates the schema on tg and drops it when the test ends.
func newReflectSchema(t *testing.T, eng *alchemy.Engine, tg testdb.Target) *reflectSchema {
	t.Helper()
	p := uniqueName("refl")
	s := &reflectSchema{tg: tg, parent: p + "_parent", child: p + "_child", view: p + "_v",
		pk: "pk_" + p, fk: "fk_" + p, uq: "uq_" + p, ck: "ck_" + p, ixPair: "ix_" + p + "_pair", uxUID: "ux_" + p + "_uid", ixDoc: "ix_" + p + "_note"}
	ctx := context.Background()
	if tg.Name == pg {
		s.schema = p + "_s"
		mustExec(t, eng, "create schema "+s.schema)
		t.Cleanup(func() {
			if _, err := eng.Execute(ctx, alchemy.Text("drop schema "+s.schema+" cascade")); err != nil {
				t.Errorf("drop schema %s: %v", s.schema, err)
			}
		})
	} else if tg.Name == my {
		t.Cleanup(func() {
			for _, st := range []string{"drop view if exists " + s.view, "drop table if exists " + s.child, "drop table if exists " + s.parent} {
				if _, err := eng.Execute(ctx, alchemy.Text(st)); err != nil {
					t.Errorf("%s: %v", st, err)
				}
			}
		})
	}
	parentID := map[string]string{pg: "id serial primary key", my: "id integer auto_increment primary key", lite: "id integer primary key"}[tg.Name]
	tableComment := map[string]string{my: " comment 'the children'"}[tg.Name]
	mustExec(t, eng, "create table "+s.q(s.parent)+" ("+parentID+", code varchar(20) not null)"+map[string]string{my: " comment 'the parents'"}[tg.Name])
	var defs []string
	for _, c := range childColumns {
		if d := c.ddl[tg.Name]; d != "" {
			defs = append(defs, c.name+" "+d)
		}
	}
	defs = append(defs,
		"constraint "+s.pk+" primary key (b, a)",
		"constraint "+s.fk+" foreign key (parent_id) references "+s.q(s.parent)+" (id) on delete cascade on update set null",
		"constraint "+s.uq+" unique (name, born)",
		"constraint "+s.ck+" check (price >= 0)")
	mustExec(t, eng, "create table "+s.q(s.child)+" ("+strings.Join(defs, ", ")+")"+tableComment)
	mustExec(t, eng, "create index "+s.ixPair+" on "+s.q(s.child)+" (small, big)")
	mustExec(t, eng, "create unique index "+s.uxUID+" on "+s.q(s.child)+" (uid)")
	mustExec(t, eng, "create index "+s.ixDoc+" on "+s.q(s.child)+" (at_time)")
	mustExec(t, eng, "create view "+s.q(s.view)+" as select a, b, name from "+s.q(s.child))
	if tg.Name == pg {
		mustExec(t, eng, "comment on table "+s.q(s.child)+" is 'the children'")
		mustExec(t, eng, "comment on table "+s.q(s.parent)+" is 'the parents'")
		mustExec(t, eng, "comment on column "+s.q(s.child)+".name is 'the name'")
	}
	return s
}

// TestInspector: every Inspector method on a schema made with raw DDL, on SQLite,
// PostgreSQL and MariaDB.
func TestInspector(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL)
		s := newReflectSchema(t, eng, tg)
		ctx := context.Background()
		in := expr.Inspect(eng)

		schemas, err := in.SchemaNames(ctx)
		if err != nil {
			t.Fatal(err)
		}
		def, err := in.DefaultSchemaName(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantSchema := map[string]string{pg: s.schema, lite: "main"}[tg.Name]
		if tg.Name == my {
			wantSchema = def
			if def == "" {
				t.Fatal("DefaultSchemaName on MariaDB is empty")
			}
		} else if tg.Name == lite && def != "main" {
			t.Errorf("DefaultSchemaName = %q, want main", def)
		}
		if !slices.Contains(schemas, wantSchema) || slices.Contains(schemas, "information_schema") || slices.Contains(schemas, "pg_catalog") {
			t.Errorf("SchemaNames = %v, want %q in it and no system schema", schemas, wantSchema)
		}
		if !slices.IsSorted(schemas) {
			t.Errorf("SchemaNames not sorted: %v", schemas)
		}

		tables, err := in.TableNames(ctx, s.schema)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(tables, s.parent) || !slices.Contains(tables, s.child) || slices.Contains(tables, s.view) {
			t.Errorf("TableNames = %v, want %s and %s, not the view %s", tables, s.parent, s.child, s.view)
		}
		views, err := in.ViewNames(ctx, s.schema)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(views, s.view) || slices.Contains(views, s.child) {
			t.Errorf("ViewNames = %v, want %s and no table", views, s.view)
		}

		cols, err := in.Columns(ctx, s.child, s.schema)
		if err != nil {
			t.Fatal(err)
		}
		var want []colWant
		for _, c := range childColumns {
			if c.ddl[tg.Name] != "" {
				want = append(want, c)
			}
		}
		if len(cols) != len(want) {
			t.Fatalf("Columns gave %d columns, want %d: %+v", len(cols), len(want), cols)
		}
		for i, w := range want {
			got := cols[i]
			typ, _ := w.get(w.typ, tg.Name)
			if got.Name != w.name || got.Type == nil || got.Type.TypeName() != typ || got.Nullable != w.nullable || got.Autoincrement {
				tn := "<nil>"
				if got.Type != nil {
					tn = got.Type.TypeName()
				}
				t.Errorf("column %d = {%s %s nullable=%v autoinc=%v}, want {%s %s nullable=%v autoinc=false}",
					i, got.Name, tn, got.Nullable, got.Autoincrement, w.name, typ, w.nullable)
			}
			wd, hasDef := w.get(w.def, tg.Name)
			switch {
			case !hasDef && got.Default != nil:
				t.Errorf("column %s: default %q, want none", w.name, *got.Default)
			case hasDef && (got.Default == nil || *got.Default != wd):
				t.Errorf("column %s: default %v, want %q", w.name, deref(got.Default), wd)
			}
			wantComment := ""
			if w.comment && tg.Name != lite {
				wantComment = "the name"
			}
			if got.Comment != wantComment {
				t.Errorf("column %s: comment %q, want %q", w.name, got.Comment, wantComment)
			}
		}
		if tg.Name == my {
			if e := cols[len(cols)-1].Type; e != nil {
				if sql, err := e.SQLFor("mariadb"); err != nil || sql != "ENUM('a', 'b')" {
					t.Errorf("enum column's SQL = %q, %v; want ENUM('a', 'b')", sql, err)
				}
			}
		}

		pcols, err := in.Columns(ctx, s.parent, s.schema)
		if err != nil {
			t.Fatal(err)
		}
		if len(pcols) != 2 || pcols[0].Name != "id" || !pcols[0].Autoincrement || pcols[0].Default != nil || pcols[0].Nullable ||
			pcols[1].Name != "code" || pcols[1].Autoincrement || pcols[1].Nullable {
			t.Errorf("parent's columns = %+v, want id autoincrement without default, code not null", pcols)
		}

		pk, err := in.PrimaryKey(ctx, s.child, s.schema)
		if err != nil {
			t.Fatal(err)
		}
		wantPKName := map[string]string{pg: s.pk}[tg.Name]
		if lite == tg.Name {
			wantPKName = s.pk // read from the CREATE TABLE text
		}
		if pk.Name != wantPKName || !slices.Equal(pk.Columns, []string{"b", "a"}) {
			t.Errorf("PrimaryKey = %+v, want %q over [b a]", pk, wantPKName)
		}

		fks, err := in.ForeignKeys(ctx, s.child, s.schema)
		if err != nil {
			t.Fatal(err)
		}
		wantFK := expr.ForeignKeyInfo{Name: s.fk, Columns: []string{"parent_id"}, ReferredTable: s.parent,
			ReferredColumns: []string{"id"}, OnDelete: "CASCADE", OnUpdate: "SET NULL"}
		if len(fks) != 1 || fmt.Sprint(fks[0]) != fmt.Sprint(wantFK) {
			t.Errorf("ForeignKeys = %+v, want [%+v]", fks, wantFK)
		}
		if pfks, err := in.ForeignKeys(ctx, s.parent, s.schema); err != nil || len(pfks) != 0 {
			t.Errorf("parent's ForeignKeys = %+v, %v; want none", pfks, err)
		}

		idx, err := in.Indexes(ctx, s.child, s.schema)
		if err != nil {
			t.Fatal(err)
		}
		wantIdx := []expr.IndexInfo{
			{Name: s.ixDoc, Columns: []string{"at_time"}},
			{Name: s.ixPair, Columns: []string{"small", "big"}},
		}
		if tg.Name == my {
			// MariaDB gives the foreign key an index of its own, named for it
			wantIdx = append(wantIdx, expr.IndexInfo{Name: s.fk, Columns: []string{"parent_id"}})
		} else {
			wantIdx = append(wantIdx, expr.IndexInfo{Name: s.uxUID, Columns: []string{"uid"}, Unique: true})
		}
		slices.SortFunc(wantIdx, func(a, b expr.IndexInfo) int { return strings.Compare(a.Name, b.Name) })
		if fmt.Sprint(idx) != fmt.Sprint(wantIdx) {
			t.Errorf("Indexes = %+v\nwant      %+v", idx, wantIdx)
		}

		uqs, err := in.UniqueConstraints(ctx, s.child, s.schema)
		if err != nil {
			t.Fatal(err)
		}
		wantUQ := []expr.UniqueConstraintInfo{{Name: s.uq, Columns: []string{"name", "born"}}}
		if tg.Name == my { // a unique index is a unique constraint there
			wantUQ = append(wantUQ, expr.UniqueConstraintInfo{Name: s.uxUID, Columns: []string{"uid"}})
		}
		if fmt.Sprint(uqs) != fmt.Sprint(wantUQ) {
			t.Errorf("UniqueConstraints = %+v, want %+v", uqs, wantUQ)
		}

		cks, err := in.CheckConstraints(ctx, s.child, s.schema)
		if err != nil {
			t.Fatal(err)
		}
		wantCheck := map[string]string{pg: "price >= (0)::numeric", my: "`price` >= 0", lite: "price >= 0"}[tg.Name]
		if len(cks) != 1 || cks[0].Name != s.ck || cks[0].SQLText != wantCheck {
			t.Errorf("CheckConstraints = %+v, want [{%s %s}] (MariaDB's json_valid check is the JSON type's, not one)", cks, s.ck, wantCheck)
		}

		for table, want := range map[string]string{s.child: "the children", s.parent: "the parents", s.view: ""} {
			if tg.Name == lite {
				want = ""
			}
			if c, err := in.TableComment(ctx, table, s.schema); err != nil || c != want {
				t.Errorf("TableComment(%s) = %q, %v; want %q", table, c, err, want)
			}
		}

		vcols, err := in.Columns(ctx, s.view, s.schema)
		if err != nil {
			t.Fatal(err)
		}
		if len(vcols) != 3 || vcols[0].Name != "a" || vcols[2].Name != "name" || vcols[2].Type.TypeName() != "VARCHAR(50)" {
			t.Errorf("the view's columns = %+v, want a, b, name VARCHAR(50)", vcols)
		}

		// a table that is not there
		missing := s.child + "_missing"
		if _, err := in.Columns(ctx, missing, s.schema); !errors.Is(err, expr.ErrNoSuchTable) || !strings.Contains(err.Error(), missing) {
			t.Errorf("Columns of a missing table: %v, want ErrNoSuchTable naming it", err)
		}
		if _, err := in.ForeignKeys(ctx, missing, s.schema); !errors.Is(err, expr.ErrNoSuchTable) {
			t.Errorf("ForeignKeys of a missing table: %v, want ErrNoSuchTable", err)
		}
		if ok, err := in.HasTable(ctx, s.child, s.schema); err != nil || !ok {
			t.Errorf("HasTable(child) = %v, %v", ok, err)
		}
		// a name that would break a spliced query is bound, and simply not found
		if ok, err := in.HasTable(ctx, "x' or '1'='1", s.schema); err != nil || ok {
			t.Errorf("HasTable of a quote-laden name = %v, %v; want false, nil", ok, err)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

func deref(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestReflect: Reflect declares the tables, which then work in statements.
func TestReflect(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL)
		s := newReflectSchema(t, eng, tg)
		ctx := context.Background()
		md := expr.NewMetaData()
		opts := []expr.ReflectOption{expr.ReflectViews()}
		if s.schema != "" {
			opts = append(opts, expr.ReflectSchema(s.schema))
		} else {
			opts = append(opts, expr.ReflectOnly(s.parent, s.child, s.view))
		}
		if err := expr.Reflect(ctx, eng, md, opts...); err != nil {
			t.Fatal(err)
		}
		parent, ok := md.Table(s.q(s.parent))
		if !ok {
			t.Fatalf("no table %s in %v", s.q(s.parent), md.Tables())
		}
		child, ok := md.Table(s.q(s.child))
		if !ok {
			t.Fatalf("no table %s", s.q(s.child))
		}
		view, ok := md.Table(s.q(s.view))
		if !ok {
			t.Fatalf("no view %s", s.q(s.view))
		}
		if n := len(md.Tables()); n != 3 {
			t.Errorf("md holds %d tables, want 3", n)
		}
		var names []string
		for _, c := range child.Columns() {
			names = append(names, c.Name())
		}
		var wantNames []string
		for _, c := range childColumns {
			if c.ddl[tg.Name] != "" {
				wantNames = append(wantNames, c.name)
			}
		}
		if !slices.Equal(names, wantNames) {
			t.Errorf("child's columns = %v, want %v", names, wantNames)
		}
		if tn := child.C("price").Type().SQL().TypeName(); tn != "NUMERIC(10, 2)" {
			t.Errorf("price's type = %s, want NUMERIC(10, 2)", tn)
		}

		// insert into the parent: its id comes from the database
		if _, err := eng.Execute(ctx, parent.Insert().Values(alchemy.Params{"code": "p1"})); err != nil {
			t.Fatal(err)
		}
		res, err := eng.Execute(ctx, parent.Select(parent.C("id")).Where(parent.C("code").Eq("p1")))
		if err != nil {
			t.Fatal(err)
		}
		pid, err := alchemy.Scalar[int64](res)
		if err != nil || pid < 1 {
			t.Fatalf("parent id = %d, %v", pid, err)
		}
		if _, err := eng.Execute(ctx, child.Insert().Values(alchemy.Params{"a": int64(1), "b": "k", "parent_id": pid, "name": "ed"})); err != nil {
			t.Fatal(err)
		}
		// the server defaults filled the rest
		res, err = eng.Execute(ctx, child.Select(child.C("a"), child.C("big"), child.C("kind")).Where(child.C("b").Eq("k")))
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			A    int64  `db:"a"`
			Big  int64  `db:"big"`
			Kind string `db:"kind"`
		}
		got, err := alchemy.One[row](res)
		if err != nil || got != (row{1, 7, "a"}) {
			t.Errorf("child row = %+v, %v; want {1 7 a}", got, err)
		}
		res, err = eng.Execute(ctx, view.Select(view.C("name")).Where(view.C("a").Eq(int64(1))))
		if err != nil {
			t.Fatal(err)
		}
		if name, err := alchemy.Scalar[string](res); err != nil || name != "ed" {
			t.Errorf("the view gives %q, %v; want ed", name, err)
		}
		// the check is the database's: a negative price is refused
		if _, err := eng.Execute(ctx, child.Insert().Values(alchemy.Params{"a": int64(2), "b": "k", "price": "-1"})); err == nil {
			t.Error("a negative price was accepted: the check constraint is gone")
		}

		// reflecting again into the same MetaData is an error that changes nothing
		err = expr.Reflect(ctx, eng, md, opts...)
		if err == nil || !strings.Contains(err.Error(), "already holds") {
			t.Errorf("second Reflect: %v, want an error saying md already holds the table", err)
		}
		if n := len(md.Tables()); n != 3 {
			t.Errorf("after the failed Reflect md holds %d tables, want 3", n)
		}
		// a table the database lacks
		err = expr.Reflect(ctx, eng, expr.NewMetaData(), expr.ReflectOnly(s.child, "nope_"+s.child), expr.ReflectSchema(s.schema))
		if !errors.Is(err, expr.ErrNoSuchTable) || !strings.Contains(err.Error(), "nope_"+s.child) {
			t.Errorf("Reflect of a missing table: %v, want ErrNoSuchTable naming it", err)
		}
		// only some tables
		md2 := expr.NewMetaData()
		if err := expr.Reflect(ctx, eng, md2, expr.ReflectOnly(s.parent), expr.ReflectSchema(s.schema)); err != nil {
			t.Fatal(err)
		}
		if ts := md2.Tables(); len(ts) != 1 || ts[0].Name() != s.parent {
			t.Errorf("ReflectOnly(parent) declared %v", ts)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}

// TestInspectBadInput: a nil executor, a nil MetaData and a nil context are errors,
// never panics.
func TestInspectBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var nilEng *alchemy.Engine
	if _, err := expr.Inspect(nilEng).TableNames(ctx, ""); err == nil || !strings.Contains(err.Error(), "nil") {
		t.Errorf("Inspect(nil engine): %v, want an error naming nil", err)
	}
	if err := expr.Reflect(ctx, nilEng, expr.NewMetaData()); err == nil {
		t.Error("Reflect on a nil engine: no error")
	}
	eng := newEngine(t, testdb.SQLiteURL(t))
	if err := expr.Reflect(ctx, eng, nil); err == nil || !strings.Contains(err.Error(), "MetaData") {
		t.Errorf("Reflect into nil: %v, want an error naming the MetaData", err)
	}
	//lint:ignore SA1012 a nil context is the bad input under test
	if _, err := expr.Inspect(eng).TableNames(nil, ""); err == nil { //nolint:staticcheck
		t.Error("TableNames(nil ctx): no error")
	}
	if _, err := expr.Inspect(eng).Columns(ctx, "", ""); err == nil || !strings.Contains(err.Error(), "empty table name") {
		t.Errorf("Columns of an empty name: %v", err)
	}
}
