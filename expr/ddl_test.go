package expr_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy/dialect"
	"github.com/go-alchemy/alchemy/expr"
)

func lookup(t *testing.T, name string) dialect.Dialect {
	t.Helper()
	d, err := dialect.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func tableNames(ts []*expr.Table) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Name()
	}
	return strings.Join(names, " ")
}

func TestSortedTables(t *testing.T) {
	md := expr.NewMetaData()
	// c references b references a; d and e reference each other; e references itself.
	c := md.NewTable("c")
	expr.NewColumn(c, "b_id", expr.Integer, expr.References("b.id"))
	d := md.NewTable("d")
	expr.NewColumn(d, "id", expr.Integer, expr.PrimaryKey())
	expr.NewColumn(d, "e_id", expr.Integer, expr.References("e.id"))
	b := md.NewTable("b")
	expr.NewColumn(b, "id", expr.Integer, expr.PrimaryKey())
	expr.NewColumn(b, "a_id", expr.Integer, expr.References("a.id"))
	e := md.NewTable("e")
	expr.NewColumn(e, "id", expr.Integer, expr.PrimaryKey())
	expr.NewColumn(e, "d_id", expr.Integer, expr.References("d.id"))
	expr.NewColumn(e, "parent", expr.Integer, expr.References("e.id"))
	a := md.NewTable("a")
	expr.NewColumn(a, "id", expr.Integer, expr.PrimaryKey())
	expr.NewColumn(a, "nowhere", expr.Integer, expr.References("missing.id")) // orders nothing

	if got, want := tableNames(md.SortedTables()), "d e a b c"; got != want {
		t.Errorf("SortedTables = %s, want %s", got, want)
	}

	// The cycle's key from d (declared first) to e is added after; the rest inline.
	rec := &recorder{d: lookup(t, "postgresql")}
	md2 := expr.NewMetaData()
	d2 := md2.NewTable("d")
	expr.NewColumn(d2, "id", expr.Integer, expr.PrimaryKey())
	expr.NewColumn(d2, "e_id", expr.Integer, expr.References("e.id"))
	e2 := md2.NewTable("e")
	expr.NewColumn(e2, "id", expr.Integer, expr.PrimaryKey())
	expr.NewColumn(e2, "d_id", expr.Integer, expr.References("d.id"))
	if err := expr.CreateAll(context.Background(), rec, md2, expr.CheckFirst(false)); err != nil {
		t.Fatal(err)
	}
	if len(rec.out) != 3 || !strings.HasPrefix(rec.out[0], `CREATE TABLE d (`) || strings.Contains(rec.out[0], "FOREIGN KEY") ||
		!strings.Contains(rec.out[1], "FOREIGN KEY (d_id) REFERENCES d (id)") ||
		rec.out[2] != "ALTER TABLE d ADD CONSTRAINT fk_d_e_id_e FOREIGN KEY (e_id) REFERENCES e (id)" {
		t.Errorf("CreateAll of a cycle ran:\n%s", rec.script())
	}
}

func TestCreateAllTables(t *testing.T) {
	ctx := context.Background()
	md := expr.NewMetaData()
	p := md.NewTable("p")
	expr.NewColumn(p, "id", expr.Integer, expr.PrimaryKey())
	ch := md.NewTable("ch")
	expr.NewColumn(ch, "p_id", expr.Integer, expr.References("p.id"))
	other := expr.NewMetaData().NewTable("p")
	expr.NewColumn(other, "id", expr.Integer)

	rec := &recorder{d: lookup(t, "sqlite")}
	if err := expr.CreateAll(ctx, rec, md, expr.CheckFirst(false), expr.Tables(ch, p, ch)); err != nil {
		t.Fatal(err)
	}
	if len(rec.out) != 2 || !strings.HasPrefix(rec.out[0], "CREATE TABLE p") || !strings.HasPrefix(rec.out[1], "CREATE TABLE ch") {
		t.Errorf("Tables(ch, p) ran:\n%s", rec.script())
	}
	rec = &recorder{d: lookup(t, "sqlite")}
	if err := expr.DropAll(ctx, rec, md, expr.CheckFirst(false), expr.Tables(p)); err != nil {
		t.Fatal(err)
	}
	if rec.script() != "DROP TABLE p;\n" {
		t.Errorf("DropAll Tables(p) ran:\n%s", rec.script())
	}
	err := expr.CreateAll(ctx, rec, md, expr.Tables(other))
	if err == nil || !strings.Contains(err.Error(), "table p given to Tables is not of this MetaData") {
		t.Errorf("Tables of another MetaData: %v", err)
	}
	if err := expr.CreateAll(ctx, rec, nil); err == nil || !strings.Contains(err.Error(), "nil MetaData") {
		t.Errorf("nil MetaData: %v", err)
	}
	if err := expr.CreateAll(ctx, expr.Executor[*recordedRows](nil), md); err == nil || !strings.Contains(err.Error(), "nil executor") {
		t.Errorf("nil executor: %v", err)
	}
}

func TestCheckFirstSkipsAll(t *testing.T) {
	ctx := context.Background()
	md := ddlGoldenSchema()
	rec := &recorder{d: lookup(t, "postgresql"), exists: map[string]bool{"org": true, "user": true, "order": true, "item": true}}
	if err := expr.CreateAll(ctx, rec, md); err != nil {
		t.Fatal(err)
	}
	for _, s := range rec.out {
		if !strings.HasPrefix(s, "SELECT") {
			t.Errorf("CreateAll with every table there ran %s", s)
		}
	}
	if len(rec.out) != 4 {
		t.Errorf("CreateAll asked %d times, want 4", len(rec.out))
	}
	rec = &recorder{d: lookup(t, "postgresql")}
	if err := expr.DropAll(ctx, rec, md); err != nil {
		t.Fatal(err)
	}
	if len(rec.out) != 4 {
		t.Errorf("DropAll with no table there ran:\n%s", rec.script())
	}
}

// TestDDLErrors: bad declarations are errors naming what is wrong, and CreateAll
// runs nothing when any statement of it would fail.
func TestDDLErrors(t *testing.T) {
	type decl func(md *expr.MetaData) expr.Statement
	cases := []struct {
		name    string
		dialect string
		build   decl
		want    []string
	}{
		{"interval on mysql", "mysql", func(md *expr.MetaData) expr.Statement {
			tb := md.NewTable("spans")
			expr.NewColumn(tb, "id", expr.Integer, expr.PrimaryKey())
			expr.NewColumn(tb, "took", expr.Interval)
			return expr.CreateTable(tb)
		}, []string{"column spans.took", "INTERVAL", "mysql"}},
		{"interval on mariadb", "mariadb", func(md *expr.MetaData) expr.Statement {
			tb := md.NewTable("spans")
			expr.NewColumn(tb, "took", expr.Interval)
			return expr.CreateTable(tb)
		}, []string{"column spans.took", "INTERVAL", "mariadb"}},
		{"varchar without length on mysql", "mysql", func(md *expr.MetaData) expr.Statement {
			tb := md.NewTable("s")
			expr.NewColumn(tb, "v", expr.String(0))
			return expr.CreateTable(tb)
		}, []string{"column s.v", "VARCHAR", "mysql"}},
		{"references no table", "postgresql", func(md *expr.MetaData) expr.Statement {
			tb := md.NewTable("child")
			expr.NewColumn(tb, "parent_id", expr.Integer, expr.References("parent.id"))
			return expr.CreateTable(tb)
		}, []string{"child.parent_id", "parent.id", "no table parent"}},
		{"references no column", "postgresql", func(md *expr.MetaData) expr.Statement {
			p := md.NewTable("parent")
			expr.NewColumn(p, "id", expr.Integer)
			tb := md.NewTable("child")
			expr.NewColumn(tb, "parent_id", expr.Integer, expr.References("parent.idd"))
			return expr.CreateTable(tb)
		}, []string{"table parent has no column idd", "(it has id)"}},
		{"reference without a dot", "postgresql", func(md *expr.MetaData) expr.Statement {
			tb := md.NewTable("child")
			expr.NewColumn(tb, "parent_id", expr.Integer, expr.References("parent"))
			return expr.CreateTable(tb)
		}, []string{`references "parent"`, "table.column"}},
		{"bad action", "postgresql", func(md *expr.MetaData) expr.Statement {
			p := md.NewTable("parent")
			id := expr.NewColumn(p, "id", expr.Integer)
			tb := md.NewTable("child")
			expr.NewColumn(tb, "parent_id", expr.Integer, expr.References(id, expr.OnDelete("CASCADE; DROP TABLE x")))
			return expr.CreateTable(tb)
		}, []string{"ON DELETE", `"CASCADE; DROP TABLE x" is not an action`}},
		{"constraint key lengths", "postgresql", func(md *expr.MetaData) expr.Statement {
			p := md.NewTable("parent")
			expr.NewColumn(p, "a", expr.Integer)
			tb := md.NewTable("child", expr.ForeignKeyConstraint([]string{"x", "y"}, "parent", []string{"a"}))
			expr.NewColumn(tb, "x", expr.Integer)
			return expr.CreateTable(tb)
		}, []string{"2 columns reference 1 columns of parent"}},
		{"unique of no column", "sqlite", func(md *expr.MetaData) expr.Statement {
			tb := md.NewTable("t", expr.UniqueConstraint("uq", "nope"))
			expr.NewColumn(tb, "a", expr.Integer)
			return expr.CreateTable(tb)
		}, []string{"unique constraint uq", "table t has no column nope"}},
		{"two primary keys", "sqlite", func(md *expr.MetaData) expr.Statement {
			tb := md.NewTable("t", expr.PrimaryKeyConstraint("", "a"), expr.PrimaryKeyConstraint("", "a"))
			expr.NewColumn(tb, "a", expr.Integer)
			return expr.CreateTable(tb)
		}, []string{"table t declares two primary key constraints"}},
		{"no columns", "sqlite", func(md *expr.MetaData) expr.Statement {
			return expr.CreateTable(md.NewTable("empty"))
		}, []string{"CREATE TABLE empty", "no columns"}},
		{"alias", "sqlite", func(md *expr.MetaData) expr.Statement {
			tb := md.NewTable("t")
			expr.NewColumn(tb, "a", expr.Integer)
			return expr.CreateTable(tb.Alias("u"))
		}, []string{"CREATE TABLE of u", "alias"}},
		{"nil table", "sqlite", func(md *expr.MetaData) expr.Statement {
			return expr.DropTable(nil)
		}, []string{"DROP TABLE of a nil table"}},
		{"enum without values", "postgresql", func(md *expr.MetaData) expr.Statement {
			tb := md.NewTable("t")
			expr.NewColumn(tb, "e", expr.Enum("e_kind"))
			return expr.CreateTable(tb)
		}, []string{"column t.e", "Enum e_kind has no values"}},
		{"empty check", "postgresql", func(md *expr.MetaData) expr.Statement {
			tb := md.NewTable("t", expr.CheckConstraint("ck", " "))
			expr.NewColumn(tb, "a", expr.Integer)
			return expr.CreateTable(tb)
		}, []string{`check constraint "ck" of table t has no condition`}},
		{"no such index", "postgresql", func(md *expr.MetaData) expr.Statement {
			tb := md.NewTable("t", expr.Index("ix_a", "a"))
			expr.NewColumn(tb, "a", expr.Integer)
			return expr.CreateIndex(tb, "ix_b")
		}, []string{"table t has no index ix_b (it has ix_a)"}},
		{"index of no column", "postgresql", func(md *expr.MetaData) expr.Statement {
			tb := md.NewTable("t", expr.Index("ix_a", "b"))
			expr.NewColumn(tb, "a", expr.Integer)
			return expr.CreateIndex(tb, "ix_a")
		}, []string{"index ix_a", "no column b"}},
		{"duplicate index", "postgresql", func(md *expr.MetaData) expr.Statement {
			tb := md.NewTable("t", expr.Index("ix_t_a", "a"))
			expr.NewColumn(tb, "a", expr.Integer, expr.Indexed())
			return expr.CreateIndex(tb, "ix_t_a")
		}, []string{"two indexes named ix_t_a"}},
		{"no such foreign key", "postgresql", func(md *expr.MetaData) expr.Statement {
			tb := md.NewTable("t")
			expr.NewColumn(tb, "a", expr.Integer)
			return expr.AddConstraint(tb, "fk_x")
		}, []string{"table t has no foreign key fk_x (it has none)"}},
		{"add constraint on sqlite", "sqlite", func(md *expr.MetaData) expr.Statement {
			p := md.NewTable("p")
			id := expr.NewColumn(p, "id", expr.Integer)
			tb := md.NewTable("t")
			expr.NewColumn(tb, "p_id", expr.Integer, expr.References(id))
			return expr.AddConstraint(tb, "fk_t_p_id_p")
		}, []string{"SQLite has no ALTER TABLE ADD CONSTRAINT"}},
		{"duplicate table", "sqlite", func(md *expr.MetaData) expr.Statement {
			tb := md.NewTable("t")
			expr.NewColumn(tb, "a", expr.Integer)
			md.NewTable("t")
			return expr.CreateTable(tb)
		}, []string{"table t is declared twice"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			md := expr.NewMetaData()
			stmt := tc.build(md)
			d := lookup(t, tc.dialect)
			_, err := expr.Compile(d, dialect.Version{}, stmt)
			if err == nil {
				t.Fatalf("compiled without an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			// CreateAll runs nothing of a MetaData with that table.
			if _, isCreate := stmt.(*expr.CreateTableStmt); isCreate && tc.name != "alias" {
				rec := &recorder{d: d}
				if err := expr.CreateAll(context.Background(), rec, md, expr.CheckFirst(false)); err == nil {
					t.Errorf("CreateAll succeeded")
				}
				if len(rec.out) > 0 {
					t.Errorf("CreateAll ran statements before failing:\n%s", rec.script())
				}
			}
		})
	}
}

func TestDDLUnsupportedIsSentinel(t *testing.T) {
	md := expr.NewMetaData()
	tb := md.NewTable("t")
	expr.NewColumn(tb, "took", expr.Interval)
	_, err := expr.Compile(lookup(t, "mysql"), dialect.Version{}, expr.CreateTable(tb))
	if !errors.Is(err, expr.ErrUnsupported) {
		t.Errorf("INTERVAL on MySQL: %v does not wrap ErrUnsupported", err)
	}
	if _, err := expr.Compile(lookup(t, "postgresql"), dialect.Version{}, expr.CreateTable(tb)); err != nil {
		t.Errorf("INTERVAL on PostgreSQL: %v", err)
	}
}

func TestLongGeneratedNames(t *testing.T) {
	md := expr.NewMetaData()
	long := strings.Repeat("a_very_long_table_name_", 4)
	p := md.NewTable(long + "p")
	id := expr.NewColumn(p, "id", expr.Integer, expr.PrimaryKey())
	expr.NewColumn(p, "c_id", expr.Integer, expr.References(long+"c.id"))
	c := md.NewTable(long + "c")
	expr.NewColumn(c, "id", expr.Integer, expr.PrimaryKey())
	expr.NewColumn(c, "p_id", expr.Integer, expr.References(id), expr.Indexed())
	rec := &recorder{d: lookup(t, "postgresql")}
	if err := expr.CreateAll(context.Background(), rec, md, expr.CheckFirst(false)); err != nil {
		t.Fatal(err)
	}
	last := rec.out[len(rec.out)-1]
	name := strings.Fields(last)[5]
	if !strings.HasPrefix(last, "ALTER TABLE") || len(name) > 60 {
		t.Errorf("the deferred key's name %q (in %s) is longer than 60", name, last)
	}
	for _, s := range rec.out {
		if strings.HasPrefix(s, "CREATE INDEX") && len(strings.Fields(s)[2]) > 60 {
			t.Errorf("index name too long: %s", s)
		}
	}
}
