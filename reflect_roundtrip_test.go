package alchemy_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/go-alchemy/alchemy/expr"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// rtColumn is a column of the round trip: declared with these properties, it must
// be reflected with them. def is written in the normal form the Inspector gives.
type rtColumn struct {
	name     string
	typ      expr.SQLType
	pk       bool
	nullable bool
	def      string // "" for none
	comment  string
}

// TestReflectRoundTrip: CreateAll, then Reflect, gives the schema that was declared
// (types compared as each dialect writes them, so int4 and integer are one type;
// defaults in their normal form).
func TestReflectRoundTrip(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, tg testdb.Target) {
		t.Parallel()
		eng := newEngine(t, tg.URL)
		ctx := context.Background()
		in := expr.Inspect(eng)
		schema := ""
		if tg.Name == testdb.PostgreSQL {
			schema = uniqueName("rt")
			mustExec(t, eng, "create schema "+schema)
			t.Cleanup(func() { mustExec(t, eng, "drop schema "+schema+" cascade") })
		}
		p := uniqueName("rt")
		parentName, childName := p+"_parent", p+"_child"
		child := []rtColumn{
			{name: "a", typ: expr.Integer.SQL(), pk: true},
			{name: "b", typ: expr.String(10).SQL(), pk: true},
			{name: "parent_id", typ: expr.Integer.SQL(), nullable: true},
			{name: "big", typ: expr.BigInteger.SQL(), def: "7"},
			{name: "small", typ: expr.SmallInteger.SQL(), nullable: true},
			{name: "flag", typ: expr.Boolean.SQL(), nullable: true},
			{name: "price", typ: expr.Numeric(10, 2).SQL(), nullable: true, def: "1.50"},
			{name: "ratio", typ: expr.Float.SQL(), nullable: true},
			{name: "note", typ: expr.TextType.SQL(), nullable: true},
			{name: "name", typ: expr.String(50).SQL(), nullable: true, def: "'it''s'", comment: "the name"},
			{name: "born", typ: expr.Date.SQL(), nullable: true},
			{name: "at", typ: expr.Time.SQL(), nullable: true},
			{name: "created", typ: expr.DateTime(false).SQL(), nullable: true},
			{name: "data", typ: expr.LargeBinary.SQL(), nullable: true},
			{name: "doc", typ: expr.JSON.SQL(), nullable: true},
			{name: "uid", typ: expr.UUID.SQL(), nullable: true},
		}
		md := expr.NewMetaData()
		var sopt []expr.TableOption
		if schema != "" {
			sopt = append(sopt, expr.Schema(schema))
		}
		parent := md.NewTable(parentName, append(sopt, expr.TableComment("the parents"))...)
		expr.NewColumn(parent, "id", expr.Integer, expr.PrimaryKey())
		expr.NewColumn(parent, "code", expr.String(20), expr.NotNull(), expr.Unique())
		ref := parentName + ".id"
		if schema != "" {
			ref = schema + "." + ref
		}
		ct := md.NewTable(childName, append(sopt,
			expr.TableComment("the children"),
			expr.UniqueConstraint("uq_"+p, "name", "born"),
			expr.CheckConstraint("ck_"+p, "price >= 0"),
			expr.Index("ix_"+p, "small", "big"))...)
		for _, c := range child {
			var o []expr.ColumnOption
			if c.pk {
				o = append(o, expr.PrimaryKey())
			} else if !c.nullable {
				o = append(o, expr.NotNull())
			}
			if c.def != "" {
				o = append(o, expr.ServerDefault(c.def))
			}
			if c.comment != "" {
				o = append(o, expr.Comment(c.comment))
			}
			if c.name == "parent_id" {
				o = append(o, expr.References(ref, expr.OnDelete("CASCADE"), expr.ConstraintName("fk_"+p)))
			}
			expr.NewColumn(ct, c.name, expr.Typed[any](c.typ), o...)
		}
		if err := expr.CreateAll(ctx, eng, md); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := expr.DropAll(context.Background(), eng, md); err != nil {
				t.Errorf("DropAll: %v", err)
			}
		})

		back := expr.NewMetaData()
		if err := expr.Reflect(ctx, eng, back, expr.ReflectSchema(schema), expr.ReflectOnly(parentName, childName)); err != nil {
			t.Fatal(err)
		}
		d := in.Dialect() // mariadb for a mysql:// URL on MariaDB, now that Reflect ran
		key := childName
		if schema != "" {
			key = schema + "." + childName
		}
		rt, ok := back.Table(key)
		if !ok {
			t.Fatalf("Reflect declared no %s: %v", key, back.Tables())
		}
		cols := rt.Columns()
		if len(cols) != len(child) {
			t.Fatalf("reflected %d columns, declared %d", len(cols), len(child))
		}
		infos, err := in.Columns(ctx, childName, schema)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range child {
			want, err := c.typ.SQLFor(d)
			if err != nil {
				t.Fatal(err)
			}
			got, err := cols[i].Type().SQL().SQLFor(d)
			if err != nil || cols[i].Name() != c.name || got != want {
				t.Errorf("column %d = %s %s (%v), declared %s %s", i, cols[i].Name(), got, err, c.name, want)
			}
			info := infos[i]
			if info.Nullable != c.nullable {
				t.Errorf("column %s nullable = %v, declared %v", c.name, info.Nullable, c.nullable)
			}
			gotDef := ""
			if info.Default != nil {
				gotDef = *info.Default
			}
			if gotDef != c.def {
				t.Errorf("column %s default = %q, declared %q", c.name, gotDef, c.def)
			}
			wantComment := c.comment
			if tg.Name == testdb.SQLite {
				wantComment = ""
			}
			if info.Comment != wantComment {
				t.Errorf("column %s comment = %q, declared %q", c.name, info.Comment, wantComment)
			}
		}
		pk, err := in.PrimaryKey(ctx, childName, schema)
		if err != nil || !slices.Equal(pk.Columns, []string{"a", "b"}) {
			t.Errorf("primary key = %+v, %v; declared [a b]", pk, err)
		}
		fks, err := in.ForeignKeys(ctx, childName, schema)
		wantFK := expr.ForeignKeyInfo{Name: "fk_" + p, Columns: []string{"parent_id"}, ReferredTable: parentName,
			ReferredColumns: []string{"id"}, OnDelete: "CASCADE"}
		if err != nil || len(fks) != 1 || fmt.Sprint(fks[0]) != fmt.Sprint(wantFK) {
			t.Errorf("foreign keys = %+v, %v; declared %+v", fks, err, wantFK)
		}
		uqs, err := in.UniqueConstraints(ctx, childName, schema)
		if err != nil || len(uqs) != 1 || uqs[0].Name != "uq_"+p || !slices.Equal(uqs[0].Columns, []string{"name", "born"}) {
			t.Errorf("unique constraints = %+v, %v", uqs, err)
		}
		cks, err := in.CheckConstraints(ctx, childName, schema)
		if err != nil || len(cks) != 1 || cks[0].Name != "ck_"+p {
			t.Errorf("check constraints = %+v, %v", cks, err)
		}
		idx, err := in.Indexes(ctx, childName, schema)
		found := false
		for _, ix := range idx {
			found = found || ix.Name == "ix_"+p && slices.Equal(ix.Columns, []string{"small", "big"}) && !ix.Unique
		}
		if err != nil || !found {
			t.Errorf("indexes = %+v, %v; want ix_%s on (small, big)", idx, err, p)
		}
		if c, err := in.TableComment(ctx, childName, schema); err != nil || tg.Name != testdb.SQLite && c != "the children" {
			t.Errorf("table comment = %q, %v", c, err)
		}
		pcols, err := in.Columns(ctx, parentName, schema)
		if err != nil || len(pcols) != 2 || !pcols[0].Autoincrement || pcols[1].Nullable {
			t.Errorf("parent's columns = %+v, %v; want id autoincrement and code not null", pcols, err)
		}
	}, testdb.SQLite, testdb.PostgreSQL, testdb.MySQL)
}
